/**
 * The mailbox-health command as an admin runs it: a separate process, output into pipes, the
 * vault read through the managed identity in its environment, exit codes 0/1/2/3.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunReport } from '../../shared/contract/result';
import type { SimTenant } from '../../sim/tenant';
import { ENV_SECRET, MONITOR_SECRET, catalogueConfig, catalogueScenario, TENANT } from './catalogue';
import { DEMO_EXPECTED, demoMismatches } from '../../sim/demo-scenario';
import { BIN, runCli } from './cli-process';
import { startTenant } from './sim-harness';

let tenant: SimTenant;
let dir: string;
let env: NodeJS.ProcessEnv;

function writeConfig(name: string, config: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(config));
  return file;
}

const configFor = (ids: string[]) => catalogueConfig({ authorityHost: tenant.entra.url, keyVaultUrl: tenant.vault.url, imapPort: tenant.imap.port, ports: { CLOSED: 1, UNTRUSTED: 1, PLAIN: 1 } }, (id) => ids.includes(id));

beforeAll(async () => {
  tenant = await startTenant(catalogueScenario());
  dir = mkdtempSync(join(tmpdir(), 'cli-test-'));
  env = { ...tenant.identityEnv, CATALOGUE_ENV_SECRET: ENV_SECRET };
});

afterAll(async () => {
  await tenant?.stop();
});

const allSecrets = () => {
  const scenario = catalogueScenario();
  return [...scenario.apps.map((a) => a.secret), ...scenario.vault.secrets.map((s) => s.value), ENV_SECRET, MONITOR_SECRET];
};

function expectNoSecrets(...texts: string[]): void {
  for (const text of texts) {
    for (const secret of allSecrets()) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/eyJ[\w-]{10,}\./);
  }
}

describe('mailbox-health check', () => {
  it('exit 0 and a table when every mailbox is healthy', async () => {
    const run = await runCli(['check', '--config', writeConfig('ok.json', configFor(['ok1', 'ok2']))], env);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^MAILBOX\s+ADDRESS\s+STATUS/);
    expect(run.stdout).toMatch(/ok1\s+ok1@catalogue.example\s+OK/);
    expect(run.stdout).toContain('2 mailbox(es): 2 ok, 0 degraded, 0 failed');
    expect(run.stdout).not.toContain('\u001b['); // no colour into a pipe
  });

  it('exit 1 when degraded, 2 when failed, with the diagnosis and the remedy in the table', async () => {
    const degraded = await runCli(['check', '--config', writeConfig('degraded.json', configFor(['ok1', 'expiring']))], env);
    expect(degraded.code).toBe(1);
    expect(degraded.stdout).toMatch(/SECRET_EXPIRING: the vault secret expires on/);
    const failed = await runCli(['check', '--config', writeConfig('failed.json', configFor(['ok1', 'nogrant', 'expiring']))], env);
    expect(failed.code).toBe(2);
    expect(failed.stdout).toMatch(/IMAP_AUTH_FAILED in auth \(permission\)/);
    expect(failed.stdout).toMatch(/fix: .*Add-MailboxPermission -Identity 'nogrant@catalogue.example'/);
    expectNoSecrets(degraded.stdout, degraded.stderr, failed.stdout, failed.stderr);
  });

  it('--json prints the contract, --mailbox narrows the run, and secrets stay out of both streams', async () => {
    const file = writeConfig('json.json', configFor(['ok1', 'nogrant', 'wrongsecret', 'denied', 'envok']));
    const run = await runCli(['check', '--config', file, '--json', '--mailbox', 'nogrant', '--mailbox', 'wrongsecret', '-m', 'envok'], env);
    expect(run.code).toBe(2);
    const report = JSON.parse(run.stdout) as RunReport;
    expect(Object.keys(report).sort()).toEqual(['counts', 'durationMs', 'results', 'startedAt', 'status']);
    // In config order, whatever the order of --mailbox.
    expect(report.results.map((r) => [r.mailbox, r.status, r.failure?.code ?? null])).toEqual([
      ['envok', 'ok', null],
      ['nogrant', 'failed', 'IMAP_AUTH_FAILED'],
      ['wrongsecret', 'failed', 'TOKEN_INVALID_SECRET'],
    ]);
    expect(Object.keys(report.results[1]!).sort()).toEqual(['address', 'app', 'attempts', 'checkedAt', 'durationMs', 'failure', 'folder', 'mailbox', 'phases', 'secret', 'status', 'token', 'warnings']);
    expect(Object.keys(report.results[1]!.failure!).sort()).toEqual(['code', 'kind', 'message', 'phase', 'remedy']);
    // The secret's facts, never its value: an environment variable has no expiry to count down.
    expect(report.results[0]!.secret).toEqual({ source: 'env', name: 'CATALOGUE_ENV_SECRET', expiresOn: null, daysLeft: null });
    expect(report.results[1]!.secret).toMatchObject({ source: 'keyVault', name: expect.any(String), expiresOn: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), daysLeft: expect.any(Number) });
    expectNoSecrets(run.stdout, run.stderr);
  });

  it('an unknown --mailbox is exit 3 naming it', async () => {
    const run = await runCli(['check', '--config', writeConfig('one.json', configFor(['ok1'])), '--mailbox', 'nope'], env);
    expect(run.code).toBe(3);
    expect(run.stderr).toBe('--mailbox: no such mailbox id in the config: nope (known: ok1)\n');
  });

  it('a multi-megabyte JSON report arrives whole through a pipe', async () => {
    const config = configFor(['envmissing']);
    const template = config.mailboxes[0]!;
    config.mailboxes = Array.from({ length: 3000 }, (_, i) => ({ ...template, id: `m${i}`, address: `m${i}@catalogue.example` }));
    const run = await runCli(['check', '--config', writeConfig('big.json', config), '--json'], env);
    expect(run.stdout.length).toBeGreaterThan(2_000_000);
    const report = JSON.parse(run.stdout) as RunReport;
    expect(report.counts).toEqual({ total: 3000, ok: 0, degraded: 0, failed: 3000 });
    expect(report.results[2999]!.failure!.code).toBe('SECRET_NOT_FOUND');
    expect(run.code).toBe(2);
  });

  it('the config can come from the MAILBOX_HEALTH_CONFIG setting, as on Functions', async () => {
    const run = await runCli(['check', '--json'], { ...env, MAILBOX_HEALTH_CONFIG: JSON.stringify(configFor(['ok1'])) });
    expect(run.code).toBe(0);
    expect((JSON.parse(run.stdout) as RunReport).results[0]!.status).toBe('ok');
  });
});

describe('bad configuration', () => {
  const bad = () => ({ ...configFor(['ok1']), mailboxes: [{ id: 'x', address: 'not-an-address', app: 'nope', colour: 'red' }] });

  it('validate: exit 0 with a summary for a good file, exit 3 listing every problem with its path', async () => {
    const good = await runCli(['validate', '--config', writeConfig('valid.json', configFor(['ok1', 'ok2']))]);
    expect(good.code).toBe(0);
    expect(good.stdout).toMatch(/is valid: 1 app\(s\), 2 mailbox\(es\), cloud custom/);
    const file = writeConfig('invalid.json', bad());
    const run = await runCli(['validate', '--config', file]);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain(`CONFIG_INVALID: ${file} is not a valid configuration:`);
    expect(run.stderr).toContain('$.mailboxes[0].address: must be an e-mail address');
    expect(run.stderr).toContain('$.mailboxes[0].colour: is not a known field');
    expect(run.stderr).toContain('$.mailboxes[0].app: names app "nope", which is not in $.apps (known: good)');
  });

  it('check: exit 3, and with --json the CONFIG_INVALID failure as JSON', async () => {
    const run = await runCli(['check', '--json', '--config', writeConfig('invalid2.json', bad())]);
    expect(run.code).toBe(3);
    const body = JSON.parse(run.stdout);
    expect(body).toMatchObject({ status: 'unknown', failure: { code: 'CONFIG_INVALID', phase: 'config', kind: 'config' } });
    expect(body.failure.remedy).toBe(`Fix the listed fields in ${join(dir, 'invalid2.json')}, then check it with: npx mailbox-health validate --config ${join(dir, 'invalid2.json')}`);
    expect(body.failure.problems).toEqual(expect.arrayContaining([{ path: '$.mailboxes[0].colour', message: 'is not a known field (check its spelling)' }]));
  });

  it('a missing file and a missing setting are exit 3 with the reason', async () => {
    const missing = await runCli(['check', '--config', join(dir, 'nope.json')]);
    expect([missing.code, missing.stderr]).toEqual([3, expect.stringContaining('nope.json is not a valid configuration:\n  $: file not found')]);
    const unset = await runCli(['check'], { MAILBOX_HEALTH_CONFIG: '' });
    expect([unset.code, unset.stderr]).toEqual([3, expect.stringContaining('no configuration found:\n  $: looked for, in this order: --config <file>, the MAILBOX_HEALTH_CONFIG environment variable')]);
  });

  it('an unknown command is exit 3 with help', async () => {
    const run = await runCli(['chek']);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/unknown command 'chek'/);
  });
});

describe('mailbox-health demo', () => {
  it('shows healthy and broken mailboxes, each diagnosed', async () => {
    const run = await runCli(['demo', '--json'], { NODE_EXTRA_CA_CERTS: '', SIM_CA_DIR: '' });
    // Broken on purpose: the demo itself succeeded.
    expect(run.code).toBe(0);
    expect(report_status(run.stdout)).toBe('failed');
    const report = JSON.parse(run.stdout) as RunReport;
    // Every mailbox got the diagnosis the scenario planted (the demo's own exit 3 check uses the same list).
    expect(demoMismatches(report.results)).toEqual([]);
    expect(Object.keys(DEMO_EXPECTED)).toEqual(report.results.map((r) => r.mailbox));
    expect(report.results.find((r) => r.mailbox === 'shipping')!.warnings.map((w) => [w.code, w.incidentId])).toEqual([['SERVICE_INCIDENT_ACTIVE', 'EX1187234']]);
    expect(report.results.find((r) => r.mailbox === 'legal')!.failure!.remedy).toContain('Add-MailboxPermission -Identity \'legal@contoso.com\' -User 03ee3318-e731-4e1e-81a6-ba18c3ca9cb6');
    expect(report.demo).toBe(true);
    expect(run.stdout).not.toMatch(/eyJ[\w-]{10,}\./);
    expect(run.stdout + run.stderr).not.toMatch(/demo-[a-z]+-secret-value|monitor-identity-secret/);
  });

  it('prints the table for people, marked as the demo', async () => {
    const run = await runCli(['demo'], { MAILBOX_HEALTH_CONFIG: '' });
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/^DEMO — simulated tenant: Entra ID https:\/\/127\.0\.0\.1:\d+/);
    expect(run.stdout).toContain('\nDEMO: this is the simulated tenant, not yours.');
    expect(run.stdout).toMatch(/support\s+support@contoso.com\s+FAILED\s+IMAP_NOT_CONNECTED\s+folder/);
    expect(run.stdout).toContain("Set-CASMailbox -Identity 'support@contoso.com' -ImapEnabled $true");
    // Issue 20 added `shipping`: refused with NO [UNAVAILABLE] during the simulated Exchange Online incident, said once for the run.
    expect(run.stdout).toMatch(/13 mailbox\(es\): 3 ok, 2 degraded, 8 failed/);
    expect(run.stdout).toMatch(/^Exchange Online incident EX1187234 \(ServiceDegradation, since .* UTC\): Some users may be unable to access mailboxes using IMAP — https:\/\/admin\.microsoft\.com\/Adminportal\/Home#\/servicehealth\/:\/alerts\/EX1187234; 1 failure\(s\) here look like it: shipping$/m);
    expect(run.stdout).not.toContain('EX1185090');
  });
});

describe('at a terminal', () => {
  // script(1) (util-linux, on every Debian) gives the command a pseudo-terminal.
  function runInPty(env: NodeJS.ProcessEnv): string {
    const result = spawnSync('script', ['-qec', `${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} demo`, '/dev/null'], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 30_000 });
    if (result.error) throw new Error(`script(1) is needed for this test (apt-get install -y bsdutils): ${result.error.message}`);
    return result.stdout;
  }

  it('colours the table and clears its progress line; NO_COLOR turns colour off', async () => {
    const coloured = runInPty({});
    expect(coloured).toContain('\u001b[31mlegal'); // failed rows in red
    expect(coloured).toContain('\u001b[2Kchecked 13/13 mailboxes');
    const plain = runInPty({ NO_COLOR: '1' });
    expect(plain).not.toMatch(/\u001b\[3\dm/);
    expect(plain).toMatch(/legal\s+legal@contoso.com\s+FAILED/);
  });
});

function report_status(stdout: string): string {
  return (JSON.parse(stdout) as RunReport).status;
}

it('uses the tenant id it was given (sanity of the fixture)', () => {
  expect(configFor(['ok1']).apps[0]!.tenantId).toBe(TENANT);
});
