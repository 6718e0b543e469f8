/**
 * The setup guide's commands carry the right values, quoted right: run through the real bash and
 * dash (az and azd recorded, not called, their argv checked against the Azure CLI reference) and
 * through the real PowerShell parser and a runspace of cmdlet stubs generated from the reference
 * (pwsh-check), for addresses and names holding an apostrophe, a typographic apostrophe, `$` and a
 * backtick.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../shared/config/load';
import { EXCHANGE_ONLINE_APP_ID, GRAPH_APPLICATION_READ_ALL_ROLE_ID, GRAPH_SERVICE_HEALTH_READ_ALL_ROLE_ID, IMAP_ACCESS_AS_APP_ROLE_ID } from '../../shared/setup/azure-ids';
import { setupGuide, type SetupGuide, type SetupStep } from '../../shared/setup/setup-guide';
import { posixQuote, powershellQuote } from '../../shared/setup/shell-quote';
import { APOSTROPHE, APP_NAME, CLIENT_A, DOLLAR, exampleConfig, SENDER, TYPOGRAPHIC } from './example-config';
import { checkAzArgv } from '../tools/az-reference';
import { checkPrintedCommands, runPrintedCommands } from '../tools/check-commands';
import { describeWithValidator, PWSH_CHECK } from '../tools/validators';
import { argAfter, FAKE_GUID, FAKE_SECRET, runPosix } from './shell-harness';

let dir: string;
let configFile: string;
let guide: SetupGuide;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'setup-guide-'));
  // A path with an apostrophe and a space: the deploy step quotes it too.
  configFile = join(dir, "o'brien mailboxes.json");
  writeFileSync(configFile, JSON.stringify(exampleConfig));
  guide = setupGuide(parseConfig(exampleConfig, 'test'), { now: new Date('2026-11-30T15:00:00Z'), secretDays: 180, configFile, mailSender: SENDER });
});

const stepsOf = (id: string, filter: Partial<SetupStep> = {}) =>
  guide.steps.filter((s) => s.id === id && Object.entries(filter).every(([k, val]) => s[k as keyof SetupStep] === val));
const step = (id: string, filter: Partial<SetupStep> = {}) => {
  const found = stepsOf(id, filter);
  if (found.length !== 1) throw new Error(`expected one step ${id} ${JSON.stringify(filter)}, found ${found.length}`);
  return found[0];
};
const posixScript = (s: SetupStep) => s.commands.map((c) => c.posix).filter(Boolean).join('\n');
/** A step's PowerShell commands, run in one session as pasted; every cmdlet call with what PowerShell bound. */
async function powershellCalls(...steps: SetupStep[]) {
  const runs = await runPrintedCommands(steps.flatMap((s) => s.commands.map((c) => ({ shell: 'powershell' as const, text: c.powershell }))), { sequence: true });
  expect(runs.flatMap((r) => r.problems)).toEqual([]);
  return { cmdlets: runs.flatMap((r) => r.cmdletCalls), native: runs.flatMap((r) => r.nativeCalls) };
}

describe('setup guide: structure', () => {
  it('deploys first, then per tenant: sign-in, per app its steps and mailboxes, then the monitor identity', () => {
    expect(guide.steps.map((s) => `${s.id}${s.app ? `:${s.app}` : ''}${s.mailbox ? `:${s.mailbox}` : ''}`)).toEqual([
      'deploy',
      'sign-in',
      'app.enterprise-application:logicaldoc',
      'app.imap-permission:logicaldoc',
      'app.client-secret:logicaldoc',
      'app.exchange-service-principal:logicaldoc',
      'mailbox.access:logicaldoc:invoices',
      'mailbox.access:logicaldoc:obrien',
      'mailbox.access:logicaldoc:darcy',
      'sign-in',
      'app.enterprise-application:scanner',
      'app.imap-permission:scanner',
      'app.client-secret:scanner',
      'app.exchange-service-principal:scanner',
      'mailbox.access:scanner:ops',
      'subscription.sign-in',
      'vault.store-secrets',
      'monitor.graph-application-read',
      'monitor.mail-send',
    ]);
    expect(guide.secretExpiresOn).toBe('2027-05-29T00:00:00Z');
  });

  it('no Mail.Send step at all without a sender (e-mail notifications off)', () => {
    const without = setupGuide(parseConfig(exampleConfig, 'test'), { now: new Date('2026-11-30T15:00:00Z'), secretDays: 30, configFile });
    expect(without.steps.map((s) => s.id)).not.toContain('monitor.mail-send');
    expect(JSON.stringify(without)).not.toContain('Mail.Send"');
    expect(without.secretExpiresOn).toBe('2026-12-30T00:00:00Z');
  });

  it('every step names the pitfalls docs/deploy.md lists where they happen', () => {
    expect(step('app.client-secret', { app: 'logicaldoc' }).pitfall).toMatch(/Value, not its "Secret ID"/);
    expect(step('app.exchange-service-principal', { app: 'logicaldoc' }).portal).toMatch(/Enterprise applications .* Object ID\. Not App registrations/);
    expect(step('app.imap-permission', { app: 'logicaldoc' }).pitfall).toMatch(/IMAP\.AccessAsUser\.All is a delegated permission/);
    expect(step('mailbox.access', { mailbox: 'obrien' }).pitfall).toMatch(/up to an hour/);
    expect(step('mailbox.access', { mailbox: 'obrien' }).pitfall).toMatch(/authenticated but not connected/);
  });
});

