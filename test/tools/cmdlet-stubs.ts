/**
 * PowerShell stub functions generated from the pinned cmdlet reference
 * (tools/azure/reference/exchange-cmdlets.json): each declares the reference's parameters, aliases,
 * parameter sets, mandatory flags and switch/value kinds, so PowerShell's own binder rejects a
 * misspelled or invented parameter (NamedParameterNotFound), parameters of two sets
 * (AmbiguousParameterSet), a missing mandatory one (MissingMandatoryParameter) or a value outside
 * the documented ones (ParameterArgumentValidationError). Each stub records its bound parameters
 * in $__calls (pwsh-check returns them) and returns a plausible object for pipelines.
 * `az` and `azd` are stubs too: they record $args (spread as PowerShell hands them to a native
 * program) and print what the real lookups would.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { powershellQuote } from '../../shared/setup/shell-quote';

export const CMDLET_REFERENCE_FILE = join(__dirname, '..', '..', 'tools', 'azure', 'reference', 'exchange-cmdlets.json');

interface CmdletParameter {
  name: string;
  type?: string;
  switch: boolean;
  aliases: string[];
  pipeline: 'ByValue' | 'ByPropertyName' | null;
  sets: Record<string, { mandatory: boolean; position: number | null }>;
  acceptedValues?: string[];
}
interface Cmdlet {
  repo: string;
  path: string;
  commit: string;
  parameterSets: string[];
  defaultParameterSet: string;
  supportsShouldProcess: boolean;
  parameters: CmdletParameter[];
}

export function cmdletReference(): Record<string, Cmdlet> {
  return (JSON.parse(readFileSync(CMDLET_REFERENCE_FILE, 'utf8')) as { cmdlets: Record<string, Cmdlet> }).cmdlets;
}

export const FAKE_SECRET = 'Fk8Q~fake.secret_value-1';
export const FAKE_GUID = '11111111-2222-3333-4444-555555555555';
/** What `azd env get-value AZURE_TENANT_ID` prints: the subscription's tenant, where the monitor's identity and the vault live. */
export const SUBSCRIPTION_TENANT = 'aaaaaaaa-0000-4000-8000-00000000aaaa';

/**
 * What the recording az/azd print for the lookups commands chain ($(...) in bash, $x = ... in
 * PowerShell): the first words of the argv → the output. Shared by both shells' stubs.
 */
export const LOOKUP_OUTPUTS: { words: string[]; output: string }[] = [
  { words: ['az', 'ad', 'app', 'credential', 'reset'], output: FAKE_SECRET },
  { words: ['az', 'ad', 'app', 'credential', 'list'], output: '2027-05-29T00:00:00Z' },
  { words: ['az', 'ad', 'sp', 'show'], output: FAKE_GUID },
  { words: ['az', 'identity', 'show'], output: FAKE_GUID },
  { words: ['az', 'account', 'show'], output: FAKE_GUID },
  { words: ['az', 'keyvault', 'show'], output: '/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/sample' },
  { words: ['azd', 'env', 'get-value', 'AZURE_TENANT_ID'], output: SUBSCRIPTION_TENANT },
  { words: ['azd', 'env', 'get-value'], output: FAKE_GUID },
];

/** Type of a stub parameter: the binder's conversions for the types that matter ([bool], [int], arrays). */
function psType(p: CmdletParameter): string {
  const type = (p.type ?? 'String').replace(/^System\./, '');
  if (p.switch) return '[switch]';
  if (type === 'Boolean') return '[bool]';
  if (/^(Int32|Int64|UInt32)$/.test(type)) return '[long]';
  if (/\[\]$/.test(type) || type === 'MultiValuedProperty') return '[string[]]';
  if (/^(PSCredential|SecureString|X509Certificate2|PSSessionOption|PswsHashtable|Hashtable)$/.test(type)) return '[object]';
  return '[string]';
}

