/**
 * Reads a client secret from Key Vault with the standard Azure credential chain (managed
 * identity on Functions, environment credentials, developer login), against the cloud's
 * authority host without instance discovery.
 */
import { DefaultAzureCredential, type TokenCredential } from '@azure/identity';
import { SecretClient, type KeyVaultSecret } from '@azure/keyvault-secrets';
import { isKeyVaultDomain } from '../config/clouds';
import { CheckFailure } from '../diagnosis/check-failure';
import { classifyKeyVaultError } from '../diagnosis/classify-keyvault';
import type { ReadSecret } from './secret';

export interface VaultAccess {
  authorityHost: string;
  timeoutMs: number;
  /** Tests and hosts may hand in their own credential; otherwise DefaultAzureCredential. */
  credential?: TokenCredential;
}

const credentials = new Map<string, TokenCredential>();

/** The monitor's own identity (never a monitored app's secret): for Key Vault and Microsoft Graph. */
export function monitorCredential(access: Pick<VaultAccess, 'authorityHost' | 'credential'>): TokenCredential {
  if (access.credential) return access.credential;
  let credential = credentials.get(access.authorityHost);
  if (!credential) {
    credential = new DefaultAzureCredential({ authorityHost: access.authorityHost, disableInstanceDiscovery: true });
    credentials.set(access.authorityHost, credential);
  }
  return credential;
}

export async function readKeyVaultSecret(vaultUrl: string, name: string, version: string | undefined, access: VaultAccess): Promise<ReadSecret> {
  const where = `secret ${name} in ${vaultUrl}`;
  const client = new SecretClient(vaultUrl, monitorCredential(access), {
    // The challenge's resource is checked against the vault's domain; a vault behind another
    // name (the simulator, a private endpoint alias) cannot pass that check (FACTS.md).
    disableChallengeResourceVerification: !isKeyVaultDomain(vaultUrl),
    // One quick retry: the run has a deadline, and the default (4 tries, ~6 s) eats it.
    retryOptions: { maxRetries: 1, retryDelayInMs: 200, maxRetryDelayInMs: 1000 },
  });
  let secret: KeyVaultSecret;
  try {
    secret = await client.getSecret(name, { version, abortSignal: AbortSignal.timeout(access.timeoutMs) });
  } catch (error) {
    throw classifyKeyVaultError(error, where);
  }
  if (secret.properties.enabled === false) throw new CheckFailure('SECRET_DISABLED', 'secret', `${where} is disabled`);
  if (!secret.value) throw new CheckFailure('SECRET_NOT_FOUND', 'secret', `${where} has no value`);
  return { value: secret.value, expiresOn: secret.properties.expiresOn ?? null };
}
