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
import { IncidentStore } from '../../shared/notify/incident-store';
import { STORAGE_TIMEOUT_MS, storageAccount } from '../../shared/storage/storage-account';
import { issueServerCert, trustedSimCa } from '../../sim/ca';
import { startIngestionServer } from '../../sim/ingestion-server';
import { resetTokenClients } from '../../shared/token/token-provider';
import { azuriteConnectionString, startAzurite, type Azurite } from '../storage/azurite';
import { reportingEnv, startTelemetryWorld, timedTimerRun, type TelemetryWorld } from '../report/telemetry-fixture';
import { closedPort, silentTcpServer, silentTlsServer } from './net-helpers';
import { storageFaultServer, type StorageFault } from './storage-fault-server';
import { startReceiver, type Receiver } from '../notify/receivers';

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

/**
 * The notifier's incidents (shared/notify/incident-store.ts) in the same Storage: the timer run
 * with a notify block (a signed webhook to a local HTTPS receiver, its URL and signing secret in
 * Key Vault), Storage failing under it. The results stay the healthy twin's, delivery ends within
 * the flush timeout, the notifier's failure is a warning naming it, no Storage request outlives
 * the delivery, and a claim retried after a 503, or after an answer lost once the row was written,
 * still sends each notification exactly once.
 */
describe('#10 fault matrix: Storage for the notifier (incidents)', () => {
  let receiver: Receiver;
  /** The twin's notifications: one per incident the run opens. */
  let expected: string[];

  beforeAll(async () => {
    receiver = await startReceiver();
    stops.push(receiver.stop);
    world.tenant.scenario.vault.secrets.push({ name: 'fault-hook-url', value: receiver.url }, { name: 'fault-hook-signing', value: 'whsec-fault-matrix' });
  });

  const withNotify = (storage: Record<string, string>) => ({
    ...storage,
    MAILBOX_HEALTH_CONFIG: JSON.stringify({
      ...world.config,
      notify: { channels: [{ type: 'webhook', id: 'ops-hook', url: { keyVaultSecret: 'fault-hook-url' }, signingSecret: { keyVaultSecret: 'fault-hook-signing' } }], timeoutMs: 1500, retries: 0 },
    }),
  });

  /** A fresh start: no incident rows (so this run opens every incident again), nothing received. */
  async function reset(): Promise<void> {
    const table = IncidentStore.fromAccount(storageAccount(azurite.env)).table;
    // The first time, the table is not there yet (404): nothing to remove.
    await (async () => {
      for await (const e of table.listEntities()) await table.deleteEntity(e.partitionKey!, e.rowKey!);
    })().catch((error: { statusCode?: number }) => {
      if (error.statusCode !== 404) throw error;
    });
    receiver.received.length = 0;
  }

  /** The incidents the receiver was told about, one entry per notification, sorted. */
  const notified = () => receiver.received.map((r) => (JSON.parse(r.body) as { incident: string; kind: string })).map((n) => `${n.incident}:${n.kind}`).sort();

  it('#10 the healthy twin (Azurite): one notification per incident opened, no warning', async () => {
    expect(healthy).toBeDefined();
    await reset();
    const o = await timerRun(withNotify(azurite.env));
    verify('Storage (notifier)', 'healthy (Azurite)', o, undefined);
    expected = notified();
    expect(expected.length).toBeGreaterThan(0);
    expect(new Set(expected).size).toBe(expected.length);
    // The failing mailbox is among them (and the degraded one, and the expiring credential).
    expect(expected).toContain('mailbox:nogrant:failing');
  }, 90_000);

  const NOTIFIER = /^telemetry: notifier: /;

  it('#10 accepts, never answers: results right, delivery within the flush timeout, a warning names the notifier, no request left open', async () => {
    expect(expected).toBeDefined();
    await reset();
    const server = await storageServer({ hang: true });
    const o = await timerRun(withNotify(storageAt(server.port)));
    verify('Storage (notifier)', `accepts, never answers [${server.faulted} requests]`, o, NOTIFIER);
    expect(server.faulted).toBeGreaterThan(0);
    // Nothing claimed, nothing sent: an incident is only notified by the instance that claimed it.
    expect(notified()).toEqual([]);
    // Its requests waited for the delivery's deadline (where its own error and the delivery's timer
    // meet), not for the channel-warnings read's (3 s, over before delivery began).
    const waited = o.warnings.flatMap((w) => (NOTIFIER.test(w) ? [...w.matchAll(/no answer from Table Storage within (\d+) ms/g)].map((m) => Number(m[1])) : []));
    expect(waited.filter((ms) => ms > FLUSH_S * 1000)).toEqual([]);
    // Every request stopped at its deadline (the SDK's own went on for 10 s per try, 3 tries).
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(server.open).toBe(0);
  }, 90_000);

  it('#10 503 always: results right, delivery within the flush timeout, a warning names the notifier and its attempts', async () => {
    expect(expected).toBeDefined();
    await reset();
    const server = await storageServer({ status: 503 });
    const o = await timerRun(withNotify(storageAt(server.port)));
    verify('Storage (notifier)', `503 always [${server.faulted} of ${server.requests} requests faulted]`, o, /^telemetry: notifier: \d+ incident\(s\) not handled: (mailbox|credential):[\w-]+: .*\[3 attempts: HTTP 503, HTTP 503, HTTP 503; gave up after 3 attempts\]/);
    expect(notified()).toEqual([]);
  }, 90_000);

  /** The claim that opens the failing mailbox's incident (one that sends): its create request. */
  const CLAIM_NOGRANT = /^POST \/devstoreaccount1\/incidents\b[^\n]*\n.*"incident":"mailbox:nogrant"/;
  const once: [string, StorageFault][] = [
    ['503 once (on the claim of the failing mailbox)', { status: 503, times: 1, only: CLAIM_NOGRANT }],
    // The row was written, its answer lost: the retried create meets its own row (409).
    ['answer lost once after the claim of the failing mailbox was written', { lostAnswer: true, times: 1, only: CLAIM_NOGRANT }],
  ];
  it.each(once)('#10 %s: retried within the run, each notification sent exactly once, no warning', async (fault, behaviour) => {
    expect(expected).toBeDefined();
    await reset();
    const server = await storageServer(behaviour);
    const o = await timerRun(withNotify(storageAt(server.port)));
    verify('Storage (notifier)', `${fault} [${server.requests} requests, ${server.faulted} faulted]`, o, undefined);
    expect(server.faulted).toBe(1);
    expect(notified()).toEqual(expected);
    // Every claim that was sent is in Storage as sent (rows of healthy mailboxes carry no kind).
    const incidents = await IncidentStore.fromAccount(storageAccount(azurite.env)).list();
    expect(incidents.filter((i) => i.lastKind).map((i) => `${i.incident}:${i.lastKind}`).sort()).toEqual(expected);
  }, 90_000);
});
