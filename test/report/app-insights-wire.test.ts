/**
 * What the real `applicationinsights` SDK puts on the wire, captured by a local HTTPS ingestion
 * endpoint, for runs of the timer and HTTP handlers called as the Functions host calls them (no
 * local host exists) against the simulated tenant.
 */
import { hostname } from 'node:os';
import { HttpRequest, InvocationContext } from '@azure/functions';
import { checkHttp } from '../../functions/check-http';
import { checkTimer } from '../../functions/check-timer';
import * as probe from '../../shared/imap/probe';
import { EVENTS, MEASUREMENTS, PROPS, testName } from '../../shared/report/telemetry-names';
import { closedPort } from '../e2e/net-helpers';
import { catalogueScenario, clientOf, TENANT } from '../e2e/catalogue';
import { AVAILABILITY, EXCEPTION, SHARED_SECRET_MAILBOXES, eventsNamed, expectNoSecrets, ofType, reportingEnv, startTelemetryWorld, type TelemetryWorld } from './telemetry-fixture';

let world: TelemetryWorld;
const saved = { ...process.env };

beforeAll(async () => {
  world = await startTelemetryWorld();
});

afterAll(async () => {
  process.env = saved;
  await world?.stop();
});

beforeEach(() => {
  process.env = { ...saved, ...world.tenant.identityEnv, ...reportingEnv(world.ingestion.connectionString), MAILBOX_HEALTH_CONFIG: JSON.stringify(world.config), HTTP_MIN_INTERVAL_SECONDS: '0' };
  world.ingestion.mode = 'accept';
  world.ingestion.envelopes.length = 0;
  world.ingestion.bodies.length = 0;
});

function context(): { context: InvocationContext; logs: [string, string][] } {
  const logs: [string, string][] = [];
  return { context: new InvocationContext({ invocationId: 'test', functionName: 'checkTimer', logHandler: (level, ...args) => logs.push([level, args.join(' ')]) }), logs };
}

const timer = { isPastDue: false, schedule: { adjustForDST: false }, scheduleStatus: { last: '', next: '', lastUpdated: '' } };
const all = [...['ok1', 'backlog', 'nogrant'], ...SHARED_SECRET_MAILBOXES];

