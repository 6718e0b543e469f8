/**
 * `mailbox-health setup`: from the config, the steps and exact commands that make each app and
 * mailbox work the first time — Entra (IMAP.AccessAsApp, consent, a secret with an expiry, kept
 * in Key Vault with the same expiry), Exchange Online (service principal with the *Enterprise
 * application's* object id, FullAccess, IMAP on), and the monitor's own identity (Graph
 * Application.Read.All and ServiceHealth.Read.All, Mail.Send only for e-mail notifications, scoped
 * to the sender).
 * Each step names the pitfall it avoids (docs/deploy.md, "Pitfalls admins hit most").
 */
import type { AppConfig, Config, MailboxConfig } from '../config/schema';
import {
  cloudTools,
  type CloudTools,
  CONFIG_BASE64_ENV,
  DEPLOYMENT_OUTPUTS,
  EXCHANGE_ONLINE_APP_ID,
  GRAPH_APP_ID,
  GRAPH_APPLICATION_READ_ALL_ROLE_ID,
  GRAPH_SERVICE_HEALTH_READ_ALL_ROLE_ID,
  IMAP_ACCESS_AS_APP_ROLE_ID,
  type UsGovExchangeEnvironment,
} from './azure-ids';
import { ref, render, renderAssign, renderUnset, v, type Part, type Shell } from './shell-command';
import { opathString, powershellQuote } from './shell-quote';
import { certificateStep } from './certificate-step';

export interface SetupOptions {
  /** Today; the secret's expiry is counted from it. */
  now: Date;
  /** Lifetime of a new client secret (Entra end date = Key Vault expiry). */
  secretDays: number;
  /** The config file's path, for the step that hands it to the deployment. */
  configFile: string;
  /** A sender besides the config's e-mail channels' `from`; none of either = no Mail.Send at all. */
  mailSender?: string;
  /** The monitor identity's ids; default: read from the azd environment at paste time. */
  identityClientId?: string;
  identityPrincipalId?: string;
  /** cloud "usgov": Microsoft 365 GCC High (default) or DoD, for Connect-ExchangeOnline and the Graph host. */
  exchangeEnvironment?: UsGovExchangeEnvironment;
}

/** A command: Exchange Online cmdlets only exist in PowerShell; az commands come in both dialects. */
export interface SetupCommand {
  powershell: string;
  posix?: string;
}

export interface SetupStep {
  id: string;
  title: string;
  app?: string;
  mailbox?: string;
  /** The same step in the portal. */
  portal?: string;
  /** What goes wrong when this step is done the usual wrong way. */
  pitfall?: string;
  commands: SetupCommand[];
}

export interface SetupGuide {
  cloud: string;
  secretExpiresOn: string;
  steps: SetupStep[];
}

type Line = { parts: Part[]; assign?: string } | { unset: string } | { raw: Record<Shell, string> };

function renderLine(line: Line, shell: Shell): string {
  if ('raw' in line) return line.raw[shell];
  if ('unset' in line) return renderUnset(line.unset, shell);
  return line.assign ? renderAssign(line.assign, line.parts, shell) : render(line.parts, shell);
}

/** An az command (or a sequence sharing variables) in both shells. */
function az(...lines: Line[]): SetupCommand {
  const one = (shell: Shell) => lines.map((line) => renderLine(line, shell)).join('\n');
  return { posix: one('posix'), powershell: one('powershell') };
}

/** A PowerShell-only line (Exchange Online). */
function ps(...parts: Part[]): SetupCommand {
  return { powershell: render(parts, 'powershell') };
}

const isoDay = (date: Date) => date.toISOString().slice(0, 10);

function vaultOf(app: AppConfig, config: Config): { url: string; name: string } | null {
  if (!('keyVaultSecret' in app.credential)) return null;
  const url = app.credential.keyVaultUrl ?? config.keyVaultUrl;
  if (!url) return null;
  return { url, name: new URL(url).hostname.split('.')[0] };
}

/**
 * Connect-ExchangeOnline signs in interactively as an admin of the tenant (-Organization is for
 * app-only sign-in). usgov without --exchange-environment: GCC High, with the DoD line beside it
 * as a comment, since "usgov" covers both and only the admin knows which one the tenant is.
 */
