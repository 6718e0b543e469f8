/**
 * Access tokens for the apps, through msal-node's client-credentials flow. One
 * ConfidentialClientApplication per app (and secret), kept across warm runs so its token cache
 * is reused; one request per app per run even when its mailboxes are checked concurrently,
 * because MSAL does not merge concurrent cold calls (FACTS.md).
 */
import { createHash } from 'node:crypto';
import { ConfidentialClientApplication, LogLevel } from '@azure/msal-node';
import { classifyTokenError } from '../diagnosis/classify-token';
import { authorityOptions } from './authority';
import { TimedNetworkClient } from './network-client';

export interface TokenRequest {
  appId: string;
  tenantId: string;
  clientId: string;
  secret: string;
  authorityHost: string;
  scope: string;
  timeoutMs: number;
}

export interface AcquiredToken {
  accessToken: string;
  expiresOn: Date | null;
}

interface ClientEntry {
  msal: ConfidentialClientApplication;
  network: TimedNetworkClient;
}

/** Clients by (authority, tenant, client id, secret hash): a rotated secret gets a new client. */
const clients = new Map<string, ClientEntry>();

function clientFor(request: TokenRequest): ClientEntry {
  const secretHash = createHash('sha256').update(request.secret).digest('base64url');
  const key = [request.authorityHost, request.tenantId, request.clientId, request.timeoutMs, secretHash].join('|');
  let entry = clients.get(key);
  if (!entry) {
    const network = new TimedNetworkClient(request.timeoutMs);
    const msal = new ConfidentialClientApplication({
      auth: { clientId: request.clientId, clientSecret: request.secret, ...authorityOptions(request.authorityHost, request.tenantId) },
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
  network.lastError = undefined;
  try {
    const result = await msal.acquireTokenByClientCredential({ scopes: [request.scope] });
    if (!result?.accessToken) throw new Error('MSAL returned no access token');
    return { accessToken: result.accessToken, expiresOn: result.expiresOn ?? null };
  } catch (error) {
    throw classifyTokenError(error, network.lastError);
  }
}

/** For tests and long-lived hosts: forget every client and its cached tokens. */
export function resetTokenClients(): void {
  clients.clear();
}
