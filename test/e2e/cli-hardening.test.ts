/**
 * Issue 11 (the CLI as a hostile-but-ordinary user meets it) and issue 10's "signals and
 * lifecycle": each test names its item. The CLI runs as its own process, output into pipes, as
 * an admin or a supervisor runs it; the tenant is the simulated one.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTlsServer } from 'node:tls';
import type { RunReport } from '../../shared/contract/result';
import { caPaths, issueServerCert, loadOrCreateCa, trustedSimCa } from '../../sim/ca';
import type { SimTenant } from '../../sim/tenant';
import { catalogueConfig, catalogueScenario } from './catalogue';
import { BIN, runCli } from './cli-process';
import { startTenant } from './sim-harness';

let tenant: SimTenant;
let dir: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  tenant = await startTenant(catalogueScenario());
  dir = mkdtempSync(join(tmpdir(), 'cli-hardening-'));
  env = { ...tenant.identityEnv, MAILBOX_HEALTH_CONFIG: '' };
});

afterAll(async () => {
  await tenant?.stop();
});

const configFor = (ids: string[]) => catalogueConfig({ authorityHost: tenant.entra.url, keyVaultUrl: tenant.vault.url, imapPort: tenant.imap.port, ports: { CLOSED: 1, UNTRUSTED: 1, PLAIN: 1 } }, (id) => ids.includes(id));

function writeConfig(name: string, config: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(config));
  return file;
}

/** `n` copies of a mailbox whose env secret is missing: a quick failed check without the network. */
function manyMailboxes(n: number) {
  const config = configFor(['envmissing']);
  const template = config.mailboxes[0]!;
  config.mailboxes = Array.from({ length: n }, (_, i) => ({ ...template, id: `m${i}`, address: `m${i}@catalogue.example` }));
  return config;
}

/** Runs a shell pipeline; the CLI's own exit status is PIPESTATUS[0]. */
function pipeline(cli: string, reader: string, extraEnv: NodeJS.ProcessEnv = {}): { code: number; stderr: string } {
  const script = `${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} ${cli} | ${reader} >/dev/null; echo "cli-exit=\${PIPESTATUS[0]}" >&2`;
  const result = spawnSync('bash', ['-c', script], { env: { ...process.env, ...env, ...extraEnv }, encoding: 'utf8', timeout: 60_000 });
  const code = /cli-exit=(\d+)/.exec(result.stderr)?.[1];
  return { code: Number(code), stderr: result.stderr.replace(/cli-exit=\d+\n/, '') };
}

describe('#11.2 a closed pipe', () => {
  it('#11.2 a closed pipe ends each command quietly, with its own exit code (never 1, never a stack)', () => {
    const big = writeConfig('pipe-300.json', manyMailboxes(300));
    const valid = writeConfig('pipe-valid.json', configFor(['ok1']));
    const cases: [string, string, number][] = [
      [`check --json --config ${big}`, 'head -c 100', 2],
      [`check --config ${big}`, 'true', 2],
      [`validate --config ${valid}`, 'true', 0],
      ['schema', 'true', 0],
      ['demo', 'head -1', 0],
    ];
    for (const [cli, reader, expected] of cases) {
      const run = pipeline(cli, reader);
      expect([cli, reader, run.code, run.stderr]).toEqual([cli, reader, expected, '']);
    }
  });
});

describe('#11.8 no false green for machines', () => {
  it('#11.8 the bare command without configuration is exit 3 for a machine, plain and --json', async () => {
    const plain = await runCli([], env);
    expect(plain.code).toBe(3);
    expect(plain.stdout).toBe('');
    expect(plain.stderr).toContain('CONFIG_INVALID: no configuration found:\n  $: looked for, in this order: --config <file>, the MAILBOX_HEALTH_CONFIG environment variable (the configuration JSON), ');
    const json = await runCli(['--json'], env);
    expect(json.code).toBe(3);
    expect(JSON.parse(json.stdout)).toMatchObject({ status: 'unknown', failure: { code: 'CONFIG_INVALID', phase: 'config', remedy: expect.stringContaining('npx mailbox-health demo') } });
  });

  it('#11.8 a person at a terminal still gets the demo from the bare command, and it says it is one', () => {
    // script(1) (util-linux) gives the command a pseudo-terminal.
    const result = spawnSync('script', ['-qec', `${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)}; echo "exit=$?"`, '/dev/null'], { env: { ...process.env, ...env, NO_COLOR: '1' }, encoding: 'utf8', timeout: 30_000 });
    if (result.error) throw new Error(`script(1) is needed for this test (apt-get install -y bsdutils): ${result.error.message}`);
    expect(result.stdout).toContain('No tenant configured');
    expect(result.stdout).toMatch(/DEMO — simulated tenant/);
    expect(result.stdout).toContain('DEMO: this is the simulated tenant, not yours.');
    expect(result.stdout).toMatch(/exit=0/);
  });
});

