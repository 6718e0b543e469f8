/**
 * Microsoft Graph with the monitor's own identity (managed identity / the Azure credential chain),
 * never a monitored app's secret. Requests go through Azure's core HTTP pipeline, whose retry
 * policy honours Graph's `Retry-After` on 429/503; the retries are bounded and the whole call,
 * waiting included, stays inside one timeout.
 */
import type { TokenCredential } from '@azure/identity';
import type * as CorePipeline from '@azure/core-rest-pipeline';
import type { HttpClient, Pipeline } from '@azure/core-rest-pipeline';
import { outsideText } from '../diagnosis/outside-text';
import { decodeClaims } from '../token/claims';

export interface GraphAccess {
  /** `https://graph.microsoft.com` (or the national cloud's / the simulator's). */
  url: string;
  /** The resource the token is for; the scope is `<resource>/.default`. */
  resource: string;
  credential: TokenCredential;
  /** One call, its retries and waits included. */
  timeoutMs: number;
}

/** Graph answered with an error (`{error:{code,message}}`), or could not be reached. */
export class GraphError extends Error {
  override name = 'GraphError';
  constructor(
    message: string,
    readonly status: number | null,
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface GraphResponse {
  status: number;
  body: unknown;
}

// Required on first use, so `validate`, `schema` and a config error never load it (issue 9).
const corePipeline = () => require('@azure/core-rest-pipeline') as typeof CorePipeline;
let sharedHttpClient: HttpClient | undefined;
const httpClient = (): HttpClient => (sharedHttpClient ??= corePipeline().createDefaultHttpClient());

export class GraphClient {
  private readonly pipeline: Pipeline;
  private pending: Promise<string> | undefined;
  private cached: { token: string; until: number } | undefined;
  /** The monitor identity's object id (the Graph token's `oid`), once a token was obtained. */
  monitorObjectId: string | undefined;

  constructor(readonly access: GraphAccess) {
    // Two retries: enough for a throttling blip, few enough to fit the timeout.
    this.pipeline = corePipeline().createPipelineFromOptions({ retryOptions: { maxRetries: 2, retryDelayInMs: 500, maxRetryDelayInMs: 4000 } });
  }

  /** One token request at a time (single-flight); the oid names the identity in remedies. */
  private async bearer(signal: AbortSignal): Promise<string> {
    if (this.cached && this.cached.until > Date.now()) return this.cached.token;
    this.pending ??= this.access.credential
      .getToken(`${this.access.resource}/.default`, { abortSignal: signal })
      .then((t) => {
        if (!t) throw new GraphError('the monitor identity returned no token for Microsoft Graph', null, 'NoToken');
        this.cached = { token: t.token, until: t.expiresOnTimestamp - 60_000 };
        this.monitorObjectId ??= decodeClaims(t.token).oid as string | undefined;
        return t.token;
      })
      .finally(() => (this.pending = undefined));
    return this.pending;
  }

  /** `path` starts with `/v1.0/`. Resolves with any HTTP status; rejects only when no answer came. */
  async request(method: 'GET' | 'POST', path: string, body?: unknown, signal?: AbortSignal): Promise<GraphResponse> {
    const timeout = AbortSignal.timeout(this.access.timeoutMs);
    const abortSignal = signal ? AbortSignal.any([signal, timeout]) : timeout;
    try {
      const token = await this.bearer(abortSignal);
      const { createPipelineRequest, createHttpHeaders } = corePipeline();
      const request = createPipelineRequest({
        url: `${this.access.url}${path}`,
        method,
        headers: createHttpHeaders({ authorization: `Bearer ${token}`, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) }),
        body: body === undefined ? undefined : JSON.stringify(body),
        abortSignal,
      });
      const response = await this.pipeline.sendRequest(httpClient(), request);
      let parsed: unknown = undefined;
      if (response.bodyAsText) {
        try {
          parsed = JSON.parse(response.bodyAsText);
        } catch {
          parsed = response.bodyAsText;
        }
      }
      return { status: response.status, body: parsed };
    } catch (error) {
      if (error instanceof GraphError) throw error;
      if (timeout.aborted) throw new GraphError(`Microsoft Graph (${this.access.url}) did not answer within ${this.access.timeoutMs} ms`, null, 'Timeout', { cause: error });
      const e = error as { code?: string; name?: string; message?: string };
      throw new GraphError(`Microsoft Graph (${this.access.url}) could not be reached: ${outsideText(e.code ?? e.name ?? 'error', 80)}: ${outsideText(e.message)}`, null, e.code ?? e.name ?? 'RequestFailed', { cause: error });
    }
  }
}

/**
 * Graph's error body `{ error: { code, message } }` as a GraphError; its texts clipped where they
 * enter (a 100 KB error message must not become a 100 KB line), whatever their JSON type.
 */
export function graphErrorOf(response: GraphResponse, what: string): GraphError {
  const body = response.body;
  const error = body && typeof body === 'object' ? (body as { error?: unknown }).error : undefined;
  const fields = error && typeof error === 'object' ? (error as { code?: unknown; message?: unknown }) : {};
  const code = outsideText(fields.code, 80);
  const message = outsideText(fields.message);
  return new GraphError(`${what}: Graph answered ${response.status} ${code}${message ? `: ${message}` : ''}`.trim(), response.status, code || `HTTP${response.status}`);
}

/** `passwordCredentials[1].endDateTime`: where in Graph's answer the first problem is. */
export function fieldOf(path: readonly PropertyKey[]): string {
  if (path.length === 0) return 'the answer';
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`)).join('');
}

/**
 * A 200 whose body is not what Microsoft's reference says (zod's first issue), as the read's
 * failure naming the field — one wording for every Graph read (credentials, service health).
 */
export function malformedAnswer(error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] }, body: unknown, what: string): GraphError {
  const issue = error.issues[0]!;
  const got = issue.path.length === 0 ? ` (${body === null ? 'null' : typeof body})` : '';
  return new GraphError(`${what}: Graph answered 200, but ${fieldOf(issue.path)} ${issue.message}${got}`, 200, 'MalformedAnswer');
}
