/**
 * `npm run bench`: a fleet of N mailboxes over M apps, checked by three lanes in the same run —
 * the typical script, the floor client and the engine through the CLI with its defaults — against
 * the simulated tenant and against a real Dovecot with Exchange's rules, every endpoint behind a
 * userspace latency proxy, the world in its own process. Each lane runs in its own process too,
 * so its CPU and peak RSS are its own. Ends with one summary line per back end.
 *
 *   npm run bench -- --mailboxes 1000 --apps 10 --delay-ms 25 [--backends simulator,dovecot]
 *                    [--lanes typical,floor,engine] [--repeat N] [--engine-concurrency N] [--run-ms MS] [--cpu-prof DIR] [--json FILE] [--no-module-load]
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { FOREIGN_AZURE_ENV } from '../sim/tenant';
import { fleetAddress, fleetAppOf, fleetApps, type Fleet } from './fleet-scenario';
import type { LaneResult, LaneSpec } from './lane-spec';
import { measureModuleLoad } from './module-load';
import type { Backend, WorldEndpoints, WorldStats } from './world';

type Lane = 'typical' | 'floor' | 'engine';
const ROOT = join(__dirname, '..', '..');

interface LaneMeasure {
  lane: Lane;
  wallMs: number;
  durations: number[];
  failed: number;
  firstFailure?: string;
  /** Wall time of each run of this lane (--repeat); the row shows the median run. */
  walls?: number[];
  /** The engine's per-phase medians (ms), from its report: where a check's time goes. */
  phases?: string;
  cpuMs: number;
  maxRssMb: number;
  world: WorldStats;
}

const { values: args } = parseArgs({
  options: {
    mailboxes: { type: 'string', default: '1000' },
    apps: { type: 'string', default: '10' },
    'delay-ms': { type: 'string', default: '25' },
    backends: { type: 'string', default: 'simulator,dovecot' },
    lanes: { type: 'string', default: 'typical,floor,engine' },
    /**
     * Runs of the floor and engine lanes, alternating; each row is the median run. On 2 cores the
     * simulated world is the ceiling and its speed drifts from run to run by ±15%: one run each
     * can tip the engine/floor ratio either way. The typical lane (minutes) runs once.
     */
    repeat: { type: 'string', default: '3' },
    'typical-concurrency': { type: 'string', default: '4' },
    'floor-concurrency': { type: 'string', default: '64' },
    /** Sets the config's concurrency for the engine lane (default: the engine's own default). */
    'engine-concurrency': { type: 'string' },
    /** Sets timeouts.runMs for the engine lane: the default (240 s, below the Functions timeout) is too short for 10,000 mailboxes on a busy 2-core machine. */
    'run-ms': { type: 'string' },
    'cpu-prof': { type: 'string' },
    json: { type: 'string' },
    'module-load': { type: 'boolean', default: true },
  },
  allowNegative: true,
});
const fleet: Fleet = { mailboxes: Number(args.mailboxes), apps: Number(args.apps) };
const delayMs = Number(args['delay-ms']);
for (const [name, value] of [['--mailboxes', fleet.mailboxes], ['--apps', fleet.apps], ['--delay-ms', delayMs]] as const) {
  if (!Number.isInteger(value) || value < 0 || (name !== '--delay-ms' && value < 1)) throw new Error(`${name} must be a whole number${name === '--delay-ms' ? '' : ' ≥ 1'}, got ${String(value)}`);
}
if (fleet.apps > fleet.mailboxes) throw new Error('--apps must not exceed --mailboxes');
const lanes = args.lanes!.split(',') as Lane[];
const backends = args.backends!.split(',') as Backend[];
const repeat = Math.max(1, Number(args.repeat));
const work = mkdtempSync(join(tmpdir(), 'mailbox-health-bench-'));

function startWorld(backend: Backend): Promise<{ child: ChildProcess; endpoints: WorldEndpoints }> {
  const child = fork(join(__dirname, 'world.js'), [backend, String(fleet.mailboxes), String(fleet.apps), String(delayMs)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`world exited (${code}) before it was ready`)));
    child.once('message', (message: { type: string; endpoints: WorldEndpoints }) => resolve({ child, endpoints: message.endpoints }));
  });
}

async function worldStats(child: ChildProcess): Promise<WorldStats> {
  child.send({ type: 'stats' });
  const [message] = (await once(child, 'message')) as [{ stats: WorldStats }];
  return message.stats;
}