function connectExchange(config: Config, tools: CloudTools, options: SetupOptions): SetupCommand {
  if (!tools.exchangeEnvironment) return ps('Connect-ExchangeOnline');
  const line = render(['Connect-ExchangeOnline', '-ExchangeEnvironmentName', tools.exchangeEnvironment], 'powershell');
  if (config.cloud !== 'usgov' || options.exchangeEnvironment) return { powershell: line };
  return { powershell: `${line}  # Microsoft 365 DoD: -ExchangeEnvironmentName O365USGovDoD (setup --exchange-environment O365USGovDoD)` };
}

function signIn(config: Config, options: SetupOptions, tenantId: string): SetupStep {
  const tools = cloudTools(config.cloud, options.exchangeEnvironment);
  const commands: SetupCommand[] = [];
  if (tools.azCloud) commands.push(az({ parts: ['az', 'cloud', 'set', '--name', tools.azCloud] }));
  commands.push(az({ parts: ['az', 'login', '--tenant', v(tenantId), '--allow-no-subscriptions'] }));
  commands.push(connectExchange(config, tools, options));
  return {
    id: 'sign-in',
    title: `Sign in to tenant ${tenantId}: Azure CLI, and Exchange Online PowerShell (module ExchangeOnlineManagement)`,
    pitfall:
      typeof config.cloud === 'object'
        ? 'The config names a custom cloud: set the Azure CLI to it (az cloud register/set) and connect Exchange Online PowerShell to its environment before running the commands below.'
        : 'Use an account with Application Administrator (or Cloud Application Administrator) in Entra and Exchange Administrator in Exchange Online; each consent step says which role it needs.' +
          (config.cloud === 'usgov' && !options.exchangeEnvironment ? ' "usgov" is GCC High or DoD: a DoD tenant connects with -ExchangeEnvironmentName O365USGovDoD (the comment beside the command; or run setup with --exchange-environment O365USGovDoD).' : ''),
    commands,
  };
}

/** The subscription's tenant (azd's AZURE_TENANT_ID output): the monitor's identity and the Key Vault live there. */
function signInToSubscriptionTenant(vaults: string[]): SetupStep {
  return {
    id: 'subscription.sign-in',
    title: `Sign in to the subscription's tenant (${DEPLOYMENT_OUTPUTS.tenantId}): ${vaults.length ? `Key Vault ${vaults.join(', ')} and ` : ''}the monitor's identity live there`,
    pitfall:
      'az acts in the tenant it signed in to last: after the steps for apps in other tenants, Graph calls for the monitor\'s identity and Key Vault writes would go to a tenant where neither exists.',
    commands: [
      az({ assign: 'subscriptionTenantId', parts: ['azd', 'env', 'get-value', DEPLOYMENT_OUTPUTS.tenantId] }, { parts: ['az', 'login', '--tenant', ref('subscriptionTenantId')] }),
    ],
  };
}

/** The shell variable that carries an app's new secret from its tenant's steps to the Key Vault step. */
function secretVariable(app: AppConfig, config: Config): string {
  const index = config.apps.indexOf(app);
  return `secret_${index + 1}_${app.id.replace(/[^A-Za-z0-9]/g, '_')}`;
}

