/**
 * The simulated Azure Key Vault (secrets, and certificates as their backing secrets), over HTTPS on 127.0.0.1, speaking enough of the
 * data-plane protocol for @azure/keyvault-secrets to work unchanged:
 *
 * - Challenge-based auth: the SDK's first request carries no token; the 401's
 *   `WWW-Authenticate: Bearer authorization="<authority>/<tenant>", resource="https://vault.azure.net"`
 *   tells it which tenant and scope to get a token for (keyvault-common parses `authorization`
 *   for the tenant and `resource` + "/.default" — or `scope` — for the scope; values must hold no
 *   spaces, the parser splits on them). Since the host is not `*.vault.azure.net`, clients need
 *   `disableChallengeResourceVerification: true`.
 * - Bearer tokens are checked like the real service does: signature, lifetime, `aud`
 *   (AKV10022), `iss` of the vault's tenant (AKV10032); then authorization (RBAC) by the caller's
 *   `oid`: only the scenario's monitor identity may read secrets.
 * - Error bodies `{error:{code,message,innererror?}}`, which the SDK turns into RestError.code.
 */
import { createHash } from 'node:crypto';
import { createServer } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { VAULT_RESOURCE, type Scenario, type SimVaultSecret } from './scenario';
import type { SigningKey } from './signing-key';
import { v1Issuer, verifyAccessToken, type AccessTokenClaims } from './tokens';
import { closeServer, listenLoopback, requestUrl, sendJson } from './http-util';
import { applyWireFault, type WireFaults } from './wire-faults';

export interface KeyVaultOptions {
  /** Read on every request: a test may disable or delete a secret while the vault runs. */
  scenario: () => Scenario;
  /** The Entra signing key's public half, to verify bearer tokens. */
  key: Pick<SigningKey, 'publicKeyPem'>;
  /** The simulated Entra's URL (`https://127.0.0.1:<port>`), named in the auth challenge. */
  entraUrl: string;
  tls: { certPem: string; keyPem: string };
  /** Faults on the vault's wire, applied to requests that carry a bearer token. */
  faults?: WireFaults;
  /** The resource the 401 challenge names; Key Vault's by default (a hostile host names another). */
  challengeResource?: () => string | undefined;
}

export interface KeyVaultStats {
  /** Authenticated reads per secret name (answered 200, 403 or 404: the vault looked it up). */
  secretReads: Map<string, number>;
  /** Authenticated `GET /secrets` listings. */
  listRequests: number;
}

export interface KeyVaultServer {
  /** `https://127.0.0.1:<port>` — the vault URL to give SecretClient. */
  url: string;
  port: number;
  stats: KeyVaultStats;
  stop(): Promise<void>;
}

/** Creation time reported for every secret (fixed: the simulator has no history). */
const CREATED = Math.floor(Date.UTC(2026, 0, 1) / 1000);

/** A stable 32-hex version per (name, value): a changed value looks like a new version. */
export function secretVersion(secret: Pick<SimVaultSecret, 'name' | 'value'>): string {
  return createHash('sha256').update(`${secret.name}\0${secret.value}`).digest('hex').slice(0, 32);
}

function attributes(secret: SimVaultSecret): Record<string, unknown> {
  return {
    enabled: secret.enabled ?? true,
    ...(secret.expiresOn ? { exp: Math.floor(secret.expiresOn.getTime() / 1000) } : {}),
    ...(secret.notBefore ? { nbf: Math.floor(secret.notBefore.getTime() / 1000) } : {}),
    created: CREATED,
    updated: CREATED,
    recoveryLevel: 'Recoverable+Purgeable',
    recoverableDays: 90,
  };
}

function kvError(res: ServerResponse, status: number, code: string, message: string, inner?: string, headers?: Record<string, string>): void {
  sendJson(res, status, { error: { code, message, ...(inner ? { innererror: { code: inner } } : {}) } }, headers);
}