describe('#11.10 arguments are never silently ignored', () => {
  it('#11.10 a root --json before the command, a stray positional, an extra argument: exit 3 naming the fix', async () => {
    const file = writeConfig('args.json', configFor(['ok1', 'ok2']));
    const rootJson = await runCli(['--json', 'check', '--config', file], env);
    expect(rootJson.code).toBe(3);
    expect(JSON.parse(rootJson.stdout).failure.message).toBe('--json goes after the command name: mailbox-health check --json');
    const positional = await runCli(['check', '--config', file, 'ok1'], env);
    expect([positional.code, positional.stdout, positional.stderr]).toEqual([3, '', 'error: check: unexpected argument "ok1" (to check one mailbox: --mailbox ok1)\n(see mailbox-health --help)\n']);
    const extra = await runCli(['validate', '--config', file, 'extra'], env);
    expect([extra.code, extra.stderr]).toEqual([3, 'error: validate: unexpected argument "extra" (the file goes after --config: --config extra)\n(see mailbox-health --help)\n']);
    // The control: the same, written correctly, works.
    const right = await runCli(['check', '--json', '--config', file, '--mailbox', 'ok1'], env);
    expect(right.code).toBe(0);
    expect((JSON.parse(right.stdout) as RunReport).results.map((r) => r.mailbox)).toEqual(['ok1']);
  });
});

describe('#11.11 every --json outcome is JSON on stdout', () => {
  it('#11.11 an unknown --mailbox, an unknown option and a usage error answer a failure body like a config error', async () => {
    const file = writeConfig('json-errors.json', configFor(['ok1']));
    const unknown = await runCli(['check', '--json', '--config', file, '--mailbox', 'nope'], env);
    expect([unknown.code, unknown.stderr]).toEqual([3, '']);
    expect(JSON.parse(unknown.stdout)).toEqual({
      status: 'unknown',
      failure: {
        code: 'CONFIG_INVALID',
        phase: 'config',
        kind: 'config',
        message: '--mailbox: no such mailbox id in the config: nope (known: ok1)',
        remedy: "Ask only for ids listed in the configuration's mailboxes[].id (the message names some), or add the mailbox to the configuration.",
        problems: [{ path: '--mailbox', message: '"nope" is not a mailbox id in the configuration' }],
      },
    });
    const option = await runCli(['check', '--json', '--bogus'], env);
    expect([option.code, option.stderr]).toEqual([3, '']);
    expect(JSON.parse(option.stdout).failure).toMatchObject({ code: 'CONFIG_INVALID', message: "unknown option '--bogus'" });
  });
});

