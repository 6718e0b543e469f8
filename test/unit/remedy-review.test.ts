/**
 * Issue 15: what a review of the remedies against Microsoft's documentation found, one test per
 * finding, each with the twin that shows the old text was wrong. The commands themselves are run
 * through the real tools (PowerShell parser and reference stubs, bash with a reference-checked
 * az) in test/commands/; here the facts each remedy must get right.
 */
import { classifyKeyVaultError } from '../../shared/diagnosis/classify-keyvault';
import { classifyTokenError } from '../../shared/diagnosis/classify-token';
import { grantGraphRoleCommand } from '../../shared/diagnosis/entra-warnings';
import { recordCommands } from '../../shared/diagnosis/printed-commands';
import { azDateTime, failureRemedy, warningRemedy } from '../../shared/diagnosis/remedies';
import { withEntraFacts, warning } from '../../shared/diagnosis/warnings';
import { CLIENT, TENANT, remedyContextWith } from './remedy-context-fixture';

const CALLER = '44444444-4444-4444-8444-444444444444';
const context = remedyContextWith;
const IN_USE = { keyId: '55555555-5555-4555-8555-555555555555', displayName: 'mailbox-health', end: '2026-12-16T10:20:30.000Z' };

describe('--expires as the Azure CLI takes it (YYYY-MM-DDTHH:MM:SSZ, no fraction)', () => {
  it('azDateTime drops the milliseconds JavaScript and Graph write; the plain form stays as it is', () => {
    expect(azDateTime('2026-12-16T10:20:30.000Z')).toBe('2026-12-16T10:20:30Z');
    expect(azDateTime('2026-12-16T10:20:30Z')).toBe('2026-12-16T10:20:30Z');
    expect(azDateTime('2026-12-16T10:20:30.5+01:00')).toBe('2026-12-16T09:20:30Z');
  });

  it('item 1: CREDENTIAL_EXPIRY_MISMATCH sets the Entra date without a fraction, vault and secret names quoted', () => {
    const remedy = warningRemedy('CREDENTIAL_EXPIRY_MISMATCH', context({ entraInUse: IN_USE }))!;
    expect(remedy).toContain("az keyvault secret set-attributes --vault-name contoso-kv --name 'imap secret' --expires 2026-12-16T10:20:30Z");
    // What it printed before: a fraction the CLI rejects and a name split in two by the shell.
    expect(remedy).not.toContain('.000Z');
    expect(remedy).not.toContain('--name imap secret');
  });
});

describe('item 2: SECRET_NO_EXPIRY dates the secret in use, not the latest of the app', () => {
  it('with the Entra credential known: its end date, as the CLI takes it', () => {
    const remedy = warningRemedy('SECRET_NO_EXPIRY', context({ entraInUse: IN_USE }))!;
    expect(remedy).toContain(`key id ${IN_USE.keyId}`);
    expect(remedy).toContain('--expires 2026-12-16T10:20:30Z');
    expect(remedy).not.toContain('max(');
  });

  it('without it: lists the secrets with their hints, and says which one is in use', () => {
    const remedy = warningRemedy('SECRET_NO_EXPIRY', context())!;
    expect(remedy).toContain(`az ad app credential list --id ${CLIENT} --query "[].{keyId:keyId,name:displayName,hint:hint,ends:endDateTime}" -o table`);
    expect(remedy).toContain('whose hint is the first three characters');
    expect(remedy).not.toContain('max([].endDateTime)');
  });

  it('a warning raised before Entra was read gets the Entra date once it is known (withEntraFacts)', () => {
    const c = context();
    const warnings = [warning('SECRET_NO_EXPIRY', 'no expiry', c), warning('MAILBOX_BACKLOG', 'backlog', c)];
    const backlogRemedy = warnings[1]!.remedy;
    withEntraFacts(warnings, c);
    expect(warnings[0]!.remedy).not.toContain('2026-12-16T10:20:30Z');
    c.entraInUse = IN_USE;
    withEntraFacts(warnings, c);
    expect(warnings[0]!.remedy).toContain('--expires 2026-12-16T10:20:30Z');
    expect(warnings[1]!.remedy).toBe(backlogRemedy);
  });
});

