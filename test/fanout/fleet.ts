/**
 * A managed-service-provider fleet for the simulated tenant: many apps, each with its own secret
 * in the vault, service principal and mailboxes. Every `brokenEvery`-th mailbox has no FullAccess
 * grant (IMAP_AUTH_FAILED), so a stored fleet has failures to show.
 */
import type { ConfigInput } from '../../shared/config/schema';
import type { Scenario } from '../../sim/scenario';

export const FLEET_TENANT = '7c0ffee0-0000-4000-8000-0000000f1ee7';
const DAY = 86_400_000;
const guid = (prefix: number, n: number) => `${prefix.toString(16).padStart(8, '0')}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

export interface Fleet {
  /** Mailboxes per app, in app order. */
  sizes: number[];
  brokenEvery: number;
}

export const appId = (i: number) => `app${String(i).padStart(2, '0')}`;
export const clientIdOf = (i: number) => guid(0xc1, i);
export const mailboxId = (app: number, j: number) => `${appId(app)}-m${String(j).padStart(4, '0')}`;
const address = (id: string) => `${id}@fleet.example`;
const oid = (i: number) => guid(0x0b, i);
const broken = (fleet: Fleet, app: number, j: number) => (app * 7 + j) % fleet.brokenEvery === 0;

export function fleetScenario(fleet: Fleet): Scenario {
  const apps = fleet.sizes.map((_, i) => i);
  return {
    tenants: [FLEET_TENANT],
    apps: apps.map((i) => ({ clientId: clientIdOf(i), tenantId: FLEET_TENANT, displayName: appId(i), secret: `Sec~fleet-${i}-secret-value`, servicePrincipalObjectId: oid(i), roles: ['IMAP.AccessAsApp'] })),
    vault: { secrets: apps.map((i) => ({ name: `${appId(i)}-secret`, value: `Sec~fleet-${i}-secret-value`, expiresOn: new Date(Date.now() + (i === 0 ? 10 : 60 + i * 20) * DAY) })) },
    exchange: {
      servicePrincipals: apps.map((i) => ({ appId: clientIdOf(i), objectId: oid(i) })),
      mailboxes: apps.flatMap((i) =>
        Array.from({ length: fleet.sizes[i]! }, (_, j) => ({
          address: address(mailboxId(i, j)),
          fullAccess: broken(fleet, i, j) ? [] : [oid(i)],
          folders: [{ name: 'INBOX', messages: [] }],
        })),
      ),
    },
    monitorIdentity: { clientId: guid(0xfff, 1), tenantId: FLEET_TENANT, objectId: guid(0xffe, 1), secret: 'Mon~fleet-monitor-secret' },
  };
}

/** The config of the fleet, or of its first `apps` apps. */
export function fleetConfig(fleet: Fleet, e: { authorityHost: string; keyVaultUrl: string; imapPort: number }, apps = fleet.sizes.length): ConfigInput {
  fleet = { ...fleet, sizes: fleet.sizes.slice(0, apps) };
  return {
    cloud: { authorityHost: e.authorityHost, imapResource: 'https://outlook.office365.com' },
    keyVaultUrl: e.keyVaultUrl,
    defaults: { host: '127.0.0.1', port: e.imapPort },
    concurrency: 16,
    // Generous: the tests share two cores with other suites; a slow check must not become a failure.
    timeouts: { connectMs: 30_000, imapCommandMs: 30_000, checkMs: 60_000, runMs: 280_000 },
    apps: fleet.sizes.map((_, i) => ({ id: appId(i), tenantId: FLEET_TENANT, clientId: clientIdOf(i), credential: { keyVaultSecret: `${appId(i)}-secret` } })),
    mailboxes: fleet.sizes.flatMap((size, i) => Array.from({ length: size }, (_, j) => ({ id: mailboxId(i, j), address: address(mailboxId(i, j)), app: appId(i) }))),
  } as ConfigInput;
}

export function brokenIds(fleet: Fleet): string[] {
  return fleet.sizes.flatMap((size, i) => Array.from({ length: size }, (_, j) => j).filter((j) => broken(fleet, i, j)).map((j) => mailboxId(i, j)));
}