describe('#11.12 one config lookup order for every command', () => {
  it('#11.12 check, validate and the bare command all read ./mailboxes.json; --config "" is named', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'cli-cwd-'));
    writeFileSync(join(cwd, 'mailboxes.json'), JSON.stringify(configFor(['ok1'])));
    // Asynchronously: the simulated tenant answers from this very process.
    const run = (args: string[], extra: NodeJS.ProcessEnv = {}) =>
      new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, ...env, ...extra }, stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
        child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
        child.on('close', (status) => resolve({ status, stdout, stderr }));
      });
    for (const args of [['check', '--json'], ['--json']]) {
      const result = await run(args);
      const report = JSON.parse(result.stdout) as RunReport;
      expect([args, result.status, report.results.map((r) => [r.mailbox, r.failure?.message ?? r.status])]).toEqual([args, 0, [['ok1', 'ok']]]);
    }
    const validate = await run(['validate']);
    expect([validate.status, validate.stdout]).toEqual([0, expect.stringMatching(/^mailboxes\.json is valid: 1 app\(s\), 1 mailbox\(es\)/)]);
    // The setting comes before the file (as on Functions), --config before both.
    const setting = await run(['validate', '--json'], { MAILBOX_HEALTH_CONFIG: JSON.stringify(configFor(['ok1', 'ok2'])) });
    expect(JSON.parse(setting.stdout)).toMatchObject({ status: 'ok', mailboxes: 2 });
    const empty = await run(['check', '--config', '']);
    expect([empty.status, empty.stderr]).toEqual([3, "CONFIG_INVALID: --config '':\n  $: is an empty file name: give the path of the configuration JSON file\n"]);
  });
});

describe('#11.16 bounded error output', () => {
  it('#11.16 10,000 dangling app references and an unknown --mailbox among 10,000 stay a few lines', async () => {
    const config = manyMailboxes(10_000);
    for (const m of config.mailboxes) m.app = 'gone';
    const dangling = await runCli(['validate', '--config', writeConfig('dangling.json', config)], env);
    expect(dangling.code).toBe(3);
    const lines = dangling.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(22);
    expect(lines[1]).toBe('  $.mailboxes[0].app: names app "gone", which is not in $.apps (known: envmissing)');
    expect(lines[21]).toBe('  …and 9,980 more problem(s)');
    const json = await runCli(['check', '--json', '--config', writeConfig('dangling.json', config)], env);
    const failure = JSON.parse(json.stdout).failure;
    expect([failure.problems.length, failure.problemsOmitted]).toEqual([100, 9900]);

    const unknown = await runCli(['check', '--config', writeConfig('ten-thousand.json', manyMailboxes(10_000)), '--mailbox', 'x'.repeat(100_000)], env);
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toBe(`--mailbox: no such mailbox id in the config: ${'x'.repeat(60)}… (100,000 characters) (known: m0, m1, m2, m3, m4, m5, m6, m7, m8, m9 …and 9,990 more)\n`);
  });
});

describe('#11.17 loose ends of the command line', () => {
  it('#11.17 --version prints the version; help points at what is in the repository', async () => {
    const version = await runCli(['--version']);
    expect([version.code, version.stdout]).toEqual([0, `${require('../../package.json').version}\n`]);
    const help = await runCli(['check', '--help']);
    expect(help.code).toBe(0);
    const text = help.stdout.replace(/\s+/g, ' ');
    expect(text).not.toMatch(/[A-Z]+\.md\b/); // no document the repository does not hold
    expect(text).toContain('the result contract: docs/cli.md#the-report-stable-contract');
    expect(text).toContain('Details: docs/cli.md#check');
    expect(text).toContain('then ./mailboxes.json');
  });
});

describe('#11.5 and #11.7 the demo on a fresh machine', () => {
  it('#11.5 two demos started at once both diagnose every mailbox (a CA per run, never shared half-written)', async () => {
    const fresh = mkdtempSync(join(tmpdir(), 'fresh-tmp-'));
    const runs = await Promise.all([0, 1, 2].map(() => runCli(['demo', '--json'], { TMPDIR: fresh, NODE_EXTRA_CA_CERTS: '', SIM_CA_DIR: '' })));
    for (const run of runs) {
      expect([run.code, run.stderr]).toEqual([0, '']);
      expect((JSON.parse(run.stdout) as RunReport).results.filter((r) => r.failure?.code === 'SECRET_SOURCE_UNREACHABLE')).toEqual([]);
    }
  });

  it('#11.5 a demo whose monitor broke (its CA not trusted) exits 3, not 0', async () => {
    // The demo's child as the parent starts it, but trusting another CA: every vault read fails TLS.
    const other = mkdtempSync(join(tmpdir(), 'other-ca-'));
    loadOrCreateCa(other);
    const run = await runCli(['demo', '--json'], { MAILBOX_HEALTH_DEMO_CHILD: '1', NODE_EXTRA_CA_CERTS: caPaths(other).cert });
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/^demo: the monitor itself is broken: \d+ mailbox\(es\) did not get the diagnosis planted in the simulated tenant \(invoices: expected ok, got SECRET_SOURCE_UNREACHABLE/);
  });

  it('#11.7 an unusable TMPDIR is one line naming the directory, exit 3, at once', async () => {
    const file = join(dir, 'not-a-directory');
    writeFileSync(file, 'x');
    for (const [tmp, code] of [[file, 'ENOTDIR'], ['/nonexistent/tmp', 'ENOENT'], ['/proc/self', 'ENOENT']] as const) {
      const run = await runCli(['demo'], { TMPDIR: tmp }, 20_000);
      expect([tmp, run.code, run.stdout]).toEqual([tmp, 3, '']);
      expect(run.stderr).toBe(`demo: cannot create its temporary directory in ${tmp} (${code}): set TMPDIR to a writable directory\n`);
      expect(run.ms).toBeLessThan(10_000);
    }
  });
});

