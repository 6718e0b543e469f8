/**
 * MSAL's network module, replaced for two reasons (FACTS.md): the default one has no request
 * timeout (a hanging endpoint took 301 s) and loses the socket error's code ("fetch failed").
 * This one times out every request and keeps the last network error for the classifier. Trust
 * comes from Node's store plus NODE_EXTRA_CA_CERTS, as everywhere else.
 */
import { request } from 'node:https';
import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node';

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

  constructor(private readonly timeoutMs: number) {}

  sendGetRequestAsync<T>(url: string, options?: NetworkRequestOptions, timeout?: number): Promise<NetworkResponse<T>> {
    return this.send<T>('GET', url, options, timeout);
  }

  sendPostRequestAsync<T>(url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    return this.send<T>('POST', url, options);
  }

  private send<T>(method: string, url: string, options: NetworkRequestOptions = {}, timeout?: number): Promise<NetworkResponse<T>> {
    this.requests++;
    const timeoutMs = Math.min(timeout ?? this.timeoutMs, this.timeoutMs);
    return new Promise<NetworkResponse<T>>((resolve, reject) => {
      const fail = (error: TokenNetworkError) => {
        this.lastError = error;
        reject(error);
      };
      const req = request(url, { method, headers: options.headers, timeout: timeoutMs }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          // A token response is a few KB; anything huge is not Entra.
          if (size > 1_000_000) req.destroy(new TokenNetworkError(`response from ${new URL(url).host} exceeds 1 MB`, 'ERESPONSETOOLARGE'));
          else chunks.push(chunk);
        });
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = {};
          try {
            body = text ? JSON.parse(text) : {};
          } catch {
            body = { error: 'invalid_response', error_description: `HTTP ${status}: response is not JSON` };
          }
          // Only the last answer counts: a 5xx followed by a real Entra refusal is a refusal.
          this.lastError = status >= 500 ? new TokenNetworkError(`${new URL(url).host} answered HTTP ${status}`, `HTTP_${status}`) : undefined;
          const headers: Record<string, string> = {};
          for (const [name, value] of Object.entries(res.headers)) if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
          resolve({ headers, body: body as T, status });
        });
        res.on('error', (error: NodeJS.ErrnoException) => fail(new TokenNetworkError(error.message, error.code ?? 'ECONNRESET', { cause: error })));
      });
      req.on('timeout', () => req.destroy(new TokenNetworkError(`no answer from ${new URL(url).host} in ${timeoutMs} ms`, 'ETIMEDOUT')));
      req.on('error', (error: NodeJS.ErrnoException) =>
        fail(error instanceof TokenNetworkError ? error : new TokenNetworkError(`${new URL(url).host}: ${error.message}`, error.code ?? 'ENETWORK', { cause: error })),
      );
      req.end(options.body);
    });
  }
}