function appSteps(app: AppConfig, config: Config, options: SetupOptions, expiresOn: string): SetupStep[] {
  const name = app.displayName ?? app.id;
  const steps: SetupStep[] = [
    {
      id: 'app.enterprise-application',
      app: app.id,
      title: `${name}: make sure the app has an Enterprise application (service principal) in tenant ${app.tenantId}`,
      portal: `Entra admin center > Enterprise applications > search for ${app.clientId}. If it is missing, the command creates it (an error "already exists" is fine).`,
      commands: [az({ parts: ['az', 'ad', 'sp', 'create', '--id', v(app.clientId)] })],
    },
    {
      id: 'app.imap-permission',
      app: app.id,
      title: `${name}: grant IMAP.AccessAsApp (Office 365 Exchange Online, application permission) and admin consent — nothing more`,
      portal:
        'App registrations > ' +
        name +
        ' > API permissions > Add a permission > APIs my organization uses > "Office 365 Exchange Online" > Application permissions > IMAP.AccessAsApp > Add permissions; then "Grant admin consent" — as Application Administrator or Cloud Application Administrator: IMAP.AccessAsApp is not a Microsoft Graph app role.',
      pitfall:
        "Microsoft Graph's IMAP.AccessAsUser.All is a delegated permission: its token is for Graph, not Exchange (TOKEN_WRONG_AUDIENCE, TOKEN_MISSING_ROLE). Remove full_access_as_app if present: it opens every mailbox in the tenant (EXCESS_PERMISSIONS). " +
        'The Azure CLI documents az ad app permission admin-consent as needing a Global Administrator; without one, grant the consent in the portal as above.',
      commands: [
        az({ parts: ['az', 'ad', 'app', 'permission', 'add', '--id', v(app.clientId), '--api', EXCHANGE_ONLINE_APP_ID, '--api-permissions', `${IMAP_ACCESS_AS_APP_ROLE_ID}=Role`] }),
        az({ parts: ['az', 'ad', 'app', 'permission', 'admin-consent', '--id', v(app.clientId)] }),
      ],
    },
  ];

  const vault = vaultOf(app, config);
  if (vault && 'keyVaultSecret' in app.credential) {
    const secretName = app.credential.keyVaultSecret;
    steps.push({
      id: 'app.client-secret',
      app: app.id,
      title: `${name}: a new client secret valid until ${expiresOn.slice(0, 10)}, kept in a shell variable until it is stored as Key Vault secret "${secretName}" in ${vault.name} with the same expiry (step "Store the new client secrets")`,
      portal: `App registrations > ${name} > Certificates & secrets > New client secret (expires ${expiresOn.slice(0, 10)}); copy its Value at once (it is shown only then). Key vaults > ${vault.name} > Secrets > Generate/Import: name ${secretName}, the Value, and the same expiration date.`,
      pitfall:
        'Store the secret\'s Value, not its "Secret ID" (a GUID): Entra then refuses it with AADSTS7000215 (TOKEN_INVALID_SECRET). The value waits in this shell for the Key Vault step (the vault lives in the subscription\'s tenant, which may not be this one): keep the same shell open until then.',
      commands: [
        az({ assign: secretVariable(app, config), parts: ['az', 'ad', 'app', 'credential', 'reset', '--id', v(app.clientId), '--append', '--display-name', v(`mailbox-health ${isoDay(options.now)}`), '--end-date', v(expiresOn), '--query', 'password', '--output', 'tsv'] }),
      ],
    });
  } else if ('keyVaultCertificate' in app.credential || 'certificateFile' in app.credential) {
    // Certificate credentials (issue 18): their own step, in certificate-step.ts.
    const step = certificateStep(app, config);
    if (step) steps.push(step);
  } else if ('env' in app.credential) {
    steps.push({
      id: 'app.client-secret',
      app: app.id,
      title: `${name}: a new client secret valid until ${expiresOn.slice(0, 10)}, in the environment variable ${app.credential.env} of the machine that runs the check`,
      pitfall: 'Put the secret\'s Value in the variable, not its "Secret ID", without a trailing newline.',
      commands: [
        (() => {
          const reset = ['az', 'ad', 'app', 'credential', 'reset', '--id', v(app.clientId), '--append', '--end-date', v(expiresOn), '--query', 'password', '--output', 'tsv'];
          const variable = app.credential.env;
          return { posix: `export ${renderAssign(variable, reset, 'posix')}`, powershell: `$env:${variable} = ${render(reset, 'powershell')}` };
        })(),
      ],
    });
  }

  steps.push({
    id: 'app.exchange-service-principal',
    app: app.id,
    title: `${name}: register the app in Exchange Online with the Enterprise application's object id`,
    portal: `Entra admin center > Enterprise applications > ${name} > Overview > Object ID. Not App registrations > Object ID: that is the application object, and Exchange then refuses every login (IMAP_AUTH_FAILED).`,
    pitfall: 'The token\'s "oid" claim is the Enterprise application\'s object id; `mailbox-health check` shows it as token.objectId.',
    commands: [
      { powershell: renderAssign('servicePrincipalId', ['az', 'ad', 'sp', 'show', '--id', v(app.clientId), '--query', 'id', '--output', 'tsv'], 'powershell') },
      ps('New-ServicePrincipal', '-AppId', v(app.clientId), '-ObjectId', ref('servicePrincipalId'), '-DisplayName', v(name)),
      ps('Get-ServicePrincipal', '-Identity', ref('servicePrincipalId'), '|', 'Format-List'),
    ],
  });
  return steps;
}