describe("item 3: the monitor's identity is user-assigned", () => {
  const RBAC_403 = [
    'Caller is not authorized to perform action on resource.',
    'If role assignments, deny assignments or role definitions were changed recently, please observe propagation time.',
    `Caller: appid=66666666-6666-4666-8666-666666666666;oid=${CALLER};iss=https://sts.windows.net/${TENANT}/`,
    "Action: 'Microsoft.KeyVault/vaults/secrets/getSecret/action'",
  ].join('\n');

  it("Key Vault's 403 names the caller: the grant goes to that object id, by object id", () => {
    const failure = classifyKeyVaultError({ statusCode: 403, code: 'Forbidden', message: RBAC_403 }, 'imap secret');
    expect(failure.detail.callerObjectId).toBe(CALLER);
    const remedy = failureRemedy('SECRET_ACCESS_DENIED', context({ callerObjectId: CALLER }));
    expect(remedy).toContain(`az role assignment create --role "Key Vault Secrets User" --assignee-object-id ${CALLER} --assignee-principal-type ServicePrincipal`);
    expect(remedy).toContain(`--object-id ${CALLER} --secret-permissions get`);
    // The old lookup works for a system-assigned identity only, which this deployment has not.
    expect(remedy).not.toContain('functionapp identity');
  });

  it('the access-policy 403 names the caller too; a 403 without one falls back to AZURE_CLIENT_ID, then to the deployment output', () => {
    const policy = `The user, group or application 'appid=66666666-6666-4666-8666-666666666666;oid=${CALLER};iss=https://sts.windows.net/${TENANT}/' does not have secrets get permission on key vault 'contoso-kv;location=westeurope'.`;
    expect(classifyKeyVaultError({ statusCode: 403, code: 'Forbidden', message: policy }, 'x').detail.callerObjectId).toBe(CALLER);
    expect(classifyKeyVaultError({ statusCode: 403, code: 'Forbidden', message: 'Forbidden' }, 'x').detail.callerObjectId).toBeUndefined();
    const byClient = failureRemedy('SECRET_ACCESS_DENIED', context({ monitorClientId: '77777777-7777-4777-8777-777777777777' }));
    expect(byClient).toContain('--assignee-object-id "$(az ad sp show --id 77777777-7777-4777-8777-777777777777 --query id -o tsv)"');
    expect(failureRemedy('SECRET_ACCESS_DENIED', context())).toContain('MONITOR_IDENTITY_PRINCIPAL_ID');
  });

  it('no identity at all: points at AZURE_CLIENT_ID and the attached user-assigned identity, never at creating a system-assigned one', () => {
    const remedy = failureRemedy('SECRET_ACCESS_DENIED', context({ errorCode: 'CredentialUnavailableError' }));
    expect(remedy).toContain('AZURE_CLIENT_ID');
    expect(remedy).toContain('--query userAssignedIdentities');
    expect(remedy).not.toContain('identity assign');
  });

  it('the Graph grant without a known object id names the deployment output, not `az functionapp identity show`', () => {
    const command = grantGraphRoleCommand('Application.Read.All', { graphUrl: 'https://graph.microsoft.com' });
    expect(command).toContain('MONITOR_IDENTITY_PRINCIPAL_ID');
    expect(command).not.toContain('functionapp identity');
    expect(grantGraphRoleCommand('Application.Read.All', { graphUrl: 'https://graph.microsoft.com', objectId: CALLER })).toContain(`/servicePrincipals/${CALLER}/appRoleAssignments`);
  });
});