export async function startKeyVault(options: KeyVaultOptions): Promise<KeyVaultServer> {
  const stats: KeyVaultStats = { secretReads: new Map(), listRequests: 0 };
  let url = '';

  const server = createServer({ cert: options.tls.certPem, key: options.tls.keyPem }, (req, res) => {
    const answer = () => {
      try {
        handle(req, res);
      } catch {
        if (!res.headersSent) kvError(res, 500, 'InternalServerError', 'simulator error');
      }
    };
    // The SDK's first request carries no token and only fetches the challenge: faults hit the
    // authenticated read, where a proxy could echo the token back.
    const fault = req.headers.authorization ? options.faults?.take('vault', requestUrl(req).pathname.split('/').filter(Boolean)[1]) : undefined;
    if (!fault) return answer();
    applyWireFault(fault, req, res, answer, {
      secret: async () => /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? '',
      body: (text) => ({ error: { code: 'Forbidden', message: text } }),
    });
  });

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const u = requestUrl(req);
    const parts = u.pathname.split('/').filter(Boolean);
    if (req.method !== 'GET' || parts[0] !== 'secrets' || parts.length > 3) {
      return kvError(res, 404, 'NotFound', `no route for ${req.method} ${u.pathname} in the simulated vault`);
    }
    if (!u.searchParams.get('api-version')) {
      return kvError(res, 400, 'BadParameter', "The 'api-version' query parameter is missing.");
    }
    const scenario = options.scenario();
    const caller = authenticate(req, res, scenario);
    if (!caller) return;

    const name = parts[1];
    if (name === undefined) {
      stats.listRequests++;
      if (caller.oid !== scenario.monitorIdentity.objectId) return forbidden(res, caller, 'secrets/readMetadata', 'secrets');
      const value = scenario.vault.secrets.map((s) => ({ id: `${url}/secrets/${s.name}`, attributes: attributes(s), tags: {} }));
      return sendJson(res, 200, { value, nextLink: null });
    }
    stats.secretReads.set(name, (stats.secretReads.get(name) ?? 0) + 1);
    if (caller.oid !== scenario.monitorIdentity.objectId) return forbidden(res, caller, 'secrets/getSecret', `secrets/${name}`);
    const secret = scenario.vault.secrets.find((s) => s.name === name);
    const version = parts[2];
    if (!secret || (version !== undefined && version !== secretVersion(secret))) {
      const id = version ? `${name}/${version}` : name;
      return kvError(res, 404, 'SecretNotFound', `A secret with (name/id) ${id} was not found in this key vault. If you recently deleted this secret you may be able to recover it using the correct recovery command. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182`);
    }
    if (secret.accessDenied) return forbidden(res, caller, 'secrets/getSecret', `secrets/${name}`);
    if (secret.enabled === false) {
      return kvError(res, 403, 'Forbidden', 'Operation get is not allowed on a disabled secret.', 'SecretDisabled');
    }
    const current = secretVersion(secret);
    sendJson(res, 200, {
      value: secret.value,
      ...(secret.contentType ? { contentType: secret.contentType } : {}),
      id: `${url}/secrets/${secret.name}/${current}`,
      // A certificate's backing secret names the certificate's key and is managed by Key Vault.
      ...(secret.managed ? { kid: `${url}/keys/${secret.name}/${current}`, managed: true } : {}),
      attributes: attributes(secret),
      tags: {},
    });
  }

  /** The caller's verified claims, or undefined after answering 401 with the challenge. */
  function authenticate(req: IncomingMessage, res: ServerResponse, scenario: Scenario): AccessTokenClaims | undefined {
    const tenantId = scenario.monitorIdentity.tenantId;
    const resource = options.challengeResource?.() ?? VAULT_RESOURCE;
    const challenge = { 'www-authenticate': `Bearer authorization="${options.entraUrl}/${tenantId}", resource="${resource}"` };
    const unauthorized = (message: string): undefined => {
      kvError(res, 401, 'Unauthorized', message, undefined, challenge);
      return undefined;
    };
    const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (!match) return unauthorized('AKV10000: Request is missing a Bearer or PoP token.');
    let claims: AccessTokenClaims;
    try {
      claims = verifyAccessToken(match[1]!, options.key.publicKeyPem);
    } catch (err) {
      return unauthorized(`Token validation failed: ${(err as Error).message}.`);
    }
    if (claims.aud !== VAULT_RESOURCE) {
      return unauthorized(`AKV10022: Invalid audience. Expected ${VAULT_RESOURCE}, found: ${claims.aud}.`);
    }
    if (claims.iss !== v1Issuer(tenantId)) {
      return unauthorized(`AKV10032: Invalid issuer. Expected one of ${v1Issuer(tenantId)}, found ${claims.iss}.`);
    }
    return claims;
  }

  /** Key Vault's RBAC refusal (the caller lacks *Key Vault Secrets User* on the secret). */
  function forbidden(res: ServerResponse, caller: AccessTokenClaims, action: string, resource: string): void {
    const message = [
      'Caller is not authorized to perform action on resource.',
      'If role assignments, deny assignments or role definitions were changed recently, please observe propagation time.',
      `Caller: appid=${caller.appid};oid=${caller.oid};iss=${caller.iss}`,
      `Action: 'Microsoft.KeyVault/vaults/${action}/action'`,
      `Resource: '/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/sim/providers/microsoft.keyvault/vaults/sim/${resource}'`,
      'Assignment: (not found)',
      "DecisionReason: 'DeniedWithNoValidRBAC'",
      'Vault: sim;location=local',
      '',
    ].join('\r\n');
    kvError(res, 403, 'Forbidden', message, 'ForbiddenByRbac');
  }

  const port = await listenLoopback(server);
  url = `https://127.0.0.1:${port}`;
  return { url, port, stats, stop: () => closeServer(server) };
}