function mailboxStep(mailbox: MailboxConfig, app: AppConfig): SetupStep {
  const address = mailbox.address;
  return {
    id: 'mailbox.access',
    app: app.id,
    mailbox: mailbox.id,
    title: `${address}: IMAP on, FullAccess for ${app.displayName ?? app.id}, then verify`,
    portal: `Exchange admin center > Recipients > Mailboxes > ${address} > Email apps: IMAP on. FullAccess for a service principal has no portal page: use the commands.`,
    pitfall:
      'IMAP off for the mailbox gives "User is authenticated but not connected" (IMAP_NOT_CONNECTED). A new FullAccess grant can take up to an hour to replicate: IMAP_AUTH_FAILED until then. Application access policies and RBAC for Applications do not apply to IMAP: FullAccess per mailbox is the scope, ' +
      'and Get-MailboxPermission is the check (Test-ServicePrincipalAuthorization tests RBAC for Applications, which says nothing about IMAP).',
    commands: [
      ps('Set-CASMailbox', '-Identity', v(address), '-ImapEnabled', '$true'),
      ps('Get-CASMailbox', '-Identity', v(address), '|', 'Format-List', 'ImapEnabled'),
      ps('Add-MailboxPermission', '-Identity', v(address), '-User', ref('servicePrincipalId'), '-AccessRights', 'FullAccess'),
      ps('Get-MailboxPermission', '-Identity', v(address), '-User', ref('servicePrincipalId')),
    ],
  };
}

/** Deploy first: the vault the secrets go into and the monitor's identity come from infra/. */
function deployStep(config: Config, options: SetupOptions): SetupStep {
  const vaultName = config.keyVaultUrl ? new URL(config.keyVaultUrl).hostname.split('.')[0] : undefined;
  const vaultLine: SetupCommand[] = vaultName ? [az({ parts: ['azd', 'env', 'set', DEPLOYMENT_OUTPUTS.keyVaultName, v(vaultName)] })] : [];
  return {
    id: 'deploy',
    title: `Deploy the monitor with ${options.configFile} (Function App, identity, Key Vault${vaultName ? ` ${vaultName}` : ''}, Storage, Application Insights, alerts, workbook)`,
    pitfall:
      'The config travels base64-encoded, so no shell or JSON quoting can mangle it; it holds no secrets, only where they live. The vault is created with the name in the config\'s keyVaultUrl, and you (AZURE_PRINCIPAL_ID) get Key Vault Secrets Officer on it to store the secrets below.',
    commands: [
      az({ parts: ['azd', 'auth', 'login'] }),
      ...vaultLine,
      {
        posix: `azd env set ${CONFIG_BASE64_ENV} "$(base64 < ${render([v(options.configFile)], 'posix')} | tr -d '\\n')"`,
        powershell: `azd env set ${CONFIG_BASE64_ENV} ([Convert]::ToBase64String([IO.File]::ReadAllBytes((Resolve-Path -LiteralPath ${powershellQuote(options.configFile)}))))`,
      },
      az({ parts: ['azd', 'up'] }),
    ],
  };
}