describe('item 7: AADSTS500011 with the right resource is a tenant without Exchange Online', () => {
  it('the configured resource is already Exchange Online: the tenant id is the suspect, not the resource', () => {
    const remedy = failureRemedy('TOKEN_INVALID_SCOPE', context({ aadsts: 500011 }));
    expect(remedy).toContain(`Tenant ${TENANT} has no Exchange Online`);
    expect(remedy).toContain('https://login.microsoftonline.com/contoso.com/v2.0/.well-known/openid-configuration');
    expect(remedy).not.toContain('mistyped');
  });

  it('twin: a mistyped cloud.imapResource is still told to take the Exchange Online resource', () => {
    const remedy = failureRemedy('TOKEN_INVALID_SCOPE', context({ aadsts: 500011, imapResource: 'https://outlook.office365.co' }));
    expect(remedy).toContain('mistyped');
    expect(remedy).toContain('Set it to https://outlook.office365.com');
  });
});

describe('item 9: who may consent to IMAP.AccessAsApp', () => {
  it('portal: Application or Cloud Application Administrator; az admin-consent: a Global Administrator', () => {
    const remedy = failureRemedy('TOKEN_MISSING_ROLE', context({ roles: [] }));
    expect(remedy).toContain('Application Administrator or Cloud Application Administrator');
    expect(remedy).toMatch(/Global Administrator: az ad app permission add/);
  });
});

describe('item 10: refusals real tenants return, diagnosed', () => {
  const msal = (code: number, text: string) => ({ errorCode: 'invalid_client', errorNo: String(code), errorMessage: `AADSTS${code}: ${text}`, status: 400 });

  it('AADSTS7000112 (app disabled) is TOKEN_APP_DISABLED with the property to switch back', () => {
    const failure = classifyTokenError(msal(7000112, `Application '${CLIENT}'(LogicalDOC import) is disabled.`), undefined);
    expect(failure.code).toBe('TOKEN_APP_DISABLED');
    expect(failure.kind).toBe('permission');
    const remedy = failureRemedy('TOKEN_APP_DISABLED', context());
    expect(remedy).toContain('Enabled for users to sign in');
    expect(remedy).toContain(`az ad sp update --id ${CLIENT} --set accountEnabled=true`);
  });

  it('AADSTS53003 (Conditional Access) is TOKEN_BLOCKED_BY_POLICY, pointing at the policy and the sign-in log', () => {
    const failure = classifyTokenError(msal(53003, 'Access has been blocked by Conditional Access policies.'), undefined);
    expect(failure.code).toBe('TOKEN_BLOCKED_BY_POLICY');
    expect(failureRemedy('TOKEN_BLOCKED_BY_POLICY', context())).toContain('Service principal sign-ins');
  });

  it('twin: an AADSTS code nobody mapped stays TOKEN_REQUEST_FAILED with the lookup link', () => {
    expect(classifyTokenError(msal(9999999, 'Something new.'), undefined).code).toBe('TOKEN_REQUEST_FAILED');
  });

  it('AADSTS700016: the Enterprise application in that tenant, and the admin-consent URL for a multi-tenant app', () => {
    const remedy = failureRemedy('TOKEN_APP_NOT_FOUND', context());
    expect(remedy).toContain(`az login --tenant ${TENANT} --allow-no-subscriptions`);
    expect(remedy).toContain(`az ad sp show --id ${CLIENT}`);
    expect(remedy).toContain(`https://login.microsoftonline.com/${TENANT}/adminconsent?client_id=${CLIENT}`);
    // az ad app show looks in the signed-in tenant's registrations: a multi-tenant app is not there.
    expect(remedy).not.toContain('az ad app show');
  });
});

describe('printed commands are marked where written', () => {
  it('the commands of a remedy come out exactly as they appear in it', () => {
    const { value, commands } = recordCommands(() => failureRemedy('IMAP_AUTH_FAILED', context({ objectId: CALLER })));
    expect(commands.map((c) => c.shell)).toEqual(['powershell', 'powershell', 'powershell']);
    for (const command of commands) expect(value).toContain(command.text);
    expect(commands[2]!.text).toBe(`Add-MailboxPermission -Identity 'scans@contoso.com' -User ${CALLER} -AccessRights FullAccess`);
  });

  it('nothing is recorded outside recordCommands', () => {
    failureRemedy('SECRET_DISABLED', context());
    expect(recordCommands(() => 'no commands').commands).toEqual([]);
  });
});
