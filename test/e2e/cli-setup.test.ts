/** `mailbox-health setup` as an admin runs it: a separate process, text or JSON, clear refusals. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SetupGuide } from '../../shared/setup/setup-guide';
import { exampleConfig } from '../setup/example-config';
import { runCli } from './cli-process';

let dir: string;
let file: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cli-setup-'));
  file = join(dir, 'mailboxes.json');
  writeFileSync(file, JSON.stringify(exampleConfig));
});

describe('mailbox-health setup', () => {
  it('prints numbered steps with the commands for bash and the Exchange cmdlets, exit 0', async () => {
    const run = await runCli(['setup', '--config', file]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Setup for .*mailboxes\.json: 2 app\(s\), 4 mailbox\(es\), cloud public/);
    expect(run.stdout).toContain("Add-MailboxPermission -Identity 'o''brien@contoso.com' -User $servicePrincipalId -AccessRights FullAccess");
    expect(run.stdout).toContain("az ad app permission admin-consent --id '3bf0cf36-87bf-47a9-927b-0ef9df7cf146'");
    expect(run.stdout).toMatch(/secret_1_logicaldoc="\$\(az ad app credential reset --id '3bf0cf36-[^']+' --append/);
    expect(run.stdout).not.toContain('Mail.Send\''); // no sender given: no Mail.Send grant
    expect(run.stdout.match(/^\d+\. /gm)).toHaveLength(18);
  });

  it('--shell powershell quotes the az commands for PowerShell; --json is the same guide for scripts', async () => {
    const ps = await runCli(['setup', '--config', file, '--shell', 'powershell', '--mail-sender', "o'neil@contoso.com"]);
    expect(ps.code).toBe(0);
    expect(ps.stdout).toContain('$secret_1_logicaldoc = az ad app credential reset');
    expect(ps.stdout).toContain("New-ManagementScope -Name 'mailbox-health notification sender' -RecipientRestrictionFilter 'PrimarySmtpAddress -eq ''o''''neil@contoso.com'''");
    const json = await runCli(['setup', '--config', file, '--json', '--secret-days', '90', '--identity-principal-id', '11111111-2222-3333-4444-555555555555']);
    expect(json.code).toBe(0);
    const guide = JSON.parse(json.stdout) as SetupGuide;
    expect(guide.steps).toHaveLength(18);
    expect(guide.steps.find((s) => s.mailbox === 'obrien')!.commands[0].powershell).toBe("Set-CASMailbox -Identity 'o''brien@contoso.com' -ImapEnabled $true");
    expect(guide.steps.find((s) => s.id === 'monitor.graph-application-read')!.commands[0].posix).toMatch(/^monitorPrincipalId=11111111-2222-3333-4444-555555555555\n/);
    expect(Date.parse(guide.secretExpiresOn) - Date.now()).toBeGreaterThan(88 * 86_400_000);
    expect(Date.parse(guide.secretExpiresOn) - Date.now()).toBeLessThan(91 * 86_400_000);
  });

  it('bad options are refused with exit 3, naming the option; nothing else is printed', async () => {
    const run = await runCli(['setup', '--config', file, '--shell', 'cmd', '--secret-days', '0', '--mail-sender', 'nobody', '--identity-client-id', 'x', '--exchange-environment', 'O365Default']);
    expect(run.code).toBe(3);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('--shell must be posix or powershell, not "cmd"');
    expect(run.stderr).toContain('--secret-days must be from 1 to 730');
    expect(run.stderr).toContain('--mail-sender must be an e-mail address');
    expect(run.stderr).toContain('--identity-client-id must be a GUID');
    expect(run.stderr).toContain('--exchange-environment must be O365USGovGCCHigh (Microsoft 365 GCC High) or O365USGovDoD (Microsoft 365 DoD)');
    // A valid environment for a config whose cloud is not usgov is refused too.
    const notUsGov = await runCli(['setup', '--config', file, '--exchange-environment', 'O365USGovDoD']);
    expect(notUsGov.code).toBe(3);
    expect(notUsGov.stderr).toContain('--exchange-environment is for "cloud": "usgov"');
  });

  it('without --config, or with an invalid config: exit 3 and the reason', async () => {
    const missing = await runCli(['setup']);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain("required option '-c, --config <file>' not specified");
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ ...exampleConfig, mailboxes: [{ id: 'x', address: 'not-an-address', app: 'logicaldoc' }] }));
    const invalid = await runCli(['setup', '--config', bad]);
    expect(invalid.code).toBe(3);
    expect(invalid.stderr).toContain('$.mailboxes[0].address: must be an e-mail address');
    expect(invalid.stdout).toBe('');
  });
});
