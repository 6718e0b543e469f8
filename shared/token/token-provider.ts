/**
 * Access tokens for the apps, through msal-node's client-credentials flow. One
 * ConfidentialClientApplication per app (and secret), kept across warm runs so its token cache
 * is reused; one request per app per run even when its mailboxes are checked concurrently,
 * because MSAL does not merge concurrent cold calls (docs/SDK-FACTS.md). `timeoutMs` bounds the
 * whole token phase, transient retries included (issue 11, item 18).
 */
import { createHash } from 'node:crypto';
import type * as Msal from '@azure/msal-node';
import type { ConfidentialClientApplication } from '@azure/msal-node';
import { CheckFailure } from '../diagnosis/check-failure';
import { classifyTokenError } from '../diagnosis/classify-token';
import { BoundedCache } from '../resilience/bounded-cache';
import { describeAttempts, newRecord, type AttemptRecord } from '../resilience/retry';
import { authorityOptions } from './authority';
import { TimedNetworkClient } from './network-client';
import type { TokenCertificate } from '../credentials/certificate-use';

export interface TokenRequest {
  appId: string;
  tenantId: string;
  clientId: string;
  /** The client secret's value, or for a certificate its private key (PEM). */
  secret: string;
  /** Set when the app signs in with a certificate (issue 18): a client assertion instead of a secret. */
  certificate?: TokenCertificate;
  authorityHost: string;
  scope: string;
  timeoutMs: number;
}

export interface AcquiredToken {
  accessToken: string;
  expiresOn: Date | null;
  /** Requests sent to Entra for this token (0 when MSAL's cache answered) and the transient failures among them. */
  record: AttemptRecord;
}

interface ClientEntry {
  msal: ConfidentialClientApplication;
  network: TimedNetworkClient;
}

/**
 * Clients by (authority, tenant, client id, secret hash): a rotated secret gets a new client. A
 * warm host lives for days and secrets rotate, so the oldest clients (and their tokens) are
 * forgotten past a bound far above any real config's app count.
 */
export const MAX_TOKEN_CLIENTS = 256;
const clients = new BoundedCache<string, ClientEntry>(MAX_TOKEN_CLIENTS);

function clientFor(request: TokenRequest): ClientEntry {
  const secretHash = createHash('sha256').update(request.secret).digest('base64url');
  // A renewed certificate (a new key or thumbprint) or a changed x5c setting gets a new client.
  const certificateKey = request.certificate ? `${request.certificate.thumbprintSha256}|${request.certificate.x5c ? 'x5c' : ''}` : '';
  const key = [request.authorityHost, request.tenantId, request.clientId, request.timeoutMs, secretHash, certificateKey].join('|');
  let entry = clients.get(key);
  if (!entry) {
    const network = new TimedNetworkClient(request.timeoutMs);
    // Loaded on first use, so `validate`, `schema` and a config error never load it (issue 9).
    const { ConfidentialClientApplication, LogLevel } = require('@azure/msal-node') as typeof Msal;
    const msal = new ConfidentialClientApplication({
      auth: {
        clientId: request.clientId,
        // msal-node 7 signs the assertion itself: PS256 with x5t#S256 when given the SHA-256 thumbprint (docs/SDK-FACTS.md).
        ...(request.certificate
          ? { clientCertificate: { thumbprintSha256: request.certificate.thumbprintSha256, privateKey: request.secret, ...(request.certificate.x5c ? { x5c: request.certificate.x5c } : {}) } }
          : { clientSecret: request.secret }),
        ...authorityOptions(request.authorityHost, request.tenantId),
      },
      system: {
        networkClient: network,
        // MSAL's own log could carry PII; the monitor reports through its results instead.
        loggerOptions: { logLevel: LogLevel.Error, piiLoggingEnabled: false, loggerCallback: () => undefined },
      },
    });
    entry = { msal, network };
    clients.set(key, entry);
  }
  return entry;
}

/** Per run: the single-flight map, so each app's token is requested at most once. */
export class TokenProvider {
  private readonly inFlight = new Map<string, Promise<AcquiredToken>>();

  get(request: TokenRequest): Promise<AcquiredToken> {
    let pending = this.inFlight.get(request.appId);
    if (!pending) {
      pending = acquire(request);
      this.inFlight.set(request.appId, pending);
    }
    return pending;
  }
}

async function acquire(request: TokenRequest): Promise<AcquiredToken> {
  const { msal, network } = clientFor(request);
  const record = newRecord();
  const previous = network.lastError;
  network.lastError = undefined;
  const sentBefore = network.requests;
  network.phase = { deadlineAt: performance.now() + request.timeoutMs, record };
  try {
    const result = await msal.acquireTokenByClientCredential({ scopes: [request.scope] });
    if (!result?.accessToken) throw new Error('MSAL returned no access token');
    return { accessToken: result.accessToken, expiresOn: result.expiresOn ?? null, record };
  } catch (error) {
    // No request left the machine: MSAL is holding this client back after an earlier 429/5xx
    // (its throttling cache honours Retry-After), so the earlier answer is the explanation.
    const held = network.requests === sentBefore && previous !== undefined;
    const failure = classifyTokenError(error, held ? previous : network.lastError);
    if (held && failure.code !== 'TOKEN_REQUEST_FAILED') {
      throw new CheckFailure(failure.code, failure.phase, `${failure.message}; not asked again yet: Entra asked to back off`, { ...failure.detail, attempts: 0 }, { cause: error });
    }
    throw new CheckFailure(failure.code, failure.phase, `${failure.message}${describeAttempts(record)}`, { ...failure.detail, attempts: record.attempts, transient: record.transient }, { cause: error });
  } finally {
    network.phase = undefined;
  }
}

/** For tests and long-lived hosts: forget every client and its cached tokens. */
export function resetTokenClients(): void {
  clients.clear();
}

/** How many MSAL clients are kept (tests of the bound). */
export function tokenClientCount(): number {
  return clients.size;
}
