/**
 * The failure that pairs with managed-identity.test.ts: an IDENTITY_HEADER that does not match.
 * A separate file because msal-node caches the managed-identity source and its tokens in static
 * fields for the whole process (module registry): once a token was obtained, a later wrong header
 * would never be sent.
 */
import { ManagedIdentityCredential } from '@azure/identity';
import { SecretClient } from '@azure/keyvault-secrets';
import { startEntra, type EntraServer } from '../../sim/entra-server';
import { startKeyVault, type KeyVaultServer } from '../../sim/keyvault-server';
import { startManagedIdentity, type ManagedIdentityServer } from '../../sim/managed-identity-server';
import { createSigningKey } from '../../sim/signing-key';
import { scenario, serverTls } from './https-tenant-fixture';

const key = createSigningKey();
const current = scenario();
let entra: EntraServer;
let vault: KeyVaultServer;
let mi: ManagedIdentityServer;
const saved = { endpoint: process.env.IDENTITY_ENDPOINT, header: process.env.IDENTITY_HEADER };

beforeAll(async () => {
  const tls = serverTls();
  entra = await startEntra({ scenario: () => current, key, tls });
  vault = await startKeyVault({ scenario: () => current, key, entraUrl: entra.url, tls });
  mi = await startManagedIdentity({ scenario: () => current, key });
});
afterAll(async () => {
  for (const [name, value] of [['IDENTITY_ENDPOINT', saved.endpoint], ['IDENTITY_HEADER', saved.header]] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  await Promise.all([mi.stop(), vault.stop(), entra.stop()]);
});

test('a wrong IDENTITY_HEADER is refused by the endpoint, and the secret read fails without a read', async () => {
  process.env.IDENTITY_ENDPOINT = mi.endpoint;
  process.env.IDENTITY_HEADER = 'not-the-header';
  const credential = new ManagedIdentityCredential({ retryOptions: { maxRetries: 0 } });
  const client = new SecretClient(vault.url, credential, { disableChallengeResourceVerification: true, retryOptions: { maxRetries: 0 } });
  await expect(client.getSecret('healthy-secret')).rejects.toThrow(/X-IDENTITY-HEADER header is missing or does not match/);
  expect(mi.stats.requests).toBe(1); // a 400 is not retried
  expect(vault.stats.secretReads.get('healthy-secret')).toBeUndefined();
});
