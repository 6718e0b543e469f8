/**
 * The remedy for each code: the portal step or the command an admin can paste, filled in with
 * this mailbox's values. Keep each one actionable on its own: the admin reading it at 3 a.m.
 * should not need the docs. Every command is marked with `az(...)` or `pwsh(...)`
 * (printed-commands.ts), so the tests hand each one to the real tools exactly as printed.
 */
import type { FailureCode, WarningCode } from '../contract/codes';
import { EXCHANGE_APP_ID } from '../config/clouds';
import { az, pwsh } from './printed-commands';
import { certificateFailureRemedy, certificateWarningRemedy, isCertificateContext } from './certificate-remedies';
import { ps, psArg, sh } from './quote';
import { vaultName, type RemedyContext } from './remedy-context';

export { EXCHANGE_APP_ID };

/**
 * A date as `az keyvault secret set(-attributes) --expires` takes it: YYYY-MM-DDTHH:MM:SSZ. The CLI
 * rejects a fraction of a second, which is how JavaScript (and Graph) write dates.
 */
export function azDateTime(iso: string): string {
  return new Date(iso).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const storeNewSecret = (c: RemedyContext): string =>
  'secret' in c && 'vaultUrl' in c.secret
    ? az(`az keyvault secret set --vault-name ${vaultArg(c.secret.vaultUrl)} --name ${sh(c.secret.name)} --value "<the new secret's Value>" --expires <its Entra end date as YYYY-MM-DDTHH:MM:SSZ, e.g. 2027-11-27T00:00:00Z>`)
    : `set ${(c.secret as { env: string }).env} to the new secret's Value in the monitor's environment`;

const newSecret = (c: RemedyContext): string =>
  `Create a new client secret and store its Value (not its Secret ID): ` +
  `${az(`az ad app credential reset --id ${sh(c.clientId)} --append --display-name mailbox-health --years 1 --query password -o tsv`)}; then ${storeNewSecret(c)}`;

const exchangeIdentity = (c: RemedyContext): string => {
  const oid = c.objectId ? psArg(c.objectId) : '<the Enterprise application object id of the app>';
  const lookup = c.objectId ? '' : ` (that object id: ${az(`az ad sp show --id ${sh(c.clientId)} --query id -o tsv`)})`;
  return (
    `In Exchange Online PowerShell (Connect-ExchangeOnline): ` +
    `${pwsh(`Get-ServicePrincipal | Where-Object AppId -eq ${ps(c.clientId)} | Format-List AppId,ObjectId,DisplayName`)} ` +
    `(ObjectId must be ${c.objectId ?? 'the Enterprise application object id'}, the token's oid${lookup}; if missing or different: ` +
    `${pwsh(`New-ServicePrincipal -AppId ${psArg(c.clientId)} -ObjectId ${oid} -DisplayName ${ps(c.appName)}`)}); ` +
    `then ${pwsh(`Add-MailboxPermission -Identity ${ps(c.address)} -User ${oid} -AccessRights FullAccess`)}. ` +
    `Check the address too: ${c.address} must be the mailbox's primary SMTP address.`
  );
};

/**
 * IMAP.AccessAsApp is an app role of Office 365 Exchange Online, not of Microsoft Graph: in the
 * portal an Application Administrator or Cloud Application Administrator may consent to it;
 * `az ad app permission admin-consent` is documented as needing a Global Administrator.
 */
const grantImapRole = (c: RemedyContext): string =>
  `Entra admin center (as Application Administrator or Cloud Application Administrator) > App registrations > ${c.clientId} > API permissions > Add a permission > APIs my organization uses > ` +
  `Office 365 Exchange Online > Application permissions > IMAP.AccessAsApp, then Grant admin consent. Or, signed in to az as a Global Administrator: ` +
  az(`az ad app permission add --id ${sh(c.clientId)} --api ${EXCHANGE_APP_ID} --api-permissions "$(az ad sp show --id ${EXCHANGE_APP_ID} --query "appRoles[?value=='IMAP.AccessAsApp'].id" -o tsv)=Role"`) +
  ' && ' +
  az(`az ad app permission admin-consent --id ${sh(c.clientId)}`);

/**
 * The monitor's own identity as an az argument: the object id Key Vault named as the caller, else
 * looked up from the client id the Azure credential used (AZURE_CLIENT_ID: on Azure Functions the
 * user-assigned identity's), else a placeholder saying where the deployment keeps it.
 */
function monitorPrincipal(c: RemedyContext): string {
  if (c.callerObjectId) return c.callerObjectId;
  if (c.monitorClientId) return `"$(az ad sp show --id ${sh(c.monitorClientId)} --query id -o tsv)"`;
  return "<the monitor identity's object (principal) id: the deployment output MONITOR_IDENTITY_PRINCIPAL_ID>";
}

function tlsAdvice(c: RemedyContext): string {
  const code = c.errorCode ?? '';
  if (code.includes('ALTNAME')) return `the certificate does not name ${c.host}; set the host the certificate is for (Exchange Online: outlook.office365.com).`;
  if (code.includes('WRONG_VERSION') || code === 'EPROTO') return `${c.port} does not speak TLS from the first byte; Exchange Online's implicit-TLS IMAP port is 993.`;
  if (code.includes('EXPIRED')) return `the server's certificate has expired or is not yet valid; check the machine's clock.`;
  return 'the certificate is not trusted: a TLS-inspecting proxy or firewall on the way? Trust its CA with NODE_EXTRA_CA_CERTS.';
}

function describeEntra(credential: RemedyContext['entraInUse']): string {
  if (!credential) return 'the old secret';
  return `${credential.displayName ? `'${credential.displayName}' ` : ''}(key id ${credential.keyId}, ends ${credential.end.slice(0, 10)})`;
}
/** The vault's name as an az argument; a vault behind another host name stays a <placeholder>. */
const vaultArg = (vaultUrl: string): string => {
  const name = vaultName(vaultUrl);
  return name.startsWith('<') ? name : sh(name);
};

export function failureRemedy(code: FailureCode, c: RemedyContext): string {
  // An app that signs in with a certificate (issue 18) has its own remedies for its credential.
  const forCertificate = certificateFailureRemedy(code, c);
  if (forCertificate !== undefined) return forCertificate;
  // A vault remedy for a credential that is not in a vault (a code the engine raises only for vault
  // reads) still prints a command that parses: placeholders, never an empty argument.
  const vault = 'vaultUrl' in c.secret ? vaultName(c.secret.vaultUrl) : 'the vault';
  const va = 'vaultUrl' in c.secret ? vaultArg(c.secret.vaultUrl) : '<vault name>';
  const secretName = 'vaultUrl' in c.secret ? sh(c.secret.name) : '<secret name>';
  switch (code) {
    case 'CONFIG_INVALID':
      return 'Fix the listed fields, then run: npx mailbox-health validate --config <file>';
    case 'SECRET_NOT_FOUND':
      return 'vaultUrl' in c.secret
        ? `The vault has no secret ${c.secret.name}. Check credential.keyVaultSecret of app ${c.appId}, or store it: ${storeNewSecret(c)}`
        : `Set the environment variable ${(c.secret as { env: string }).env} to the client secret Value of app ${c.clientId} before running the check.`;
    case 'SECRET_ACCESS_DENIED':
      if (c.errorCode === 'VaultScopeRefused') {
        return `The host named as the vault (${'vaultUrl' in c.secret ? c.secret.vaultUrl : ''}) asked for a token that is not for Key Vault, so none was sent. Check keyVaultUrl of app ${c.appId} (or the top-level one): it must be the vault's URI, ${az('az keyvault show --name <vault name> --query properties.vaultUri -o tsv')}.`;
      }
      if (c.errorCode && /Credential|Authentication/.test(c.errorCode)) {
        // The deployed monitor runs as a user-assigned identity (infra/app/function-app.bicep) that
        // the Azure credential picks by AZURE_CLIENT_ID; a system-assigned one would go unused.
        return (
          `The monitor has no Azure identity to read ${vault} with. Locally: ${az('az login')} (an account with Key Vault Secrets User on ${vault}), or set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET for a service principal. ` +
          `On Azure Functions the monitor signs in as the user-assigned identity whose client id is the app setting AZURE_CLIENT_ID: check that setting and that the identity is still attached, ${az('az functionapp identity show --name <function app> --resource-group <resource group> --query userAssignedIdentities')} (azd up attaches it again).`
        );
      }
      return (
        `Give the monitor's identity read access to the secret: ` +
        az(`az role assignment create --role "Key Vault Secrets User" --assignee-object-id ${monitorPrincipal(c)} --assignee-principal-type ServicePrincipal --scope "$(az keyvault show --name ${va} --query id -o tsv)/secrets/${'vaultUrl' in c.secret ? c.secret.name : '<secret name>'}"`) +
        ` (vaults using access policies: ${az(`az keyvault set-policy --name ${va} --object-id ${monitorPrincipal(c)} --secret-permissions get`)})`
      );
    case 'SECRET_DISABLED':
      return `${az(`az keyvault secret set-attributes --vault-name ${va} --name ${secretName} --enabled true`)} (or store a new version: ${storeNewSecret(c)})`;
    case 'SECRET_SOURCE_UNREACHABLE':
      return `The vault did not answer as Key Vault (or something else answered at its URL). Check the URL (${az(`az keyvault show --name ${va} --query properties.vaultUri -o tsv`)}), its firewall (${az(`az keyvault network-rule list --name ${va}`)}) and DNS/private endpoint from the Function App's network.`;
    case 'TOKEN_INVALID_SECRET':
      if (c.errorCode === 'SECRET_WHITESPACE') {
        return 'vaultUrl' in c.secret
          ? `Store the Value again without the whitespace (type or paste it; a file written with echo ends with a line break): ${az(`az keyvault secret set --vault-name ${va} --name ${secretName} --value "<the secret's Value>"`)}`
          : `Set ${envOf(c)} to the Value without the whitespace: export ${envOf(c)}="$(printf %s "$${envOf(c)}" | tr -d '\\r\\n')" (a file written with echo ends with a line break).`;
      }
      return `Entra rejected the client secret of app ${c.clientId} (AADSTS7000215) — often the secret's ID was stored instead of its Value. ${newSecret(c)}`;
    case 'TOKEN_SECRET_EXPIRED':
      return `The client secret of app ${c.clientId} has expired (AADSTS7000222). ${newSecret(c)}`;
    case 'TOKEN_APP_NOT_FOUND':
      // "Not found in the directory" also means a multi-tenant app never consented in this
      // tenant: its registration lives in another tenant, where az ad app show would look.
      return (
        `No app ${c.clientId} in tenant ${c.tenantId} (AADSTS700016). Check clientId/tenantId of app ${c.appId}: signed in to that tenant (${az(`az login --tenant ${sh(c.tenantId)} --allow-no-subscriptions`)}), ${az(`az ad sp show --id ${sh(c.clientId)} --query "{appId:appId,name:displayName,appOwnerOrganizationId:appOwnerOrganizationId}"`)} must find the app's Enterprise application. ` +
        `If the app is registered in another tenant (multi-tenant), an admin of ${c.tenantId} has not consented to it yet: open ${c.authorityHost}/${c.tenantId}/adminconsent?client_id=${c.clientId} as a Global Administrator or Privileged Role Administrator. ` +
        `A deleted app registration can be restored from Entra admin center > App registrations > Deleted applications.`
      );
    case 'TOKEN_APP_DISABLED':
      return (
        `App ${c.clientId} is disabled for sign-in in tenant ${c.tenantId} (AADSTS7000112): Entra admin center > Enterprise applications > ${c.appName} > Properties > Enabled for users to sign in? > Yes, or ` +
        az(`az ad sp update --id ${sh(c.clientId)} --set accountEnabled=true`) +
        '. Ask first why it was disabled: it is how an app is stopped during a security incident.'
      );
    case 'TOKEN_BLOCKED_BY_POLICY':
      return (
        `A Conditional Access policy for workload identities blocked the token of app ${c.clientId} (AADSTS53003). Entra admin center > Protection > Conditional Access: find the policy that targets this app's service principal ` +
        `(the sign-in log shows it: Monitoring & health > Sign-in logs > Service principal sign-ins, filter by application ID ${c.clientId}), and allow the locations the monitor and the importing application run from.`
      );
    case 'TOKEN_TENANT_NOT_FOUND':
      return `Tenant ${c.tenantId} does not exist in ${c.authorityHost} (AADSTS90002). Check tenantId of app ${c.appId} (${az('az account show --query tenantId -o tsv')}) and the cloud setting (public, usgov, china).`;
    case 'TOKEN_INVALID_SCOPE':
      if (c.aadsts === 500011 && c.imapResource === c.exchangeResource) {
        // The scope is right, so the tenant itself has no Exchange Online service principal.
        return (
          `Tenant ${c.tenantId} has no Exchange Online (AADSTS500011: no resource ${c.imapResource} in it): tenantId of app ${c.appId} is probably not the tenant that holds ${c.address}. ` +
          `The tenant of the mail domain: curl -sS ${sh(`${c.authorityHost}/${c.address.slice(c.address.lastIndexOf('@') + 1)}/v2.0/.well-known/openid-configuration`)} (its issuer holds the tenant id); ` +
          `if it is this tenant, Exchange Online is not set up there (no licence with Exchange Online).`
        );
      }
      if (c.aadsts === 500011) {
        return `Tenant ${c.tenantId} has no resource ${c.imapResource} (AADSTS500011): cloud.imapResource is mistyped or names another cloud. Set it to ${c.exchangeResource} (scope ${c.exchangeResource}/.default), or use "cloud": "public", "usgov" or "china".`;
      }
      return `Entra refused the scope ${c.imapResource}/.default (AADSTS${c.aadsts ?? ''}). Check the cloud setting: the IMAP resource must be https://outlook.office365.com (public), https://outlook.office365.us (usgov) or https://partner.outlook.cn (china).`;
    case 'TOKEN_INVALID_CERTIFICATE':
      return `Entra rejected the certificate assertion of app ${c.clientId} (AADSTS700027). Upload the current certificate: ${az(`az ad app credential reset --id ${sh(c.clientId)} --cert @<path of the certificate.pem> --append`)}`;
    case 'TOKEN_REQUEST_FAILED':
      return `Entra refused the token request${c.aadsts ? ` with AADSTS${c.aadsts}` : ''}: look the code up at https://login.microsoftonline.com/error?code=${c.aadsts ?? ''} and check app ${c.clientId} in tenant ${c.tenantId}.`;
    case 'TOKEN_ENDPOINT_UNREACHABLE':
      return `Entra ID (${c.authorityHost}) did not answer. Check outbound HTTPS from the monitor: curl -sS ${sh(`${c.authorityHost}/${c.tenantId}/v2.0/.well-known/openid-configuration`)}, and https://status.azure.com for an incident.`;
    case 'TOKEN_MISSING_ROLE':
      return `The token of app ${c.clientId} has no IMAP.AccessAsApp role (roles: ${c.roles?.length ? c.roles.join(', ') : 'none'}): admin consent is missing. ${grantImapRole(c)}`;
    case 'TOKEN_WRONG_AUDIENCE':
      return `The token is for ${c.audience ?? 'another resource'}, not Exchange Online (${c.exchangeResource}, app id ${EXCHANGE_APP_ID}). Set cloud.imapResource to ${c.exchangeResource} (scope ${c.exchangeResource}/.default), or use "cloud": "public", "usgov" or "china": a Microsoft Graph token cannot open IMAP.`;
    case 'TOKEN_THROTTLED':
      return `Entra ID is throttling token requests of app ${c.clientId}; the monitor honours its Retry-After. Check what else requests tokens for this app (other monitors, the importing application on a tight loop) and check less often if it repeats.`;
    case 'SECRET_THROTTLED':
      return `Key Vault ${vault} is throttling reads (HTTP 429); the monitor honours its Retry-After. Check what else reads this vault: ${az(`az monitor metrics list --resource "$(az keyvault show --name ${va} --query id -o tsv)" --metrics ServiceApiHit`)}; keep the monitor's warm secret cache on (Functions) and check less often if it repeats.`;
    case 'TOKEN_TENANT_MISMATCH':
      return `The token was issued by tenant ${c.tokenTenantId ?? '?'}, not the configured ${c.tenantId}. Set tenantId of app ${c.appId} to the tenant that holds ${c.address}.`;
    case 'IMAP_DNS':
      return `The host ${c.host} does not resolve. Check the "host" of mailbox "${c.mailboxId}" (or defaults.host) in the config (Exchange Online: outlook.office365.com): ${pwsh(`Resolve-DnsName ${psArg(c.host)}`)}`;
    case 'IMAP_CONNECT_REFUSED':
      return `Nothing accepted a connection on ${c.host}:${c.port}. Check the port (993 for IMAPS) and outbound firewall: ${pwsh(`Test-NetConnection ${psArg(c.host)} -Port ${c.port}`)}`;
    case 'IMAP_TLS':
      return `TLS to ${c.host}:${c.port} failed (${c.errorCode ?? 'handshake'}): ${tlsAdvice(c)} Never turn verification off.`;
    case 'IMAP_TIMEOUT':
      return `${c.host}:${c.port} stopped answering. Check reachability (${pwsh(`Test-NetConnection ${psArg(c.host)} -Port ${c.port}`)}) and Exchange Online service health in the Microsoft 365 admin center.`;
    case 'IMAP_AUTH_FAILED':
      return `Exchange refused the XOAUTH2 login of ${c.address}. ${exchangeIdentity(c)}`;
    case 'IMAP_NOT_CONNECTED':
      return (
        `Exchange accepted the login but will not open ${c.address}: IMAP is disabled for it or the permission is missing. ${pwsh(`Set-CASMailbox -Identity ${ps(c.address)} -ImapEnabled $true`)}; ` +
        `check ${pwsh(`Get-CASMailbox -Identity ${ps(c.address)} | Format-List ImapEnabled`)} and ${pwsh(`Get-MailboxPermission -Identity ${ps(c.address)} -User ${c.objectId ? psArg(c.objectId) : "'<the token oid>'"}`)}`
      );
    case 'IMAP_CONNECTION_CLOSED':
      return `${c.host} closed the connection during the check of ${c.address}. If it repeats, check ${pwsh(`Get-CASMailbox -Identity ${ps(c.address)}`)} and Exchange Online service health.`;
    case 'IMAP_FOLDER_NOT_FOUND':
      return `${c.address} has no folder "${c.folder}". Fix the "folder" of mailbox "${c.mailboxId}" in the config, or list the folders: ${pwsh(`Get-MailboxFolderStatistics -Identity ${ps(c.address)} | Select-Object Name,FolderPath`)}`;
    case 'IMAP_THROTTLED':
      return `Exchange is throttling ${c.address}. Lower "concurrency" or check less often; check which other clients use this app (${c.clientId}) at the same time.`;
    case 'IMAP_PROTOCOL':
      return `${c.host} answered something unexpected${c.serverResponse ? `: ${c.serverResponse}` : ''}. Check the host and port point at Exchange Online IMAP (outlook.office365.com:993).`;
    case 'CHECK_TIMEOUT':
      if (c.deadline === 'interrupted') return 'The run was stopped before this check finished: run it again.';
      if (c.deadline === 'run') return `The whole run ran out of time (timeouts.runMs) before ${c.address} was done: raise "concurrency", or split the mailboxes across runs; keep timeouts.runMs below the Functions timeout.`;
      return `The check of ${c.address} ran out of its time budget. See the phase timings for the slow step, or raise timeouts.checkMs.`;
    case 'INTERNAL':
      return 'A bug in the monitor, not a mailbox problem: report it with this message and the run report.';
    case 'TOKEN_ASSERTION_OUT_OF_TIME':
    case 'TOKEN_ASSERTION_INVALID':
    case 'CERTIFICATE_EXPIRED':
    case 'CERTIFICATE_NOT_YET_VALID':
    case 'CERTIFICATE_NO_PRIVATE_KEY':
    case 'CERTIFICATE_PASSWORD_PROTECTED':
    case 'CERTIFICATE_UNUSABLE':
      // Certificate credentials only: certificateFailureRemedy answered above for those apps.
      return `App ${c.appId} is configured with a client secret, which cannot fail this way: check credential of app ${c.appId} in the config.`;
  }
}

const envOf = (c: RemedyContext): string => (c.secret as { env: string }).env;

export function warningRemedy(code: WarningCode, c: RemedyContext): string | undefined {
  if (isCertificateContext(c)) return certificateWarningRemedy(code, c) ?? (code.startsWith('SECRET_') || code.startsWith('CREDENTIAL_') ? undefined : generalWarningRemedy(code, c));
  return generalWarningRemedy(code, c);
}

function generalWarningRemedy(code: WarningCode, c: RemedyContext): string | undefined {
  switch (code) {
    case 'SECRET_EXPIRING':
    case 'SECRET_EXPIRED_IN_VAULT':
      return `Rotate before mail stops: ${newSecret(c)}`;
    case 'SECRET_NO_EXPIRY':
      if (!('vaultUrl' in c.secret)) return undefined;
      // The end date of the secret in use (Graph's, matched by hint), not the latest of the
      // app's secrets: with a rotation under way those differ.
      if (c.entraInUse) {
        return `Record the end date Entra gives the secret in use (key id ${c.entraInUse.keyId}) on the vault secret, so it can be warned about: ${az(`az keyvault secret set-attributes --vault-name ${vaultArg(c.secret.vaultUrl)} --name ${sh(c.secret.name)} --expires ${azDateTime(c.entraInUse.end)}`)}`;
      }
      return (
        `Record the Entra end date of the secret in use on the vault secret, so it can be warned about. The app's secrets: ${az(`az ad app credential list --id ${sh(c.clientId)} --query "[].{keyId:keyId,name:displayName,hint:hint,ends:endDateTime}" -o table`)}; ` +
        `the one in use is the one whose hint is the first three characters of the stored Value. Then: ${az(`az keyvault secret set-attributes --vault-name ${vaultArg(c.secret.vaultUrl)} --name ${sh(c.secret.name)} --expires <its end date as YYYY-MM-DDTHH:MM:SSZ>`)}`
      );
    case 'CREDENTIAL_EXPIRING':
      return (
        `Rotate before mail stops: ${newSecret(c)}` +
        (c.entraInUse ? `. When every mailbox of app ${c.appId} checks ok with the new value, remove the old secret: ${az(`az ad app credential delete --id ${sh(c.clientId)} --key-id ${sh(c.entraInUse.keyId)}`)}` : '')
      );
    case 'CREDENTIAL_ROTATION_INCOMPLETE':
      return (
        `Finish the rotation: the newer secret ${describeEntra(c.entraNewer)} exists on app ${c.clientId}, but the monitor (and the application) still use ${describeEntra(c.entraInUse)}. ` +
        `Store the newer secret's Value where the application reads it: ${storeNewSecret(c)}. Its Value was shown only when it was created; if nobody kept it: ${newSecret(c)}`
      );
    case 'CREDENTIAL_EXPIRY_MISMATCH':
      return 'vaultUrl' in c.secret && c.entraInUse
        ? `Make the vault's expiry date the real one (Entra's), so its alerts fire on time: ${az(`az keyvault secret set-attributes --vault-name ${vaultArg(c.secret.vaultUrl)} --name ${sh(c.secret.name)} --expires ${azDateTime(c.entraInUse.end)}`)}`
        : undefined;
    case 'GRAPH_PERMISSION_MISSING':
    case 'CREDENTIAL_EXPIRY_UNREAD':
    case 'NOTIFY_CHANNEL_FAILED':
    case 'SERVICE_HEALTH_UNREAD':
    // The incident's advice goes into the failure's own remedy (service-incident.ts), not a second one.
    case 'SERVICE_INCIDENT_ACTIVE':
      // Run-level warnings: their remedies name the monitor, not a mailbox (entra-warnings.ts, notify/).
      return undefined;
    case 'EXCESS_PERMISSIONS':
      return `IMAP needs only IMAP.AccessAsApp. Remove the others from app ${c.clientId}: Entra admin center > App registrations > ${c.clientId} > API permissions > remove ${(c.roles ?? []).filter((r) => r !== 'IMAP.AccessAsApp').join(', ')} > Grant admin consent (full_access_as_app opens every mailbox in the tenant).`;
    case 'MAILBOX_BACKLOG':
      return `Mail is piling up unread in ${c.address}/${c.folder}: the importing application has stopped consuming it. Check its import job and its log for this mailbox.`;
    case 'SLOW_CHECK':
      return 'See the phase timings for the slow step.';
    case 'TRANSIENT_RETRIED':
      return undefined;
  }
}
