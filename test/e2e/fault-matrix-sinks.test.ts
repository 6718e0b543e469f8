/**
 * Issue 10, scope item 1, the reporting rows of the fault matrix: Storage (the per-mailbox state
 * sink, the real @azure/data-tables SDK) and telemetry ingestion (the real applicationinsights
 * SDK) failing in each way: refused; reset mid-exchange (a 200 cut off part-way), once and always;
 * accepts and never answers at TCP and TLS level (handshake never completed; TLS up, no HTTP
 * answer); 500/503 once (retried: every row of the run written) and always; 429 with Retry-After
 * within and beyond the flush timeout; slow under and over the flush timeout. Each case runs the
 * timer's work as the host calls it (checkAndDeliver, then the history purge, as checkTimer does)
 * and asserts: every mailbox's result is what the healthy twin (Azurite, an accepting ingestion
 * endpoint) gives, delivery ends within the flush timeout plus slack, and what went wrong is
 * logged as a warning. And checkTimer itself against a Storage that never answers: the history
 * purge is bounded too. Prints its rows for the closing note's table.
 */
import { InvocationContext } from '@azure/functions';
import { checkAndDeliver } from '../../functions/run-from-settings';
import * as fanOut from '../../functions/fan-out';
import { purgeState } from '../../functions/fan-out';
import type { RunReport } from '../../shared/contract/result';
import { stateStoreFromSettings } from '../../shared/report/state-sink';
import { STORAGE_TIMEOUT_MS } from '../../shared/storage/storage-account';
import { issueServerCert, trustedSimCa } from '../../sim/ca';
import { startIngestionServer } from '../../sim/ingestion-server';
import { resetTokenClients } from '../../shared/token/token-provider';
import { azuriteConnectionString, startAzurite, type Azurite } from '../storage/azurite';
import { reportingEnv, startTelemetryWorld, timedTimerRun, type TelemetryWorld } from '../report/telemetry-fixture';
import { closedPort, silentTcpServer, silentTlsServer } from './net-helpers';
import { storageFaultServer, type StorageFault } from './storage-fault-server';

const FLUSH_S = 2;
const SLACK_MS = 4000; // generous: the machine is shared; the point is "bounded", not "fast"
/** Storage did not answer by the deadline: the delivery's timer or the store's own abort (the same instant) says so. */
const HUNG = /^telemetry: state: (not delivered within|flush not finished within|could not record .* no answer from Table Storage within)/;

let world: TelemetryWorld;
let azurite: Azurite;
const saved = { ...process.env };
const stops: (() => Promise<void>)[] = [];
const rows: string[] = [];
let healthy: Record<string, string>;

/** The fault server in front of Azurite's table endpoint. */
const storageServer = (behaviour: StorageFault) => storageFaultServer(behaviour, () => azurite.tablePort, stops);

const storageAt = (tablePort: number, scheme: 'http' | 'https' = 'http') => ({
  AzureWebJobsStorage: azuriteConnectionString({ blobPort: azurite.blobPort, queuePort: azurite.queuePort, tablePort }).replace(`TableEndpoint=http:`, `TableEndpoint=${scheme}:`),
});

beforeAll(async () => {
  world = await startTelemetryWorld();
  azurite = await startAzurite();
}, 60_000);

afterAll(async () => {
  process.stdout.write(`\nfault matrix, reporting rows (flush timeout ${FLUSH_S} s):\n| dependency | fault | results as healthy | delivery ms | purge ms | logged |\n|---|---|---|---|---|---|\n${rows.join('\n')}\n`);
  process.env = saved;
  await Promise.all(stops.map((s) => s()));
  // Storage requests stop at their deadline; a forwarded request and the telemetry exporter's
  // retries may still be in flight: let them end, so nothing outlives the test.
  await new Promise((resolve) => setTimeout(resolve, STORAGE_TIMEOUT_MS));
  await Promise.all([world?.stop(), azurite?.stop()]);
});