/** Key Vault writes, in the subscription's tenant: each app's new secret with the same expiry as in Entra, then forgotten. */
function storeSecretsStep(config: Config, expiresOn: string): SetupStep | null {
  const lines: Line[] = [];
  const names: string[] = [];
  for (const app of config.apps) {
    const vault = vaultOf(app, config);
    if (!vault || !('keyVaultSecret' in app.credential)) continue;
    const variable = secretVariable(app, config);
    names.push(`${app.credential.keyVaultSecret} (${app.displayName ?? app.id}) in ${vault.name}`);
    lines.push(
      { parts: ['az', 'keyvault', 'secret', 'set', '--vault-name', v(vault.name), '--name', v(app.credential.keyVaultSecret), ref(variable, '--value='), '--expires', v(expiresOn), '--content-type', v(`client secret of ${app.clientId}`), '--output', 'none'] },
      { unset: variable },
    );
  }
  if (lines.length === 0) return null;
  return {
    id: 'vault.store-secrets',
    title: `Store the new client secrets in Key Vault with their Entra end date ${expiresOn.slice(0, 10)}: ${names.join('; ')}`,
    pitfall:
      'Give the vault secret an expiry, or nothing can warn before it runs out (SECRET_NO_EXPIRY). Writing secrets to a vault with RBAC authorization needs Key Vault Secrets Officer, even for a subscription owner (the deployment grants it to you).',
    commands: [az(...lines)],
  };
}

/** One Microsoft Graph app role granted to the monitor's identity (`appRoleAssignedTo` on Graph's service principal). */
function grantGraphRole(grantUri: string, appRoleId: string): Line {
  return {
    // PowerShell 5.1 strips the quotes of JSON passed to a native command: the body goes through a file there.
    raw: {
      posix: `az rest --method POST --uri "${grantUri}$graphServicePrincipalId/appRoleAssignedTo" --headers 'Content-Type=application/json' --body "{\\"principalId\\":\\"$monitorPrincipalId\\",\\"resourceId\\":\\"$graphServicePrincipalId\\",\\"appRoleId\\":\\"${appRoleId}\\"}"`,
      powershell: [
        '$grantBody = New-TemporaryFile',
        `@{ principalId = $monitorPrincipalId; resourceId = $graphServicePrincipalId; appRoleId = '${appRoleId}' } | ConvertTo-Json -Compress | Set-Content -LiteralPath $grantBody -Encoding ascii`,
        `az rest --method POST --uri "${grantUri}$graphServicePrincipalId/appRoleAssignedTo" --headers 'Content-Type=application/json' --body "@$grantBody"`,
        'Remove-Item -LiteralPath $grantBody',
      ].join('\n'),
    },
  };
}

