/**
 * Issue 10, "Bad input" (config half): every broken configuration is answered by the CLI with
 * the exact problems, exit 3 and no stack trace, quickly. The CLI runs as its own process, as an
 * admin runs it; a preloaded probe records each process's CPU time (user + system).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BAD_CONFIGS, validConfig, type BadCase } from './bad-config-cases';
import { runCli } from './cli-process';

const dir = mkdtempSync(join(tmpdir(), 'bad-config-'));
const cpuFile = join(dir, 'cpu.jsonl');
const env = { NODE_OPTIONS: `--require ${join(__dirname, 'cpu-probe.js')}`, CPU_PROBE_FILE: cpuFile, MAILBOX_HEALTH_CONFIG: '' };

function fileFor(c: BadCase, index: number): string {
  if ('path' in c.input) return c.input.path;
  const file = join(dir, `case-${index}.json`);
  if ('mutate' in c.input) {
    const config = validConfig();
    c.input.mutate(config);
    writeFileSync(file, JSON.stringify(config, null, 2));
  } else writeFileSync(file, 'text' in c.input ? c.input.text : c.input.build());
  return file;
}

describe('a broken configuration is exit 3 with the exact problems (issue 10: bad input)', () => {
  it('has at least 40 cases', () => {
    expect(BAD_CONFIGS.length).toBeGreaterThanOrEqual(40);
  });

  it.each(BAD_CONFIGS.map((c, i) => [c.name, c, i] as const))('%s', async (_name, c, index) => {
    const file = fileFor(c, index);
    const run = await runCli(['validate', '--config', file], env);
    expect(run.stderr).toBe(`CONFIG_INVALID: ${file} is not a valid configuration:\n${c.problems.map((p) => `  ${p}\n`).join('')}`);
    expect(run.code).toBe(3);
    expect(run.stdout).toBe('');
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace

    // The same through check --json: one JSON body on stdout, the same problems.
    const json = await runCli(['check', '--json', '--config', file], env);
    expect(json.code).toBe(3);
    const body = JSON.parse(json.stdout);
    expect(body.failure.problems.map((p: { path: string; message: string }) => `${p.path}: ${p.message}`)).toEqual(c.problems);
  });

  it('the valid configuration itself passes (the control for every case above)', async () => {
    const file = join(dir, 'valid.json');
    writeFileSync(file, JSON.stringify(validConfig()));
    const run = await runCli(['validate', '--config', file], env);
    expect([run.code, run.stderr]).toEqual([0, '']);
    expect(run.stdout).toMatch(/is valid: 1 app\(s\), 2 mailbox\(es\)/);
  });

  // The CPU is recorded, not asserted: a timed assertion fails on a busy machine without a change
  // (311 ms against 300 with other tests running, 240 alone). What keeps it low is asserted in
  // lazy-loading.test.ts (no Azure SDK, imapflow or node-forge loaded); the measure of start-up
  // against a baseline is `npm run bench -- module-load`.
  it('answers a config error in every case, its process CPU recorded (median)', () => {
    const samples = readFileSync(cpuFile, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { argv: string[]; cpuMs: number });
    const cpu = samples.filter((s) => s.argv[0] === 'validate').map((s) => s.cpuMs).sort((a, b) => a - b);
    expect(cpu.length).toBeGreaterThanOrEqual(BAD_CONFIGS.length);
    const median = cpu[Math.floor(cpu.length / 2)]!;
    process.stdout.write(`config-error CPU per process (validate): median ${median.toFixed(0)} ms, max ${cpu.at(-1)!.toFixed(0)} ms over ${cpu.length} cases\n`);
    expect(median).toBeGreaterThan(0);
  });
});
