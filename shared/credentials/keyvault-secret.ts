/**
 * Reads a client secret from Key Vault with the standard Azure credential chain (managed
 * identity on Functions, environment credentials, developer login), against the cloud's
 * authority host without instance discovery. `timeoutMs` bounds the whole read, transient
 * retries included; the SDK's own retries are off so that budget and the attempt count are ours.
 */
import type * as Identity from '@azure/identity';
import type { GetTokenOptions, TokenCredential } from '@azure/identity';
import type * as KeyVaultSecrets from '@azure/keyvault-secrets';
import type { KeyVaultSecret } from '@azure/keyvault-secrets';
import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import { isKeyVaultDomain, vaultResourceOf } from '../config/clouds';
import { CheckFailure } from '../diagnosis/check-failure';
import { classifyKeyVaultError } from '../diagnosis/classify-keyvault';
import { BoundedCache } from '../resilience/bounded-cache';
import { describeAttempts, newRecord, parseRetryAfter, withRetries, type AttemptRecord, type Transient } from '../resilience/retry';
import { TRANSIENT_NETWORK_CODES, errorCode } from '../diagnosis/network-errors';
import type { ReadSecret } from './secret';

export interface VaultAccess {
  authorityHost: string;
  timeoutMs: number;
  /** Tests and hosts may hand in their own credential; otherwise DefaultAzureCredential. */
  credential?: TokenCredential;
}

/** One credential per authority host: a handful in any real deployment, bounded all the same. */
const credentials = new BoundedCache<string, TokenCredential>(16);
// The Azure SDKs are required on first use, so `validate`, `schema` and a config error never load them (issue 9).

/** The monitor's own identity (never a monitored app's secret): for Key Vault and Microsoft Graph. */
export function monitorCredential(access: Pick<VaultAccess, 'authorityHost' | 'credential'>): TokenCredential {
  if (access.credential) return access.credential;
  let credential = credentials.get(access.authorityHost);
  if (!credential) {
    const { DefaultAzureCredential } = require('@azure/identity') as typeof Identity;
    credential = new DefaultAzureCredential({ authorityHost: access.authorityHost, disableInstanceDiscovery: true });
    credentials.set(access.authorityHost, credential);
  }
  return credential;
}

/**
 * With challenge-resource verification relaxed (a vault host outside the Key Vault domains), the
 * SDK asks the credential for whatever scope the server's 401 challenge names. A mistyped or
 * hostile host could name Azure Resource Manager or Graph and receive the monitor's token for it;
 * this credential hands out only the cloud's Key Vault scope.
 */
export class VaultScopeRefused extends Error {
  override readonly name = 'VaultScopeRefused';
  constructor(readonly requested: string, readonly allowed: string) {
    super(`the vault's challenge asked for a token for ${requested}, not Key Vault (${allowed}); refused, so the monitor's identity is not handed to it`);
  }
}

export function pinnedToVault(inner: TokenCredential, vaultResource: string): TokenCredential {
  const allowed = vaultResource.replace(/\/+$/, '').toLowerCase();
  return {
    getToken: (scopes: string | string[], options?: GetTokenOptions) => {
      for (const scope of Array.isArray(scopes) ? scopes : [scopes]) {
        const resource = scope.replace(/\/\.default$/, '').replace(/\/+$/, '').toLowerCase();
        if (resource !== allowed) return Promise.reject(new VaultScopeRefused(scope, `${allowed}/.default`));
      }
      return inner.getToken(scopes, options);
    },
  };
}

/**
 * What a vault (or whatever answers at its URL: a captive proxy, a hostile host) sent instead of a
 * secret: HTML, a JSON bomb, an object without `value` and `id`. Checked on the wire, before the
 * SDK parses it (its parser would throw a TypeError deep inside, reported as a monitor bug).
 */
export class VaultAnswerInvalid extends Error {
  override readonly name = 'VaultAnswerInvalid';
}

/** A secret bundle is a few KB; the SDK has already buffered the body, this only refuses to parse more. */
const MAX_SECRET_BODY_CHARS = 1024 * 1024;

