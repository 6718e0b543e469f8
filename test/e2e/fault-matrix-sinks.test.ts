/**
 * Issue 10, scope item 1, the reporting rows of the fault matrix: Storage (the per-mailbox state
 * sink, the real @azure/data-tables SDK) and telemetry ingestion (the real applicationinsights
 * SDK) failing in each way: refused, accepts and never answers, 503 always, slow (under and over
 * the flush timeout), and for ingestion 429 with Retry-After and 500/503. Each case runs the
 * timer's work as the host calls it (checkAndDeliver, then the history purge, as checkTimer does)
 * and asserts: every mailbox's result is what the healthy twin (Azurite, an accepting ingestion
 * endpoint) gives, delivery ends within the flush timeout plus slack, and what went wrong is
 * logged as a warning. Prints its rows for the closing note's table.
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InvocationContext } from '@azure/functions';
import { checkAndDeliver } from '../../functions/run-from-settings';
import { purgeState } from '../../functions/fan-out';
import type { RunReport } from '../../shared/contract/result';
import { stateStoreFromSettings } from '../../shared/report/state-sink';
import { STORAGE_TIMEOUT_MS } from '../../shared/storage/storage-account';
import { trustedSimCa } from '../../sim/ca';
import { startIngestionServer } from '../../sim/ingestion-server';
import { resetTokenClients } from '../../shared/token/token-provider';
import { azuriteConnectionString, startAzurite, type Azurite } from '../storage/azurite';
import { reportingEnv, startTelemetryWorld, type TelemetryWorld } from '../report/telemetry-fixture';
import { closedPort, silentTcpServer } from './net-helpers';

const FLUSH_S = 2;
const SLACK_MS = 4000; // generous: the machine is shared; the point is "bounded", not "fast"

let world: TelemetryWorld;
let azurite: Azurite;
const saved = { ...process.env };
const stops: (() => Promise<void>)[] = [];
const rows: string[] = [];
let healthy: Record<string, string>;

/** Loopback HTTP that answers every request itself, or forwards it to Azurite after `delayMs`. */
async function storageServer(behaviour: { status?: number; delayMs?: number }): Promise<number> {
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (behaviour.status) {
        res.writeHead(behaviour.status, { 'content-type': 'application/json', 'x-ms-error-code': 'ServerBusy' });
        res.end(JSON.stringify({ 'odata.error': { code: 'ServerBusy', message: { lang: 'en-US', value: `simulated ${behaviour.status}` } } }));
        return;
      }
      setTimeout(() => {
        const upstream = request({ host: '127.0.0.1', port: azurite.tablePort, method: req.method, path: req.url, headers: req.headers }, (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        });
        upstream.on('error', () => res.destroy());
        upstream.end(Buffer.concat(chunks));
      }, behaviour.delayMs ?? 0);
    });
  });
  const sockets = new Set<import('node:net').Socket>();
  server.on('connection', (s) => (sockets.add(s), s.on('close', () => sockets.delete(s))));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  stops.push(() => new Promise((resolve) => (sockets.forEach((s) => s.destroy()), server.close(() => resolve()))));
  return (server.address() as AddressInfo).port;
}

const storageAt = (tablePort: number) => ({ AzureWebJobsStorage: azuriteConnectionString({ blobPort: azurite.blobPort, queuePort: azurite.queuePort, tablePort }) });

beforeAll(async () => {
  world = await startTelemetryWorld();
  azurite = await startAzurite();
}, 60_000);

afterAll(async () => {
  process.stdout.write(`\nfault matrix, reporting rows (flush timeout ${FLUSH_S} s):\n| dependency | fault | results as healthy | delivery ms | purge ms | logged |\n|---|---|---|---|---|---|\n${rows.join('\n')}\n`);
  process.env = saved;
  await Promise.all(stops.map((s) => s()));
  // The state writes a delivery gave up on still run to their own end (their SDK retries, against
  // servers now gone): let them, so nothing outlives the test.
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
  return { statuses, deliveryMs: Math.round(delivered - reported), purgeMs: Math.round(purged - delivered), warnings };
}

function verify(dependency: string, fault: string, o: Outcome, expectWarning: RegExp | undefined): void {
  rows.push(`| ${dependency} | ${fault} | ${JSON.stringify(o.statuses) === JSON.stringify(healthy) ? 'yes' : 'NO'} | ${o.deliveryMs} | ${o.purgeMs} | ${o.warnings.map((w) => w.replace(/\|/g, '/').slice(0, 90)).join('; ') || '—'} |`);
  expect(o.statuses).toEqual(healthy);
  expect(o.deliveryMs).toBeLessThan(FLUSH_S * 1000 + SLACK_MS);
  // The purge runs after delivery, outside the flush timeout, bounded by each Storage request's own timeout.
  expect(o.purgeMs).toBeLessThan(STORAGE_TIMEOUT_MS + SLACK_MS);
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
    }, /^telemetry: state: (not delivered|flush not finished) within/],
    ['503 always', async () => storageAt(await storageServer({ status: 503 })), /^telemetry: state: /],
    [`slow: every request ${FLUSH_S * 1000 + 1000} ms late (over the flush timeout)`, async () => storageAt(await storageServer({ delayMs: FLUSH_S * 1000 + 1000 })), /^telemetry: state: (not delivered|flush not finished) within/],
  ];
  it.each(cases)('#10 Storage: %s — results right, delivery ends within the flush timeout, a warning names the state sink', async (fault, arrange, warning) => {
    expect(healthy).toBeDefined();
    verify('Storage', fault, await timerRun(await arrange()), warning);
  }, 90_000);

  it('#10 Storage: slow, every request 150 ms late (under the flush timeout) — delivered, no warning', async () => {
    const o = await timerRun(storageAt(await storageServer({ delayMs: 150 })));
    verify('Storage', 'slow: every request 150 ms late (under)', o, undefined);
  }, 90_000);
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
