/**
 * Issue 10: telemetry the ingestion endpoint did not take is said so, like any other delivery
 * failure. The real `applicationinsights` SDK resolves its flush whatever happened on the wire (a
 * refused connection, a 503 it gave up on, a 400 or 403 it dropped), so the run looked delivered.
 * Through the wire: the timer handler called as the Functions host calls it, reporting to a local
 * HTTPS ingestion endpoint (or a port nobody listens on), with a flush timeout long enough for the
 * SDK to finish its own retries — the case where its flush resolves.
 */
import { IngestionWatch } from '../../shared/report/ingestion-watch';
import { trustedSimCa } from '../../sim/ca';
import { startIngestionServer, TEST_INSTRUMENTATION_KEY } from '../../sim/ingestion-server';
import { closedPort } from '../e2e/net-helpers';
import { reportingEnv, startTelemetryWorld, timedTimerRun, type TelemetryWorld } from './telemetry-fixture';

const FLUSH_S = 20;
let world: TelemetryWorld;
const saved = { ...process.env };
const stops: (() => Promise<void>)[] = [];
const rows: string[] = [];

beforeAll(async () => {
  world = await startTelemetryWorld();
}, 60_000);

afterAll(async () => {
  process.stdout.write(`\ningestion failures the SDK's flush resolves (flush timeout ${FLUSH_S} s):\n| ingestion | flush ms | warning |\n|---|---|---|\n${rows.join('\n')}\n`);
  process.env = saved;
  await Promise.all([...stops.map((s) => s()), world?.stop()]);
});

/** checkTimer against `connectionString`: the telemetry warnings it logged, and how long after its report it ended. */
async function timerRun(connectionString: string): Promise<{ warnings: string[]; afterReportMs: number }> {
  process.env = { ...saved, ...world.tenant.identityEnv, ...reportingEnv(connectionString, FLUSH_S), MAILBOX_HEALTH_CONFIG: JSON.stringify(world.config) };
  const { warnings, reported, afterReportMs } = await timedTimerRun('ingestion-loss');
  expect(reported).toBe(true);
  return { warnings: warnings.filter((w) => w.startsWith('telemetry: ')), afterReportMs };
}

async function endpoint(refuse?: { status: number }): Promise<{ connectionString: string; requests: () => number }> {
  const ingestion = await startIngestionServer(trustedSimCa());
  stops.push(ingestion.stop);
  ingestion.refuse = refuse;
  return { connectionString: ingestion.connectionString, requests: () => ingestion.requests };
}

describe('#10 telemetry the ingestion endpoint did not take is reported as a delivery warning', () => {
  it('#10 accepted: no warning', async () => {
    const { connectionString, requests } = await endpoint();
    const o = await timerRun(connectionString);
    rows.push(`| accepts | ${o.afterReportMs} | — |`);
    expect(requests()).toBeGreaterThan(0);
    expect(o.warnings).toEqual([]);
  }, 60_000);

  const LOST = /^telemetry: applicationinsights: ingestion did not accept the telemetry: (\d+) of (\d+) request\(s\) failed \(last: (.*)\).*; offline storage is off: it is lost$/;

  it('#10 connection refused: the SDK gives up within the flush timeout and its flush resolves; the warning says the telemetry was lost', async () => {
    const o = await timerRun(`InstrumentationKey=${TEST_INSTRUMENTATION_KEY};IngestionEndpoint=https://127.0.0.1:${await closedPort()}/`);
    rows.push(`| refuses connections | ${o.afterReportMs} | ${o.warnings.join('; ')} |`);
    // Not the flush timeout: the SDK's own flush resolved (after its retries), and said nothing.
    expect(o.afterReportMs).toBeLessThan(FLUSH_S * 1000);
    expect(o.warnings).toHaveLength(1);
    expect(LOST.exec(o.warnings[0]!)?.[3]).toMatch(/ECONNREFUSED/);
  }, 60_000);

  it.each([
    ['400 (a request it will not take)', 400],
    ['403 (the identity may not publish: Monitoring Metrics Publisher missing)', 403],
    ['503 always (the SDK retries, then gives up)', 503],
  ])('#10 answers %s: the warning names the status', async (fault, status) => {
    const { connectionString, requests } = await endpoint({ status });
    const o = await timerRun(connectionString);
    rows.push(`| answers ${fault} | ${o.afterReportMs} | ${o.warnings.join('; ')} |`);
    expect(requests()).toBeGreaterThan(0);
    expect(o.afterReportMs).toBeLessThan(FLUSH_S * 1000);
    expect(o.warnings).toHaveLength(1);
    expect(LOST.exec(o.warnings[0]!)?.[3]).toBe(`HTTP ${status}`);
  }, 60_000);
});

describe('IngestionWatch (the policy alone)', () => {
  const request = (path = '/v2.1/track') => ({ url: `https://ingest.test${path}` }) as never;
  const answer = (status: number, body: unknown) => async () => ({ status, bodyAsText: JSON.stringify(body), headers: { get: () => undefined } }) as never;

  it('a 200 with fewer items accepted than received, and a 206, count as failed with the items rejected', async () => {
    const watch = new IngestionWatch();
    await watch.policy.sendRequest(request(), answer(200, { itemsReceived: 5, itemsAccepted: 3, errors: [] }));
    await watch.policy.sendRequest(request(), answer(206, { itemsReceived: 4, itemsAccepted: 3, errors: [] }));
    await watch.policy.sendRequest(request(), answer(200, { itemsReceived: 2, itemsAccepted: 2, errors: [] }));
    expect(watch.take()).toEqual({ requests: 3, failed: 2, rejectedItems: 3, last: 'HTTP 206: 1 item(s) not accepted' });
    expect(watch.take()).toEqual({ requests: 0, failed: 0, rejectedItems: 0 });
  });

  it('a redirect is not a failure (the sender follows it); other paths are not counted', async () => {
    const watch = new IngestionWatch();
    await watch.policy.sendRequest(request(), answer(308, {}));
    await watch.policy.sendRequest(request('/api/profiles/x/appId'), answer(500, {}));
    expect(watch.take()).toEqual({ requests: 1, failed: 0, rejectedItems: 0 });
  });
});