/** A TLS server with a trusted certificate that accepts and never greets: a check hangs in connect. */
async function silentImap(): Promise<{ port: number; open: () => number; connected: Promise<void>; stop: () => Promise<void> }> {
  const cert = issueServerCert(trustedSimCa());
  const sockets = new Set<Socket>();
  let onConnect!: () => void;
  const connected = new Promise<void>((resolve) => (onConnect = resolve));
  const server = createTlsServer({ cert: cert.certPem, key: cert.keyPem }, (socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
    onConnect();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    open: () => sockets.size,
    connected,
    stop: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

describe('issue 10: signals and lifecycle', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('%s during a run ends within 2 s, closes every connection, prints the partial report, exit 3', async (signal) => {
    const imap = await silentImap();
    try {
      const config = configFor(['ok1', 'ok2']);
      config.timeouts = { connectMs: 60_000, checkMs: 120_000, runMs: 240_000 };
      config.mailboxes.push({ id: 'hangs', address: 'ok1@catalogue.example', app: config.mailboxes[0]!.app, port: imap.port });
      const child = spawn(process.execPath, [BIN, 'check', '--json', '--config', writeConfig(`signal-${signal}.json`, config)], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      await imap.connected;
      // Let the quick mailboxes finish: the report then has something to show.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const sent = Date.now();
      child.kill(signal);
      const code = await exited;
      const ms = Date.now() - sent;
      expect(code).toBe(3);
      expect(ms).toBeLessThan(2000);
      const report = JSON.parse(stdout) as RunReport;
      expect(report.partial).toEqual({ reason: 'interrupted', message: `interrupted by ${signal}: 2 of 3 mailbox(es) checked`, notChecked: ['hangs'] });
      expect(report.results.map((r) => [r.mailbox, r.status])).toEqual([['ok1', 'ok'], ['ok2', 'ok']]);
      expect(stderr).toBe(`\nmailbox-health: ${signal} received: stopping the checks; the report so far follows.\n`);
      // The hung connection was closed by the CLI, not left to the server.
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(imap.open()).toBe(0);
    } finally {
      await imap.stop();
    }
  });

  it('#11.9 SIGTERM to the demo parent reaches the child: both end, exit 3, nothing printed after', async () => {
    const child = spawn(process.execPath, [BIN, 'demo', '--json'], { env: { ...process.env, NODE_EXTRA_CA_CERTS: '', SIM_CA_DIR: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // Wait for the demo's own child process to exist, then signal the parent only (as a supervisor does).
    let grandchild: number | undefined;
    for (let i = 0; i < 200 && !grandchild; i++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      grandchild = Number(spawnSync('cat', [`/proc/${child.pid}/task/${child.pid}/children`], { encoding: 'utf8' }).stdout.trim().split(/\s+/)[0]) || undefined;
    }
    expect(grandchild).toBeDefined();
    child.kill('SIGTERM');
    expect(await exited).toBe(3);
    const alive = () => {
      try {
        process.kill(grandchild!, 0);
        return true;
      } catch {
        return false;
      }
    };
    expect(alive()).toBe(false);
    const printed = stdout;
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(stdout).toBe(printed);
  });
});