describe('a timer run in Application Insights', () => {
  it('one availability result per mailbox with the fields an admin reads, one MonitorRun, one SecretExpiring per credential', async () => {
    process.env.REGION_NAME = 'West Europe';
    await checkTimer(timer, context().context);
    const availability = ofType(world.ingestion.envelopes, AVAILABILITY);
    expect(availability.map((a) => a.name).sort()).toEqual(all.map(testName).sort());
    // Filed under the tool's cloud role and this host, not the SDK's `unknown_service:node`.
    expect(new Set(world.ingestion.envelopes.map((e) => `${e.tags?.['ai.cloud.role']} @ ${e.tags?.['ai.cloud.roleInstance']}`))).toEqual(new Set([`m365-mailbox-health @ ${hostname()}`]));
    const byName = Object.fromEntries(availability.map((a) => [a.name, a]));
    const runId = byName['mailbox:ok1']!.properties!.runId;
    expect(runId).toMatch(/^[0-9a-f-]{36}$/);

    const ok = byName['mailbox:ok1']!;
    expect(ok).toMatchObject({ success: true, runLocation: 'West Europe', message: 'ok', duration: expect.stringMatching(/^00:00:\d\d\.\d{3}$/) });
    expect(ok.properties).toMatchObject({ [PROPS.trigger]: 'timer', [PROPS.app]: 'good', [PROPS.address]: 'ok1@catalogue.example', [PROPS.tenantId]: TENANT, [PROPS.clientId]: clientOf('good'), [PROPS.status]: 'ok', [PROPS.host]: hostname() });
    expect(ok.properties).not.toHaveProperty(PROPS.code);
    // secretDaysLeft on every mailbox whose vault secret has an expiry, not only on a warning.
    expect(Object.keys(ok.measurements!).sort()).toEqual(['authMs', 'connectMs', 'folderMs', 'logoutMs', 'messages', 'secretMs', 'tokenMs', 'unseen', 'oldestUnseenMinutes', MEASUREMENTS.secretDaysLeft].sort());
    expect(ok.measurements![MEASUREMENTS.secretDaysLeft]).toBeGreaterThan(30);
    expect(ok.measurements).toMatchObject({ messages: 2, unseen: 1, oldestUnseenMinutes: 7 });

    const degraded = byName['mailbox:backlog']!;
    expect(degraded).toMatchObject({ success: true, message: 'MAILBOX_BACKLOG' });
    expect(degraded.properties).toMatchObject({ [PROPS.status]: 'degraded', [PROPS.warnings]: 'MAILBOX_BACKLOG', [PROPS.remedy]: expect.stringContaining('MAILBOX_BACKLOG: ') });
    expect(degraded.measurements).toMatchObject({ unseen: 30 });

    const failed = byName['mailbox:nogrant']!;
    expect(failed).toMatchObject({ success: false, message: expect.stringMatching(/^IMAP_AUTH_FAILED in auth: /) });
    expect(failed.properties).toMatchObject({ [PROPS.code]: 'IMAP_AUTH_FAILED', [PROPS.phase]: 'auth', [PROPS.kind]: 'permission', [PROPS.runId]: runId, [PROPS.remedy]: expect.stringContaining("Add-MailboxPermission -Identity 'nogrant@catalogue.example'") });
    // Phases not reached are absent, not zero.
    expect(failed.measurements).toHaveProperty('connectMs');
    expect(failed.measurements).not.toHaveProperty('folderMs');
    expect(failed.measurements).not.toHaveProperty(MEASUREMENTS.unseen);

    const expiring = byName['mailbox:exp3']!;
    expect(expiring).toMatchObject({ success: true, message: 'SECRET_EXPIRING' });
    expect(expiring.measurements![MEASUREMENTS.secretDaysLeft]).toBeGreaterThanOrEqual(4);

    const runs = eventsNamed(world.ingestion.envelopes, EVENTS.monitorRun);
    expect(runs).toHaveLength(1);
    expect(runs[0]!.properties).toMatchObject({ runId, trigger: 'timer', status: 'failed', location: 'West Europe', version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
    expect(runs[0]!.measurements).toMatchObject({ total: 8, ok: 1, degraded: 6, failed: 1, internal: 0, durationMs: expect.any(Number) });

    const secrets = eventsNamed(world.ingestion.envelopes, EVENTS.secretExpiring);
    expect(secrets).toHaveLength(1);
    expect(secrets[0]!.properties).toMatchObject({ runId, code: 'SECRET_EXPIRING', app: 'expiring', clientId: clientOf('expiring'), secretName: 'expiring-secret', vault: world.tenant.vault.url, expiresOn: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), mailboxes: SHARED_SECRET_MAILBOXES.join(',') });
    expect(secrets[0]!.measurements!.daysLeft).toBeGreaterThanOrEqual(4);
    expect(ofType(world.ingestion.envelopes, EXCEPTION)).toEqual([]);
    expectNoSecrets(world.ingestion.bodies.join('\n'));
  });

  it('a bug in the monitor (INTERNAL) is an exception and no availability result; the other mailboxes report as usual', async () => {
    const spy = jest.spyOn(probe, 'probeImap').mockImplementation(async (mailbox, ...rest) => {
      if (mailbox.address === 'ok1@catalogue.example') throw new TypeError("Cannot read properties of undefined (reading 'unseen')");
      spy.mockRestore();
      return probe.probeImap(mailbox, ...rest);
    });
    try {
      await checkTimer(timer, context().context);
    } finally {
      spy.mockRestore();
    }
    const availability = ofType(world.ingestion.envelopes, AVAILABILITY);
    expect(availability.map((a) => a.name)).not.toContain('mailbox:ok1');
    expect(availability).toHaveLength(all.length - 1);
    const exceptions = ofType(world.ingestion.envelopes, EXCEPTION);
    expect(exceptions).toHaveLength(1);
    expect(exceptions[0]).toMatchObject({ properties: { code: 'INTERNAL', mailbox: 'ok1', trigger: 'timer' }, exceptions: [{ typeName: 'MonitorInternalError', message: expect.stringContaining("reading 'unseen'") }] });
    expect(eventsNamed(world.ingestion.envelopes, EVENTS.monitorRun)[0]!.measurements).toMatchObject({ internal: 1 });
  });

  it('a bad configuration is one CONFIG_INVALID exception, no availability results, and the timer invocation fails', async () => {
    process.env.MAILBOX_HEALTH_CONFIG = '{"apps": []}';
    await expect(checkTimer(timer, context().context)).rejects.toThrow('$.apps: must list at least one app');
    expect(ofType(world.ingestion.envelopes, AVAILABILITY)).toEqual([]);
    expect(ofType(world.ingestion.envelopes, EXCEPTION)).toMatchObject([{ properties: { code: 'CONFIG_INVALID', phase: 'config', trigger: 'timer' } }]);
  });
});

describe('an HTTP run in Application Insights', () => {
  it('the same names, with trigger http; in Azure the cloud role is the Function App and the instance its worker', async () => {
    Object.assign(process.env, { WEBSITE_SITE_NAME: 'func-mailbox-health-prod', WEBSITE_INSTANCE_ID: 'a1b2c3d4e5f6' });
    const response = await checkHttp(new HttpRequest({ method: 'GET', url: 'https://fn.example/api/check' }), context().context);
    expect(response.status).toBe(503);
    const availability = ofType(world.ingestion.envelopes, AVAILABILITY);
    expect(availability.map((a) => a.name).sort()).toEqual(all.map(testName).sort());
    expect(new Set(availability.map((a) => a.properties!.trigger))).toEqual(new Set(['http']));
    expect(new Set(world.ingestion.envelopes.map((e) => `${e.tags?.['ai.cloud.role']} @ ${e.tags?.['ai.cloud.roleInstance']}`))).toEqual(new Set(['func-mailbox-health-prod @ a1b2c3d4e5f6']));
    expect(eventsNamed(world.ingestion.envelopes, EVENTS.monitorRun)).toMatchObject([{ properties: { trigger: 'http' } }]);
    expect(eventsNamed(world.ingestion.envelopes, EVENTS.secretExpiring)).toHaveLength(1);
  });
});

describe('Entra ID ingestion (APPLICATIONINSIGHTS_AUTHENTICATION_STRING), as infra/ deploys it', () => {
  it("sends with a bearer token of the Function App's user-assigned identity for Azure Monitor; a wrong form is named", async () => {
    const identity = catalogueScenario().monitorIdentity;
    process.env.APPLICATIONINSIGHTS_AUTHENTICATION_STRING = `Authorization=AAD;ClientId=${identity.clientId}`;
    // A new setting value builds a new sink: this one authenticates.
    await checkTimer(timer, context().context);
    expect(ofType(world.ingestion.envelopes, AVAILABILITY)).toHaveLength(all.length);
    const bearer = world.ingestion.authorizations.at(-1)!;
    expect(bearer).toMatch(/^Bearer eyJ/);
    const claims = JSON.parse(Buffer.from(bearer.split('.')[1]!, 'base64url').toString('utf8')) as { aud: string; appid?: string; azp?: string };
    expect(claims.aud).toMatch(/^https:\/\/monitor\.azure\.com\/?$/);
    expect(world.tenant.identity.stats.resources).toContainEqual(expect.stringMatching(/^https:\/\/monitor\.azure\.com/));
    // The token authorises ingestion; it is never inside the telemetry itself.
    expectNoSecrets(world.ingestion.bodies.join('\n'));

    process.env.APPLICATIONINSIGHTS_AUTHENTICATION_STRING = 'Authorization=Key';
    const { context: ctx, logs } = context();
    await checkTimer(timer, ctx);
    expect(logs).toContainEqual(['warning', expect.stringContaining('APPLICATIONINSIGHTS_AUTHENTICATION_STRING: expected "Authorization=AAD"')]);
  });
});

describe('an ingestion endpoint that is down never fails or delays a run beyond the flush timeout', () => {
  async function timedRun(): Promise<{ ms: number; logs: [string, string][] }> {
    process.env.TELEMETRY_FLUSH_TIMEOUT_SECONDS = '1';
    const { context: ctx, logs } = context();
    const started = Date.now();
    await checkTimer(timer, ctx);
    const ms = Date.now() - started;
    const runMs = Number(/^run .* in (\d+) ms$/.exec(logs.find(([, text]) => text.startsWith('run '))![1])![1]);
    return { ms: ms - runMs, logs };
  }

  it('refusing connections: the results are logged as usual and delivery gives up after the timeout', async () => {
    process.env.APPLICATIONINSIGHTS_CONNECTION_STRING = `InstrumentationKey=00000000-0000-4000-8000-0000000a1b1c;IngestionEndpoint=https://127.0.0.1:${await closedPort()}/`;
    const { ms, logs } = await timedRun();
    expect(logs.find(([, text]) => text.startsWith('nogrant'))).toEqual(['error', expect.stringContaining('nogrant failed IMAP_AUTH_FAILED')]);
    expect(logs.find(([, text]) => text.startsWith('ok1'))).toEqual(['information', 'ok1 ok']);
    // Unbounded, the SDK retries for ~6 s here (docs/SDK-FACTS.md).
    expect(ms).toBeLessThan(1000 + 1500);
    expect(logs.at(-1)).toEqual(['warning', expect.stringMatching(/^telemetry: applicationinsights: flush not finished within \d+ ms$/)]);
  });

  it('accepting and never answering: the same', async () => {
    world.ingestion.mode = 'hang';
    const { ms, logs } = await timedRun();
    expect(logs.find(([, text]) => text.startsWith('ok1'))).toEqual(['information', 'ok1 ok']);
    expect(world.ingestion.requests).toBeGreaterThan(0);
    expect(ms).toBeLessThan(1000 + 1500);
    expect(logs.at(-1)).toEqual(['warning', expect.stringMatching(/^telemetry: applicationinsights: flush not finished within \d+ ms$/)]);
  });
});
