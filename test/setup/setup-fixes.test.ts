/**
 * What the setup guide's commands do, seen through the real shells and PowerShell's binder: which
 * tenant each az call runs in, which cmdlet verifies the mailbox grant, which id
 * New-ManagementRoleAssignment -App gets, which Exchange environment usgov connects to, and which
 * admin role each consent step names.
 */
import { parseConfig } from '../../shared/config/load';
import { setupGuide, type SetupOptions } from '../../shared/setup/setup-guide';
import { runPrintedCommands, type CommandRun } from '../tools/check-commands';
import { FAKE_GUID, SUBSCRIPTION_TENANT } from '../tools/cmdlet-stubs';
import { describeWithValidator, PWSH_CHECK } from '../tools/validators';
import { APOSTROPHE, richConfig, TENANT_A, TENANT_B } from './example-config';
import { printedCommands, SETUP_ALLOWED_PROGRAMS } from './guide-commands';

const CLIENT_ID = '0c1e0000-0000-4000-8000-00000000c11e';
const PRINCIPAL_ID = '0b1e0000-0000-4000-8000-00000000b1e0';
const base: SetupOptions = { now: new Date('2026-11-30T15:00:00Z'), secretDays: 180, configFile: 'mailboxes.json', identityClientId: CLIENT_ID, identityPrincipalId: PRINCIPAL_ID };
const guide = (cloud: 'public' | 'usgov' | 'china' = 'public', options: Partial<SetupOptions> = {}) => setupGuide(parseConfig(richConfig(cloud), 'test'), { ...base, ...options });

async function run(shell: 'posix' | 'powershell', g = guide()): Promise<CommandRun[]> {
  // The deploy step reads the config file; it is checked in setup-commands.test.ts.
  return runPrintedCommands(printedCommands(g.steps.filter((s) => s.id !== 'deploy'), shell), { sequence: true, allow: SETUP_ALLOWED_PROGRAMS });
}

/** Every az call with the tenant `az login --tenant` last signed in to when it ran. */
function azInTenant(runs: CommandRun[]): { tenant: string | undefined; argv: string[] }[] {
  let tenant: string | undefined;
  const out: { tenant: string | undefined; argv: string[] }[] = [];
  for (const argv of runs.flatMap((r) => r.nativeCalls).filter((a) => a[0] === 'az')) {
    if (argv[1] === 'login') tenant = argv[argv.indexOf('--tenant') + 1];
    else out.push({ tenant, argv });
  }
  return out;
}

