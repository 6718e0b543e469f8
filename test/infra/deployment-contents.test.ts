/**
 * What a deployment of infra/ creates, as the real Bicep CLI predicts it (`bicep snapshot` of
 * main.bicepparam: parameters, loops, conditions and expressions evaluated, no Azure involved):
 * the queues, tables and outputs the code and `mailbox-health setup` use, no keys anywhere, the
 * settings Microsoft documents for Flex Consumption, Application Insights and alert windows, and
 * the Key Vault switches. Each check is a function returning problems, run on the real tree and on
 * a broken copy that must show each problem.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHECK_QUEUE, POISON_QUEUE } from '../../shared/fanout/fanout-settings';
import { INCIDENT_TABLE } from '../../shared/notify/incident-store';
import { DEPLOYMENT_OUTPUTS } from '../../shared/setup/azure-ids';
import { HISTORY_TABLE, LATEST_TABLE } from '../../shared/state/mailbox-state';
import { BICEP, describeWithValidator } from '../tools/validators';
import { BICEP_TEST_TIMEOUT_MS, compileMain, onlyResource, snapshot, type ArmTemplate, type PredictedResource } from './bicep-cli';

type Snapshot = Awaited<ReturnType<typeof snapshot>>;
const lastSegment = (r: PredictedResource) => r.name.split('/').at(-1)!;
const KEY_VAULT_SECRETS_OFFICER = 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7';
const DEPLOYER = '11111111-2222-3333-4444-555555555555';

/** An ISO 8601 duration as Microsoft documents alert windows: whole hours as PTnH, else PTnM. */
export const isoMinutes = (minutes: number) => (minutes % 60 === 0 ? `PT${minutes / 60}H` : `PT${minutes}M`);

function storageNameProblems({ resources }: Snapshot): string[] {
  const queues = resources.filter((r) => r.type === 'Microsoft.Storage/storageAccounts/queueServices/queues').map(lastSegment).sort();
  const tables = resources.filter((r) => r.type === 'Microsoft.Storage/storageAccounts/tableServices/tables').map(lastSegment).sort();
  const problems: string[] = [];
  if (JSON.stringify(queues) !== JSON.stringify([CHECK_QUEUE, POISON_QUEUE].sort())) problems.push(`queues ${queues.join(', ')} are not the ones the code opens`);
  if (JSON.stringify(tables) !== JSON.stringify([LATEST_TABLE, HISTORY_TABLE, INCIDENT_TABLE].sort())) problems.push(`tables ${tables.join(', ')} are not the ones the code opens`);
  return problems;
}

function outputProblems({ outputs }: Snapshot): string[] {
  return Object.values(DEPLOYMENT_OUTPUTS).filter((name) => !(name in outputs)).map((name) => `output ${name} (read by mailbox-health setup) missing`);
}

function noKeyProblems({ resources }: Snapshot, compiled: string): string[] {
  const problems: string[] = [];
  const check = (ok: boolean, problem: string) => { if (!ok) problems.push(problem); };
  check(onlyResource(resources, 'Microsoft.Storage/storageAccounts').properties?.allowSharedKeyAccess === false, 'storage: shared-key access not off');
  check(onlyResource(resources, 'Microsoft.Insights/components').properties?.DisableLocalAuth === true, 'Application Insights: local auth not off');
  check(onlyResource(resources, 'Microsoft.OperationalInsights/workspaces').properties?.features?.disableLocalAuth === true, 'Log Analytics: local auth not off');
  check(onlyResource(resources, 'Microsoft.KeyVault/vaults').properties?.enableRbacAuthorization === true, 'Key Vault: not RBAC-authorized');
  const publishing = resources.filter((r) => r.type === 'Microsoft.Web/sites/basicPublishingCredentialsPolicies');
  check(publishing.map(lastSegment).sort().join() === 'ftp,scm' && publishing.every((r) => r.properties?.allow === false), 'publishing credentials (ftp, scm) not both off');
  check(!/listKeys|AccountKey=|InstrumentationKey=/.test(compiled), 'a key is read or written by the template (listKeys, AccountKey=, InstrumentationKey=)');
  return problems;
}

