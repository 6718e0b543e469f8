/**
 * The simulated Entra ID (Azure AD) token service, over HTTPS on 127.0.0.1, close enough to the
 * real one that @azure/msal-node and @azure/identity talk to it unchanged.
 *
 * Issuers: the OpenID metadata this server publishes names `https://127.0.0.1:<port>/<tid>/v2.0`
 * (MSAL 7 refuses discovered metadata whose issuer host differs from the authority's, so it must
 * be this server), while the access tokens themselves are v1 tokens for v1 resources (Exchange,
 * Key Vault) and carry `iss: https://sts.windows.net/<tid>/`, exactly as real ones do. An engine
 * that hands MSAL `authorityMetadata` should use the same issuer string as the metadata here.
 *
 * Errors have Entra's body shape and status codes, so MSAL raises its ServerError with `errorNo`
 * = the AADSTS number, and the monitor's diagnosis is exercised on the real error path.
 */
import { createPublicKey, randomUUID } from 'node:crypto';
import { createServer } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { EXCHANGE_RESOURCE, GRAPH_RESOURCE, VAULT_RESOURCE, type Scenario, type TokenFault } from './scenario';
import { createSigningKey, type SigningKey } from './signing-key';
import { issueAccessToken, type TokenSubject } from './tokens';
import { BodyTooLargeError, closeServer, listenLoopback, readBody, requestUrl, sendJson } from './http-util';
import { applyWireFault, type WireFaults } from './wire-faults';
import { JWT_BEARER, judgeAssertion } from './client-assertion';

export interface EntraOptions {
  /** Read on every request, so a test may change the tenant while the server runs. */
  scenario: () => Scenario;
  key: SigningKey;
  tls: { certPem: string; keyPem: string };
  /** Faults on the token endpoint's wire (sim/wire-faults.ts). */
  faults?: WireFaults;
}

export interface EntraStats {
  /** Token requests per client_id (every request, answered or not). */
  tokenRequests: Map<string, number>;
  /** Instance-discovery and OpenID-configuration fetches; a well-configured engine makes none. */
  discoveryRequests: number;
  /** Every access token issued, so a leak test can search the outputs for each (bounded). */
  issuedTokens: string[];
  /** The decoded header of every client assertion received, by client id (bounded): what MSAL signs with (issue 18). */
  assertionHeaders: { clientId: string; header: Record<string, unknown> }[];
}

export interface EntraServer {
  /** `https://127.0.0.1:<port>` — the authority host; the authority is `<url>/<tenantId>`. */
  url: string;
  port: number;
  stats: EntraStats;
  stop(): Promise<void>;
}

/** A tenant id that is in no scenario: the `tid` of tokens made with the 'wrong-tenant' fault. */
export const FOREIGN_TENANT_ID = '0bad7e1a-0000-4000-8000-00000000f0e1';

/** Entra's timestamp format in error bodies: `2026-11-27 06:08:00Z`. */
function entraTimestamp(): string {
  return new Date().toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, 'Z');
}

