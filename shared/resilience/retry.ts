/**
 * Bounded retries for transient failures (a 429 or 5xx from Entra or Key Vault, a reset before
 * the IMAP greeting, Exchange's `NO [UNAVAILABLE]`): a five-minute schedule must not raise an
 * alarm for one throttled request. Definitive answers (a wrong secret, a missing grant) are
 * never retried: the caller's `transient` predicate says which is which.
 *
 * Every retry stays inside the phase's budget: the wait honours `Retry-After` (plus a little
 * jitter so a fleet of monitors does not return in step), and when that wait, or the backoff,
 * would end past the budget the last failure is returned as it is, with what was tried.
 */
import { setTimeout as sleep } from 'node:timers/promises';

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/** Three attempts, 200 ms then 400 ms apart (± jitter): a blip is absorbed, an outage is not hidden. */
export const TRANSIENT_RETRIES: RetryPolicy = { maxAttempts: 3, baseDelayMs: 200, maxDelayMs: 2000 };

/** Why a failure may pass if asked again, and how long the server asked us to wait. */
export interface Transient {
  reason: string;
  retryAfterMs?: number;
}

/** What was tried: filled in as the attempts happen, read by the caller whatever the outcome. */
export interface AttemptRecord {
  attempts: number;
  /** The transient failures seen, in order (`HTTP 503`, `HTTP 429 (Retry-After 1 s)`, `ECONNRESET`). */
  transient: string[];
  /** Why no further attempt was made although the last failure was transient. */
  stopped?: string;
}

export interface RetryOptions {
  policy?: RetryPolicy;
  /** performance.now() value by which every attempt and wait must be over. */
  deadlineAt: number;
  /** The least time an attempt needs to be worth starting (e.g. a connect timeout). */
  minAttemptMs?: number;
  transient: (error: unknown) => Transient | undefined;
  signal?: AbortSignal;
  record?: AttemptRecord;
  random?: () => number;
}

export const newRecord = (): AttemptRecord => ({ attempts: 0, transient: [] });

/** `attempt` gets its number (1-based) and the milliseconds left in the budget. */
export async function withRetries<T>(attempt: (n: number, remainingMs: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const policy = options.policy ?? TRANSIENT_RETRIES;
  const record = options.record ?? newRecord();
  const random = options.random ?? Math.random;
  for (;;) {
    record.attempts++;
    const remaining = Math.max(0, options.deadlineAt - performance.now());
    try {
      return await attempt(record.attempts, remaining);
    } catch (error) {
      const transient = options.transient(error);
      if (!transient) throw error;
      record.transient.push(transient.retryAfterMs !== undefined ? `${transient.reason} (Retry-After ${formatMs(transient.retryAfterMs)})` : transient.reason);
      if (record.attempts >= policy.maxAttempts) {
        record.stopped = `gave up after ${record.attempts} attempts`;
        throw error;
      }
      const wait = delayFor(record.attempts, policy, transient.retryAfterMs, random);
      const left = options.deadlineAt - performance.now();
      if (wait + (options.minAttemptMs ?? 0) >= left) {
        record.stopped = transient.retryAfterMs !== undefined && transient.retryAfterMs >= left
          ? `the server asked to wait ${formatMs(transient.retryAfterMs)}, more than the ${formatMs(Math.max(0, left))} left`
          : `no time left for another attempt (${formatMs(Math.max(0, left))} left)`;
        throw error;
      }
      if (options.signal?.aborted) throw error;
      await sleep(wait, undefined, options.signal ? { signal: options.signal } : undefined).catch(() => undefined);
      if (options.signal?.aborted) throw error;
    }
  }
}

/** Equal jitter on an exponential backoff; at least what Retry-After asked for. */
export function delayFor(failedAttempts: number, policy: RetryPolicy, retryAfterMs: number | undefined, random: () => number): number {
  const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (failedAttempts - 1));
  const jittered = backoff / 2 + random() * (backoff / 2);
  return Math.round(retryAfterMs !== undefined ? retryAfterMs + random() * Math.min(policy.baseDelayMs, retryAfterMs / 10 + 1) : jittered);
}

/** `Retry-After` is seconds or an HTTP date (RFC 9110 10.2.3); undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** What a record adds to a failure message: `after 3 attempts (HTTP 503, HTTP 503, HTTP 503)`. */
export function describeAttempts(record: AttemptRecord): string {
  if (record.attempts <= 1 && record.transient.length === 0) return '';
  const seen = record.transient.length ? `: ${record.transient.join(', ')}` : '';
  return ` [${record.attempts} attempt${record.attempts === 1 ? '' : 's'}${seen}${record.stopped ? `; ${record.stopped}` : ''}]`;
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${Math.round(ms)} ms`;
}
