/**
 * `mailbox-health check` on a box without Azure, reporting to Application Insights because
 * APPLICATIONINSIGHTS_CONNECTION_STRING is set: the CLI run as a child process against the
 * simulated tenant, the real SDK sending to a local HTTPS ingestion endpoint. And the other side:
 * without the setting, and for `validate`, the SDK is never even loaded.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EVENTS, testName } from '../../shared/report/telemetry-names';
import { closedPort } from '../e2e/net-helpers';
import { runCli } from '../e2e/cli-process';
import { AVAILABILITY, EXCEPTION, SHARED_SECRET_MAILBOXES, eventsNamed, expectNoSecrets, ofType, reportingEnv, startTelemetryWorld, type TelemetryWorld } from './telemetry-fixture';

let world: TelemetryWorld;
let dir: string;
let configFile: string;
let probe: string;

beforeAll(async () => {
  world = await startTelemetryWorld();
  dir = mkdtempSync(join(tmpdir(), 'cli-appinsights-'));
  configFile = join(dir, 'mailboxes.json');
  writeFileSync(configFile, JSON.stringify(world.config));
  // Loaded into the CLI with --require: says at exit how many of the SDK's modules were loaded.
  probe = join(dir, 'sdk-probe.js');
  writeFileSync(probe, "process.on('exit', () => require('fs').writeSync(2, `\\nSDK_MODULES_LOADED=${Object.keys(require.cache).filter((k) => /[\\\\/]node_modules[\\\\/]applicationinsights[\\\\/]/.test(k)).length}\\n`));\n");
});

afterAll(async () => {
  await world?.stop();
});

beforeEach(() => {
  world.ingestion.mode = 'accept';
  world.ingestion.envelopes.length = 0;
  world.ingestion.bodies.length = 0;
});

const baseEnv = () => ({ ...world.tenant.identityEnv, APPLICATIONINSIGHTS_CONNECTION_STRING: '', NODE_OPTIONS: `--require ${probe}` });
const sdkModules = (stderr: string) => Number(/SDK_MODULES_LOADED=(\d+)/.exec(stderr)?.[1] ?? NaN);

describe('check with APPLICATIONINSIGHTS_CONNECTION_STRING', () => {
  it('reports every mailbox, one MonitorRun and one SecretExpiring with trigger cli; exit code as without it', async () => {
    const run = await runCli(['check', '--config', configFile], { ...baseEnv(), ...reportingEnv(world.ingestion.connectionString) });
    expect(run.code).toBe(2);
    expect(run.stdout).toContain('8 mailbox(es): 1 ok, 6 degraded, 1 failed');
    expect(sdkModules(run.stderr)).toBeGreaterThan(0);
    const availability = ofType(world.ingestion.envelopes, AVAILABILITY);
    expect(availability.map((a) => a.name).sort()).toEqual(['ok1', 'backlog', 'nogrant', ...SHARED_SECRET_MAILBOXES].map(testName).sort());
    expect(availability.find((a) => a.name === 'mailbox:nogrant')).toMatchObject({ success: false, properties: { code: 'IMAP_AUTH_FAILED', trigger: 'cli' } });
    expect(eventsNamed(world.ingestion.envelopes, EVENTS.monitorRun)).toMatchObject([{ properties: { trigger: 'cli' }, measurements: { total: 8 } }]);
    expect(eventsNamed(world.ingestion.envelopes, EVENTS.secretExpiring)).toHaveLength(1);
    expectNoSecrets(world.ingestion.bodies.join('\n'));
  });

  it('a bad config is exit 3 and one CONFIG_INVALID exception, no availability results', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"apps": []}');
    const run = await runCli(['check', '--config', bad], { ...baseEnv(), ...reportingEnv(world.ingestion.connectionString) });
    expect(run.code).toBe(3);
    expect(ofType(world.ingestion.envelopes, AVAILABILITY)).toEqual([]);
    expect(ofType(world.ingestion.envelopes, EXCEPTION)).toMatchObject([{ properties: { code: 'CONFIG_INVALID', trigger: 'cli' } }]);
  });

  it('an ingestion endpoint that never answers, or refuses, delays the end by at most the flush timeout', async () => {
    world.ingestion.mode = 'hang';
    const hanging = await runCli(['check', '--config', configFile, '--json'], { ...baseEnv(), ...reportingEnv(world.ingestion.connectionString, 0.5) });
    const refusing = `InstrumentationKey=00000000-0000-4000-8000-0000000a1b1c;IngestionEndpoint=https://127.0.0.1:${await closedPort()}/`;
    const refused = await runCli(['check', '--config', configFile, '--json'], { ...baseEnv(), ...reportingEnv(refusing, 0.5) });
    for (const run of [hanging, refused]) {
      expect(run.code).toBe(2);
      expect(JSON.parse(run.stdout)).toMatchObject({ counts: { total: 8, failed: 1 } });
      expect(run.stderr).toMatch(/telemetry: applicationinsights: flush not finished within \d+ ms/);
      // From the report on stdout (the run is over, delivery starts) to the process's end: the
      // 0.5 s flush timeout plus slack for a loaded machine. Unbounded, the SDK retries ~6 s against
      // a refusing endpoint and waits minutes on a hanging one.
      expect(run.afterOutputMs).toBeLessThan(500 + 3500);
    }
  });
});

describe('the SDK is loaded only to report', () => {
  it('validate and a check without the setting never load it', async () => {
    const validate = await runCli(['validate', '--config', configFile], { ...baseEnv(), ...reportingEnv(world.ingestion.connectionString) });
    expect(validate.code).toBe(0);
    expect(sdkModules(validate.stderr)).toBe(0);
    const check = await runCli(['check', '--config', configFile, '--mailbox', 'ok1'], baseEnv());
    expect(check.code).toBe(0);
    expect(sdkModules(check.stderr)).toBe(0);
    expect(world.ingestion.requests).toBeGreaterThan(0); // from earlier tests: the probe itself works
  });
});