function documentedSettingProblems({ resources }: Snapshot): string[] {
  const problems: string[] = [];
  const site = onlyResource(resources, 'Microsoft.Web/sites');
  // Flex Consumption does not support ftpsState (issue 15's review against Microsoft's Flex
  // Consumption documentation); FTP is off through the 'ftp' publishing-credentials policy.
  if (site.properties?.siteConfig && 'ftpsState' in site.properties.siteConfig) problems.push('site: ftpsState is set, unsupported on Flex Consumption');
  if (JSON.stringify(site.properties?.functionAppConfig?.runtime) !== JSON.stringify({ name: 'node', version: '22' })) problems.push('site: runtime is not Node 22');
  const plan = onlyResource(resources, 'Microsoft.Web/serverfarms');
  if (JSON.stringify(plan.sku) !== JSON.stringify({ name: 'FC1', tier: 'FlexConsumption' })) problems.push('plan: not FC1 Flex Consumption');
  if (onlyResource(resources, 'Microsoft.Insights/components').properties?.DisableIpMasking !== false) problems.push('Application Insights: DisableIpMasking is not false (callers\' full IP addresses stored)');
  for (const rule of resources.filter((r) => r.type === 'Microsoft.Insights/scheduledQueryRules')) {
    for (const key of ['windowSize', 'evaluationFrequency']) {
      const value = String(rule.properties?.[key]);
      const m = /^PT(\d+)([MH])$/.exec(value);
      if (!m || value !== isoMinutes(Number(m[1]) * (m[2] === 'H' ? 60 : 1))) problems.push(`${rule.name}: ${key} ${value} is not the documented ISO 8601 form`);
    }
  }
  return problems;
}

function deployerRoleProblems({ resources }: Snapshot, principalType: string): string[] {
  const officer = resources.filter((r) => r.type === 'Microsoft.Authorization/roleAssignments' && String(r.properties?.roleDefinitionId).endsWith(KEY_VAULT_SECRETS_OFFICER));
  if (officer.length !== 1) return [`${officer.length} Key Vault Secrets Officer assignments for the deployer`];
  const { principalId, principalType: type } = officer[0].properties!;
  return principalId === DEPLOYER && type === principalType ? [] : [`deployer's role: principal ${principalId} of type ${type}, expected ${DEPLOYER} of type ${principalType}`];
}

/** Breaks a scratch copy the way each check must notice. */
function breakCopy(infra: string): void {
  const edit = (file: string, from: string | RegExp, to: string) => {
    const path = join(infra, file);
    const text = readFileSync(path, 'utf8');
    if (!(typeof from === 'string' ? text.includes(from) : from.test(text))) throw new Error(`${file}: ${String(from)} not found: update the broken copy`);
    writeFileSync(path, text.replace(from, to));
  };
  edit('app/storage.bicep', "'mailbox-checks-poison'", "'mailbox-checks-dead'");
  edit('main.bicep', /^output MONITOR_IDENTITY_CLIENT_ID .*$/m, '');
  edit('app/storage.bicep', 'allowSharedKeyAccess: false', 'allowSharedKeyAccess: true');
  if (!/^\s*ftpsState:/m.test(readFileSync(join(infra, 'app/function-app.bicep'), 'utf8'))) edit('app/function-app.bicep', "minTlsVersion: '1.2'", "minTlsVersion: '1.2'\n      ftpsState: 'Disabled'");
  edit('app/monitoring.bicep', /DisableIpMasking: \w+/, 'DisableIpMasking: true');
  edit('app/alerts.bicep', "windowSize: 'PT6H'", "windowSize: 'PT360M'");
  edit('app/rbac.bicep', 'principalType: deployerPrincipalType', "principalType: 'User'");
}