beforeEach(() => {
  world.ingestion.mode = 'accept';
  world.ingestion.refuse = undefined;
  world.ingestion.envelopes.length = 0;
  resetTokenClients();
});

interface Outcome {
  report: RunReport;
  statuses: Record<string, string>;
  deliveryMs: number;
  purgeMs: number;
  warnings: string[];
}

/** The timer's work, as checkTimer does it (fan-out is off below its threshold): run, deliver, purge. */
async function timerRun(env: Record<string, string>): Promise<Outcome> {
  process.env = { ...saved, ...world.tenant.identityEnv, ...reportingEnv(world.ingestion.connectionString, FLUSH_S), MAILBOX_HEALTH_CONFIG: JSON.stringify(world.config), ...env };
  const warnings: string[] = [];
  const context = new InvocationContext({ invocationId: 'fault', functionName: 'checkTimer', logHandler: (level, ...args) => void (level === 'warning' && warnings.push(args.join(' '))) });
  let reported = 0;
  let report: RunReport | undefined;
  ({ report } = await checkAndDeliver('timer', context, { onReport: () => void (reported = performance.now()) }));
  const delivered = performance.now();
  await purgeState(context);
  const purged = performance.now();
  const statuses = Object.fromEntries(report.results.map((r) => [r.mailbox, `${r.status}${r.failure ? ` ${r.failure.code}` : ''}`]));
  return { report, statuses, deliveryMs: Math.round(delivered - reported), purgeMs: Math.round(purged - delivered), warnings };
}

function verify(dependency: string, fault: string, o: Outcome, expectWarning: RegExp | undefined): void {
  rows.push(`| ${dependency} | ${fault} | ${JSON.stringify(o.statuses) === JSON.stringify(healthy) ? 'yes' : 'NO'} | ${o.deliveryMs} | ${o.purgeMs} | ${o.warnings.map((w) => w.replace(/could not record \d+ result\(s\) of run [\w-]+ in Table Storage: /, 'not recorded: ').replace(/\|/g, '/').slice(0, 150)).join('; ') || '—'} |`);
  expect(o.statuses).toEqual(healthy);
  expect(o.deliveryMs).toBeLessThan(FLUSH_S * 1000 + SLACK_MS);
  // The purge runs after delivery, within a flush timeout of its own (not a Storage request timeout per call).
  expect(o.purgeMs).toBeLessThan(FLUSH_S * 1000 + SLACK_MS);
  if (expectWarning) expect(o.warnings.some((w) => expectWarning.test(w))).toBe(true);
  else expect(o.warnings).toEqual([]);
}

