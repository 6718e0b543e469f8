/**
 * The simulated Key Vault, read by the real @azure/keyvault-secrets SecretClient with a real
 * @azure/identity ClientSecretCredential that gets its token from the simulated Entra: the
 * challenge (401 + WWW-Authenticate), the token request, and the authenticated read all happen
 * over TLS verified against the test CA.
 */
import { ClientSecretCredential } from '@azure/identity';
import { SecretClient } from '@azure/keyvault-secrets';
import { RestError } from '@azure/core-rest-pipeline';
import { startEntra, type EntraServer } from '../../sim/entra-server';
import { secretVersion, startKeyVault, type KeyVaultServer } from '../../sim/keyvault-server';
import { EXCHANGE_RESOURCE, GRAPH_RESOURCE, VAULT_RESOURCE, type Scenario } from '../../sim/scenario';
import { createSigningKey } from '../../sim/signing-key';
import { issueAccessToken } from '../../sim/tokens';
import { findApp, MONITOR, scenario, serverTls, TENANT } from './https-tenant-fixture';

const key = createSigningKey();
let current: Scenario;
let entra: EntraServer;
let vault: KeyVaultServer;

beforeAll(async () => {
  current = scenario();
  const tls = serverTls();
  entra = await startEntra({ scenario: () => current, key, tls });
  vault = await startKeyVault({ scenario: () => current, key, entraUrl: entra.url, tls });
});
afterAll(async () => {
  await vault.stop();
  await entra.stop();
});
beforeEach(() => {
  current = scenario();
});

function secretClient(clientId = MONITOR.clientId, secret = MONITOR.secret): SecretClient {
  const credential = new ClientSecretCredential(TENANT, clientId, secret, {
    authorityHost: entra.url,
    disableInstanceDiscovery: true,
    retryOptions: { maxRetries: 0 },
  });
  return new SecretClient(vault.url, credential, { disableChallengeResourceVerification: true, retryOptions: { maxRetries: 0 } });
}

async function restError(promise: Promise<unknown>): Promise<RestError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(RestError);
    return err as RestError;
  }
  throw new Error('expected the read to fail');
}

describe('reading secrets with a client-secret credential', () => {
  test('a secret with an expiry: value, expiresOn, id with a 32-hex version, one counted read', async () => {
    const before = vault.stats.secretReads.get('healthy-secret') ?? 0;
    const secret = await secretClient().getSecret('healthy-secret');
    const expected = current.vault.secrets.find((s) => s.name === 'healthy-secret')!;
    expect(secret.value).toBe('healthy-secret-value');
    expect(secret.properties.expiresOn?.getTime()).toBe(Math.floor(expected.expiresOn!.getTime() / 1000) * 1000);
    expect(secret.properties.enabled).toBe(true);
    expect(secret.properties.version).toMatch(/^[0-9a-f]{32}$/);
    expect(secret.properties.id).toBe(`${vault.url}/secrets/healthy-secret/${secretVersion(expected)}`);
    expect(secret.properties.recoveryLevel).toBe('Recoverable+Purgeable');
    // The unauthenticated challenge round trip is not a read.
    expect(vault.stats.secretReads.get('healthy-secret')).toBe(before + 1);
  });

  test('a secret without expiry has expiresOn undefined', async () => {
    const secret = await secretClient().getSecret('no-expiry');
    expect(secret.properties.expiresOn).toBeUndefined();
  });

  test('a specific version reads; a stale version is SecretNotFound', async () => {
    const expected = current.vault.secrets.find((s) => s.name === 'healthy-secret')!;
    const client = secretClient();
    expect((await client.getSecret('healthy-secret', { version: secretVersion(expected) })).value).toBe(expected.value);
    const err = await restError(client.getSecret('healthy-secret', { version: '0'.repeat(32) }));
    expect([err.statusCode, err.code]).toEqual([404, 'SecretNotFound']);
  });

  test('an unknown secret: 404 SecretNotFound, counted as a read', async () => {
    const err = await restError(secretClient().getSecret('missing'));
    expect([err.statusCode, err.code]).toEqual([404, 'SecretNotFound']);
    expect(err.message).toContain('A secret with (name/id) missing was not found in this key vault');
    expect(vault.stats.secretReads.get('missing')).toBe(1);
  });

  test('a secret the identity may not read: 403 Forbidden (ForbiddenByRbac)', async () => {
    const err = await restError(secretClient().getSecret('denied'));
    expect([err.statusCode, err.code]).toEqual([403, 'Forbidden']);
    expect(err.message).toContain('Caller is not authorized to perform action on resource');
    expect(err.message).toContain(`oid=${MONITOR.objectId}`);
  });

  test('a disabled secret: 403 Forbidden, "Operation get is not allowed on a disabled secret."', async () => {
    const err = await restError(secretClient().getSecret('disabled'));
    expect([err.statusCode, err.code]).toEqual([403, 'Forbidden']);
    expect(err.message).toBe('Operation get is not allowed on a disabled secret.');
  });

  test('disabling a secret while the vault runs takes effect on the next read', async () => {
    const client = secretClient();
    expect((await client.getSecret('no-expiry')).value).toBe('v');
    current.vault.secrets.find((s) => s.name === 'no-expiry')!.enabled = false;
    expect((await restError(client.getSecret('no-expiry'))).statusCode).toBe(403);
  });

  test('an identity other than the monitor (an app with a valid vault token) is refused by RBAC', async () => {
    const app = findApp(current, 'healthy');
    const err = await restError(secretClient(app.clientId, app.secret).getSecret('healthy-secret'));
    expect([err.statusCode, err.code]).toEqual([403, 'Forbidden']);
  });

  test('a wrong monitor secret fails in the credential with the AADSTS number in the message', async () => {
    await expect(secretClient(MONITOR.clientId, 'wrong').getSecret('healthy-secret')).rejects.toThrow(/AADSTS7000215/);
  });

  test('the credential fetches the tenant OpenID configuration from the sim once (@azure/identity passes MSAL no authorityMetadata)', async () => {
    const before = entra.stats.discoveryRequests;
    const client = secretClient();
    await client.getSecret('healthy-secret');
    await client.getSecret('no-expiry');
    expect(entra.stats.discoveryRequests).toBe(before + 1);
  });

  test('with challenge-resource verification left on, the SDK refuses a vault outside *.vault.azure.net', async () => {
    const credential = new ClientSecretCredential(TENANT, MONITOR.clientId, MONITOR.secret, { authorityHost: entra.url, disableInstanceDiscovery: true });
    const strict = new SecretClient(vault.url, credential, { retryOptions: { maxRetries: 0 } });
    await expect(strict.getSecret('healthy-secret')).rejects.toThrow(/does not match the requested domain/);
  });

  test('listing secret properties gives expiry and enabled without values', async () => {
    const names: Record<string, { enabled?: boolean; expires?: boolean }> = {};
    for await (const p of secretClient().listPropertiesOfSecrets()) names[p.name] = { enabled: p.enabled, expires: p.expiresOn !== undefined };
    expect(names).toEqual({
      'healthy-secret': { enabled: true, expires: true },
      'no-expiry': { enabled: true, expires: false },
      disabled: { enabled: false, expires: false },
      denied: { enabled: true, expires: false },
    });
  });
});

