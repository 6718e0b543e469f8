/**
 * The whole simulated tenant on loopback: Entra token endpoint, Key Vault, the managed-identity
 * endpoint, Microsoft Graph and the Exchange-rules IMAP server, sharing one signing key and one CA. The scenario
 * is read on every request, so callers may change `tenant.scenario` while it runs.
 */
import type { Ca } from './ca';
import { issueServerCert } from './ca';
import { startEntra, type EntraServer } from './entra-server';
import { startExchangeImap, type ExchangeImap } from './exchange-imap-server';
import { startGraph, type GraphServer } from './graph-server';
import { startKeyVault, type KeyVaultServer } from './keyvault-server';
import { startManagedIdentity, type ManagedIdentityServer } from './managed-identity-server';
import type { Scenario } from './scenario';
import { createSigningKey, type SigningKey } from './signing-key';
import { WireFaults } from './wire-faults';

export interface SimTenant {
  scenario: Scenario;
  key: SigningKey;
  entra: EntraServer;
  vault: KeyVaultServer;
  identity: ManagedIdentityServer;
  imap: ExchangeImap;
  graph: GraphServer;
  /** Faults on the HTTP endpoints' wire, set per test (sim/wire-faults.ts). */
  faults: WireFaults;
  /** When set, the vault's 401 challenge names this resource instead of Key Vault's (a hostile or mistyped host). */
  vaultChallengeResource: string | undefined;
  /** The environment a process needs to read the vault as the monitor's managed identity. */
  identityEnv: { IDENTITY_ENDPOINT: string; IDENTITY_HEADER: string };
  stop(): Promise<void>;
}

/** Credentials that would make DefaultAzureCredential pick another identity than the simulator's. */
export const FOREIGN_AZURE_ENV = ['AZURE_CLIENT_ID', 'AZURE_CLIENT_SECRET', 'AZURE_TENANT_ID', 'AZURE_CLIENT_CERTIFICATE_PATH', 'AZURE_FEDERATED_TOKEN_FILE', 'AZURE_USERNAME', 'AZURE_TOKEN_CREDENTIALS', 'MSI_ENDPOINT', 'MSI_SECRET'];

/**
 * Make this process read the vault as the simulated monitor identity, as a Function App reads it
 * with its managed identity. msal-node reads the source once per process: call before the first read.
 */
export function useSimIdentity(tenant: SimTenant, env: NodeJS.ProcessEnv = process.env): void {
  for (const name of FOREIGN_AZURE_ENV) delete env[name];
  Object.assign(env, tenant.identityEnv);
}

export async function startSimTenant(scenario: Scenario, ca: Ca, options: { throttleBackoffMs?: number } = {}): Promise<SimTenant> {
  const key = createSigningKey();
  const tls = issueServerCert(ca);
  const faults = new WireFaults();
  const tenant = { scenario, faults, vaultChallengeResource: undefined } as SimTenant;
  const current = () => tenant.scenario;
  const stoppers: (() => Promise<void>)[] = [];
  try {
    const entra = await startEntra({ scenario: current, key, tls, faults });
    stoppers.push(() => entra.stop());
    const vault = await startKeyVault({ scenario: current, key, entraUrl: entra.url, tls, faults, challengeResource: () => tenant.vaultChallengeResource });
    stoppers.push(() => vault.stop());
    const identity = await startManagedIdentity({ scenario: current, key, faults });
    stoppers.push(() => identity.stop());
    const imap = await startExchangeImap({ scenario: current, publicKeyPem: key.publicKeyPem, tls, throttleBackoffMs: options.throttleBackoffMs });
    stoppers.push(() => imap.stop());
    const graph = await startGraph({ scenario: current, key, tls });
    stoppers.push(() => graph.stop());
    Object.assign(tenant, {
      graph,
      key,
      entra,
      vault,
      identity,
      imap,
      identityEnv: { IDENTITY_ENDPOINT: identity.endpoint, IDENTITY_HEADER: identity.header },
      stop: async () => {
        await Promise.all(stoppers.map((stop) => stop()));
      },
    });
    return tenant;
  } catch (error) {
    await Promise.all(stoppers.map((stop) => stop().catch(() => undefined)));
    throw error;
  }
}