describeWithValidator(BICEP, 'what a deployment creates (bicep snapshot of main.bicepparam)', () => {
  const env = { AZURE_PRINCIPAL_ID: DEPLOYER, AZURE_PRINCIPAL_TYPE: 'ServicePrincipal' };
  let real: Snapshot;
  let broken: Snapshot;
  let switched: Snapshot;
  let compiled: ArmTemplate;
  beforeAll(async () => {
    real = await snapshot(env);
    broken = await snapshot(env, breakCopy);
    switched = await snapshot({ KEY_VAULT_PURGE_PROTECTION: 'false', KEY_VAULT_CREATE_MODE: 'recover', HEARTBEAT_MINUTES: '60' });
    compiled = (await compileMain()).template;
  }, 4 * BICEP_TEST_TIMEOUT_MS);

  it('the snapshot has no diagnostics and predicts the whole deployment', () => {
    expect(real.run.diagnostics).toEqual([]);
    expect(real.resources.length).toBeGreaterThan(20);
  });

  it('the queues and tables created are the ones the code opens; failing twin: a renamed queue', () => {
    expect(storageNameProblems(real)).toEqual([]);
    expect(storageNameProblems(broken)).toEqual(['queues mailbox-checks, mailbox-checks-dead are not the ones the code opens']);
  });

  it('main.bicep outputs what azd and `mailbox-health setup` read; failing twin: an output removed', () => {
    expect(outputProblems(real)).toEqual([]);
    expect(outputProblems(broken)).toEqual(['output MONITOR_IDENTITY_CLIENT_ID (read by mailbox-health setup) missing']);
  });

  it('no keys anywhere: shared keys and local auth off, RBAC vault, publishing credentials off, no listKeys; failing twin: shared keys on', () => {
    expect(noKeyProblems(real, JSON.stringify(compiled))).toEqual([]);
    expect(noKeyProblems(broken, JSON.stringify(compiled))).toEqual(['storage: shared-key access not off']);
    expect(noKeyProblems(real, JSON.stringify(compiled).replace('"[parameters(\'storageAccountName\')]"', '"[listKeys(\'x\', \'2023-05-01\')]"'))).toEqual(['a key is read or written by the template (listKeys, AccountKey=, InstrumentationKey=)']);
  });

  it('settings as Microsoft documents them: no ftpsState on Flex Consumption, IP masking on, ISO 8601 alert windows; failing twin: each undone', () => {
    expect(documentedSettingProblems(real)).toEqual([]);
    expect(documentedSettingProblems(broken)).toEqual([
      'site: ftpsState is set, unsupported on Flex Consumption',
      'Application Insights: DisableIpMasking is not false (callers\' full IP addresses stored)',
      expect.stringMatching(/^credential-expiring-\w+: windowSize PT360M is not the documented ISO 8601 form$/),
    ]);
  });

  it('the deployer\'s Key Vault Secrets Officer role carries the principal type azd passes; failing twin: a fixed \'User\'', () => {
    expect(deployerRoleProblems(real, 'ServicePrincipal')).toEqual([]);
    expect(deployerRoleProblems(broken, 'ServicePrincipal')).toEqual([`deployer's role: principal ${DEPLOYER} of type User, expected ${DEPLOYER} of type ServicePrincipal`]);
  });

  it('Key Vault: purge protection on and a plain create by default; KEY_VAULT_PURGE_PROTECTION=false leaves it unset (never false), KEY_VAULT_CREATE_MODE=recover recovers', () => {
    const vault = (s: Snapshot) => onlyResource(s.resources, 'Microsoft.KeyVault/vaults').properties!;
    expect(vault(real)).toMatchObject({ enablePurgeProtection: true, createMode: 'default', enableSoftDelete: true, softDeleteRetentionInDays: 90 });
    // false would fail on a vault that has it on (it can never be switched off): not set instead.
    expect(vault(switched).enablePurgeProtection ?? null).toBeNull();
    expect(vault(switched).createMode).toBe('recover');
  });

  it('HEARTBEAT_MINUTES=60 gives the heartbeat alert the window PT1H (not PT60M); the default 15 gives PT15M', () => {
    const window = (s: Snapshot) => s.resources.find((r) => r.type === 'Microsoft.Insights/scheduledQueryRules' && r.name.startsWith('monitor-stopped-'))!.properties!.windowSize;
    expect([window(real), window(switched)]).toEqual(['PT15M', 'PT1H']);
  });

  it('every allowed HEARTBEAT_MINUTES has its documented window in the alerts module\'s map (a value without one would fail the deployment)', () => {
    const allowed = compiled.parameters.heartbeatMinutes.allowedValues as string[];
    const alerts = compiled.resources.find((r) => r.type === 'Microsoft.Resources/deployments' && r.name === 'alerts')!.properties!.template!;
    expect(alerts.variables?.heartbeatWindows).toEqual(Object.fromEntries(allowed.map((m) => [m, isoMinutes(Number(m))])));
    expect(isoMinutes(60)).toBe('PT1H');
    expect(isoMinutes(45)).toBe('PT45M');
  });
});
