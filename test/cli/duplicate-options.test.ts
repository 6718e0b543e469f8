/**
 * Issue 16 item 7 on the command line: commander kept the last of a repeated single-value option,
 * so `--config A --config B` checked B without a word about A. Refused, naming the option.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../e2e/cli-process';

let a: string;
let b: string;
const env = { MAILBOX_HEALTH_CONFIG: '' };

beforeAll(() => {
  const dir = mkdtempSync(join(tmpdir(), 'dup-options-'));
  const config = (id: string) => JSON.stringify({
    apps: [{ id: 'a', tenantId: '11111111-1111-1111-1111-111111111111', clientId: '22222222-2222-2222-2222-222222222222', credential: { env: 'S' } }],
    mailboxes: [{ id, address: `${id}@contoso.com`, app: 'a' }],
  });
  writeFileSync((a = join(dir, 'a.json')), config('ma'));
  writeFileSync((b = join(dir, 'b.json')), config('mb'));
});

describe('#16.7 repeated single-value options', () => {
  it('#16.7 the twin: --config given once is used', async () => {
    const run = await runCli(['validate', '--config', a], env);
    expect([run.code, run.stderr]).toEqual([0, '']);
    expect(run.stdout).toContain('a.json is valid');
  });

  it('#16.7 --config A --config B is exit 3 naming --config, plain and --json', async () => {
    const plain = await runCli(['validate', '--config', a, '-c', b], env);
    expect([plain.code, plain.stdout]).toEqual([3, '']);
    expect(plain.stderr).toBe(`error: --config is given twice ("${a}", then "${b}"): give it once\n(see mailbox-health --help)\n`);
    const json = await runCli(['check', '--json', '--config', a, '--config', b], env);
    expect(json.code).toBe(3);
    expect(JSON.parse(json.stdout).failure).toMatchObject({ code: 'CONFIG_INVALID', problems: [{ path: 'command line', message: `--config is given twice ("${a}", then "${b}"): give it once` }] });
  });

  it('#16.7 setup refuses a second --shell, and a second --config', async () => {
    const shell = await runCli(['setup', '--config', a, '--shell', 'posix', '--shell', 'powershell'], env);
    expect([shell.code, shell.stdout, shell.stderr]).toEqual([3, '', 'error: --shell is given twice ("posix", then "powershell"): give it once\n(see mailbox-health --help)\n']);
    const config = await runCli(['setup', '--config', a, '--config', b], env);
    expect([config.code, config.stdout]).toEqual([3, '']);
    expect(config.stderr).toContain('--config is given twice');
  });
});
