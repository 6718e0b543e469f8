/**
 * The whole simulated tenant on loopback: Entra token endpoint, Key Vault, the managed-identity
 * endpoint and the Exchange-rules IMAP server, sharing one signing key and one CA. The scenario
 * is read on every request, so callers may change `tenant.scenario` while it runs.
 */
import type { Ca } from './ca';
import { issueServerCert } from './ca';
import { startEntra, type EntraServer } from './entra-server';
import { startExchangeImap, type ExchangeImap } from './exchange-imap-server';
import { startKeyVault, type KeyVaultServer } from './keyvault-server';
import { startManagedIdentity, type ManagedIdentityServer } from './managed-identity-server';
import type { Scenario } from './scenario';
import { createSigningKey, type SigningKey } from './signing-key';

export interface SimTenant {
  scenario: Scenario;
  key: SigningKey;
  entra: EntraServer;
  vault: KeyVaultServer;
  identity: ManagedIdentityServer;
  imap: ExchangeImap;
  /** The environment a process needs to read the vault as the monitor's managed identity. */
  identityEnv: { IDENTITY_ENDPOINT: string; IDENTITY_HEADER: string };
  stop(): Promise<void>;
}

export async function startSimTenant(scenario: Scenario, ca: Ca, options: { throttleBackoffMs?: number } = {}): Promise<SimTenant> {
  const key = createSigningKey();
  const tls = issueServerCert(ca);
  const tenant = { scenario } as SimTenant;
  const current = () => tenant.scenario;
  const stoppers: (() => Promise<void>)[] = [];
  try {
    const entra = await startEntra({ scenario: current, key, tls });
    stoppers.push(() => entra.stop());
    const vault = await startKeyVault({ scenario: current, key, entraUrl: entra.url, tls });
    stoppers.push(() => vault.stop());
    const identity = await startManagedIdentity({ scenario: current, key });
    stoppers.push(() => identity.stop());
    const imap = await startExchangeImap({ scenario: current, publicKeyPem: key.publicKeyPem, tls, throttleBackoffMs: options.throttleBackoffMs });
    stoppers.push(() => imap.stop());
    Object.assign(tenant, {
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
