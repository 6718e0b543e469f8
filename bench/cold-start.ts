/**
 * What runs in Azure, measured (issue 17): `npm run bench -- cold-start` (after a build:
 * `node bench/run.js cold-start`). Prints numbers and ratios, asserts nothing.
 *
 * - Cold start: for each function entry point, a fresh process loads the app as the Functions
 *   worker does (sim/functions-worker-run.ts: every file `main` names) and completes the
 *   function's first invocation against the simulated tenant, reporting to a local Application
 *   Insights ingestion endpoint (delivery included). Median of RUNS (default 5) processes, wall
 *   and CPU (user + system; the machine is shared, CPU is the steadier figure), Node's own start
 *   excluded. Lanes, all in this run: the production bundle (what azd deploys) with the reporter
 *   and without it; the tsc build (dist/functions/*.js, unbundled) with and without it; and the tsc
 *   build with the whole `applicationinsights` entry point loaded as well (what the reporter loaded
 *   before issue 17: `require('applicationinsights')`), the baseline of the ratios.
 * - The deployable package as azd builds it (test/deploy/azd-package.ts), zipped (deflate, as
 *   azd's zip) and unpacked, with and without node_modules; next to what the project deployed
 *   before issue 17: the whole folder (no .funcignore) plus what the remote build installed there
 *   (`npm install`, devDependencies included), and a production-only install for comparison.
 * - Flush of one run's telemetry (50 mailboxes) to an ingestion endpoint that answers, refuses
 *   connections or never answers, with the default 5 s timeout (`--flush-only` runs this alone).
 */