describe('setup guide: POSIX commands through the real bash and dash', () => {
  for (const shell of ['bash', 'dash'] as const) {
    it(`${shell}: Entra permission, consent and service principal carry the app's ids exactly`, () => {
      const run = runPosix(shell, posixScript(step('app.enterprise-application', { app: 'logicaldoc' })) + '\n' + posixScript(step('app.imap-permission', { app: 'logicaldoc' })));
      expect(run.stderr).toBe('');
      expect(run.calls.filter((c) => c[0] === 'az').flatMap(checkAzArgv)).toEqual([]);
      expect(run.calls).toEqual([
        ['az', 'ad', 'sp', 'create', '--id', CLIENT_A],
        ['az', 'ad', 'app', 'permission', 'add', '--id', CLIENT_A, '--api', EXCHANGE_ONLINE_APP_ID, '--api-permissions', `${IMAP_ACCESS_AS_APP_ROLE_ID}=Role`],
        ['az', 'ad', 'app', 'permission', 'admin-consent', '--id', CLIENT_A],
      ]);
    });

    it(`${shell}: the new secret's value (never printed) goes to Key Vault with the same expiry as in Entra, then is forgotten`, () => {
      const run = runPosix(shell, posixScript(step('app.client-secret', { app: 'logicaldoc' })) + '\n' + posixScript(step('vault.store-secrets')) + '\necho "left:${secret_1_logicaldoc-}"');
      expect(run.stderr).toBe('');
      expect(run.calls.filter((c) => c[0] === 'az').flatMap(checkAzArgv)).toEqual([]);
      expect(run.calls).toHaveLength(2);
      const [reset, store] = run.calls;
      expect(reset.slice(0, 6)).toEqual(['az', 'ad', 'app', 'credential', 'reset', '--id']);
      expect(argAfter(reset, '--id')).toBe(CLIENT_A);
      expect(reset).toContain('--append');
      expect(argAfter(reset, '--end-date')).toBe('2027-05-29T00:00:00Z');
      expect(argAfter(store, '--vault-name')).toBe('contoso-kv');
      expect(argAfter(store, '--name')).toBe('logicaldoc-imap-secret');
      expect(store).toContain(`--value=${FAKE_SECRET}`);
      expect(argAfter(store, '--expires')).toBe('2027-05-29T00:00:00Z');
      expect(run.stdout).toBe('left:\n'); // unset afterwards, and the secret never reached stdout
    });

    it(`${shell}: an env-variable credential is exported with the secret's value`, () => {
      const run = runPosix(shell, posixScript(step('app.client-secret', { app: 'scanner' })) + '\nprintf "%s" "$SCANNER_SECRET"; sh -c \'printf "|%s" "$SCANNER_SECRET"\'');
      expect(run.stdout).toBe(`${FAKE_SECRET}|${FAKE_SECRET}`);
    });

    it(`${shell}: the deploy step hands over the config file byte for byte, from a path with an apostrophe and a space`, () => {
      const run = runPosix(shell, posixScript(step('deploy')));
      expect(run.stderr).toBe('');
      const set = run.calls.find((c) => c[1] === 'env' && c[3] === 'MAILBOX_HEALTH_CONFIG_BASE64')!;
      expect(JSON.parse(Buffer.from(set[4], 'base64').toString('utf8'))).toEqual(exampleConfig);
      expect(run.calls).toContainEqual(['azd', 'env', 'set', 'AZURE_KEY_VAULT_NAME', 'contoso-kv']);
      expect(run.calls.at(-1)).toEqual(['azd', 'up']);
    });

    it(`${shell}: the Graph grant's JSON body names the monitor identity and Application.Read.All`, () => {
      const run = runPosix(shell, posixScript(step('monitor.graph-application-read')));
      expect(run.calls.filter((c) => c[0] === 'az').flatMap(checkAzArgv)).toEqual([]);
      const rest = run.calls.find((c) => c[1] === 'rest')!;
      expect(argAfter(rest, '--uri')).toBe(`https://graph.microsoft.com/v1.0/servicePrincipals/${FAKE_GUID}/appRoleAssignedTo`);
      expect(JSON.parse(argAfter(rest, '--body')!)).toEqual({ principalId: FAKE_GUID, resourceId: FAKE_GUID, appRoleId: GRAPH_APPLICATION_READ_ALL_ROLE_ID });
    });

    it(`${shell}: issue 20: the same step grants ServiceHealth.Read.All too, a second appRoleAssignedTo with its own app role id`, () => {
      const run = runPosix(shell, posixScript(step('monitor.graph-application-read')));
      expect(run.stderr).toBe('');
      const grants = run.calls.filter((c) => c[1] === 'rest');
      expect(grants.map((c) => JSON.parse(argAfter(c, '--body')!).appRoleId)).toEqual([GRAPH_APPLICATION_READ_ALL_ROLE_ID, GRAPH_SERVICE_HEALTH_READ_ALL_ROLE_ID]);
      expect(grants.every((c) => argAfter(c, '--uri') === `https://graph.microsoft.com/v1.0/servicePrincipals/${FAKE_GUID}/appRoleAssignedTo`)).toBe(true);
    });
  }

  it('failing twin: quoting by merely wrapping in single quotes breaks on the apostrophe (bash refuses the line)', () => {
    const naive = runPosix('bash', `az x --address '${APOSTROPHE}'`);
    expect(naive.stderr).toMatch(/unexpected EOF|unterminated|syntax error/);
    const right = runPosix('bash', `az x --address ${posixQuote(APOSTROPHE)} --other ${posixQuote(DOLLAR)}`);
    expect(right.calls).toEqual([['az', 'x', '--address', APOSTROPHE, '--other', DOLLAR]]);
  });
});

