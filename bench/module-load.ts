/**
 * Start-up cost, each measured in a fresh process (median of a few): `validate` of a 1,000-mailbox
 * config end to end; the modules the CLI's `check` loads; the timer function's module as the
 * Functions host loads it, and with the SDKs its first run then loads (without telemetry).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
// What a check loads once its plan is known: the Azure SDKs, MSAL and the engine's own IMAP client.
const ENGINE_SDKS = ['@azure/identity', '@azure/keyvault-secrets', '@azure/msal-node', join(ROOT, 'dist', 'shared', 'imap', 'probe.js')];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

interface Cost {
  wallMs: number;
  cpuMs: number;
}

const medianCost = (costs: Cost[]): Cost => ({ wallMs: median(costs.map((c) => c.wallMs)), cpuMs: median(costs.map((c) => c.cpuMs)) });
const show = (c: Cost) => `${c.wallMs.toFixed(0)} ms wall, ${c.cpuMs.toFixed(0)} ms CPU`;

/** Wall and CPU time to require the given modules in a fresh node (the process's own start excluded). */
function requireCost(modules: string[], runs: number): Cost {
  const script = `const t = performance.now(), c = process.cpuUsage(); for (const m of ${JSON.stringify(modules)}) require(m); const u = process.cpuUsage(c); process.stdout.write(JSON.stringify({ wallMs: performance.now() - t, cpuMs: (u.user + u.system) / 1000 }));`;
  return medianCost(Array.from({ length: runs }, () => JSON.parse(spawnSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, APPLICATIONINSIGHTS_CONNECTION_STRING: '' } }).stdout) as Cost));
}

/** The whole `validate` process: wall, and its CPU through the usage hook. */
function validateCost(configFile: string, work: string, runs: number): Cost {
  const usageFile = join(work, 'validate.usage.json');
  return medianCost(
    Array.from({ length: runs }, () => {
      const started = performance.now();
      const run = spawnSync(process.execPath, ['--require', join(__dirname, 'usage-hook.js'), join(ROOT, 'bin', 'mailbox-health.js'), 'validate', '--config', configFile], { encoding: 'utf8', env: { ...process.env, BENCH_USAGE_FILE: usageFile } });
      if (run.status !== 0) throw new Error(`validate failed: ${run.stderr}`);
      const usage = JSON.parse(readFileSync(usageFile, 'utf8')) as { userUs: number; systemUs: number };
      return { wallMs: performance.now() - started, cpuMs: (usage.userUs + usage.systemUs) / 1000 };
    }),
  );
}

export function measureModuleLoad(work: string, runs = 5): string[] {
  const file = join(work, 'validate-1000.json');
  const apps = Array.from({ length: 10 }, (_, i) => ({ id: `app${i}`, tenantId: '5a6b7c8d-0000-4000-8000-000000000000', clientId: `5a6b7c8d-0000-4000-8001-${String(i).padStart(12, '0')}`, credential: { keyVaultSecret: `secret-${i}` } }));
  writeFileSync(file, JSON.stringify({ keyVaultUrl: 'https://contoso-kv.vault.azure.net', apps, mailboxes: Array.from({ length: 1000 }, (_, i) => ({ id: `m${i}`, address: `m${i}@contoso.com`, app: `app${i % 10}` })) }));
  const bare = validateCostOf(['-e', '0'], work, runs);
  const cli = join(ROOT, 'dist', 'cli', 'main.js');
  const timer = join(ROOT, 'dist', 'functions', 'check-timer.js');
  return [
    `module load (median of ${runs} fresh processes; a bare \`node -e 0\` process: ${show(bare)}):`,
    `  validate, 1,000-mailbox config (whole process): ${show(validateCost(file, work, runs))}   [target ≤ 250 ms wall]`,
    `  CLI check path (cli + ${ENGINE_SDKS.map((m) => m.replace(/^.*[\\/]dist[\\/]/, '')).join(', ')}): ${show(requireCost([cli, ...ENGINE_SDKS], runs))}   [target ≤ 300 ms]`,
    `  timer function module: ${show(requireCost([timer], runs))}; with the SDKs its first run loads: ${show(requireCost([timer, ...ENGINE_SDKS], runs))}   [target ≤ 500 ms]`,
  ];
}

/** A process with the usage hook, for the baseline of what node itself costs. */
function validateCostOf(argv: string[], work: string, runs: number): Cost {
  const usageFile = join(work, 'bare.usage.json');
  return medianCost(
    Array.from({ length: runs }, () => {
      const started = performance.now();
      spawnSync(process.execPath, ['--require', join(__dirname, 'usage-hook.js'), ...argv], { env: { ...process.env, BENCH_USAGE_FILE: usageFile } });
      const usage = JSON.parse(readFileSync(usageFile, 'utf8')) as { userUs: number; systemUs: number };
      return { wallMs: performance.now() - started, cpuMs: (usage.userUs + usage.systemUs) / 1000 };
    }),
  );
}
