/**
 * The App Service / Azure Functions managed-identity endpoint, simulated. On Azure the platform
 * sets IDENTITY_ENDPOINT (a plain-http loopback URL such as `http://127.0.0.1:41564/msi/token`)
 * and IDENTITY_HEADER (a per-process secret); @azure/identity's ManagedIdentityCredential (through
 * its bundled msal-node's AppService source) then sends
 *
 *   GET {IDENTITY_ENDPOINT}?api-version=2019-08-01&resource=<scope without /.default>
 *   X-IDENTITY-HEADER: {IDENTITY_HEADER}
 *   (plus client_id / object_id / mi_res_id for a user-assigned identity)
 *
 * and expects `{access_token, expires_on, resource, token_type}` with `expires_on` in Unix seconds
 * (a string on App Service). Plain http is faithful here: the real endpoint is http too, and the
 * listener is bound to 127.0.0.1 only. Errors use App Service's `{statusCode, message,
 * correlationId}` shape, which msal-node maps to its error message.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { GRAPH_RESOURCE, type Scenario } from './scenario';
import type { SigningKey } from './signing-key';
import { issueAccessToken } from './tokens';
import { closeServer, listenLoopback, requestUrl, sendJson } from './http-util';
import { applyWireFault, type WireFaults } from './wire-faults';

export interface ManagedIdentityOptions {
  /** Read per request; the identity is `scenario().monitorIdentity`. */
  scenario: () => Scenario;
  key: SigningKey;
  /** The IDENTITY_HEADER secret; random when omitted. */
  header?: string;
  faults?: WireFaults;
}

export interface ManagedIdentityServer {
  /** Value for IDENTITY_ENDPOINT: `http://127.0.0.1:<port>/msi/token`. */
  endpoint: string;
  /** Value for IDENTITY_HEADER. */
  header: string;
  port: number;
  /** Requests, and the resources tokens were asked for (a vault must only ever cause Key Vault's). */
  stats: { requests: number; resources: string[]; issuedTokens: string[] };
  stop(): Promise<void>;
}

export const MSI_API_VERSION = '2019-08-01';
/** Managed-identity tokens live about a day (MSAL refreshes them at half-life). */
const MI_TOKEN_LIFETIME_SECONDS = 24 * 60 * 60;

export async function startManagedIdentity(options: ManagedIdentityOptions): Promise<ManagedIdentityServer> {
  const header = options.header ?? randomBytes(16).toString('hex');
  const stats = { requests: 0, resources: [] as string[], issuedTokens: [] as string[] };

  const refuse = (res: ServerResponse, status: number, message: string): void => {
    sendJson(res, status, { statusCode: status, message, correlationId: randomUUID() });
  };

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const u = requestUrl(req);
    if (req.method !== 'GET' || u.pathname !== '/msi/token') return refuse(res, 404, 'Not found.');
    stats.requests++;
    // The header proves the caller runs inside this app (it defends against SSRF to the endpoint).
    if (req.headers['x-identity-header'] !== header) {
      return refuse(res, 400, 'The X-IDENTITY-HEADER header is missing or does not match IDENTITY_HEADER.');
    }
    if (u.searchParams.get('api-version') !== MSI_API_VERSION) {
      return refuse(res, 400, `Unsupported api-version; this endpoint serves ${MSI_API_VERSION}.`);
    }
    const resource = u.searchParams.get('resource');
    if (!resource) return refuse(res, 400, "The 'resource' query parameter is required.");
    stats.resources.push(resource);

    const mi = options.scenario().monitorIdentity;
    const clientId = u.searchParams.get('client_id');
    const objectId = u.searchParams.get('object_id');
    // A user-assigned identity that is not the one assigned to this app: App Service's own words.
    if ((clientId && clientId !== mi.clientId) || (objectId && objectId !== mi.objectId) || u.searchParams.get('mi_res_id')) {
      return refuse(res, 400, 'Unable to load the proper Managed Identity.');
    }
    const now = Math.floor(Date.now() / 1000);
    const accessToken = issueAccessToken(options.key, {
      // Entra puts the resource into `aud` exactly as requested (a trailing slash included).
      audience: resource,
      tenantId: mi.tenantId,
      appId: mi.clientId,
      objectId: mi.objectId,
      // Graph application permissions granted to the managed identity's service principal.
      roles: resource.replace(/\/+$/, '') === GRAPH_RESOURCE ? mi.graphRoles : undefined,
      now,
      lifetimeSeconds: MI_TOKEN_LIFETIME_SECONDS,
    });
    if (stats.issuedTokens.length < 10_000) stats.issuedTokens.push(accessToken);
    sendJson(res, 200, {
      access_token: accessToken,
      expires_on: String(now + MI_TOKEN_LIFETIME_SECONDS),
      resource,
      token_type: 'Bearer',
      client_id: mi.clientId,
    });
  }

  const server = createServer((req, res) => {
    const answer = () => {
      try {
        handle(req, res);
      } catch {
        if (!res.headersSent) refuse(res, 500, 'simulator error');
      }
    };
    const fault = options.faults?.take('identity');
    if (!fault) return answer();
    applyWireFault(fault, req, res, answer, {
      secret: async () => String(req.headers['x-identity-header'] ?? ''),
      body: (text) => ({ statusCode: 400, message: text, correlationId: randomUUID() }),
    });
  });
  const port = await listenLoopback(server);
  return {
    endpoint: `http://127.0.0.1:${port}/msi/token`,
    header,
    port,
    stats,
    stop: () => closeServer(server),
  };
}
