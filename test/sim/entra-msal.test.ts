/**
 * The simulated Entra token endpoint, driven by the real @azure/msal-node (7.x) exactly as the
 * engine drives it: an https authority on the sim, knownAuthorities + authorityMetadata so MSAL
 * makes no discovery call. Each success is paired with the failure that mirrors it.
 */
import { request } from 'node:https';
import { ConfidentialClientApplication, ServerError } from '@azure/msal-node';
import jwt from 'jsonwebtoken';
import { startEntra, FOREIGN_TENANT_ID, type EntraServer } from '../../sim/entra-server';
import { EXCHANGE_RESOURCE, GRAPH_RESOURCE, VAULT_RESOURCE, type Scenario, type SimApp } from '../../sim/scenario';
import { createSigningKey } from '../../sim/signing-key';
import { verifyAccessToken } from '../../sim/tokens';
import { findApp, MONITOR, msalAuthority, ROLE, scenario, serverTls, TENANT } from './https-tenant-fixture';

const key = createSigningKey();
let current: Scenario;
let entra: EntraServer;

beforeAll(async () => {
  current = scenario();
  entra = await startEntra({ scenario: () => current, key, tls: serverTls() });
});
afterAll(() => entra.stop());
beforeEach(() => {
  current = scenario();
});

function client(clientId: string, secret: string, tenant = TENANT): ConfidentialClientApplication {
  return new ConfidentialClientApplication({
    auth: { clientId, clientSecret: secret, ...msalAuthority(entra.url, tenant) },
  });
}

async function token(a: Pick<SimApp, 'clientId' | 'secret'>, scope = `${EXCHANGE_RESOURCE}/.default`, tenant = TENANT) {
  const result = await client(a.clientId, a.secret, tenant).acquireTokenByClientCredential({ scopes: [scope] });
  if (!result) throw new Error('MSAL returned no result');
  return verifyAccessToken(result.accessToken, key.publicKeyPem);
}

/** The ServerError MSAL raises, for asserting its AADSTS number and code. */
async function failure(promise: Promise<unknown>): Promise<ServerError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(ServerError);
    return err as ServerError;
  }
  throw new Error('expected a token request to fail');
}

describe('successful client-credentials requests', () => {
  test('an app gets an Exchange token with its roles, and MSAL made no discovery call', async () => {
    const healthy = findApp(current, 'healthy');
    const before = entra.stats.discoveryRequests;
    const claims = await token(healthy);
    expect(claims).toMatchObject({
      aud: EXCHANGE_RESOURCE,
      iss: `https://sts.windows.net/${TENANT}/`,
      appid: healthy.clientId,
      oid: healthy.servicePrincipalObjectId,
      sub: healthy.servicePrincipalObjectId,
      tid: TENANT,
      roles: [ROLE],
      idtyp: 'app',
      ver: '1.0',
      appidacr: '1',
    });
    expect(claims.exp - claims.iat).toBe(3600);
    expect(entra.stats.discoveryRequests).toBe(before);
    expect(entra.stats.tokenRequests.get(healthy.clientId)).toBeGreaterThanOrEqual(1);
  });

  test('the JWT header is RS256 with the signing key id', async () => {
    const healthy = findApp(current, 'healthy');
    const result = await client(healthy.clientId, healthy.secret).acquireTokenByClientCredential({ scopes: [`${EXCHANGE_RESOURCE}/.default`] });
    expect(jwt.decode(result!.accessToken, { complete: true })?.header).toEqual({ typ: 'JWT', alg: 'RS256', kid: key.kid });
  });

  test('an app without admin consent gets a token with no roles claim at all', async () => {
    const claims = await token(findApp(current, 'unconsented'));
    expect(claims).not.toHaveProperty('roles');
  });

  test('the monitor identity gets a Key Vault token with its own object id', async () => {
    const claims = await token(MONITOR, `${VAULT_RESOURCE}/.default`);
    expect(claims).toMatchObject({ aud: VAULT_RESOURCE, oid: MONITOR.objectId, appid: MONITOR.clientId });
    expect(claims).not.toHaveProperty('roles');
  });

  test('each token request is counted per client id; MSAL caches within one instance', async () => {
    const healthy = findApp(current, 'healthy');
    const before = entra.stats.tokenRequests.get(healthy.clientId) ?? 0;
    const cca = client(healthy.clientId, healthy.secret);
    await cca.acquireTokenByClientCredential({ scopes: [`${EXCHANGE_RESOURCE}/.default`] });
    await cca.acquireTokenByClientCredential({ scopes: [`${EXCHANGE_RESOURCE}/.default`] });
    expect(entra.stats.tokenRequests.get(healthy.clientId)).toBe(before + 1);
  });

  test("'wrong-audience' issues a Graph token, 'wrong-tenant' a token of another tenant", async () => {
    expect((await token(findApp(current, 'fault-wrong-audience'))).aud).toBe(GRAPH_RESOURCE);
    const claims = await token(findApp(current, 'fault-wrong-tenant'));
    expect(claims.tid).toBe(FOREIGN_TENANT_ID);
    expect(claims.aud).toBe(EXCHANGE_RESOURCE);
  });
});

