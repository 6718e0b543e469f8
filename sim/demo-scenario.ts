/**
 * The demo's tenant: Contoso's document manager imports from several mailboxes, and most of the
 * ways the setup breaks in real life are present at once, each one on its own mailbox.
 */
import type { Scenario } from './scenario';
import { createAppCertificate, keyCredentialOf, vaultCertificateSecret } from './certificates';

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const DAY = 24 * 60 * 60 * 1000;

export const DEMO_IDS = {
  tenant: TENANT,
  logicaldoc: { clientId: '3bf0cf36-87bf-47a9-927b-0ef9df7cf146', objectId: '03ee3318-e731-4e1e-81a6-ba18c3ca9cb6' },
  scanner: { clientId: '6a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d', objectId: 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d' },
  archiver: { clientId: '8c7d6e5f-4a3b-4c2d-9e1f-0a9b8c7d6e5f', objectId: 'b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e' },
  crm: { clientId: '9d8e7f6a-5b4c-4d3e-8f2a-1b0c9d8e7f6a', objectId: 'c3d4e5f6-a7b8-4c9d-8e1f-2a3b4c5d6e7f' },
  // Certificate credentials (issue 18).
  payroll: { clientId: '4e5f6a7b-8c9d-4e0f-9a1b-2c3d4e5f6a7b', objectId: 'e5f6a7b8-c9d0-4e1f-8a2b-3c4d5e6f7a8b' },
  intake: { clientId: '5f6a7b8c-9d0e-4f1a-8b2c-3d4e5f6a7b8c', objectId: 'f6a7b8c9-d0e1-4f2a-9b3c-4d5e6f7a8b9c' },
  monitor: { clientId: 'f0e1d2c3-b4a5-4968-8776-655443322110', objectId: 'd4e5f6a7-b8c9-4d0e-9f1a-2b3c4d5e6f70' },
};

const recent = (count: number, seen = false) => Array.from({ length: count }, (_, i) => ({ seen, receivedMinutesAgo: 60 - i }));

export function demoScenario(): Scenario {
  const ids = DEMO_IDS;
  // Made when the demo starts (no private key is committed): the payroll importer's certificate,
  // registered on its app; the claims intake's renewed certificate, never uploaded to its app,
  // which still holds the previous one.
  const payroll = createAppCertificate('payroll-import.contoso.com', { startsInDays: -65, days: 365 });
  const intakeOld = createAppCertificate('claims-intake.contoso.com', { startsInDays: -360, days: 730 });
  const intakeRenewed = createAppCertificate('claims-intake.contoso.com', { startsInDays: -2, days: 365 });
  return {
    tenants: [TENANT],
    apps: [
      { clientId: ids.logicaldoc.clientId, tenantId: TENANT, displayName: 'LogicalDOC import', secret: 'Lq8~demo-logicaldoc-secret-value.0001', servicePrincipalObjectId: ids.logicaldoc.objectId, roles: ['IMAP.AccessAsApp'],
        credentials: { password: [secretCredential('e1d8c0a2-0001-4c1e-9a51-000000000001', 'mailbox import', 'Lq8', 165, 200)], key: [] } },
      // The secret's end date passed in Entra: AADSTS7000222.
      { clientId: ids.scanner.clientId, tenantId: TENANT, displayName: 'Scanner inbox', secret: 'Sc4~demo-scanner-secret-value.0002', secretExpired: true, servicePrincipalObjectId: ids.scanner.objectId, roles: ['IMAP.AccessAsApp'] },
      // IMAP.AccessAsApp added but admin consent never granted: the token has no roles.
      { clientId: ids.archiver.clientId, tenantId: TENANT, displayName: 'Archiver', secret: 'Ar7~demo-archiver-secret-value.0003', servicePrincipalObjectId: ids.archiver.objectId, roles: [] },
      // Set up from the LogicalDOC guide: far more than IMAP needs.
      { clientId: ids.crm.clientId, tenantId: TENANT, displayName: 'CRM mail import', secret: 'Cr9~demo-crm-secret-value.0004', servicePrincipalObjectId: ids.crm.objectId, roles: ['IMAP.AccessAsApp', 'full_access_as_app', 'Mail.ReadWrite', 'Mail.Send'],
        // Someone added a new secret in Entra last week but never put it into the vault.
        credentials: { password: [secretCredential('e1d8c0a2-0004-4c1e-9a51-000000000004', 'crm 2025', 'Cr9', 353, 12), secretCredential('e1d8c0a2-0005-4c1e-9a51-000000000005', 'crm 2026', 'Zq4', 7, 723)], key: [] } },
      // Signs in with a certificate from the vault (client assertion); its secret is never sent.
      { clientId: ids.payroll.clientId, tenantId: TENANT, displayName: 'Payroll import', secret: 'Py2~demo-payroll-unused-secret.0006', servicePrincipalObjectId: ids.payroll.objectId, roles: ['IMAP.AccessAsApp'],
        credentials: { password: [], key: [keyCredentialOf(payroll, 'e1d8c0a2-0006-4c1e-9a51-000000000006', 'payroll import')] } },
      // The vault holds a renewed certificate that was never uploaded to the app: AADSTS700027.
      { clientId: ids.intake.clientId, tenantId: TENANT, displayName: 'Claims intake', secret: 'Ck3~demo-intake-unused-secret.0007', servicePrincipalObjectId: ids.intake.objectId, roles: ['IMAP.AccessAsApp'],
        credentials: { password: [], key: [keyCredentialOf(intakeOld, 'e1d8c0a2-0007-4c1e-9a51-000000000007', 'claims intake 2025')] } },
    ],
    vault: {
      secrets: [
        { name: 'logicaldoc-imap-secret', value: 'Lq8~demo-logicaldoc-secret-value.0001', expiresOn: new Date(Date.now() + 200 * DAY) },
        { name: 'scanner-imap-secret', value: 'Sc4~demo-scanner-secret-value.0002', expiresOn: new Date(Date.now() + 100 * DAY) },
        { name: 'archiver-imap-secret', value: 'Ar7~demo-archiver-secret-value.0003', expiresOn: new Date(Date.now() + 300 * DAY) },
        { name: 'crm-imap-secret', value: 'Cr9~demo-crm-secret-value.0004', expiresOn: new Date(Date.now() + 12 * DAY) },
        vaultCertificateSecret('payroll-imap-cert', payroll, { format: 'pkcs12' }),
        vaultCertificateSecret('intake-imap-cert', intakeRenewed),
      ],
    },
    exchange: {
      servicePrincipals: [
        { appId: ids.logicaldoc.clientId, objectId: ids.logicaldoc.objectId, displayName: 'LogicalDOC import' },
        { appId: ids.scanner.clientId, objectId: ids.scanner.objectId },
        { appId: ids.archiver.clientId, objectId: ids.archiver.objectId },
        { appId: ids.crm.clientId, objectId: ids.crm.objectId },
        { appId: ids.payroll.clientId, objectId: ids.payroll.objectId },
        { appId: ids.intake.clientId, objectId: ids.intake.objectId },
      ],
      mailboxes: [
        { address: 'invoices@contoso.com', fullAccess: [ids.logicaldoc.objectId], folders: [{ name: 'INBOX', messages: [...recent(40, true), ...recent(3)] }] },
        { address: 'hr@contoso.com', fullAccess: [ids.logicaldoc.objectId], folders: [{ name: 'INBOX', messages: recent(5, true) }, { name: 'Scans', messages: recent(2) }] },
        // The importer stopped two days ago: mail piles up unread.
        { address: 'contracts@contoso.com', fullAccess: [ids.logicaldoc.objectId], folders: [{ name: 'INBOX', messages: Array.from({ length: 620 }, (_, i) => ({ seen: false, receivedMinutesAgo: 2 * 24 * 60 - i })) }] },
        // Add-MailboxPermission was never run for this one.
        { address: 'legal@contoso.com', fullAccess: [], folders: [{ name: 'INBOX', messages: recent(1) }] },
        // Set-CASMailbox -ImapEnabled $false (a tenant-wide CAS policy).
        { address: 'support@contoso.com', imapEnabled: false, fullAccess: [ids.logicaldoc.objectId], folders: [{ name: 'INBOX', messages: recent(2) }] },
        // The configured folder was renamed in Outlook.
        { address: 'projects@contoso.com', fullAccess: [ids.logicaldoc.objectId], folders: [{ name: 'INBOX', messages: recent(1) }, { name: 'Scanned', messages: [] }] },
        { address: 'scans@contoso.com', fullAccess: [ids.scanner.objectId], folders: [{ name: 'INBOX', messages: [] }] },
        { address: 'archive@contoso.com', fullAccess: [ids.archiver.objectId], folders: [{ name: 'INBOX', messages: [] }] },
        { address: 'crm@contoso.com', fullAccess: [ids.crm.objectId], folders: [{ name: 'INBOX', messages: recent(4, true) }] },
        { address: 'payroll@contoso.com', fullAccess: [ids.payroll.objectId], folders: [{ name: 'INBOX', messages: recent(6, true) }] },
        { address: 'claims@contoso.com', fullAccess: [ids.intake.objectId], folders: [{ name: 'INBOX', messages: recent(3) }] },
        // Issue 20: Exchange Online answers this mailbox's login with NO [UNAVAILABLE] during an
        // incident Microsoft has posted: nothing in the configuration is wrong.
        { address: 'shipping@contoso.com', fullAccess: [ids.logicaldoc.objectId], folders: [{ name: 'INBOX', messages: recent(2) }], loginFault: { kind: 'unavailable' } },
      ],
    },
    monitorIdentity: { clientId: ids.monitor.clientId, tenantId: TENANT, objectId: ids.monitor.objectId, secret: 'Mn1~demo-monitor-identity-secret.0005', graphRoles: ['Application.Read.All', 'Mail.Send', 'ServiceHealth.Read.All'] },
    // Microsoft 365 service health (issue 20): one active Exchange Online incident, one resolved
    // yesterday, one of another service; only the first is shown next to the failure.
    graph: {
      serviceIssues: [
        { id: 'EX1187234', title: 'Some users may be unable to access mailboxes using IMAP', service: 'Exchange Online', status: 'ServiceDegradation', classification: 'Incident', isResolved: false, startDateTime: new Date(Date.now() - 95 * 60_000), feature: 'IMAP', impactDescription: 'Users connecting with IMAP may be refused or time out.' },
        { id: 'EX1185090', title: 'Delays in mail delivery', service: 'Exchange Online', status: 'ServiceRestored', classification: 'Incident', isResolved: true, startDateTime: new Date(Date.now() - 30 * 60 * 60_000), endDateTime: new Date(Date.now() - 27 * 60 * 60_000) },
        { id: 'SP1186001', title: 'Some sites load slowly', service: 'SharePoint Online', status: 'ServiceDegradation', classification: 'Advisory', isResolved: false, startDateTime: new Date(Date.now() - 4 * 60 * 60_000) },
      ],
    },
  };
}

/** A secret on an app registration, started `ageDays` ago and ending in `daysLeft` days. */
function secretCredential(keyId: string, displayName: string, hint: string, ageDays: number, daysLeft: number) {
  return { keyId, displayName, hint, startDateTime: new Date(Date.now() - ageDays * DAY), endDateTime: new Date(Date.now() + daysLeft * DAY) };
}

/** The admin's config for the demo tenant; endpoints are filled in once the simulator runs. */
export function demoConfig(endpoints: { authorityHost: string; keyVaultUrl: string; imapHost: string; imapPort: number; graphUrl?: string }) {
  const ids = DEMO_IDS;
  const app = (id: string, clientId: string, secret: string, displayName: string) => ({ id, tenantId: TENANT, clientId, displayName, credential: { keyVaultSecret: secret } });
  return {
    cloud: {
      authorityHost: endpoints.authorityHost,
      imapResource: 'https://outlook.office365.com',
      ...(endpoints.graphUrl ? { graphUrl: endpoints.graphUrl, graphResource: 'https://graph.microsoft.com' } : {}),
    },
    keyVaultUrl: endpoints.keyVaultUrl,
    defaults: { host: endpoints.imapHost, port: endpoints.imapPort, folder: 'INBOX' },
    apps: [
      app('logicaldoc', ids.logicaldoc.clientId, 'logicaldoc-imap-secret', 'LogicalDOC import'),
      app('scanner', ids.scanner.clientId, 'scanner-imap-secret', 'Scanner inbox'),
      app('archiver', ids.archiver.clientId, 'archiver-imap-secret', 'Archiver'),
      app('crm', ids.crm.clientId, 'crm-imap-secret', 'CRM mail import'),
      // Its secret was never stored in the vault.
      app('helpdesk', ids.crm.clientId, 'helpdesk-imap-secret', 'Helpdesk import'),
      // Certificate credentials: the certificate's name in the vault, read through its backing secret.
      { id: 'payroll', tenantId: TENANT, clientId: ids.payroll.clientId, displayName: 'Payroll import', credential: { keyVaultCertificate: 'payroll-imap-cert' } },
      { id: 'intake', tenantId: TENANT, clientId: ids.intake.clientId, displayName: 'Claims intake', credential: { keyVaultCertificate: 'intake-imap-cert' } },
    ],
    mailboxes: [
      { id: 'invoices', address: 'invoices@contoso.com', app: 'logicaldoc' },
      { id: 'hr-scans', address: 'hr@contoso.com', app: 'logicaldoc', folder: 'Scans' },
      { id: 'contracts', address: 'contracts@contoso.com', app: 'logicaldoc' },
      { id: 'legal', address: 'legal@contoso.com', app: 'logicaldoc' },
      { id: 'support', address: 'support@contoso.com', app: 'logicaldoc' },
      { id: 'projects', address: 'projects@contoso.com', app: 'logicaldoc', folder: 'Scans' },
      { id: 'scans', address: 'scans@contoso.com', app: 'scanner' },
      { id: 'archive', address: 'archive@contoso.com', app: 'archiver' },
      { id: 'crm', address: 'crm@contoso.com', app: 'crm' },
      { id: 'helpdesk', address: 'helpdesk@contoso.com', app: 'helpdesk' },
      { id: 'payroll', address: 'payroll@contoso.com', app: 'payroll' },
      { id: 'claims', address: 'claims@contoso.com', app: 'intake' },
      { id: 'shipping', address: 'shipping@contoso.com', app: 'logicaldoc' },
    ],
  };
}

/**
 * What the demo must diagnose for each mailbox (the failure code, or the warning codes): a demo
 * that reports anything else means the monitor itself is broken, and it exits 3.
 */
export const DEMO_EXPECTED: Record<string, string> = {
  invoices: '',
  'hr-scans': '',
  contracts: 'MAILBOX_BACKLOG',
  legal: 'IMAP_AUTH_FAILED',
  support: 'IMAP_NOT_CONNECTED',
  projects: 'IMAP_FOLDER_NOT_FOUND',
  scans: 'TOKEN_SECRET_EXPIRED',
  archive: 'TOKEN_MISSING_ROLE',
  crm: 'SECRET_EXPIRING,EXCESS_PERMISSIONS,CREDENTIAL_EXPIRING,CREDENTIAL_ROTATION_INCOMPLETE',
  helpdesk: 'SECRET_NOT_FOUND',
  payroll: '',
  claims: 'TOKEN_INVALID_CERTIFICATE',
  // Carries SERVICE_INCIDENT_ACTIVE (the active incident) next to its failure.
  shipping: 'IMAP_THROTTLED',
};

/** The demo's mailboxes whose diagnosis differs from what the scenario planted. */
export function demoMismatches(results: { mailbox: string; failure?: { code: string }; warnings: { code: string }[] }[]): string[] {
  const seen = new Map(results.map((r) => [r.mailbox, r.failure?.code ?? r.warnings.map((w) => w.code).join(',')]));
  return Object.entries(DEMO_EXPECTED)
    .filter(([id, expected]) => seen.get(id) !== expected)
    .map(([id, expected]) => `${id}: expected ${expected || 'ok'}, got ${seen.get(id) ?? 'no result'}`);
}