describeWithValidator(PWSH_CHECK, 'setup: tenants, grants and ids as the shells and the binder see them', () => {
  for (const shell of ['posix', 'powershell'] as const) {
    it(`${shell}: Key Vault writes and the monitor identity's Graph calls run signed in to the subscription's tenant (AZURE_TENANT_ID), app calls in the app's tenant`, async () => {
      const calls = azInTenant(await run(shell));
      expect(calls.find((c) => c.argv.join(' ').startsWith('az keyvault secret set'))).toBeDefined();
      for (const c of calls) {
        const line = c.argv.join(' ');
        if (line.startsWith('az keyvault') || line.startsWith('az rest') || line.includes('00000003-0000-0000-c000-000000000000')) expect({ line, tenant: c.tenant }).toEqual({ line, tenant: SUBSCRIPTION_TENANT });
        else if (line.startsWith('az ad') && !line.includes('00000003-')) expect([TENANT_A, TENANT_B]).toContain(c.tenant);
      }
    }, 120_000);
  }

  it('the mailbox grant is verified with Get-MailboxPermission for the service principal, not Test-ServicePrincipalAuthorization (RBAC for Applications does not govern IMAP)', async () => {
    const runs = await run('powershell');
    const step = guide().steps.find((s) => s.id === 'mailbox.access' && s.mailbox === 'obrien')!;
    const stepRuns = runs.filter((r) => step.commands.some((c) => c.powershell === r.command.text));
    expect(stepRuns.flatMap((r) => r.cmdletCalls.map((c) => c.name))).toEqual(['Set-CASMailbox', 'Get-CASMailbox', 'Add-MailboxPermission', 'Get-MailboxPermission']);
    expect(stepRuns.flatMap((r) => r.cmdletCalls).find((c) => c.name === 'Get-MailboxPermission')!.bound).toEqual({ Identity: APOSTROPHE, User: FAKE_GUID });
  }, 120_000);

  it("New-ManagementRoleAssignment -App gets the identity's service principal ObjectId (the reference: \"the ObjectId GUID value from the output of the Get-ServicePrincipal cmdlet\")", async () => {
    const calls = (await run('powershell')).flatMap((r) => r.cmdletCalls);
    expect(calls.find((c) => c.name === 'New-ServicePrincipal' && c.bound.AppId === CLIENT_ID)!.bound).toMatchObject({ ObjectId: PRINCIPAL_ID });
    expect(calls.find((c) => c.name === 'New-ManagementRoleAssignment')!.bound).toMatchObject({ App: PRINCIPAL_ID, Role: 'Application Mail.Send' });
  }, 120_000);

  it('usgov: GCC High by default with the DoD line beside it; --exchange-environment O365USGovDoD connects to DoD (values from the Connect-ExchangeOnline reference)', async () => {
    const connects = async (options: Partial<SetupOptions>) =>
      (await runPrintedCommands(printedCommands(guide('usgov', options).steps.filter((s) => s.id === 'sign-in'), 'powershell'), { sequence: true }))
        .flatMap((r) => [...r.problems.map((p) => p.message), ...r.cmdletCalls.filter((c) => c.name === 'Connect-ExchangeOnline').map((c) => c.bound.ExchangeEnvironmentName)]);
    expect(new Set(await connects({}))).toEqual(new Set(['O365USGovGCCHigh']));
    expect(guide('usgov').steps.find((s) => s.id === 'sign-in')!.commands.map((c) => c.powershell).join('\n')).toMatch(/O365USGovDoD/);
    expect(new Set(await connects({ exchangeEnvironment: 'O365USGovDoD' }))).toEqual(new Set(['O365USGovDoD']));
  }, 120_000);
});

describe('setup: texts and commands', () => {
  it('names the role each consent needs: portal consent to IMAP.AccessAsApp (not a Graph app role) Application/Cloud Application Administrator; az admin-consent Global Administrator; the Graph app role Privileged Role Administrator', () => {
    const g = guide();
    const imap = g.steps.find((s) => s.id === 'app.imap-permission')!;
    expect(`${imap.portal} ${imap.pitfall}`).toMatch(/Application Administrator or Cloud Application Administrator/);
    expect(`${imap.portal} ${imap.pitfall}`).toMatch(/admin-consent[^.]*Global Administrator/);
    const graph = g.steps.find((s) => s.id === 'monitor.graph-application-read')!;
    expect(`${graph.title} ${graph.portal} ${graph.pitfall}`).toMatch(/Privileged Role Administrator/);
    expect(g.steps.find((s) => s.id === 'sign-in')!.pitfall).not.toMatch(/admin consent needs Privileged Role Administrator or Global Administrator/);
  });

  it("uses the deployment's user-assigned identity: never az functionapp identity assign/show (system-assigned only)", () => {
    for (const cloud of ['public', 'usgov', 'china'] as const) {
      const text = JSON.stringify(guide(cloud, { identityClientId: undefined, identityPrincipalId: undefined }));
      expect(text).not.toMatch(/functionapp identity/);
      expect(text).toMatch(/azd env get-value MONITOR_IDENTITY_PRINCIPAL_ID/);
      expect(text).toMatch(/azd env get-value MONITOR_IDENTITY_CLIENT_ID/);
    }
  });
});