describe('Entra errors surface in MSAL with their AADSTS numbers', () => {
  test('unknown tenant: AADSTS90002 invalid_request (400)', async () => {
    const healthy = findApp(current, 'healthy');
    const err = await failure(token(healthy, undefined, '99999999-9999-4999-8999-999999999999'));
    expect([err.errorNo, err.errorCode, err.status]).toEqual([90002, 'invalid_request', 400]);
  });

  test('client id not in the tenant: AADSTS700016 unauthorized_client (400)', async () => {
    const err = await failure(token({ clientId: '55555555-5555-4555-8555-555555555555', secret: 'x' }));
    expect([err.errorNo, err.errorCode, err.status]).toEqual([700016, 'unauthorized_client', 400]);
  });

  test('wrong secret: AADSTS7000215 invalid_client (401)', async () => {
    const healthy = findApp(current, 'healthy');
    const err = await failure(token({ clientId: healthy.clientId, secret: 'the-secret-id-not-its-value' }));
    expect([err.errorNo, err.errorCode, err.status]).toEqual([7000215, 'invalid_client', 401]);
    expect(err.errorMessage).toContain('AADSTS7000215: Invalid client secret provided');
  });

  test('expired secret: AADSTS7000222 invalid_client (401)', async () => {
    const err = await failure(token(findApp(current, 'expired')));
    expect([err.errorNo, err.errorCode, err.status]).toEqual([7000222, 'invalid_client', 401]);
  });

  test('scope without /.default: AADSTS1002012 invalid_scope (400)', async () => {
    const err = await failure(token(findApp(current, 'healthy'), EXCHANGE_RESOURCE));
    expect([err.errorNo, err.errorCode, err.status]).toEqual([1002012, 'invalid_scope', 400]);
  });

  test("'invalid-scope' fault: AADSTS70011 invalid_scope (400)", async () => {
    const err = await failure(token(findApp(current, 'fault-invalid-scope')));
    expect([err.errorNo, err.errorCode, err.status]).toEqual([70011, 'invalid_scope', 400]);
  });

  test("'invalid-certificate' fault: AADSTS700027 invalid_client (401)", async () => {
    const err = await failure(token(findApp(current, 'fault-invalid-certificate')));
    expect([err.errorNo, err.errorCode, err.status]).toEqual([700027, 'invalid_client', 401]);
  });

  test("'server-error' fault: 503 with an AADSTS body, not retried by MSAL", async () => {
    const a = findApp(current, 'fault-server-error');
    const before = entra.stats.tokenRequests.get(a.clientId) ?? 0;
    const err = await failure(token(a));
    expect([err.errorNo, err.errorCode, err.status]).toEqual([90033, 'temporarily_unavailable', 503]);
    expect(entra.stats.tokenRequests.get(a.clientId)).toBe(before + 1);
  });

  test('a resource Entra does not know: AADSTS500011 invalid_resource (400)', async () => {
    const err = await failure(token(findApp(current, 'healthy'), 'https://example.invalid/.default'));
    expect([err.errorNo, err.errorCode, err.status]).toEqual([500011, 'invalid_resource', 400]);
  });

  test('the scenario is re-read per request: expiring a secret takes effect at once', async () => {
    const healthy = findApp(current, 'healthy');
    await token(healthy);
    healthy.secretExpired = true;
    const err = await failure(token(healthy));
    expect(err.errorNo).toBe(7000222);
  });

  test('error bodies have Entra shape and echo the client-request-id as correlation id', async () => {
    const { status, body } = await postToken(`client_id=nobody&client_secret=x&grant_type=client_credentials&scope=${encodeURIComponent(`${EXCHANGE_RESOURCE}/.default`)}`, 'corr-123');
    expect(status).toBe(400);
    const parsed = JSON.parse(body) as Record<string, unknown>;
    expect(Object.keys(parsed).sort()).toEqual(['correlation_id', 'error', 'error_codes', 'error_description', 'error_uri', 'timestamp', 'trace_id']);
    expect(parsed.correlation_id).toBe('corr-123');
    expect(parsed.error_description).toMatch(/^AADSTS700016: /);
    expect(parsed.timestamp).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/);
  });
});

