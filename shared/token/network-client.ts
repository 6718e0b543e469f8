/**
 * MSAL's network module, replaced (docs/SDK-FACTS.md, "Entra ID token endpoint"): the default one
 * has no request timeout (a hanging endpoint took 301 s) and loses the socket error's code
 * ("fetch failed"). This one times out every request, keeps the last network error for the
 * classifier, and retries transient answers (429, 5xx, a reset) itself, inside the token phase's
 * budget: MSAL does not retry them, and after a 429 or 5xx it refuses every further request of
 * that client for Retry-After (60 s by default) without sending it, so a retry through MSAL could
 * never reach Entra. Trust comes from Node's store plus NODE_EXTRA_CA_CERTS, as everywhere else.
 */
import { request } from 'node:https';
import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node';
import { TRANSIENT_NETWORK_CODES } from '../diagnosis/network-errors';
import { newRecord, parseRetryAfter, withRetries, type AttemptRecord, type Transient } from '../resilience/retry';

/** Statuses Entra uses for "try again": throttled, and the gateway/service being unavailable. */
const TRANSIENT_STATUS = new Set([429, 500, 502, 503, 504]);

/** The budget and attempt record of the token phase in progress. */
export interface TokenPhase {
  deadlineAt: number;
  record: AttemptRecord;
}

class TransientResponse extends Error {
  constructor(
    readonly response: NetworkResponse<unknown>,
    readonly transient: Transient,
  ) {
    super(transient.reason);
  }
}

export class TokenNetworkError extends Error {
  override readonly name = 'TokenNetworkError';
  constructor(
    message: string,
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export class TimedNetworkClient implements INetworkModule {
  /** The last socket-level failure or 5xx; read by the classifier after MSAL wraps the error. */
  lastError: TokenNetworkError | undefined;
  requests = 0;
  /** Set by the token provider around each acquisition; without it a request gets `timeoutMs`. */
  phase: TokenPhase | undefined;

  constructor(private readonly timeoutMs: number) {}

  sendGetRequestAsync<T>(url: string, options?: NetworkRequestOptions, timeout?: number): Promise<NetworkResponse<T>> {
    return this.send<T>('GET', url, options, timeout);
  }

  async sendPostRequestAsync<T>(url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    const phase = this.phase ?? { deadlineAt: performance.now() + this.timeoutMs, record: newRecord() };
    try {
      return await withRetries(
        async (_n, remainingMs) => {
          const response = await this.send<T>('POST', url, options, Math.max(1, Math.floor(remainingMs)));
          if (TRANSIENT_STATUS.has(response.status)) {
            throw new TransientResponse(response, { reason: `HTTP ${response.status}`, retryAfterMs: parseRetryAfter(response.headers['retry-after']) });
          }
          return response;
        },
        {
          deadlineAt: phase.deadlineAt,
          record: phase.record,
          transient: (error) =>
            error instanceof TransientResponse ? error.transient : error instanceof TokenNetworkError && TRANSIENT_NETWORK_CODES.has(error.code) ? { reason: error.code } : undefined,
        },
      );
    } catch (error) {
      // The last answer goes to MSAL as it came, so its error carries Entra's status and body.
      if (error instanceof TransientResponse) return error.response as NetworkResponse<T>;
      throw error;
    }
  }

  private send<T>(method: string, url: string, options: NetworkRequestOptions = {}, timeout?: number): Promise<NetworkResponse<T>> {
    this.requests++;
    const timeoutMs = Math.min(timeout ?? this.timeoutMs, this.timeoutMs);
    return new Promise<NetworkResponse<T>>((resolve, reject) => {
      const fail = (error: TokenNetworkError) => {
        this.lastError = error;
        reject(error);
      };
      const req = request(url, { method, headers: options.headers }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          // A token response is a few KB; anything huge is not Entra.
          if (size > 1_000_000) req.destroy(new TokenNetworkError(`response from ${new URL(url).host} exceeds 1 MB`, 'ERESPONSETOOLARGE'));
          else chunks.push(chunk);
        });
        res.on('end', () => {
          clearTimeout(timer);
          const status = res.statusCode ?? 0;
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = {};
          try {
            body = text ? JSON.parse(text) : {};
          } catch {
            body = { error: 'invalid_response', error_description: `HTTP ${status}: response is not JSON` };
          }
          // Only the last answer counts: a 5xx followed by a real Entra refusal is a refusal.
          this.lastError = status >= 500 || status === 429 ? new TokenNetworkError(`${new URL(url).host} answered HTTP ${status}`, `HTTP_${status}`) : undefined;
          const headers: Record<string, string> = {};
          for (const [name, value] of Object.entries(res.headers)) if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
          resolve({ headers, body: body as T, status });
        });
        res.on('error', (error: NodeJS.ErrnoException) => fail(new TokenNetworkError(error.message, error.code ?? 'ECONNRESET', { cause: error })));
      });
      // One timer for the whole exchange, not the socket's idle timeout: a server that trickles
      // a byte at a time would reset an idle timer forever.
      const timer = setTimeout(() => req.destroy(new TokenNetworkError(`no complete answer from ${new URL(url).host} in ${timeoutMs} ms`, 'ETIMEDOUT')), timeoutMs);
      req.on('close', () => clearTimeout(timer));
      req.on('error', (error: NodeJS.ErrnoException) =>
        fail(error instanceof TokenNetworkError ? error : new TokenNetworkError(`${new URL(url).host}: ${error.message}`, error.code ?? 'ENETWORK', { cause: error })),
      );
      req.end(options.body);
    });
  }
}