/** The monitor's own identity (the user-assigned identity infra/ creates; its ids are deployment outputs). */
function monitorSteps(config: Config, options: SetupOptions): SetupStep[] {
  const tools = cloudTools(config.cloud, options.exchangeEnvironment);
  const idLine = (variable: string, given: string | undefined, output: string): Line =>
    given ? { raw: { posix: `${variable}=${given}`, powershell: `$${variable} = ${powershellQuote(given)}` } } : { assign: variable, parts: ['azd', 'env', 'get-value', output] };
  const principal = idLine('monitorPrincipalId', options.identityPrincipalId, DEPLOYMENT_OUTPUTS.identityPrincipalId);
  const grantUri = `${tools.graphHost}/v1.0/servicePrincipals/`;
  const steps: SetupStep[] = [
    {
      id: 'monitor.graph-application-read',
      title:
        "The monitor's identity: Microsoft Graph Application.Read.All, to read each client secret's end date from Entra (CREDENTIAL_EXPIRING), and ServiceHealth.Read.All, to name the Exchange Online incident behind outage-shaped failures (SERVICE_INCIDENT_ACTIVE)",
      portal: 'No portal page grants an app role to a managed identity: use the commands, as Privileged Role Administrator (Application.Read.All and ServiceHealth.Read.All are Microsoft Graph app roles, which Application and Cloud Application Administrators cannot grant).',
      pitfall:
        "Without them the monitor still works and warns once per run that it cannot read the expiry from Entra, or Microsoft 365 service health. Graph answers for the identity's own tenant only: apps registered in other tenants keep their Key Vault expiry, and the incidents are those of the monitor's tenant.",
      commands: [
        az(
          principal,
          { assign: 'graphServicePrincipalId', parts: ['az', 'ad', 'sp', 'show', '--id', GRAPH_APP_ID, '--query', 'id', '--output', 'tsv'] },
          grantGraphRole(grantUri, GRAPH_APPLICATION_READ_ALL_ROLE_ID),
          // Issue 20: one grant per app role (an appRoleAssignment names one role).
          grantGraphRole(grantUri, GRAPH_SERVICE_HEALTH_READ_ALL_ROLE_ID),
        ),
      ],
    },
  ];
  // E-mail channels of the config send from their `from` mailbox; --mail-sender adds one.
  const senders = [...new Set([...(config.notify?.channels ?? []).flatMap((c) => (c.type === 'email' ? [c.from] : [])), ...(options.mailSender ? [options.mailSender] : [])])];
  if (senders.length > 0) {
    const sender = senders.join(', ');
    const filter = senders.map((address) => `PrimarySmtpAddress -eq ${opathString(address)}`).join(' -or ');
    const client = idLine('monitorClientId', options.identityClientId, DEPLOYMENT_OUTPUTS.identityClientId);
    const scope = 'mailbox-health notification sender';
    steps.push({
      id: 'monitor.mail-send',
      title: `The monitor's identity: send e-mail notifications from ${sender} only (RBAC for Applications: "Application Mail.Send" scoped to that mailbox)`,
      pitfall:
        'Connect-ExchangeOnline here as an Exchange admin of the subscription\'s tenant (where the monitor\'s identity and the sender mailboxes are), not the tenant signed in to last. Do not also grant Graph Mail.Send in Entra: Entra grants add to Exchange role assignments, and that one lets the identity send as every mailbox in the tenant.',
      commands: [
        // Exchange Online of the subscription's tenant: the monitor's identity and the senders are there.
        connectExchange(config, tools, options),
        { powershell: [client, principal].map((line) => renderLine(line, 'powershell')).join('\n') },
        ps('New-ServicePrincipal', '-AppId', ref('monitorClientId'), '-ObjectId', ref('monitorPrincipalId'), '-DisplayName', v('mailbox-health monitor')),
        ps('New-ManagementScope', '-Name', v(scope), '-RecipientRestrictionFilter', v(filter)),
        // -App takes "the ObjectId GUID value from the output of the Get-ServicePrincipal cmdlet" (cmdlet reference): the object id given to New-ServicePrincipal.
        ps('New-ManagementRoleAssignment', '-App', ref('monitorPrincipalId'), '-Role', v('Application Mail.Send'), '-CustomResourceScope', v(scope)),
        ...senders.map((address) => ps('Test-ServicePrincipalAuthorization', '-Identity', ref('monitorClientId'), '-Resource', v(address))),
      ],
    });
  }
  return steps;
}

export function setupGuide(config: Config, options: SetupOptions): SetupGuide {
  const expires = new Date(Date.UTC(options.now.getUTCFullYear(), options.now.getUTCMonth(), options.now.getUTCDate() + options.secretDays));
  const expiresOn = expires.toISOString().replace('.000Z', 'Z');
  const steps: SetupStep[] = [deployStep(config, options)];
  // One tenant at a time: az and Exchange Online PowerShell each act in the tenant signed in last.
  const tenantIds = [...new Set(config.apps.map((app) => app.tenantId.toLowerCase()))];
  for (const tenantId of tenantIds) {
    steps.push(signIn(config, options, tenantId));
    for (const app of config.apps.filter((a) => a.tenantId.toLowerCase() === tenantId)) {
      steps.push(...appSteps(app, config, options, expiresOn));
      for (const mailbox of config.mailboxes.filter((m) => m.app === app.id)) steps.push(mailboxStep(mailbox, app));
    }
  }
  // Then the subscription's tenant, whichever tenant was signed in to last: the vault and the monitor's identity.
  const store = storeSecretsStep(config, expiresOn);
  steps.push(signInToSubscriptionTenant([...new Set(config.apps.map((a) => vaultOf(a, config)?.name).filter((n): n is string => Boolean(n)))]));
  if (store) steps.push(store);
  steps.push(...monitorSteps(config, options));
  return { cloud: typeof config.cloud === 'string' ? config.cloud : 'custom', secretExpiresOn: expiresOn, steps };
}
