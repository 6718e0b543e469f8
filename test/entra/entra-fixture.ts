/**
 * A tenant for the Entra-expiry and notifier tests: two apps whose mailboxes work, the first with
 * three secrets on its registration (one in use, one newer, one older), the Graph endpoint of the
 * simulator as the cloud's Graph, and the monitor identity with Application.Read.All and Mail.Send.
 */
import { ClientSecretCredential } from '@azure/identity';
import type { ConfigInput } from '../../shared/config/schema';
import type { Scenario, SimPasswordCredential } from '../../sim/scenario';
import type { SimTenant } from '../../sim/tenant';

export const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
export const DAY = 24 * 60 * 60 * 1000;
export const MONITOR = { clientId: 'f0e1d2c3-b4a5-4968-8776-655443322110', objectId: 'd4e5f6a7-b8c9-4d0e-9f1a-2b3c4d5e6f70', secret: 'Mn1~monitor-secret', tenantId: TENANT };
export const IMPORTER = { clientId: '3bf0cf36-87bf-47a9-927b-0ef9df7cf146', objectId: '03ee3318-e731-4e1e-81a6-ba18c3ca9cb6', secret: 'Imp~importer-secret-value.0001' };
export const ARCHIVER = { clientId: '8c7d6e5f-4a3b-4c2d-9e1f-0a9b8c7d6e5f', objectId: 'b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e', secret: 'Arc~archiver-secret-value.0002' };

export const KEY_IDS = { inUse: '0a0a0a0a-0000-4000-8000-000000000001', newer: '0a0a0a0a-0000-4000-8000-000000000002', older: '0a0a0a0a-0000-4000-8000-000000000003', archiver: '0a0a0a0a-0000-4000-8000-000000000004' };

function pw(keyId: string, displayName: string, hint: string, startedDaysAgo: number, endsInDays: number): SimPasswordCredential {
  return { keyId, displayName, hint, startDateTime: new Date(Date.now() - startedDaysAgo * DAY), endDateTime: new Date(Date.now() + endsInDays * DAY) };
}

export interface FixtureOptions {
  /** Days until the importer's secret in use ends in Entra. */
  inUseEndsInDays?: number;
  /** Days until the vault copy of the importer's secret expires. */
  vaultEndsInDays?: number;
  graphRoles?: string[];
}

export function entraScenario(options: FixtureOptions = {}): Scenario {
  const inUse = options.inUseEndsInDays ?? 10;
  return {
    tenants: [TENANT],
    apps: [
      {
        clientId: IMPORTER.clientId, tenantId: TENANT, displayName: 'Importer', secret: IMPORTER.secret, servicePrincipalObjectId: IMPORTER.objectId, roles: ['IMAP.AccessAsApp'],
        credentials: {
          password: [
            // Expires sooner than the one in use: picking "the first to expire" would pick it.
            pw(KEY_IDS.older, 'legacy import', 'Q7a', 400, 5),
            pw(KEY_IDS.inUse, 'import 2025', 'Imp', 355, inUse),
            pw(KEY_IDS.newer, 'import 2026', 'Xk2', 2, 700),
          ],
          key: [{ keyId: '0b0b0b0b-0000-4000-8000-000000000001', displayName: 'CN=importer', startDateTime: new Date(Date.now() - 10 * DAY), endDateTime: new Date(Date.now() + 3 * DAY), customKeyIdentifier: 'QUJDREVGR0hJSktMTU5PUFFSU1Q=' }],
        },
      },
      {
        clientId: ARCHIVER.clientId, tenantId: TENANT, displayName: 'Archiver', secret: ARCHIVER.secret, servicePrincipalObjectId: ARCHIVER.objectId, roles: ['IMAP.AccessAsApp'],
        credentials: { password: [pw(KEY_IDS.archiver, 'archive', 'Arc', 30, 300)], key: [] },
      },
    ],
    vault: {
      secrets: [
        { name: 'importer-secret', value: IMPORTER.secret, expiresOn: new Date(Date.now() + (options.vaultEndsInDays ?? inUse) * DAY) },
        { name: 'archiver-secret', value: ARCHIVER.secret, expiresOn: new Date(Date.now() + 300 * DAY) },
      ],
    },
    exchange: {
      servicePrincipals: [
        { appId: IMPORTER.clientId, objectId: IMPORTER.objectId },
        { appId: ARCHIVER.clientId, objectId: ARCHIVER.objectId },
      ],
      mailboxes: [
        { address: 'invoices@contoso.com', fullAccess: [IMPORTER.objectId], folders: [{ name: 'INBOX', messages: [] }] },
        { address: 'hr@contoso.com', fullAccess: [IMPORTER.objectId], folders: [{ name: 'INBOX', messages: [] }] },
        { address: 'archive@contoso.com', fullAccess: [ARCHIVER.objectId], folders: [{ name: 'INBOX', messages: [] }] },
        { address: 'monitor@contoso.com', fullAccess: [], folders: [{ name: 'INBOX', messages: [] }] },
      ],
    },
    monitorIdentity: { ...MONITOR, graphRoles: options.graphRoles ?? ['Application.Read.All', 'Mail.Send'] },
  };
}

export function entraConfig(tenant: SimTenant, extra: Partial<ConfigInput> = {}): ConfigInput {
  return {
    cloud: { authorityHost: tenant.entra.url, imapResource: 'https://outlook.office365.com', graphUrl: tenant.graph.url, graphResource: 'https://graph.microsoft.com' },
    keyVaultUrl: tenant.vault.url,
    defaults: { host: tenant.imap.host, port: tenant.imap.port },
    apps: [
      { id: 'importer', tenantId: TENANT, clientId: IMPORTER.clientId, credential: { keyVaultSecret: 'importer-secret' } },
      { id: 'archiver', tenantId: TENANT, clientId: ARCHIVER.clientId, credential: { keyVaultSecret: 'archiver-secret' } },
    ],
    mailboxes: [
      { id: 'invoices', address: 'invoices@contoso.com', app: 'importer' },
      { id: 'hr', address: 'hr@contoso.com', app: 'importer' },
      { id: 'archive', address: 'archive@contoso.com', app: 'archiver' },
    ],
    ...extra,
  };
}

/** The monitor's own credential against the simulated Entra: fresh per call, so its token carries the Graph roles the scenario has now. */
export function monitorCredential(tenant: SimTenant): ClientSecretCredential {
  return new ClientSecretCredential(TENANT, MONITOR.clientId, MONITOR.secret, { authorityHost: tenant.entra.url, disableInstanceDiscovery: true });
}
