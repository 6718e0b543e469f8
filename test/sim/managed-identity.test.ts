/**
 * The App Service managed-identity endpoint, used by the real @azure/identity
 * ManagedIdentityCredential (IDENTITY_ENDPOINT + IDENTITY_HEADER, as Azure Functions sets them)
 * to read a secret from the simulated Key Vault.
 *
 * msal-node keeps the managed-identity source (endpoint + header, read from the environment on
 * first use) and its token cache in static fields: process-wide, for the life of the module. So
 * the wrong-header case lives in its own file (jest gives each file a fresh module registry).
 */
import { ManagedIdentityCredential } from '@azure/identity';
import { SecretClient } from '@azure/keyvault-secrets';
import { startEntra, type EntraServer } from '../../sim/entra-server';
import { startKeyVault, type KeyVaultServer } from '../../sim/keyvault-server';
import { startManagedIdentity, type ManagedIdentityServer } from '../../sim/managed-identity-server';
import { VAULT_RESOURCE, type Scenario } from '../../sim/scenario';
import { createSigningKey } from '../../sim/signing-key';
import { verifyAccessToken } from '../../sim/tokens';
import { MONITOR, scenario, serverTls, TENANT } from './https-tenant-fixture';

const key = createSigningKey();
let current: Scenario;
let entra: EntraServer;
let vault: KeyVaultServer;
let mi: ManagedIdentityServer;
const savedEnv = { endpoint: process.env.IDENTITY_ENDPOINT, header: process.env.IDENTITY_HEADER };

beforeAll(async () => {
  current = scenario();
  const tls = serverTls();
  entra = await startEntra({ scenario: () => current, key, tls });
  vault = await startKeyVault({ scenario: () => current, key, entraUrl: entra.url, tls });
  mi = await startManagedIdentity({ scenario: () => current, key });
});
afterAll(async () => {
  for (const [name, value] of [['IDENTITY_ENDPOINT', savedEnv.endpoint], ['IDENTITY_HEADER', savedEnv.header]] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  await Promise.all([mi.stop(), vault.stop(), entra.stop()]);
});

function useEnv(header: string): void {
  process.env.IDENTITY_ENDPOINT = mi.endpoint;
  process.env.IDENTITY_HEADER = header;
}

function vaultClient(): SecretClient {
  const credential = new ManagedIdentityCredential({ retryOptions: { maxRetries: 0 } });
  return new SecretClient(vault.url, credential, { disableChallengeResourceVerification: true, retryOptions: { maxRetries: 0 } });
}

test('ManagedIdentityCredential gets a vault token from the endpoint and reads a secret', async () => {
  useEnv(mi.header);
  const before = mi.stats.requests;
  const secret = await vaultClient().getSecret('healthy-secret');
  expect(secret.value).toBe('healthy-secret-value');
  expect(mi.stats.requests).toBe(before + 1);
  // The monitor identity never used a client secret: Entra's token endpoint was not involved.
  expect(entra.stats.tokenRequests.get(MONITOR.clientId)).toBeUndefined();
});

test('the token is the monitor identity\'s, for the requested resource, valid for a day', async () => {
  useEnv(mi.header);
  const token = await new ManagedIdentityCredential().getToken(`${VAULT_RESOURCE}/.default`);
  const claims = verifyAccessToken(token.token, key.publicKeyPem);
  expect(claims).toMatchObject({ aud: VAULT_RESOURCE, oid: MONITOR.objectId, appid: MONITOR.clientId, tid: TENANT });
  expect(token.expiresOnTimestamp - Date.now()).toBeGreaterThan(23 * 3600 * 1000);
});

test('a user-assigned client id that is not the app\'s identity: "Unable to load the proper Managed Identity."', async () => {
  useEnv(mi.header);
  const credential = new ManagedIdentityCredential({ clientId: '66666666-6666-4666-8666-666666666666', retryOptions: { maxRetries: 0 } });
  await expect(credential.getToken(`${VAULT_RESOURCE}/.default`)).rejects.toThrow(/Unable to load the proper Managed Identity/);
});

test('the endpoint answers the exact App Service request shape', async () => {
  const ok = await fetch(`${mi.endpoint}?api-version=2019-08-01&resource=${encodeURIComponent(VAULT_RESOURCE)}`, { headers: { 'X-IDENTITY-HEADER': mi.header } });
  expect(ok.status).toBe(200);
  const body = (await ok.json()) as Record<string, string>;
  expect(Object.keys(body).sort()).toEqual(['access_token', 'client_id', 'expires_on', 'resource', 'token_type']);
  expect(body.expires_on).toMatch(/^\d+$/);
  const noHeader = await fetch(`${mi.endpoint}?api-version=2019-08-01&resource=${encodeURIComponent(VAULT_RESOURCE)}`);
  expect(noHeader.status).toBe(400);
  expect(await noHeader.json()).toMatchObject({ statusCode: 400 });
});
