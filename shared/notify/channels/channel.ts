/**
 * One interface for every notification channel (webhook, Teams, Slack, e-mail): a channel renders
 * a Notification and sends it once. Timeouts and bounded retries live here, once for all of them.
 */
import { request } from 'node:https';
import { clipText } from '../../diagnosis/outside-text';
import { Redactor } from '../../diagnosis/redact';
import type { Notification } from '../notification';
import { ForbiddenAddressError, guardedLookup, type LookupFunction } from './guarded-lookup';

export interface Channel {
  readonly id: string;
  readonly type: 'webhook' | 'teams' | 'slack' | 'email';
  /** One attempt; throws ChannelError. `signal` is this attempt's deadline. */
  send(notification: Notification, signal: AbortSignal): Promise<void>;
}

export class ChannelError extends Error {
  override name = 'ChannelError';
  constructor(
    message: string,
    /** Worth another attempt: a network error, a timeout, 429 or 5xx. */
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface DeliveryPolicy {
  /** Per attempt. */
  timeoutMs: number;
  /** Attempts after the first. */
  retries: number;
  /** Wait before retry n (1-based): backoffMs * n. */
  backoffMs: number;
}

export interface DeliveryOutcome {
  channel: string;
  ok: boolean;
  attempts: number;
  error?: string;
  durationMs: number;
}

/** Sends with a timeout per attempt and bounded retries; never throws. */
export async function deliver(channel: Channel, notification: Notification, policy: DeliveryPolicy): Promise<DeliveryOutcome> {
  const started = performance.now();
  let attempts = 0;
  let last: unknown;
  while (attempts <= policy.retries) {
    attempts++;
    const signal = AbortSignal.timeout(policy.timeoutMs);
    try {
      await channel.send(notification, signal);
      return { channel: channel.id, ok: true, attempts, durationMs: Math.round(performance.now() - started) };
    } catch (error) {
      last = signal.aborted ? new ChannelError(`no answer within ${policy.timeoutMs} ms`, true, { cause: error }) : error;
      if (!(last instanceof ChannelError) || !last.retryable) break;
      if (attempts <= policy.retries) await new Promise((resolve) => setTimeout(resolve, policy.backoffMs * attempts));
    }
  }
  const message = last instanceof Error ? last.message : String(last);
  return { channel: channel.id, ok: false, attempts, error: `${channel.type} channel ${channel.id}: ${message}`, durationMs: Math.round(performance.now() - started) };
}

/** What is kept of a receiver's answer in a message: a line of context. */
const ANSWER_CHARS = 200;

/** What is read of a receiver's answer: enough for a line of context, never an unbounded body. */
const ANSWER_BYTES = 64 * 1024;

/**
 * POST a JSON body to a webhook URL; 2xx is success. The URL is secret: it never enters a message,
 * and neither does any part of it a receiver quotes back (Express answers an unknown route with
 * `Cannot POST /hooks/<the key>`): the receiver's text is scrubbed of the URL's parts, then clipped.
 * A redirect is not followed (the body and its signature would go to wherever the receiver says).
 * node:https rather than fetch: fetch takes no DNS lookup of ours without the undici package, and
 * the connection must refuse a name that resolves to the metadata address (guarded-lookup.ts).
 */
export async function postJson(url: string, body: string, headers: Record<string, string>, signal: AbortSignal, lookup: LookupFunction = guardedLookup()): Promise<void> {
  const host = new URL(url).host;
  let answer: { status: number; text: string };
  try {
    answer = await post(url, body, { 'content-type': 'application/json', ...headers }, signal, lookup);
  } catch (error) {
    if (error instanceof ForbiddenAddressError) throw new ChannelError(error.message, false, { cause: error });
    const code = (error as { code?: string }).code;
    throw new ChannelError(signal.aborted ? 'timed out' : `could not reach ${host}: ${code ?? (error as Error).name}`, true, { cause: error });
  }
  const { status, text } = answer;
  if (status >= 200 && status < 300) return;
  if (status >= 300 && status < 400) {
    throw new ChannelError(`${host} answered ${status}, a redirect: notifications are not sent on to another address; store the receiver's final URL in the channel's secret`, false);
  }
  const retryable = status === 429 || status >= 500;
  const said = receiverText(text, url);
  throw new ChannelError(`${host} answered ${status}${said ? `: ${said}` : ''}`, retryable);
}

/** One POST; resolves with the status and the start of the answer's text (the rest is drained). */
function post(url: string, body: string, headers: Record<string, string>, signal: AbortSignal, lookup: LookupFunction): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const payload = Buffer.from(body, 'utf8');
    // agent: false — a connection of its own each time, so every send asks the guarded lookup; a
    // kept-alive socket from the shared pool could have been opened by a lookup that was not.
    // Notifications are a few per run: the handshake saved would be nothing.
    const req = request(url, { method: 'POST', headers: { ...headers, 'content-length': String(payload.length) }, signal, lookup: lookup as never, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      let kept = 0;
      res.on('data', (chunk: Buffer) => {
        // Read to the end so the connection is released; keep only the start.
        if (kept < ANSWER_BYTES) chunks.push(chunk.subarray(0, ANSWER_BYTES - kept));
        kept += chunk.length;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** A receiver's answer as a message may quote it: without the URL's secret parts, at most a line. */
export function receiverText(text: string, url: string): string {
  const redactor = new Redactor();
  redactor.addUrl(url);
  // Scrubbed before the final cut, on a prefix long enough that no secret starting in the shown
  // part is cut through (a percent-encoded key would defeat the word-boundary cut alone).
  return clipText(redactor.scrub(clipText(text, ANSWER_CHARS * 10)), ANSWER_CHARS);
}