import { spawn } from 'node:child_process';
import { existsSync, lstatSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import type { CheckResult } from '../shared/contract/result';
import { deliverRun } from '../shared/report/delivery';
import { newRunContext } from '../shared/report/sink';
import { sinksFromEnv } from '../shared/report/sinks-from-env';
import type { RunPlan } from '../shared/run/plan';
import { buildReport } from '../shared/run/report';
import { trustedSimCa } from '../sim/ca';
import { httpInput, timerInput } from '../sim/functions-worker';
import { startIngestionServer } from '../sim/ingestion-server';
import { catalogueConfig, catalogueScenario } from '../test/e2e/catalogue';
import { closedPort } from '../test/e2e/net-helpers';
import { startTenant } from '../test/e2e/sim-harness';
import { packageFiles, packageRoot, readService, type PackagedFile } from '../test/deploy/azd-package';

const RUNS = Number(process.env.RUNS ?? 5);
const ROOT = join(__dirname, '..', '..');
const RUNNER = join(ROOT, 'dist', 'sim', 'functions-worker-run.js');
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

interface Cost {
  wallMs: number;
  cpuMs: number;
}

interface Lane {
  name: string;
  root: string;
  reporter: boolean;
  preload?: string;
}

const LANES: Lane[] = [
  { name: 'bundle, reporter on', root: join(ROOT, 'dist', 'functionapp'), reporter: true },
  { name: 'bundle, reporter off', root: join(ROOT, 'dist', 'functionapp'), reporter: false },
  { name: 'tsc build, reporter on', root: ROOT, reporter: true },
  { name: 'tsc build, reporter off', root: ROOT, reporter: false },
  { name: 'tsc build, full SDK (before)', root: ROOT, reporter: true, preload: 'applicationinsights' },
];
const BASELINE = LANES[4]!;

/** One fresh worker process; asynchronous, since the simulated tenant it talks to runs in this process. */
async function firstInvocation(lane: Lane, fn: string, input: unknown, env: NodeJS.ProcessEnv): Promise<Cost> {
  const child = spawn(process.execPath, [RUNNER, lane.root, fn, JSON.stringify([input])], {
    env: { ...env, ...(lane.reporter ? {} : { APPLICATIONINSIGHTS_CONNECTION_STRING: '' }), WORKER_RUN_PRELOAD: lane.preload ?? '' },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`${lane.name} ${fn}: ${stderr}`);
  const { run } = JSON.parse(stdout) as { run: Cost & { logs: { level: string; message: string }[] } };
  const telemetry = run.logs.filter((l) => /telemetry/.test(l.message));
  if (lane.reporter && telemetry.length > 0) throw new Error(`${lane.name} ${fn}: ${telemetry.map((l) => l.message).join('; ')}`);
  return { wallMs: run.wallMs, cpuMs: run.cpuMs };
}

async function coldStart(): Promise<string[]> {
  const tenant = await startTenant(catalogueScenario());
  const ingestion = await startIngestionServer(trustedSimCa());
  const config = catalogueConfig({ authorityHost: tenant.entra.url, keyVaultUrl: tenant.vault.url, imapPort: tenant.imap.port, ports: { CLOSED: 1, UNTRUSTED: 1, PLAIN: 1 } }, (id) => ['ok1', 'backlog', 'nogrant', 'expiring'].includes(id));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...tenant.identityEnv,
    MAILBOX_HEALTH_CONFIG: JSON.stringify(config),
    APPLICATIONINSIGHTS_CONNECTION_STRING: ingestion.connectionString,
    TELEMETRY_OFFLINE_STORAGE: 'off',
    HTTP_MIN_INTERVAL_SECONDS: '0',
  };
  const functions: [string, unknown][] = [
    ['checkTimer', timerInput()],
    ['checkHttp', httpInput('https://fn.example/api/check')],
    ['expiryTimer', timerInput()],
  ];
  const lines = [`cold start: module load + first invocation against the simulated tenant, ${config.mailboxes.length} mailboxes (median of ${RUNS} fresh processes; Node's own start excluded)`];
  lines.push(`${'function'.padEnd(13)}${'lane'.padEnd(30)}${'wall ms'.padStart(9)}${'CPU ms'.padStart(9)}${'CPU vs before'.padStart(15)}`);
  const summary: string[] = [];
  try {
    for (const [fn, input] of functions) {
      const costs = new Map<Lane, Cost>();
      // Interleaved, so a burst of load elsewhere on the machine does not land on one lane only.
      const samples = new Map<Lane, Cost[]>(LANES.map((l) => [l, []]));
      for (let i = 0; i < RUNS; i++) for (const lane of LANES) samples.get(lane)!.push(await firstInvocation(lane, fn, input, env));
      for (const [lane, list] of samples) costs.set(lane, { wallMs: median(list.map((c) => c.wallMs)), cpuMs: median(list.map((c) => c.cpuMs)) });
      const before = costs.get(BASELINE)!;
      for (const lane of LANES) {
        const cost = costs.get(lane)!;
        lines.push(`${fn.padEnd(13)}${lane.name.padEnd(30)}${cost.wallMs.toFixed(0).padStart(9)}${cost.cpuMs.toFixed(0).padStart(9)}${`${(cost.cpuMs / before.cpuMs).toFixed(2)}x`.padStart(15)}`);
      }
      const lean = costs.get(LANES[0]!)!;
      summary.push(`${fn}=${lean.cpuMs.toFixed(0)}ms-cpu/${lean.wallMs.toFixed(0)}ms-wall(${(lean.cpuMs / before.cpuMs).toFixed(2)}x)`);
    }
  } finally {
    await Promise.all([tenant.stop(), ingestion.stop()]);
  }
  lines.push(`(before = the tsc build with require('applicationinsights') as the reporter loaded it before issue 17; target: checkTimer and checkHttp ≤ 700 ms CPU with the reporter on)`);
  lines.push(`bench cold-start: ${summary.join(' ')}`);
  return lines;
}

/** Bytes of a zip holding these files: local header, deflated data, data descriptor, central entry; end record. */
function zippedBytes(files: PackagedFile[]): number {
  let total = 22;
  for (const file of files) {
    const data = deflateRawSync(readFileSync(file.source));
    const name = Buffer.byteLength(file.path);
    total += 30 + name + Math.min(data.length, file.bytes + 5) + 16 + 46 + name;
  }
  return total;
}

/** Bytes of the files under `dir` (symlinks followed), leaving out nested node_modules when asked. */
function dirBytes(dir: string, skipNodeModules = false): number {
  let total = 0;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const stat = lstatSync(path).isSymbolicLink() ? statSync(path) : lstatSync(path);
    if (stat.isDirectory()) {
      if (!(skipNodeModules && name === 'node_modules')) total += dirBytes(path, skipNodeModules);
    } else total += stat.size;
  }
  return total;
}