describe('#10 fault matrix: Storage (the per-mailbox state sink)', () => {
  it('#10 the healthy twin (Azurite): every mailbox recorded, no warning', async () => {
    const o = await timerRun(azurite.env);
    healthy = o.statuses;
    expect(Object.values(healthy).some((s) => s.startsWith('failed'))).toBe(true);
    expect(Object.values(healthy).some((s) => s === 'ok')).toBe(true);
    verify('Storage', 'healthy (Azurite)', o, undefined);
    const latest = await stateStoreFromSettings(process.env).list();
    expect(latest.length).toBe(Object.keys(healthy).length);
  });

  const cases: [string, () => Promise<Record<string, string>>, RegExp][] = [
    ['connection refused', async () => storageAt(await closedPort()), /^telemetry: state: /],
    ['accepts, never answers (TCP)', async () => {
      const silent = await silentTcpServer();
      stops.push(silent.stop);
      return storageAt(silent.port);
    }, HUNG],
    ['503 always', async () => storageAt((await storageServer({ status: 503 })).port), /^telemetry: state: /],
    [`slow: every request ${FLUSH_S * 1000 + 1000} ms late (over the flush timeout)`, async () => storageAt((await storageServer({ delayMs: FLUSH_S * 1000 + 1000 })).port), HUNG],
  ];
  it.each(cases)('#10 Storage: %s — results right, delivery ends within the flush timeout, a warning names the state sink', async (fault, arrange, warning) => {
    expect(healthy).toBeDefined();
    verify('Storage', fault, await timerRun(await arrange()), warning);
  }, 90_000);

  const hanging: [string, () => Promise<Record<string, string>>][] = [
    ['accepts, never answers (TLS: TCP accepted, handshake never completed)', async () => {
      const silent = await silentTcpServer();
      stops.push(silent.stop);
      return storageAt(silent.port, 'https');
    }],
    ['accepts, never answers (TLS up, no HTTP answer)', async () => {
      const silent = await silentTlsServer(issueServerCert(trustedSimCa()));
      stops.push(silent.stop);
      return storageAt(silent.port, 'https');
    }],
  ];
  it.each(hanging)('#10 Storage: %s — results right, delivery ends within the flush timeout, a warning names the state sink', async (fault, arrange) => {
    expect(healthy).toBeDefined();
    verify('Storage', fault, await timerRun(await arrange()), HUNG);
  }, 90_000);

  const failing: [string, StorageFault, RegExp][] = [
    ['reset mid-exchange (always)', { reset: true }, /^telemetry: state: /],
    // Not waited out past the deadline: given up at once, saying why.
    ['429 Retry-After: 60 (always; beyond the flush timeout)', { status: 429, retryAfter: '60' }, /^telemetry: state: could not record .*HTTP 429 \(Retry-After 60 s\); the server asked to wait 60 s, more than the .* left\]/],
  ];
  it.each(failing)('#10 Storage: %s — results right, delivery ends within the flush timeout, a warning names the state sink', async (fault, behaviour, warning) => {
    expect(healthy).toBeDefined();
    const server = await storageServer(behaviour);
    const o = await timerRun(storageAt(server.port));
    verify('Storage', `${fault} [${server.faulted} of ${server.requests} requests faulted]`, o, warning);
    expect(server.faulted).toBeGreaterThan(0);
  }, 90_000);

  const transient: [string, StorageFault][] = [
    ['reset mid-exchange (once)', { reset: true, times: 1 }],
    ['500 once', { status: 500, times: 1 }],
    ['503 once', { status: 503, times: 1 }],
    ['429 Retry-After: 1 (once)', { status: 429, retryAfter: '1', times: 1 }],
  ];
  it.each(transient)('#10 Storage: %s — retried within the run: every mailbox recorded, no warning, delivery within the flush timeout', async (fault, behaviour) => {
    expect(healthy).toBeDefined();
    const server = await storageServer(behaviour);
    const o = await timerRun(storageAt(server.port));
    verify('Storage', `${fault} [${server.requests} requests, ${server.faulted} faulted]`, o, undefined);
    expect(server.faulted).toBe(1);
    // The state of this run is in Storage: every mailbox's latest row is this run's result.
    const rows = new Map((await stateStoreFromSettings(azurite.env).list()).map((r) => [r.mailbox, r.checkedAt]));
    expect(Object.fromEntries(o.report.results.map((r) => [r.mailbox, rows.get(r.mailbox)]))).toEqual(Object.fromEntries(o.report.results.map((r) => [r.mailbox, r.checkedAt])));
    if (behaviour.retryAfter) expect(o.deliveryMs).toBeGreaterThanOrEqual(Number(behaviour.retryAfter) * 1000);
  }, 90_000);

  it('#10 Storage: slow, every request 150 ms late (under the flush timeout) — delivered, no warning', async () => {
    const o = await timerRun(storageAt((await storageServer({ delayMs: 150 })).port));
    verify('Storage', 'slow: every request 150 ms late (under)', o, undefined);
  }, 90_000);
});