export async function startEntra(options: EntraOptions): Promise<EntraServer> {
  const stats: EntraStats = { tokenRequests: new Map(), discoveryRequests: 0, issuedTokens: [], assertionHeaders: [] };
  let url = '';

  const server = createServer({ cert: options.tls.certPem, key: options.tls.keyPem }, (req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (res.headersSent) return;
      if (err instanceof BodyTooLargeError) sendJson(res, 413, { error: 'invalid_request' });
      else sendJson(res, 500, { error: 'server_error', error_description: 'simulator error' });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const u = requestUrl(req);
    const parts = u.pathname.split('/').filter(Boolean);
    const tenant = parts[0] ?? '';
    const rest = parts.slice(1).join('/');
    // Entra echoes the caller's client-request-id as the correlation id.
    const correlationId = (req.headers['client-request-id'] as string | undefined) ?? u.searchParams.get('client-request-id') ?? randomUUID();
    const traceId = randomUUID();

    if (req.method === 'POST' && rest === 'oauth2/v2.0/token') {
      const form = new URLSearchParams(await readBody(req));
      const clientId = form.get('client_id') ?? '';
      stats.tokenRequests.set(clientId, (stats.tokenRequests.get(clientId) ?? 0) + 1);
      const assertion = form.get('client_assertion');
      if (assertion && stats.assertionHeaders.length < 1000) {
        try {
          stats.assertionHeaders.push({ clientId, header: JSON.parse(Buffer.from(assertion.split('.')[0] ?? '', 'base64url').toString('utf8')) as Record<string, unknown> });
        } catch {
          // Not a JWT: judged (and refused) below.
        }
      }
      const answer = () => answerToken(res, decideToken(options.scenario(), tenant, form, url), correlationId, traceId);
      const fault = options.faults?.take('entra', clientId);
      if (!fault) return answer();
      return applyWireFault(fault, req, res, answer, {
        secret: async () => form.get('client_secret') ?? '',
        body: (text) => ({ error: 'invalid_request', error_description: `AADSTS50000: ${text} Trace ID: ${traceId}`, error_codes: [50000], trace_id: traceId, correlation_id: correlationId }),
      });
    }
    if (req.method === 'GET' && tenant === 'common' && rest === 'discovery/instance') {
      stats.discoveryRequests++;
      return sendJson(res, 200, instanceDiscovery(u));
    }
    if (req.method === 'GET' && rest === 'v2.0/.well-known/openid-configuration') {
      stats.discoveryRequests++;
      if (!tenantExists(options.scenario(), tenant)) {
        const decision = decideToken(options.scenario(), tenant, new URLSearchParams());
        return answerToken(res, decision, correlationId, traceId);
      }
      return sendJson(res, 200, openIdConfiguration(url, tenant));
    }
    if (req.method === 'GET' && rest === 'discovery/v2.0/keys') {
      return sendJson(res, 200, { keys: [jwk(options.key)] });
    }
    sendJson(res, 404, { error: 'not_found', error_description: `no route for ${req.method} ${u.pathname}` });
  }

  function answerToken(res: ServerResponse, decision: TokenDecision, correlationId: string, traceId: string): void {
    const headers = { 'client-request-id': correlationId, 'x-ms-request-id': traceId };
    switch (decision.kind) {
      case 'hang':
        // Never answer; the connection stays open until the client gives up or stop() runs.
        return;
      case 'error': {
        const timestamp = entraTimestamp();
        return sendJson(res, decision.status, {
          error: decision.error,
          // Entra appends these three to every description; parsers sometimes rely on the prefix only.
          error_description: `AADSTS${decision.code}: ${decision.message} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
          error_codes: [decision.code],
          timestamp,
          trace_id: traceId,
          correlation_id: correlationId,
          error_uri: `${url}/error?code=${decision.code}`,
        }, headers);
      }
      case 'token': {
        const s = decision.subject;
        // Faults that only the resource (Exchange) can notice: Entra answers 200 either way.
        const signer = decision.fault === 'forged-token' ? createSigningKey() : options.key;
        const accessToken = issueAccessToken(signer, {
          ...s,
          ...(decision.fault === 'expired-token' ? { now: Math.floor(Date.now() / 1000) - 7200 } : {}),
          audience: decision.fault === 'wrong-audience' ? GRAPH_RESOURCE : s.audience,
          tenantId: decision.fault === 'wrong-tenant' ? FOREIGN_TENANT_ID : s.tenantId,
        });
        if (stats.issuedTokens.length < 1000) stats.issuedTokens.push(accessToken);
        return sendJson(res, 200, { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: accessToken }, {
          ...headers,
          pragma: 'no-cache',
        });
      }
    }
  }

  const port = await listenLoopback(server);
  url = `https://127.0.0.1:${port}`;
  return { url, port, stats, stop: () => closeServer(server) };
}

/** The monitor identity's home tenant exists even if a scenario forgot to list it. */
function tenantExists(scenario: Scenario, tenant: string): boolean {
  return scenario.tenants.includes(tenant) || scenario.monitorIdentity.tenantId === tenant;
}

/** The v2.0 OpenID metadata of one tenant, as Entra publishes it (the fields clients read). */
export function openIdConfiguration(url: string, tenant: string): Record<string, unknown> {
  const base = `${url}/${tenant}`;
  return {
    token_endpoint: `${base}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${base}/discovery/v2.0/keys`,
    id_token_signing_alg_values_supported: ['RS256'],
    issuer: `${base}/v2.0`,
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    end_session_endpoint: `${base}/oauth2/v2.0/logout`,
    cloud_instance_name: 'microsoftonline.com',
  };
}

/**
 * `/common/discovery/instance`. MSAL itself asks login.microsoftonline.com for this (never the
 * authority host), so only a client pointed here explicitly arrives; this host is its own alias.
 */
function instanceDiscovery(u: URL): Record<string, unknown> {
  const authorize = URL.canParse(u.searchParams.get('authorization_endpoint') ?? '') ? new URL(u.searchParams.get('authorization_endpoint')!) : undefined;
  const host = authorize?.host ?? '127.0.0.1';
  const tenantPath = authorize?.pathname.replace(/\/oauth2\/v2\.0\/authorize$/, '') ?? '/common';
  return {
    tenant_discovery_endpoint: `https://${host}${tenantPath}/v2.0/.well-known/openid-configuration`,
    'api-version': '1.1',
    metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
  };
}

function jwk(key: SigningKey): Record<string, unknown> {
  const pub = createPublicKey(key.publicKeyPem).export({ format: 'jwk' });
  return { kty: 'RSA', use: 'sig', kid: key.kid, n: pub.n, e: pub.e };
}

// ---- The rules: which answer a client-credentials request gets, in Entra's order of checks ----

/** What the token endpoint answers: an error, a token for a subject, or nothing at all. */
export type TokenDecision =
  | { kind: 'error'; status: number; error: string; code: number; message: string }
  | { kind: 'hang' }
  | { kind: 'token'; subject: TokenSubject; fault?: TokenFault };

/** Resources whose service principals exist in every tenant (others get AADSTS500011). */
const KNOWN_RESOURCES = new Set([EXCHANGE_RESOURCE, GRAPH_RESOURCE, VAULT_RESOURCE,
  'https://outlook.office.com', 'https://outlook.office365.us', 'https://partner.outlook.cn']);

const EXCHANGE_RESOURCES_SIM = new Set([EXCHANGE_RESOURCE, 'https://outlook.office.com', 'https://outlook.office365.us', 'https://partner.outlook.cn']);

function fail(status: number, error: string, code: number, message: string): TokenDecision {
  return { kind: 'error', status, error, code, message };
}

/**
 * Entra checks the tenant, then the request's shape, then the client, then its credential, then
 * the scope. Faults configured on the app replace the step they model (a certificate fault
 * replaces the credential check, a scope fault the scope check; 'server-error' and 'hang' hit once
 * the app is known).
 */
export function decideToken(scenario: Scenario, tenant: string, form: URLSearchParams, url = ''): TokenDecision {
  if (!tenantExists(scenario, tenant)) {
    return fail(400, 'invalid_request', 90002, `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`);
  }
  for (const field of ['grant_type', 'client_id']) {
    if (!form.get(field)) return fail(400, 'invalid_request', 900144, `The request body must contain the following parameter: '${field}'.`);
  }
  if (form.get('grant_type') !== 'client_credentials') {
    return fail(400, 'unsupported_grant_type', 70003, 'The app requested an unsupported grant type.');
  }
  const clientId = form.get('client_id')!;
  const app = scenario.apps.find((a) => a.clientId === clientId && a.tenantId === tenant);
  const mi = scenario.monitorIdentity;
  const isMonitor = !app && mi.clientId === clientId && mi.tenantId === tenant;
  if (!app && !isMonitor) {
    return fail(400, 'unauthorized_client', 700016, `Application with identifier '${clientId}' was not found in the directory '${tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`);
  }
  const fault = app?.tokenFault;
  if (fault === 'server-error') return fail(503, 'temporarily_unavailable', 90033, 'A transient error has occurred. Please try again.');
  if (fault === 'hang') return { kind: 'hang' };
  if (fault === 'app-disabled') return fail(400, 'unauthorized_client', 7000112, `Application '${clientId}'(${app!.displayName}) is disabled.`);
  if (fault === 'invalid-certificate') {
    return fail(401, 'invalid_client', 700027, 'Client assertion failed signature validation.');
  }
  const assertion = form.get('client_assertion');
  if (assertion) {
    // A certificate credential (issue 18): the assertion is judged against the app's registered
    // certificates (sim/client-assertion.ts). The monitor identity signs in with its secret only.
    if (!app || form.get('client_assertion_type') !== JWT_BEARER) return fail(401, 'invalid_client', 700027, 'Client assertion failed signature validation.');
    // 'assertion-clock-skew': Entra's clock an hour ahead of the monitor's (a host whose clock drifted behind).
    const now = Math.floor(Date.now() / 1000) + (fault === 'assertion-clock-skew' ? 3600 : 0);
    const refusal = judgeAssertion(app, assertion, [`${url}/${tenant}/oauth2/v2.0/token`, `${url}/${tenant}/oauth2/token`], now);
    if (refusal) return fail(refusal.status, refusal.error, refusal.code, refusal.message);
  } else {
    const secret = form.get('client_secret');
    if (!secret) return fail(401, 'invalid_client', 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
    if (secret !== (app ? app.secret : mi.secret)) {
      return fail(401, 'invalid_client', 7000215, `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`);
    }
  }
  if (!assertion && app?.secretExpired) {
    return fail(401, 'invalid_client', 7000222, `The provided client secret keys for app '${clientId}' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.`);
  }
  // Conditional Access for workload identities is evaluated once the client has proven itself.
  if (fault === 'conditional-access') return fail(400, 'invalid_grant', 53003, 'Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.');
  const scopes = (form.get('scope') ?? '').split(/\s+/).filter(Boolean);
  if (scopes.length === 0) return fail(400, 'invalid_request', 900144, "The request body must contain the following parameter: 'scope'.");
  const plain = scopes.find((s) => !s.endsWith('/.default'));
  if (plain) {
    return fail(400, 'invalid_scope', 1002012, `The provided value for scope ${plain} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`);
  }
  if (fault === 'invalid-scope' || scopes.length > 1) {
    return fail(400, 'invalid_scope', 70011, `The provided request must include a 'scope' input parameter. The provided value for the input parameter 'scope' is not valid. The scope ${scopes.join(' ')} is not valid.`);
  }
  const resource = scopes[0]!.slice(0, -'/.default'.length);
  if (!KNOWN_RESOURCES.has(resource) || (fault === 'no-exchange' && EXCHANGE_RESOURCES_SIM.has(resource))) {
    return fail(400, 'invalid_resource', 500011, `The resource principal named ${resource} was not found in the tenant named ${tenant}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`);
  }
  // The scenario's roles are Exchange Online's application permissions: a token for another
  // resource (Graph) carries none of them, as in a real tenant.
  const forExchange = EXCHANGE_RESOURCES_SIM.has(resource);
  const subject: TokenSubject = app
    ? { audience: resource, tenantId: tenant, appId: app.clientId, objectId: app.servicePrincipalObjectId, roles: forExchange ? app.roles : [], appDisplayName: app.displayName }
    : { audience: resource, tenantId: tenant, appId: mi.clientId, objectId: mi.objectId, roles: resource === GRAPH_RESOURCE ? mi.graphRoles : undefined };
  return fault ? { kind: 'token', subject, fault } : { kind: 'token', subject };
}
