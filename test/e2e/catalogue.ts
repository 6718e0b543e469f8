/**
 * One simulated tenant in which every failure and warning the engine knows happens at once, each
 * on its own mailbox, next to healthy ones. `EXPECTED` is what a correct diagnosis says.
 */
import type { ConfigInput } from '../../shared/config/schema';
import type { Scenario, SimApp, SimMailbox } from '../../sim/scenario';

export const TENANT = '5a6b7c8d-0000-4000-8000-00000000aaaa';
const DAY = 86_400_000;
const guid = (n: number) => `0000${n.toString(16).padStart(4, '0')}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

interface AppSpec {
  id: string;
  app?: Partial<SimApp>;
  /** The vault secret (omit for a missing one); `value` defaults to the app's real secret. */
  vault?: { value?: string; enabled?: boolean; expiresInDays?: number | null; accessDenied?: boolean } | null;
  registered?: boolean;
  credential?: ConfigInput['apps'][number]['credential'];
  tenantId?: string;
}

const APPS: AppSpec[] = [
  { id: 'good', vault: { expiresInDays: 200 } },
  { id: 'wrongsecret', vault: { value: '7b3c0f5e-secret-id-not-value-0001', expiresInDays: 200 } },
  { id: 'expired', app: { secretExpired: true }, vault: { expiresInDays: 200 } },
  { id: 'ghost', vault: { expiresInDays: 200 }, registered: false },
  { id: 'notenant', tenantId: '5a6b7c8d-0000-4000-8000-00000000dead', vault: { expiresInDays: 200 } },
  { id: 'badscope', app: { tokenFault: 'invalid-scope' }, vault: { expiresInDays: 200 } },
  { id: 'badcert', app: { tokenFault: 'invalid-certificate' }, vault: { expiresInDays: 200 } },
  { id: 'unavailable', app: { tokenFault: 'server-error' }, vault: { expiresInDays: 200 } },
  { id: 'noconsent', app: { roles: [] }, vault: { expiresInDays: 200 } },
  { id: 'graph', app: { tokenFault: 'wrong-audience' }, vault: { expiresInDays: 200 } },
  { id: 'foreign', app: { tokenFault: 'wrong-tenant' }, vault: { expiresInDays: 200 } },
  { id: 'greedy', app: { roles: ['IMAP.AccessAsApp', 'full_access_as_app', 'Mail.ReadWrite', 'Mail.Send'] }, vault: { expiresInDays: null } },
  { id: 'expiring', vault: { expiresInDays: 5 } },
  { id: 'vaultexpired', vault: { expiresInDays: -2 } },
  { id: 'missing', vault: null },
  { id: 'denied', vault: { accessDenied: true, expiresInDays: 200 } },
  { id: 'disabled', vault: { enabled: false, expiresInDays: 200 } },
  { id: 'envmissing', credential: { env: 'CATALOGUE_UNSET_SECRET' } },
  { id: 'envgood', credential: { env: 'CATALOGUE_ENV_SECRET' } },
  { id: 'unregistered', vault: { expiresInDays: 200 }, registered: false },
  { id: 'stale', app: { tokenFault: 'expired-token' }, vault: { expiresInDays: 200 } },
  { id: 'forged', app: { tokenFault: 'forged-token' }, vault: { expiresInDays: 200 } },
  { id: 'appoff', app: { tokenFault: 'app-disabled' }, vault: { expiresInDays: 200 } },
  { id: 'blocked', app: { tokenFault: 'conditional-access' }, vault: { expiresInDays: 200 } },
  { id: 'noexchange', app: { tokenFault: 'no-exchange' }, vault: { expiresInDays: 200 } },
];

export interface Expected {
  status: 'ok' | 'degraded' | 'failed';
  code?: string;
  phase?: string;
  warnings?: string[];
  /** Concrete values the remedy must name. */
  remedy?: string[];
}

/** Mailbox id → [app id, mailbox in Exchange (partial), config overrides, expectation]. */
type MailboxSpec = [string, string, Partial<SimMailbox> | null, Record<string, unknown>, Expected];

export const clientOf = (id: string) => guid(APPS.findIndex((a) => a.id === id) + 1);
const oidOf = (id: string) => guid(0x100 + APPS.findIndex((a) => a.id === id) + 1);
const address = (mailbox: string) => `${mailbox}@catalogue.example`;

export const MAILBOXES: MailboxSpec[] = [
  ['ok1', 'good', {}, {}, { status: 'ok' }],
  ['ok2', 'good', { folders: [{ name: 'INBOX', messages: [] }, { name: 'Scans', messages: [{ seen: false, receivedMinutesAgo: 3 }] }] }, { folder: 'Scans' }, { status: 'ok' }],
  ['envok', 'envgood', {}, {}, { status: 'ok' }],
  ['nogrant', 'good', { fullAccess: [] }, {}, { status: 'failed', code: 'IMAP_AUTH_FAILED', phase: 'auth', remedy: [`Add-MailboxPermission -Identity '${address('nogrant')}' -User ${oidOf('good')}`, `-AppId ${clientOf('good')}`] }],
  ['unregistered', 'unregistered', {}, {}, { status: 'failed', code: 'IMAP_AUTH_FAILED', phase: 'auth', remedy: [`New-ServicePrincipal -AppId ${clientOf('unregistered')} -ObjectId ${oidOf('unregistered')}`] }],
  ['stale', 'stale', {}, {}, { status: 'failed', code: 'IMAP_AUTH_FAILED', phase: 'auth', remedy: [address('stale')] }],
  ['forged', 'forged', {}, {}, { status: 'failed', code: 'IMAP_AUTH_FAILED', phase: 'auth', remedy: [address('forged')] }],
  ['imapoff', 'good', { imapEnabled: false }, {}, { status: 'failed', code: 'IMAP_NOT_CONNECTED', phase: 'folder', remedy: [`Set-CASMailbox -Identity '${address('imapoff')}' -ImapEnabled $true`] }],
  ['nofolder', 'good', {}, { folder: 'Archive/2026' }, { status: 'failed', code: 'IMAP_FOLDER_NOT_FOUND', phase: 'folder', remedy: [`${address('nofolder')} has no folder "Archive/2026"`] }],
  ['closes', 'good', { fault: 'close-after-auth' }, {}, { status: 'failed', code: 'IMAP_CONNECTION_CLOSED', phase: 'folder', remedy: [address('closes')] }],
  ['throttled', 'good', { fault: 'throttle' }, {}, { status: 'failed', code: 'IMAP_THROTTLED', phase: 'folder', remedy: [clientOf('good')] }],
  ['garbage', 'good', { fault: 'garbage' }, {}, { status: 'failed', code: 'IMAP_PROTOCOL', phase: 'folder', remedy: ['127.0.0.1'] }],
  ['backlog', 'good', { folders: [{ name: 'INBOX', messages: Array.from({ length: 30 }, (_, i) => ({ seen: false, receivedMinutesAgo: 500 - i })) }] }, { backlogUnseen: 10 }, { status: 'degraded', warnings: ['MAILBOX_BACKLOG'] }],
  ['refused', 'good', {}, { port: 'CLOSED' }, { status: 'failed', code: 'IMAP_CONNECT_REFUSED', phase: 'connect', remedy: ['Test-NetConnection 127.0.0.1 -Port'] }],
  ['dns', 'good', {}, { host: 'imap.does-not-exist.test' }, { status: 'failed', code: 'IMAP_DNS', phase: 'connect', remedy: ['Resolve-DnsName imap.does-not-exist.test'] }],
  ['untrusted', 'good', {}, { port: 'UNTRUSTED' }, { status: 'failed', code: 'IMAP_TLS', phase: 'connect', remedy: ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'NODE_EXTRA_CA_CERTS'] }],
  // The test resolver sends this name to loopback, where the certificate names only localhost.
  ['wrongname', 'good', {}, { host: 'imap.wrong-name.example' }, { status: 'failed', code: 'IMAP_TLS', phase: 'connect', remedy: ['ERR_TLS_CERT_ALTNAME_INVALID', 'the certificate does not name imap.wrong-name.example'] }],
  ['plaintext', 'good', {}, { port: 'PLAIN' }, { status: 'failed', code: 'IMAP_TLS', phase: 'connect', remedy: ['ERR_SSL_WRONG_VERSION_NUMBER', 'implicit-TLS IMAP port is 993'] }],
  ['wrongsecret', 'wrongsecret', {}, {}, { status: 'failed', code: 'TOKEN_INVALID_SECRET', phase: 'token', remedy: [`az ad app credential reset --id ${clientOf('wrongsecret')}`, '--name wrongsecret-secret'] }],
  ['expired', 'expired', {}, {}, { status: 'failed', code: 'TOKEN_SECRET_EXPIRED', phase: 'token', remedy: [`--id ${clientOf('expired')}`] }],
  ['ghost', 'ghost', {}, {}, { status: 'failed', code: 'TOKEN_APP_NOT_FOUND', phase: 'token', remedy: [`az ad sp show --id ${clientOf('ghost')}`, `/${TENANT}/adminconsent?client_id=${clientOf('ghost')}`] }],
  ['appoff', 'appoff', {}, {}, { status: 'failed', code: 'TOKEN_APP_DISABLED', phase: 'token', remedy: [`az ad sp update --id ${clientOf('appoff')} --set accountEnabled=true`, 'Enabled for users to sign in'] }],
  ['blocked', 'blocked', {}, {}, { status: 'failed', code: 'TOKEN_BLOCKED_BY_POLICY', phase: 'token', remedy: ['Conditional Access', clientOf('blocked')] }],
  ['noexchange', 'noexchange', {}, {}, { status: 'failed', code: 'TOKEN_INVALID_SCOPE', phase: 'token', remedy: [`Tenant ${TENANT} has no Exchange Online`, '/catalogue.example/v2.0/.well-known/openid-configuration'] }],
  ['notenant', 'notenant', {}, {}, { status: 'failed', code: 'TOKEN_TENANT_NOT_FOUND', phase: 'token', remedy: ['5a6b7c8d-0000-4000-8000-00000000dead'] }],
  ['badscope', 'badscope', {}, {}, { status: 'failed', code: 'TOKEN_INVALID_SCOPE', phase: 'token', remedy: ['https://outlook.office365.com/.default'] }],
  ['badcert', 'badcert', {}, {}, { status: 'failed', code: 'TOKEN_INVALID_CERTIFICATE', phase: 'token', remedy: [`--id ${clientOf('badcert')} --cert`] }],
  ['unavailable', 'unavailable', {}, {}, { status: 'failed', code: 'TOKEN_ENDPOINT_UNREACHABLE', phase: 'token', remedy: [`/${TENANT}/v2.0/.well-known/openid-configuration`] }],
  ['noconsent', 'noconsent', {}, {}, { status: 'failed', code: 'TOKEN_MISSING_ROLE', phase: 'token', remedy: [`az ad app permission admin-consent --id ${clientOf('noconsent')}`] }],
  ['graph', 'graph', {}, {}, { status: 'failed', code: 'TOKEN_WRONG_AUDIENCE', phase: 'token', remedy: ['https://graph.microsoft.com', 'https://outlook.office365.com'] }],
  ['foreign', 'foreign', {}, {}, { status: 'failed', code: 'TOKEN_TENANT_MISMATCH', phase: 'token', remedy: [TENANT] }],
  ['greedy', 'greedy', {}, {}, { status: 'degraded', warnings: ['SECRET_NO_EXPIRY', 'EXCESS_PERMISSIONS'], remedy: ['full_access_as_app, Mail.ReadWrite, Mail.Send'] }],
  ['expiring', 'expiring', {}, {}, { status: 'degraded', warnings: ['SECRET_EXPIRING'], remedy: [`--id ${clientOf('expiring')}`] }],
  ['vaultexpired', 'vaultexpired', {}, {}, { status: 'degraded', warnings: ['SECRET_EXPIRED_IN_VAULT'] }],
  ['missing', 'missing', null, {}, { status: 'failed', code: 'SECRET_NOT_FOUND', phase: 'secret', remedy: ['--name missing-secret'] }],
  ['envmissing', 'envmissing', null, {}, { status: 'failed', code: 'SECRET_NOT_FOUND', phase: 'secret', remedy: ['CATALOGUE_UNSET_SECRET'] }],
  ['denied', 'denied', null, {}, { status: 'failed', code: 'SECRET_ACCESS_DENIED', phase: 'secret', remedy: ['Key Vault Secrets User', '/secrets/denied-secret'] }],
  ['disabled', 'disabled', null, {}, { status: 'failed', code: 'SECRET_DISABLED', phase: 'secret', remedy: ['--name disabled-secret --enabled true'] }],
];

export const ENV_SECRET = 'Env~catalogue-env-secret-value-0042';
export const MONITOR_SECRET = 'Mon~catalogue-monitor-secret-0099';
export const secretOf = (id: string) => `Sec~${id}-catalogue-secret-value`;

export function catalogueScenario(): Scenario {
  const apps: SimApp[] = APPS.filter((a) => a.id !== 'ghost').map((a) => ({
    clientId: clientOf(a.id),
    tenantId: TENANT,
    displayName: `app ${a.id}`,
    secret: a.id === 'envgood' ? ENV_SECRET : secretOf(a.id),
    servicePrincipalObjectId: oidOf(a.id),
    roles: ['IMAP.AccessAsApp'],
    ...a.app,
  }));
  const secrets = APPS.filter((a) => a.vault).map((a) => ({
    name: `${a.id}-secret`,
    value: a.vault!.value ?? secretOf(a.id),
    enabled: a.vault!.enabled,
    accessDenied: a.vault!.accessDenied,
    expiresOn: a.vault!.expiresInDays === null || a.vault!.expiresInDays === undefined ? undefined : new Date(Date.now() + a.vault!.expiresInDays * DAY),
  }));
  const mailboxes: SimMailbox[] = MAILBOXES.filter(([, , mb]) => mb !== null).map(([id, app, mb]) => ({
    address: address(id),
    fullAccess: [oidOf(app)],
    folders: [{ name: 'INBOX', messages: [{ seen: true, receivedMinutesAgo: 90 }, { seen: false, receivedMinutesAgo: 7 }] }],
    ...mb,
  }));
  return {
    tenants: [TENANT],
    apps,
    vault: { secrets },
    exchange: { servicePrincipals: APPS.filter((a) => a.registered !== false).map((a) => ({ appId: clientOf(a.id), objectId: oidOf(a.id) })), mailboxes },
    monitorIdentity: { clientId: guid(0xfff), tenantId: TENANT, objectId: guid(0xffe), secret: MONITOR_SECRET },
  };
}

export interface Endpoints {
  authorityHost: string;
  keyVaultUrl: string;
  imapPort: number;
  ports: { CLOSED: number; UNTRUSTED: number; PLAIN: number };
}

export function catalogueConfig(e: Endpoints, only?: (id: string) => boolean): ConfigInput {
  const mailboxes = MAILBOXES.filter(([id]) => !only || only(id)).map(([id, app, , overrides]) => {
    const port = overrides.port as keyof Endpoints['ports'] | undefined;
    return { id, address: address(id), app, ...overrides, ...(port ? { port: e.ports[port] } : {}) };
  });
  const used = new Set(mailboxes.map((m) => m.app));
  return {
    cloud: { authorityHost: e.authorityHost, imapResource: 'https://outlook.office365.com' },
    keyVaultUrl: e.keyVaultUrl,
    defaults: { host: '127.0.0.1', port: e.imapPort },
    thresholds: { secretExpiryDays: 30, backlogUnseen: 500, backlogOldestMinutes: 10_000 },
    concurrency: 16,
    apps: APPS.filter((a) => used.has(a.id)).map((a) => ({
      id: a.id,
      tenantId: a.tenantId ?? TENANT,
      clientId: clientOf(a.id),
      displayName: `app ${a.id}`,
      credential: a.credential ?? { keyVaultSecret: `${a.id}-secret` },
    })),
    mailboxes,
  } as ConfigInput;
}