/** A plausible object for what each cmdlet returns, so `| Where-Object AppId -eq ...`, `| Format-List ...` run. */
const RETURNS: Record<string, string> = {
  'Get-ServicePrincipal': `[pscustomobject]@{ AppId = '${FAKE_GUID}'; ObjectId = '${FAKE_GUID}'; DisplayName = 'sample app'; Identity = '${FAKE_GUID}' }`,
  'New-ServicePrincipal': `[pscustomobject]@{ AppId = '${FAKE_GUID}'; ObjectId = '${FAKE_GUID}'; DisplayName = 'sample app'; Identity = '${FAKE_GUID}' }`,
  'Get-CASMailbox': `[pscustomobject]@{ Identity = 'sample'; PrimarySmtpAddress = 'sample@contoso.com'; ImapEnabled = $true }`,
  'Get-MailboxPermission': `[pscustomobject]@{ Identity = 'sample'; User = '${FAKE_GUID}'; AccessRights = @('FullAccess'); IsInherited = $false; Deny = $false }`,
  'Get-MailboxFolderStatistics': `[pscustomobject]@{ Name = 'Inbox'; FolderPath = '/Inbox'; ItemsInFolder = 1 }`,
  'Get-ManagementRoleAssignment': `[pscustomobject]@{ Name = 'sample'; Role = 'Application Mail.Send'; RoleAssigneeName = '${FAKE_GUID}'; CustomResourceScope = 'sample' }`,
  'New-ManagementRoleAssignment': `[pscustomobject]@{ Name = 'sample'; Role = 'Application Mail.Send'; RoleAssigneeName = '${FAKE_GUID}'; CustomResourceScope = 'sample' }`,
  'Get-ManagementScope': `[pscustomobject]@{ Name = 'sample'; RecipientFilter = 'sample' }`,
  'New-ManagementScope': `[pscustomobject]@{ Name = 'sample'; RecipientFilter = 'sample' }`,
  'Test-ServicePrincipalAuthorization': `[pscustomobject]@{ RoleName = 'Application Mail.Send'; GrantedPermissions = 'Mail.Send'; AllowedResourceScope = 'sample'; ScopeType = 'CustomRecipientScope'; InScope = $true }`,
  'Resolve-DnsName': `[pscustomobject]@{ Name = 'outlook.office365.com'; Type = 'A'; IPAddress = '192.0.2.1' }`,
  'Test-NetConnection': `[pscustomobject]@{ ComputerName = 'outlook.office365.com'; RemotePort = 993; TcpTestSucceeded = $true }`,
};

const quote = (s: string) => powershellQuote(s);

function stub(name: string, cmdlet: Cmdlet): string {
  const single = cmdlet.parameterSets.length === 1;
  const params = cmdlet.parameters.map((p) => {
    const attributes = Object.entries(p.sets).map(([set, spec]) => {
      const args = [
        ...(single ? [] : [`ParameterSetName = ${quote(set)}`]),
        ...(spec.mandatory ? ['Mandatory = $true'] : []),
        ...(spec.position !== null ? [`Position = ${spec.position}`] : []),
        ...(p.pipeline === 'ByValue' ? ['ValueFromPipeline = $true'] : p.pipeline === 'ByPropertyName' ? ['ValueFromPipelineByPropertyName = $true'] : []),
      ];
      return `[Parameter(${args.join(', ')})]`;
    });
    const aliases = p.aliases.length ? [`[Alias(${p.aliases.map(quote).join(', ')})]`] : [];
    const validate = p.acceptedValues ? [`[ValidateSet(${p.acceptedValues.map(quote).join(', ')})]`] : [];
    return `    ${[...attributes, ...aliases, ...validate, psType(p)].join(' ')} $${p.name}`;
  });
  const binding = [`DefaultParameterSetName = ${quote(single ? '__AllParameterSets' : cmdlet.defaultParameterSet)}`, ...(cmdlet.supportsShouldProcess ? ['SupportsShouldProcess = $true'] : [])];
  return [
    `# ${cmdlet.repo}/${cmdlet.path} @ ${cmdlet.commit}`,
    `function ${name} {`,
    `  [CmdletBinding(${binding.join(', ')})]`,
    '  param(',
    params.join(',\n'),
    '  )',
    '  process {',
    '    $bound = @{}; foreach ($key in $PSBoundParameters.Keys) { $bound[$key] = $PSBoundParameters[$key] }',
    `    [void]$__calls.Add(@{ name = ${quote(name)}; set = $PSCmdlet.ParameterSetName; bound = $bound })`,
    ...(RETURNS[name] ? [`    ${RETURNS[name]}`] : []),
    '  }',
    '}',
  ].join('\n');
}

function nativeStub(program: 'az' | 'azd'): string {
  const lookups = LOOKUP_OUTPUTS.filter((l) => l.words[0] === program).map((l) => {
    const words = l.words.slice(1);
    const test = words.map((w, i) => `$args[${i}] -ceq ${quote(w)}`).join(' -and ');
    return `  if (${test}) { return ${quote(l.output)} }`;
  });
  return [`function ${program} {`, `  [void]$__calls.Add(@{ name = '${program}'; args = $args })`, ...lookups, '}'].join('\n');
}

/** The prelude pwsh-check runs in every session: a stub per referenced cmdlet, az and azd. */
export function powershellPrelude(): string {
  const reference = cmdletReference();
  return [...Object.entries(reference).map(([name, cmdlet]) => stub(name, cmdlet)), nativeStub('az'), nativeStub('azd')].join('\n\n') + '\n';
}