/** What `npm ci --omit=dev` installs: the lockfile's packages not marked dev, measured in this node_modules. */
function productionNodeModulesBytes(): number {
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> };
  let total = 0;
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (!path || entry.dev || !existsSync(join(ROOT, path))) continue;
    total += dirBytes(join(ROOT, path), true);
  }
  return total;
}

function packageSizes(): string[] {
  const service = readService(ROOT);
  const files = packageFiles(service, packageRoot(service, ROOT));
  const unpacked = files.reduce((sum, f) => sum + f.bytes, 0);
  const inNodeModules = files.filter((f) => f.path.startsWith('node_modules/')).reduce((sum, f) => sum + f.bytes, 0);
  // Before: azure.yaml with no dist and no remoteBuild, no .funcignore: azd zipped the project folder after `npm run build`
  // (tsc: dist/ with tests and maps) without node_modules, and the remote build ran `npm install` there.
  const before = packageFiles({ project: '.', language: 'ts', host: 'function' }, ROOT, { withoutIgnoreFile: true }).filter((f) => !f.path.startsWith('dist/functionapp') && !f.path.startsWith('.tmp/'));
  const beforeUnpacked = before.reduce((sum, f) => sum + f.bytes, 0);
  const allNodeModules = dirBytes(join(ROOT, 'node_modules'));
  const production = productionNodeModulesBytes();
  return [
    'deployable package (azd package: azure.yaml, .funcignore)',
    `  now:    ${files.length} files; zipped ${mb(zippedBytes(files))}; unpacked ${mb(unpacked)} (node_modules ${mb(inNodeModules)}; without node_modules ${mb(unpacked - inNodeModules)}); nothing installed in Azure   [target ≤ 40 MB unpacked with node_modules, no devDependency]`,
    `  before: ${before.length} files; zipped ${mb(zippedBytes(before))}; unpacked ${mb(beforeUnpacked)} without node_modules, + ${mb(allNodeModules)} node_modules from the remote build's npm install (devDependencies included) = ${mb(beforeUnpacked + allNodeModules)}`,
    `  ratio:  ${(unpacked / (beforeUnpacked + allNodeModules)).toFixed(4)}x unpacked; production dependencies alone (the lockfile's non-dev packages, file bytes as installed here: what npm ci --omit=dev installs) ${mb(production)}`,
    `bench package: zipped=${mb(zippedBytes(files)).replace(' ', '')} unpacked=${mb(unpacked).replace(' ', '')} node_modules=${mb(inNodeModules).replace(' ', '')} before=${mb(beforeUnpacked + allNodeModules).replace(' ', '')}`,
  ];
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
  if (!existsSync(join(ROOT, 'dist', 'functionapp', 'package.json'))) throw new Error('dist/functionapp is missing: run `npm run build` first');
  if (!process.argv.includes('--flush-only')) {
    const started = performance.now();
    for (const line of await coldStart()) process.stdout.write(`${line}\n`);
    process.stdout.write('\n');
    for (const line of packageSizes()) process.stdout.write(`${line}\n`);
    process.stdout.write(`(cold start and sizes took ${((performance.now() - started) / 1000).toFixed(0)} s; ${relative(ROOT, RUNNER)} is the worker stand-in)\n\n`);
  }
  if (!process.argv.includes('--no-flush')) await flush();
  // The hanging ingestion request and the SDK's retry timers would keep the process alive.
  process.exit(0);
}

main().catch((error: Error) => {
  process.stderr.write(`${error.stack ?? String(error)}\n`);
  process.exit(1);
});
