/**
 * A local Application Insights ingestion endpoint: what the real `applicationinsights` SDK sends
 * (`POST /v2.1/track`, a JSON array of envelopes, sometimes gzipped) is captured for the tests to
 * read. HTTPS only, because the SDK upgrades an http:// IngestionEndpoint to https (docs/SDK-FACTS.md).
 * `mode: 'hang'` accepts each request and never answers: the ingestion outage a flush must survive.
 * `refuse` answers every request with that status (and Retry-After), as a throttled or failing
 * ingestion endpoint does; the body is still captured.
 */
import { createServer } from 'node:https';
import { gunzipSync } from 'node:zlib';
import type { Ca } from './ca';
import { issueServerCert } from './ca';
import { closeServer, listenLoopback, sendJson } from './http-util';

/** One telemetry item as the SDK puts it on the wire (the fields the tests read). */
export interface Envelope {
  name: string;
  time: string;
  iKey: string;
  tags?: Record<string, string>;
  data: { baseType: string; baseData: Record<string, unknown> & { properties?: Record<string, string>; measurements?: Record<string, number> } };
}

export interface IngestionServer {
  /** `InstrumentationKey=...;IngestionEndpoint=https://127.0.0.1:<port>/` */
  connectionString: string;
  url: string;
  envelopes: Envelope[];
  /** Raw request bodies, decompressed (to search for leaked secrets). */
  bodies: string[];
  requests: number;
  /** The Authorization header of each request ('' when absent): Entra ID ingestion sends a bearer token. */
  authorizations: string[];
  mode: 'accept' | 'hang';
  /** When set, every request is answered with this status (429, 500, 503...) instead. */
  refuse: { status: number; retryAfter?: string } | undefined;
  stop(): Promise<void>;
}

export const TEST_INSTRUMENTATION_KEY = '00000000-0000-4000-8000-0000000a1b1c';

export async function startIngestionServer(ca: Ca, options: { mode?: 'accept' | 'hang' } = {}): Promise<IngestionServer> {
  const cert = issueServerCert(ca);
  const state = { envelopes: [] as Envelope[], bodies: [] as string[], authorizations: [] as string[], requests: 0, mode: options.mode ?? 'accept', refuse: undefined as IngestionServer['refuse'] };
  const server = createServer({ cert: cert.certPem, key: cert.keyPem }, (req, res) => {
    state.requests++;
    state.authorizations.push(req.headers.authorization ?? '');
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (state.mode === 'hang') return;
      let raw = Buffer.concat(chunks);
      if (req.headers['content-encoding'] === 'gzip') raw = gunzipSync(raw);
      const text = raw.toString('utf8');
      state.bodies.push(text);
      let items: Envelope[] = [];
      try {
        const parsed = JSON.parse(text) as Envelope | Envelope[];
        items = Array.isArray(parsed) ? parsed : [parsed];
      } catch {
        sendJson(res, 400, { itemsReceived: 0, itemsAccepted: 0, errors: [{ index: 0, statusCode: 400, message: 'not JSON' }] });
        return;
      }
      if (state.refuse) {
        const { status, retryAfter } = state.refuse;
        sendJson(res, status, { itemsReceived: items.length, itemsAccepted: 0, errors: items.map((_, index) => ({ index, statusCode: status, message: `simulated ${status}` })) }, retryAfter ? { 'Retry-After': retryAfter } : {});
        return;
      }
      if (req.url?.startsWith('/v2.1/track') || req.url?.startsWith('/v2/track')) state.envelopes.push(...items);
      sendJson(res, 200, { itemsReceived: items.length, itemsAccepted: items.length, errors: [] });
    });
  });
  const port = await listenLoopback(server);
  const url = `https://127.0.0.1:${port}/`;
  return {
    connectionString: `InstrumentationKey=${TEST_INSTRUMENTATION_KEY};IngestionEndpoint=${url}`,
    url,
    get envelopes() {
      return state.envelopes;
    },
    get bodies() {
      return state.bodies;
    },
    get authorizations() {
      return state.authorizations;
    },
    get requests() {
      return state.requests;
    },
    get mode() {
      return state.mode;
    },
    set mode(mode) {
      state.mode = mode;
    },
    get refuse() {
      return state.refuse;
    },
    set refuse(refuse) {
      state.refuse = refuse;
    },
    stop: () => closeServer(server),
  };
}
