/**
 * One Table Storage call with the engine's retry rules (shared/run/retry.ts) instead of the SDK's:
 * a 429 or 5xx, a reset, or an answer cut off part-way is tried again with jittered backoff that
 * honours `Retry-After`, and every attempt and wait ends by the caller's deadline — the run's flush
 * timeout for a sink, or STORAGE_TIMEOUT_MS. The SDK's own policy knows no deadline: it waited out
 * a `Retry-After: 60` long after the delivery had given up, and did not retry an answer cut off
 * part-way (`PARSE_ERROR`, "Error reading response as text: aborted"), so one reset lost a run's
 * state (issue 10).
 */
import { errorCode, TRANSIENT_NETWORK_CODES } from '../diagnosis/network-errors';
import { describeAttempts, newRecord, parseRetryAfter, withRetries, type Transient } from '../resilience/retry';
import { STORAGE_TIMEOUT_MS } from './storage-account';

export class StorageTimeout extends Error {
  override readonly name = 'StorageTimeout';
}

/** When a piece of Storage work must be over (a `performance.now()` value). */
export interface StorageBudget {
  deadlineAt: number;
}

/** A budget of STORAGE_TIMEOUT_MS from now: what a call without a caller's deadline gets. */
export const defaultBudget = (): StorageBudget => ({ deadlineAt: performance.now() + STORAGE_TIMEOUT_MS });

/** Storage's "try again": 408, 429 and the gateway statuses; socket failures; an answer cut off. */
export function transientStorageError(error: unknown): Transient | undefined {
  const e = error as { statusCode?: number; code?: string; message?: string; response?: { headers?: { get?: (name: string) => string | undefined } } };
  if (e?.statusCode !== undefined && [408, 429, 500, 502, 503, 504].includes(e.statusCode)) {
    return { reason: `HTTP ${e.statusCode}`, retryAfterMs: parseRetryAfter(e.response?.headers?.get?.('retry-after')) };
  }
  // The body stream ended early ("aborted"): the SDK reports a parse error, but nothing was malformed.
  if (e?.code === 'PARSE_ERROR' && /^Error reading response as text: (aborted|.*ECONNRESET|socket hang up)/.test(e.message ?? '')) return { reason: 'answer cut off' };
  const code = errorCode(error);
  return code && TRANSIENT_NETWORK_CODES.has(code) ? { reason: code } : undefined;
}

/**
 * `op` with an abort signal that fires at the deadline (or after STORAGE_TIMEOUT_MS, whichever is
 * first), retried while transient and time is left. A transient failure it gave up on names its
 * attempts; a definitive answer (404, 409, 412) is thrown as the SDK's RestError, for the caller.
 * `service` names what did not answer (Table Storage, a queue) in the timeout's message.
 */
export async function storageCall<T>(budget: StorageBudget, op: (options: { abortSignal: AbortSignal }) => Promise<T>, service = 'Table Storage'): Promise<T> {
  const record = newRecord();
  try {
    return await withRetries(
      async (_n, remainingMs) => {
        const ms = Math.max(1, Math.min(STORAGE_TIMEOUT_MS, Math.round(remainingMs)));
        const abortSignal = AbortSignal.timeout(ms);
        try {
          return await op({ abortSignal });
        } catch (error) {
          // The SDK says only "The operation was aborted": say what ran out.
          if (abortSignal.aborted) throw new StorageTimeout(`no answer from ${service} within ${ms} ms`, { cause: error });
          throw error;
        }
      },
      { deadlineAt: budget.deadlineAt, transient: transientStorageError, record },
    );
  } catch (error) {
    const attempts = describeAttempts(record);
    if (!attempts || !transientStorageError(error)) throw error;
    throw new Error(`${error instanceof Error ? error.message : String(error)}${attempts}`, { cause: error });
  }
}