describeWithValidator(PWSH_CHECK, 'setup guide: PowerShell commands through the real parser and the reference stubs (pwsh-check)', () => {
  it('Exchange: service principal with the Enterprise application object id (looked up by az), the display name intact', async () => {
    const { cmdlets, native } = await powershellCalls(step('app.exchange-service-principal', { app: 'logicaldoc' }));
    expect(native).toEqual([['az', 'ad', 'sp', 'show', '--id', CLIENT_A, '--query', 'id', '--output', 'tsv']]);
    expect(cmdlets.filter((c) => c.name !== 'Get-ServicePrincipal')).toEqual([{ name: 'New-ServicePrincipal', parameterSet: '__AllParameterSets', bound: { AppId: CLIENT_A, ObjectId: FAKE_GUID, DisplayName: APP_NAME } }]);
  }, 120_000);

  for (const [id, address] of [['obrien', APOSTROPHE], ['darcy', TYPOGRAPHIC], ['ops', DOLLAR]] as const) {
    it(`mailbox ${address}: every cmdlet gets the address exactly, IMAP on, FullAccess to the service principal`, async () => {
      const app = id === 'ops' ? 'scanner' : 'logicaldoc';
      const { cmdlets } = await powershellCalls(step('app.exchange-service-principal', { app }), step('mailbox.access', { mailbox: id }));
      const mailbox = cmdlets.filter((c) => c.name !== 'New-ServicePrincipal' && c.name !== 'Get-ServicePrincipal');
      expect(mailbox.map((c) => c.name)).toEqual(['Set-CASMailbox', 'Get-CASMailbox', 'Add-MailboxPermission', 'Get-MailboxPermission']);
      for (const c of mailbox) expect(c.bound.Identity).toBe(address);
      expect(mailbox[0].bound).toEqual({ Identity: address, ImapEnabled: true });
      expect(mailbox[2].bound).toEqual({ Identity: address, User: FAKE_GUID, AccessRights: ['FullAccess'] });
    }, 120_000);
  }

  it('Mail.Send: scoped to the sender by an OPATH filter quoted twice (OPATH inside PowerShell)', async () => {
    const { cmdlets } = await powershellCalls(step('monitor.mail-send'));
    const scope = cmdlets.find((c) => c.name === 'New-ManagementScope')!;
    expect(scope.bound.RecipientRestrictionFilter).toBe("PrimarySmtpAddress -eq 'o''neil@contoso.com'");
    const assignment = cmdlets.find((c) => c.name === 'New-ManagementRoleAssignment')!;
    expect(assignment.parameterSet).toBe('App');
    expect(assignment.bound.Role).toBe('Application Mail.Send');
    expect(assignment.bound.CustomResourceScope).toBe(scope.bound.Name);
    expect(cmdlets.find((c) => c.name === 'Test-ServicePrincipalAuthorization')!.bound.Resource).toBe(SENDER);
  }, 120_000);

  it('az commands in PowerShell dialect carry the same values (--shell powershell), and the secret variable is removed', async () => {
    const { native } = await powershellCalls(step('app.client-secret', { app: 'logicaldoc' }), step('vault.store-secrets'));
    const store = native.find((c) => c[1] === 'keyvault')!;
    expect(argAfter(store, '--name')).toBe('logicaldoc-imap-secret');
    expect(store).toContain(`--value=${FAKE_SECRET}`);
    expect(step('vault.store-secrets').commands[0].powershell).toMatch(/^Remove-Variable secret_1_logicaldoc$/m);
  }, 120_000);

  it('failing twin: an undoubled apostrophe, straight or typographic, is a PowerShell parse error', async () => {
    const problems = await checkPrintedCommands([
      { shell: 'powershell', text: `Set-CASMailbox -Identity '${APOSTROPHE}' -ImapEnabled $true` },
      { shell: 'powershell', text: `Set-CASMailbox -Identity '${TYPOGRAPHIC}' -ImapEnabled $true` },
    ]);
    expect(problems.map((p) => [p.kind, p.message.split(' ')[0]])).toEqual([
      ['parse', 'TerminatorExpectedAtEndOfString'],
      ['parse', 'TerminatorExpectedAtEndOfString'],
    ]);
  }, 120_000);
});