describe('#10 the timer invocation with a Storage that accepts and never answers (checkTimer, called as the host calls it)', () => {
  it('#10 ends one flush timeout after its report: the state write gives up at the deadline and the history purge is skipped, not waited out again', async () => {
    const silent = await silentTcpServer();
    stops.push(silent.stop);
    process.env = { ...saved, ...world.tenant.identityEnv, ...reportingEnv(world.ingestion.connectionString, FLUSH_S), MAILBOX_HEALTH_CONFIG: JSON.stringify(world.config), ...storageAt(silent.port) };
    const purge = jest.spyOn(fanOut, 'purgeState');
    try {
      const { warnings, reported, afterReportMs } = await timedTimerRun('hanging-storage');
      rows.push(`| Storage | timer invocation, Storage accepts and never answers (checkTimer) | — | ${afterReportMs} (delivery; purge skipped) | — | ${warnings.filter((w) => /state/.test(w)).map((w) => w.slice(0, 90)).join('; ')} |`);
      expect(reported).toBe(true);
      expect(warnings.some((w) => HUNG.test(w))).toBe(true);
      expect(warnings).toContain("state: history purge skipped: Table Storage failed this run's state write; a later run purges");
      expect(purge).not.toHaveBeenCalled();
      // Before the purge had a deadline: 2 s delivery + 8-10 s of Storage request timeouts; with a
      // deadline but no skip: 2 s + 2 s.
      expect(afterReportMs).toBeLessThan(FLUSH_S * 1000 + 1500);
    } finally {
      purge.mockRestore();
    }
  }, 60_000);

  it('#10 its twin: with Storage answering, the state is written and the purge runs', async () => {
    process.env = { ...saved, ...world.tenant.identityEnv, ...reportingEnv(world.ingestion.connectionString, FLUSH_S), MAILBOX_HEALTH_CONFIG: JSON.stringify(world.config), ...azurite.env };
    const purge = jest.spyOn(fanOut, 'purgeState');
    try {
      const { warnings, reported } = await timedTimerRun('answering-storage');
      expect(reported).toBe(true);
      expect(warnings.filter((w) => /^state: /.test(w))).toEqual([]);
      expect(purge).toHaveBeenCalledTimes(1);
    } finally {
      purge.mockRestore();
    }
  }, 60_000);
});

describe('#10 fault matrix: telemetry ingestion (beyond refused and hanging, app-insights-wire.test.ts)', () => {
  it('#10 the healthy twin: envelopes accepted, no warning', async () => {
    healthy ??= (await timerRun({})).statuses;
    const o = await timerRun({});
    expect(world.ingestion.envelopes.length).toBeGreaterThan(0);
    verify('telemetry ingestion', 'healthy', o, undefined);
  });

  const cases: [string, { status: number; retryAfter?: string }][] = [
    ['500 always', { status: 500 }],
    ['503 always', { status: 503 }],
    ['429 Retry-After: 1 (always)', { status: 429, retryAfter: '1' }],
    ['429 Retry-After: 60 (always)', { status: 429, retryAfter: '60' }],
  ];
  it.each(cases)('#10 telemetry ingestion: %s — results right, the endpoint was asked, delivery ends within the flush timeout', async (fault, refuse) => {
    // A fresh endpoint (so a fresh warm SDK) per case: after a refusal the SDK backs off and sends
    // nothing for a while, to that connection string.
    const ingestion = await startIngestionServer(trustedSimCa());
    stops.push(ingestion.stop);
    ingestion.refuse = refuse;
    const o = await timerRun({ APPLICATIONINSIGHTS_CONNECTION_STRING: ingestion.connectionString });
    expect(ingestion.requests).toBeGreaterThan(0);
    expect(ingestion.envelopes).toEqual([]);
    // Whether the SDK reports the refusal before the flush timeout is its business; what matters
    // is the bound and the results.
    verify('telemetry ingestion', fault, o, o.warnings.length ? /^telemetry: applicationinsights: / : undefined);
  }, 90_000);
});
