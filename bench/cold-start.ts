/**
 * Cold start and flush of the Application Insights reporter (issue 5's closing-note figures), on
 * demand: `npm run bench -- cold-start`.
 *
 * - Module load of each Functions registration file in a fresh process, without the reporter
 *   (no connection string: the SDK is never required) and with it (the same, plus building the
 *   sinks from a connection string, which is what the first reporting invocation adds). Medians
 *   of RUNS fresh processes, next to a bare `node` start in the same run.
 * - Flush time of one run's telemetry (50 mailboxes) to a local HTTPS ingestion endpoint that
 *   answers, refuses connections, or accepts and never answers, with the default 5 s timeout.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { CheckResult } from '../shared/contract/result';
import { deliverRun } from '../shared/report/delivery';
import { newRunContext } from '../shared/report/sink';
import { sinksFromEnv } from '../shared/report/sinks-from-env';
import type { RunPlan } from '../shared/run/plan';
import { buildReport } from '../shared/run/report';
import { trustedSimCa } from '../sim/ca';
import { startIngestionServer } from '../sim/ingestion-server';
import { closedPort } from '../test/e2e/net-helpers';

const RUNS = Number(process.env.RUNS ?? 5);
const dist = join(__dirname, '..');
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

function timedChild(script: string): number {
  const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { ...process.env, APPLICATIONINSIGHTS_CONNECTION_STRING: '' } });
  const match = /MS=([\d.]+)/.exec(child.stdout);
  if (!match) throw new Error(`child failed: ${child.stderr}`);
  return Number(match[1]);
}

function coldStart(): void {
  const files = readdirSync(join(dist, 'functions')).filter((f) => f.endsWith('.js') && !['run-from-settings.js', 'fan-out.js', 'stored-check.js'].includes(f));
  const sinks = JSON.stringify(join(dist, 'shared', 'report', 'sinks-from-env.js'));
  const cs = 'InstrumentationKey=00000000-0000-4000-8000-000000000000;IngestionEndpoint=https://127.0.0.1:9/';
  // Silence @azure/functions' "test mode" warnings; they are not part of the cost measured.
  const quiet = 'console.warn = () => {};';
  const bare = median(Array.from({ length: RUNS }, () => timedChild("const t = performance.now(); process.stdout.write('MS=' + (performance.now() - t))")));
  process.stdout.write(`cold start (median of ${RUNS} fresh processes; node itself is not in the figures)\n`);
  process.stdout.write(`${'file'.padEnd(24)}${'without reporter'.padStart(18)}${'with reporter'.padStart(16)}${'reporter adds'.padStart(16)}\n`);
  for (const file of files) {
    const path = JSON.stringify(join(dist, 'functions', file));
    const without = median(Array.from({ length: RUNS }, () => timedChild(`${quiet} const t = performance.now(); require(${path}); process.stdout.write('MS=' + (performance.now() - t))`)));
    const withReporter = median(
      Array.from({ length: RUNS }, () =>
        timedChild(`${quiet} const t = performance.now(); require(${path}); require(${sinks}).sinksFromEnv({ APPLICATIONINSIGHTS_CONNECTION_STRING: ${JSON.stringify(cs)}, TELEMETRY_OFFLINE_STORAGE: 'off' }); process.stdout.write('MS=' + (performance.now() - t))`),
      ),
    );
    process.stdout.write(`${file.padEnd(24)}${`${Math.round(without)} ms`.padStart(18)}${`${Math.round(withReporter)} ms`.padStart(16)}${`${Math.round(withReporter - without)} ms`.padStart(16)}\n`);
  }
  process.stdout.write(`(an empty script measures ${bare.toFixed(2)} ms the same way)\n\n`);
}

function fleetReport(n: number) {
  const results: CheckResult[] = Array.from({ length: n }, (_, i) => ({
    mailbox: `m${i}`,
    address: `m${i}@contoso.example`,
    app: 'app',
    status: i % 10 === 0 ? 'failed' : 'ok',
    ...(i % 10 === 0 ? { failure: { code: 'IMAP_AUTH_FAILED', phase: 'auth', kind: 'permission', message: 'XOAUTH2 login refused', remedy: 'Add-MailboxPermission …' } } : {}),
    warnings: [],
    phases: { secret: 3, token: 40, connect: 20, auth: 30, folder: i % 10 === 0 ? null : 10, logout: i % 10 === 0 ? null : 2 },
    folder: i % 10 === 0 ? null : { name: 'INBOX', messages: 10, unseen: 1 },
    token: null,
    checkedAt: new Date().toISOString(),
    durationMs: 105,
  })) as CheckResult[];
  const plan = { mailboxes: results.map((r) => ({ id: r.mailbox, app: { id: 'app', tenantId: 't', clientId: 'c', secret: { env: 'X' } } })) } as unknown as RunPlan;
  return { report: buildReport(new Date(), 1000, results), plan };
}

async function flush(): Promise<void> {
  const ingestion = await startIngestionServer(trustedSimCa());
  const { report, plan } = fleetReport(50);
  const cases: [string, () => Promise<string>][] = [
    ['answering', async () => ingestion.connectionString],
    ['refusing connections', async () => `InstrumentationKey=00000000-0000-4000-8000-0000000a1b1c;IngestionEndpoint=https://127.0.0.1:${await closedPort()}/`],
    ['never answering', async () => {
      ingestion.mode = 'hang';
      return ingestion.connectionString;
    }],
  ];
  process.stdout.write('flush of one run (50 availability results, MonitorRun), timeout 5 s\n');
  for (const [name, cs] of cases) {
    const delivery = sinksFromEnv({ APPLICATIONINSIGHTS_CONNECTION_STRING: await cs(), TELEMETRY_OFFLINE_STORAGE: 'off' });
    const outcome = await deliverRun(delivery, report, plan, newRunContext('timer'));
    process.stdout.write(`  ${name.padEnd(22)} ${String(outcome.durationMs).padStart(5)} ms  ${outcome.complete ? `delivered (${ingestion.envelopes.length} envelopes)` : outcome.errors.join('; ')}\n`);
  }
  await ingestion.stop();
}

async function main(): Promise<void> {
  if (!process.argv.includes('--flush-only')) coldStart();
  await flush();
  // The hanging ingestion request and the SDK's retry timers would keep the process alive.
  process.exit(0);
}

void main();
