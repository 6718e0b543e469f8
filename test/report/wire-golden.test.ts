/**
 * What goes on the wire to Application Insights, compared with a recording (wire-golden.json)
 * made with the full `applicationinsights` TelemetryClient (`require('applicationinsights')`, its
 * global setup code loaded) before the reporter was cut down to the modules it uses (issue 17).
 * Every envelope of a timer run (availability results, MonitorRun, SecretExpiring), of an HTTP run
 * and of a bad configuration (an exception) is compared as JSON text, tags and SDK version
 * included, after masking only what changes from run to run: times, ids, durations and timings,
 * the host name, the simulator's ports, Node's major version and the exception's stack frames (file paths and line numbers).
 *
 * `UPDATE_WIRE_GOLDEN=1` rewrites the recording: only when a change of the telemetry is intended.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { HttpRequest, InvocationContext } from '@azure/functions';
import { checkHttp } from '../../functions/check-http';
import { checkTimer } from '../../functions/check-timer';
import type { Envelope } from '../../sim/ingestion-server';
import { GOLDEN_FILE, normalise } from './wire-normalise';
import { reportingEnv, startTelemetryWorld, type TelemetryWorld } from './telemetry-fixture';

const GOLDEN = GOLDEN_FILE;
let world: TelemetryWorld;
const saved = { ...process.env };

beforeAll(async () => {
  world = await startTelemetryWorld();
});

afterAll(async () => {
  process.env = saved;
  await world?.stop();
});

const timer = { isPastDue: false, schedule: { adjustForDST: false }, scheduleStatus: { last: '', next: '', lastUpdated: '' } };
const context = () => new InvocationContext({ invocationId: 'golden', functionName: 'golden', logHandler: () => undefined });

function envelopes(): Envelope[] {
  return world.ingestion.bodies.flatMap((body) => JSON.parse(body) as Envelope[]);
}

describe('the telemetry on the wire is what the full SDK sent', () => {
  beforeEach(() => {
    process.env = { ...saved, ...world.tenant.identityEnv, ...reportingEnv(world.ingestion.connectionString), MAILBOX_HEALTH_CONFIG: JSON.stringify(world.config), HTTP_MIN_INTERVAL_SECONDS: '0', REGION_NAME: 'West Europe', WEBSITE_SITE_NAME: 'func-golden', WEBSITE_INSTANCE_ID: 'instance-1' };
    world.ingestion.envelopes.length = 0;
    world.ingestion.bodies.length = 0;
  });

  it('a timer run, an HTTP run and a bad configuration: every envelope, byte for byte but for times, ids and timings', async () => {
    await checkTimer(timer, context());
    await checkHttp(new HttpRequest({ method: 'GET', url: 'https://fn.example/api/check' }), context());
    process.env.MAILBOX_HEALTH_CONFIG = '{"apps": []}';
    await expect(checkTimer(timer, context())).rejects.toThrow();
    const actual = JSON.stringify(normalise(envelopes()), null, 1);
    if (process.env.UPDATE_WIRE_GOLDEN === '1' || !existsSync(GOLDEN)) writeFileSync(GOLDEN, `${actual}\n`);
    expect(actual).toBe(readFileSync(GOLDEN, 'utf8').trimEnd());
  });

  it('the comparison sees a changed value: one property renamed fails it', () => {
    const recorded = JSON.parse(readFileSync(GOLDEN, 'utf8')) as { data: { baseData: { properties?: Record<string, string> } } }[];
    const changed = structuredClone(recorded);
    const props = changed.find((e) => e.data.baseData.properties?.trigger)!.data.baseData.properties!;
    props.triggerKind = props.trigger!;
    delete props.trigger;
    expect(JSON.stringify(changed, null, 1)).not.toBe(readFileSync(GOLDEN, 'utf8').trimEnd());
  });
});