function postToken(form: string, correlationId: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${entra.url}/${TENANT}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'client-request-id': correlationId },
    });
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end(form);
  });
}

describe('discovery endpoints (answered properly, and counted)', () => {
  test('OpenID configuration names this server as issuer; an unknown tenant gets AADSTS90002', async () => {
    const before = entra.stats.discoveryRequests;
    const ok = await fetch(`${entra.url}/${TENANT}/v2.0/.well-known/openid-configuration`);
    expect(await ok.json()).toMatchObject({
      issuer: `${entra.url}/${TENANT}/v2.0`,
      token_endpoint: `${entra.url}/${TENANT}/oauth2/v2.0/token`,
    });
    const bad = await fetch(`${entra.url}/nope/v2.0/.well-known/openid-configuration`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error_codes: number[] }).error_codes).toEqual([90002]);
    expect(entra.stats.discoveryRequests).toBe(before + 2);
  });

  test('instance discovery names this host as its own alias and points at the tenant metadata', async () => {
    const before = entra.stats.discoveryRequests;
    const authorize = encodeURIComponent(`${entra.url}/${TENANT}/oauth2/v2.0/authorize`);
    const res = await fetch(`${entra.url}/common/discovery/instance?api-version=1.1&authorization_endpoint=${authorize}`);
    const host = new URL(entra.url).host;
    expect(await res.json()).toEqual({
      tenant_discovery_endpoint: `${entra.url}/${TENANT}/v2.0/.well-known/openid-configuration`,
      'api-version': '1.1',
      metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
    });
    expect(entra.stats.discoveryRequests).toBe(before + 1);
  });

  test('MSAL with only an authority discovers through the sim (instance discovery + OpenID config)', async () => {
    const healthy = findApp(current, 'healthy');
    const before = entra.stats.discoveryRequests;
    const cca = new ConfidentialClientApplication({
      auth: { clientId: healthy.clientId, clientSecret: healthy.secret, authority: `${entra.url}/${TENANT}`, knownAuthorities: [new URL(entra.url).host] },
    });
    const result = await cca.acquireTokenByClientCredential({ scopes: [`${EXCHANGE_RESOURCE}/.default`] });
    expect(result?.accessToken).toBeTruthy();
    expect(entra.stats.discoveryRequests).toBeGreaterThan(before);
  });
});