describe('setup guide: PowerShell quoting', () => {
  it('typographic quotes are doubled: PowerShell ends a single-quoted string at ’ too (about_Quoting_Rules)', () => {
    expect(powershellQuote(TYPOGRAPHIC)).toBe("'d\u2019\u2019arcy@contoso.com'");
    expect(powershellQuote("a'b\u2018c\u201Ad\u201Be")).toBe("'a''b\u2018\u2018c\u201A\u201Ad\u201B\u201Be'");
    expect(powershellQuote('$HOME `x`')).toBe("'$HOME `x`'");
  });
});

describeWithValidator(PWSH_CHECK, 'setup guide: e-mail channels of the config', () => {
  it('grants Mail.Send scoped to every e-mail channel sender of the config, plus --mail-sender', async () => {
    const withEmail = { ...exampleConfig, notify: { channels: [{ type: 'email', id: 'ops', from: 'alerts@contoso.com', to: ['ops@contoso.com'] }, { type: 'email', id: 'hr', from: SENDER, to: ['hr@contoso.com'] }] } };
    const guide = setupGuide(parseConfig(withEmail, 'test'), { now: new Date('2026-11-30T15:00:00Z'), secretDays: 180, configFile: 'x.json', mailSender: 'extra@contoso.com' });
    const { cmdlets } = await powershellCalls(guide.steps.find((s) => s.id === 'monitor.mail-send')!);
    expect(cmdlets.find((c) => c.name === 'New-ManagementScope')!.bound.RecipientRestrictionFilter).toBe(
      "PrimarySmtpAddress -eq 'alerts@contoso.com' -or PrimarySmtpAddress -eq 'o''neil@contoso.com' -or PrimarySmtpAddress -eq 'extra@contoso.com'",
    );
    expect(cmdlets.filter((c) => c.name === 'Test-ServicePrincipalAuthorization').map((c) => c.bound.Resource)).toEqual(['alerts@contoso.com', SENDER, 'extra@contoso.com']);
  }, 120_000);
});