/** Runs one lane process with the usage hook; returns its stdout, CPU and peak RSS. */
async function runProcess(label: string, argv: string[], env: NodeJS.ProcessEnv): Promise<{ stdout: string; code: number; cpuMs: number; maxRssMb: number; wallMs: number }> {
  const usageFile = join(work, `${label}.usage.json`);
  const prof = args['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', args['cpu-prof'], '--cpu-prof-name', `${label}.cpuprofile`] : [];
  const started = performance.now();
  const child = spawn(process.execPath, [...prof, '--require', join(__dirname, 'usage-hook.js'), ...argv], { env: { ...env, BENCH_USAGE_FILE: usageFile }, stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  child.stdout.on('data', (chunk) => (stdout += String(chunk)));
  const [code] = (await once(child, 'exit')) as [number];
  const wallMs = performance.now() - started;
  const usage = JSON.parse(readFileSync(usageFile, 'utf8')) as { userUs: number; systemUs: number; maxRssKb: number };
  return { stdout, code, wallMs, cpuMs: (usage.userUs + usage.systemUs) / 1000, maxRssMb: usage.maxRssKb / 1024 };
}

function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  for (const name of FOREIGN_AZURE_ENV) delete env[name];
  delete env.MAILBOX_HEALTH_CONFIG;
  return env;
}

async function runLane(lane: Lane, backend: Backend, endpoints: WorldEndpoints): Promise<Omit<LaneMeasure, 'world'>> {
  const apps = fleetApps(fleet);
  const label = `${backend}-${lane}`;
  if (lane === 'engine') {
    const config = {
      cloud: { authorityHost: endpoints.authorityHost, imapResource: 'https://outlook.office365.com' },
      keyVaultUrl: endpoints.keyVaultUrl,
      defaults: { host: endpoints.imap.host, port: endpoints.imap.port },
      ...(args['engine-concurrency'] ? { concurrency: Number(args['engine-concurrency']) } : {}),
      ...(args['run-ms'] ? { timeouts: { runMs: Number(args['run-ms']) } } : {}),
      apps: apps.map((a) => ({ id: a.id, tenantId: a.tenantId, clientId: a.clientId, credential: { keyVaultSecret: a.secretName } })),
      mailboxes: Array.from({ length: fleet.mailboxes }, (_, i) => ({ id: `m${i}`, address: fleetAddress(i), app: apps[fleetAppOf(i, fleet)]!.id })),
    };
    const file = join(work, `${label}.config.json`);
    writeFileSync(file, JSON.stringify(config));
    const run = await runProcess(label, [join(ROOT, 'bin', 'mailbox-health.js'), 'check', '--config', file, '--json'], cleanEnv(endpoints.identityEnv));
    const report = JSON.parse(run.stdout) as { results: { status: string; durationMs: number; phases: Record<string, number | null>; failure?: { code: string; message: string }; warnings: { code: string }[] }[] };
    const bad = report.results.filter((r) => r.status !== 'ok');
    // Not ok: failed, or degraded (on a saturated machine, SLOW_CHECK past thresholds.slowCheckMs).
    const codes = new Map<string, number>();
    for (const r of bad) for (const code of r.failure ? [r.failure.code] : r.warnings.map((w) => w.code)) codes.set(`${r.status} ${code}`, (codes.get(`${r.status} ${code}`) ?? 0) + 1);
    const firstFailure = bad.length > 0 ? [...codes].map(([code, n]) => `${n}× ${code}`).join(', ') : undefined;
    const phases = Object.keys(report.results[0]?.phases ?? {})
      .map((p) => `${p} ${fixed(quantile(report.results.map((r) => r.phases[p]).filter((v): v is number => typeof v === 'number'), 0.5), 0)}`)
      .join(', ');
    return { lane, wallMs: run.wallMs, durations: report.results.map((r) => r.durationMs), failed: bad.length, firstFailure, phases, cpuMs: run.cpuMs, maxRssMb: run.maxRssMb };
  }
  const spec: LaneSpec = {
    imap: endpoints.imap,
    authorityHost: endpoints.authorityHost,
    apps,
    mailboxes: Array.from({ length: fleet.mailboxes }, (_, i) => ({ address: fleetAddress(i), app: fleetAppOf(i, fleet) })),
    concurrency: Number(lane === 'typical' ? args['typical-concurrency'] : args['floor-concurrency']),
  };
  const file = join(work, `${label}.spec.json`);
  writeFileSync(file, JSON.stringify(spec));
  const run = await runProcess(label, [join(__dirname, `lane-${lane}.js`), file], cleanEnv({}));
  const result = JSON.parse(run.stdout) as LaneResult;
  return { lane, wallMs: run.wallMs, ...result, cpuMs: run.cpuMs, maxRssMb: run.maxRssMb };
}

const quantile = (values: number[], q: number) => {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
};
const fixed = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');

function printLanes(backend: Backend, measures: LaneMeasure[]): void {
  const header = ['lane', 'wall s', 'checks/s', 'p50 ms', 'p95 ms', 'cmds/chk', 'rtt/chk', 'tokens', 'kv reads', 'peak conns', 'hold p50 ms', 'peak RSS MB', 'CPU ms/chk', 'world CPU ms/chk', 'not ok'];
  const rows = measures.map((m) => {
    const n = m.durations.length || 1;
    const conns = m.world.imapConnections || 1;
    return [
      m.lane,
      fixed(m.wallMs / 1000, 2),
      fixed((fleet.mailboxes / m.wallMs) * 1000, 0),
      fixed(quantile(m.durations, 0.5), 0),
      fixed(quantile(m.durations, 0.95), 0),
      fixed(m.world.commands / conns, 1),
      // +1: the TCP handshake, which the proxy models as a delay of the client's first bytes.
      fixed(m.world.roundTrips / conns + 1, 1),
      String(m.world.tokenRequests),
      String(m.world.secretReads),
      String(m.world.peakOpen),
      fixed(quantile(m.world.holdMs, 0.5), 0),
      fixed(m.maxRssMb, 0),
      fixed(m.cpuMs / n, 2),
      fixed(m.world.worldCpuMs / n, 2),
      String(m.failed),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  process.stdout.write(`\n${backend}: ${fleet.mailboxes} mailboxes over ${fleet.apps} apps, ${delayMs} ms each way\n${line(header)}\n${rows.map(line).join('\n')}\n`);
  for (const m of measures) {
    const top = m.world.sequences[0];
    process.stdout.write(`  ${m.lane}: IMAP commands ${top ? `${top[0]} (${top[1]} of ${m.world.imapConnections} connections)` : 'none'}${m.firstFailure ? `; not ok: ${m.firstFailure}` : ''}\n`);
    if (m.walls && m.walls.length > 1) process.stdout.write(`  ${m.lane}: ${m.walls.length} runs, wall s ${m.walls.map((w) => fixed(w / 1000, 2)).join(' ')} (the row is the median run)\n`);
    if (m.phases) process.stdout.write(`  ${m.lane}: phase medians (ms) ${m.phases}\n`);
  }
}

function summary(backend: Backend, measures: LaneMeasure[]): string {
  const by = (lane: Lane) => measures.find((m) => m.lane === lane);
  const engine = by('engine');
  const floor = by('floor');
  const typical = by('typical');
  if (!engine) return `bench ${backend}: ${fleet.mailboxes} mailboxes (no engine lane)`;
  const conns = engine.world.imapConnections || 1;
  const ratio = (a: LaneMeasure | undefined, b: LaneMeasure | undefined) => (a && b ? `${(a.wallMs / b.wallMs).toFixed(2)}x` : 'n/a');
  return (
    `bench ${backend}: ${fleet.mailboxes} mailboxes ${(engine.wallMs / 1000).toFixed(1)}s ${engine.maxRssMb.toFixed(0)}MB ` +
    `${typical ? (typical.wallMs / engine.wallMs).toFixed(1) + 'x' : 'n/a'}-baseline floor=${ratio(engine, floor)} ` +
    `tokens=${engine.world.tokenRequests}/${fleet.apps} kv=${engine.world.secretReads}/${fleet.apps} rtt=${fixed(engine.world.roundTrips / conns + 1, 0)}`
  );
}

async function main(): Promise<void> {
  process.stdout.write(`node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} at start\n`);
  const summaries: string[] = [];
  const all: Record<string, LaneMeasure[]> = {};
  for (const backend of backends) {
    const { child, endpoints } = await startWorld(backend);
    try {
      await worldStats(child); // reset the counters after start-up
      const runs = new Map<Lane, LaneMeasure[]>(lanes.map((lane) => [lane, []]));
      for (let round = 0; round < repeat; round++) {
        for (const lane of lanes) {
          if (lane === 'typical' && round > 0) continue;
          const measure = await runLane(lane, backend, endpoints);
          runs.get(lane)!.push({ ...measure, world: await worldStats(child) });
        }
      }
      const measures = lanes.map((lane) => {
        const list = runs.get(lane)!;
        const median = [...list].sort((a, b) => a.wallMs - b.wallMs)[Math.floor((list.length - 1) / 2)]!;
        return { ...median, walls: list.map((m) => m.wallMs) };
      });
      printLanes(backend, measures);
      summaries.push(summary(backend, measures));
      all[backend] = measures;
    } finally {
      child.send({ type: 'stop' });
      await once(child, 'exit');
    }
  }
  const startup = args['module-load'] ? measureModuleLoad(work) : [];
  if (startup.length > 0) process.stdout.write(`\n${startup.join('\n')}\n`);
  process.stdout.write(`\nload average ${loadavg().map((l) => l.toFixed(2)).join(' ')} at end\n${summaries.join('\n')}\n`);
  if (args.json) writeFileSync(args.json, JSON.stringify({ fleet, delayMs, summaries, lanes: all }, (key, value) => (key === 'durations' || key === 'holdMs' ? undefined : value), 2));
}

main()
  .catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 1;
  })
  .finally(() => rmSync(work, { recursive: true, force: true }));