describe('the bearer challenge and token checks, at the HTTP level', () => {
  const url = () => `${vault.url}/secrets/healthy-secret/?api-version=2025-07-01`;

  test('no token: 401 with the challenge keyvault-common parses (authorization + resource)', async () => {
    const before = vault.stats.secretReads.get('healthy-secret') ?? 0;
    const res = await fetch(url());
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe(`Bearer authorization="${entra.url}/${TENANT}", resource="${VAULT_RESOURCE}"`);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('Unauthorized');
    expect(vault.stats.secretReads.get('healthy-secret') ?? 0).toBe(before);
  });

  const bearer = (audience: string, extra: { tenantId?: string; signer?: ReturnType<typeof createSigningKey> } = {}) =>
    issueAccessToken(extra.signer ?? key, { audience, tenantId: extra.tenantId ?? TENANT, appId: MONITOR.clientId, objectId: MONITOR.objectId });

  test('a valid vault token reads; a Graph token is AKV10022, another tenant AKV10032, a foreign key 401', async () => {
    const read = (token: string) => fetch(url(), { headers: { authorization: `Bearer ${token}` } });
    expect((await read(bearer(VAULT_RESOURCE))).status).toBe(200);
    const wrongAud = await read(bearer(GRAPH_RESOURCE));
    expect(wrongAud.status).toBe(401);
    expect(JSON.stringify(await wrongAud.json())).toContain('AKV10022: Invalid audience');
    const wrongTenant = await read(bearer(VAULT_RESOURCE, { tenantId: '22222222-2222-4222-8222-222222222222' }));
    expect(JSON.stringify(await wrongTenant.json())).toContain('AKV10032: Invalid issuer');
    expect((await read(bearer(VAULT_RESOURCE, { signer: createSigningKey() }))).status).toBe(401);
    expect((await read(bearer(EXCHANGE_RESOURCE))).headers.get('www-authenticate')).toContain('Bearer authorization=');
  });

  test('an expired token is refused with 401', async () => {
    const expired = issueAccessToken(key, { audience: VAULT_RESOURCE, tenantId: TENANT, appId: MONITOR.clientId, objectId: MONITOR.objectId, now: Math.floor(Date.now() / 1000) - 7200 });
    expect((await fetch(url(), { headers: { authorization: `Bearer ${expired}` } })).status).toBe(401);
  });
});