const checkSecretAnswer: PipelinePolicy = {
  name: 'mailboxHealthCheckSecretAnswer',
  async sendRequest(request, next) {
    const response = await next(request);
    if (response.status !== 200 || request.method !== 'GET') return response;
    const text = response.bodyAsText ?? '';
    if (text.length > MAX_SECRET_BODY_CHARS) throw new VaultAnswerInvalid(`answered ${Math.round(text.length / 1024)} KB, not a secret (a secret is a few KB)`);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new VaultAnswerInvalid(`answered something that is not JSON (${JSON.stringify(text.slice(0, 60))}…): a proxy or another server at the vault's URL?`);
    }
    const bundle = body as { value?: unknown; id?: unknown };
    if (typeof body !== 'object' || body === null || Array.isArray(body) || typeof bundle.value !== 'string' || typeof bundle.id !== 'string') {
      throw new VaultAnswerInvalid('answered JSON that is not a Key Vault secret (no string value and id)');
    }
    return response;
  },
};

/** Key Vault's "try again": 429 and the gateway statuses; and socket failures short of a refusal. */
function transientVaultError(error: unknown): Transient | undefined {
  const e = error as { statusCode?: number; response?: { headers?: { get?: (name: string) => string | undefined } } };
  if (e?.statusCode !== undefined && [429, 500, 502, 503, 504].includes(e.statusCode)) {
    return { reason: `HTTP ${e.statusCode}`, retryAfterMs: parseRetryAfter(e.response?.headers?.get?.('retry-after')) };
  }
  const code = errorCode(error);
  return code && TRANSIENT_NETWORK_CODES.has(code) ? { reason: code } : undefined;
}

export async function readKeyVaultSecret(vaultUrl: string, name: string, version: string | undefined, access: VaultAccess, record: AttemptRecord = newRecord(), kind: 'secret' | 'certificate' = 'secret'): Promise<ReadSecret> {
  // A certificate is read through its backing secret, which has the certificate's name.
  const where = `${kind} ${name} in ${vaultUrl}`;
  const relaxed = !isKeyVaultDomain(vaultUrl);
  const credential = monitorCredential(access);
  const { SecretClient } = require('@azure/keyvault-secrets') as typeof KeyVaultSecrets;
  const client = new SecretClient(vaultUrl, relaxed ? pinnedToVault(credential, vaultResourceOf(access.authorityHost)) : credential, {
    // The challenge's resource is checked against the vault's domain; a vault behind another
    // name (the simulator, a private endpoint alias) cannot pass that check (docs/SDK-FACTS.md).
    // The scope is then pinned above instead.
    disableChallengeResourceVerification: relaxed,
    retryOptions: { maxRetries: 0 },
    // Next to the wire, before the SDK's own deserialization sees the answer.
    additionalPolicies: [{ policy: checkSecretAnswer, position: 'perRetry' }],
  });
  const deadlineAt = performance.now() + access.timeoutMs;
  let secret: KeyVaultSecret;
  try {
    secret = await withRetries(
      (_n, remainingMs) => withinBudget(client.getSecret(name, { version, abortSignal: AbortSignal.timeout(Math.max(1, Math.floor(remainingMs))) }), remainingMs),
      { deadlineAt, record, transient: transientVaultError },
    );
  } catch (error) {
    const failure = classifyKeyVaultError(error, where);
    throw new CheckFailure(failure.code, failure.phase, `${failure.message}${describeAttempts(record)}`, { ...failure.detail, attempts: record.attempts, transient: record.transient }, { cause: error });
  }
  if (secret.properties.enabled === false) throw new CheckFailure('SECRET_DISABLED', 'secret', `${where} is disabled`, { attempts: record.attempts });
  if (!secret.value) throw new CheckFailure('SECRET_NOT_FOUND', 'secret', `${where} has no value`, { attempts: record.attempts });
  return { value: secret.value, expiresOn: secret.properties.expiresOn ?? null, record, ...(secret.properties.contentType ? { contentType: secret.properties.contentType } : {}) };
}

/**
 * The abort signal reaches the vault request, but not every credential honours it (the managed
 * identity's own client retries on its own clock): the read ends at the budget either way.
 */
function withinBudget<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`no answer in ${Math.round(ms)} ms`), { name: 'AbortError' })), Math.max(1, ms));
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
