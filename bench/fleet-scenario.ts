/**
 * The benchmark's fleet: `apps` app registrations, each with its secret in Key Vault, and
 * `mailboxes` healthy mailboxes spread over them (mailbox i belongs to app i mod apps), each
 * granted FullAccess to its app's service principal and holding one read message in INBOX —
 * so every check is a full healthy check and nothing but the check itself is measured.
 */
import type { Scenario } from '../sim/scenario';

export interface Fleet {
  mailboxes: number;
  apps: number;
}

export interface FleetApp {
  id: string;
  tenantId: string;
  clientId: string;
  objectId: string;
  secretName: string;
  secret: string;
}

const guid = (kind: number, index: number) => `5a6b7c8d-0000-4000-8${kind.toString(16).padStart(3, '0')}-${index.toString(16).padStart(12, '0')}`;
export const FLEET_TENANT = guid(0, 0);

export function fleetApps(fleet: Fleet): FleetApp[] {
  return Array.from({ length: fleet.apps }, (_, i) => ({
    id: `app${i}`,
    tenantId: FLEET_TENANT,
    clientId: guid(1, i),
    objectId: guid(2, i),
    secretName: `bench-secret-${i}`,
    secret: `bench-secret-value-${String(i).padStart(6, '0')}`,
  }));
}

export const fleetAddress = (i: number) => `m${i}@bench.example`;
export const fleetAppOf = (i: number, fleet: Fleet) => i % fleet.apps;

export function fleetScenario(fleet: Fleet): Scenario {
  const apps = fleetApps(fleet);
  return {
    tenants: [FLEET_TENANT],
    apps: apps.map((a) => ({ clientId: a.clientId, tenantId: a.tenantId, displayName: a.id, secret: a.secret, servicePrincipalObjectId: a.objectId, roles: ['IMAP.AccessAsApp'] })),
    vault: { secrets: apps.map((a) => ({ name: a.secretName, value: a.secret, expiresOn: new Date(Date.now() + 365 * 86_400_000) })) },
    exchange: {
      servicePrincipals: apps.map((a) => ({ appId: a.clientId, objectId: a.objectId })),
      mailboxes: Array.from({ length: fleet.mailboxes }, (_, i) => ({
        address: fleetAddress(i),
        fullAccess: [apps[fleetAppOf(i, fleet)]!.objectId],
        folders: [{ name: 'INBOX', messages: [{ seen: true, receivedMinutesAgo: 5 }] }],
      })),
    },
    monitorIdentity: { clientId: guid(3, 0), tenantId: FLEET_TENANT, objectId: guid(3, 1), secret: 'bench-monitor-identity-secret' },
  };
}
