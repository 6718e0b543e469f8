/**
 * Puts a run's batches on the check queue (created on first use). Every request goes through
 * storageCall (issue 10): a 429, a 5xx or a reset is retried with jittered backoff that honours
 * `Retry-After`, and every attempt and wait ends by the deadline, so a queue endpoint that hangs
 * costs the timer invocation that long, not the SDK's retries of a request timeout each.
 */
import type { QueueClient } from '@azure/storage-queue';
import pLimit from 'p-limit';
import { storageCall, type StorageBudget } from '../storage/storage-call';
import { BATCH_MESSAGE_VERSION, encodeBatch, fingerprint, type BatchMessage } from './batch-message';
import type { BatchPlan } from './plan-batches';

const PARALLEL = 16;

/** Not every batch reached the queue by the deadline: says how many did, and why the rest did not. */
export class EnqueueError extends Error {
  override readonly name = 'EnqueueError';
  constructor(
    message: string,
    readonly enqueued: number,
    readonly batches: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export async function enqueueBatches(queue: QueueClient, runId: string, configText: string, batches: BatchPlan[], budget: StorageBudget, now = new Date()): Promise<BatchMessage[]> {
  const where = `queue ${queue.name}`;
  try {
    await storageCall(budget, (o) => queue.createIfNotExists(o), where);
  } catch (error) {
    throw new EnqueueError(`${where}: none of ${batches.length} batch(es) of run ${runId} enqueued: ${(error as Error).message}`, 0, batches.length, { cause: error });
  }
  const config = fingerprint(configText);
  const messages: BatchMessage[] = batches.map((batch, i) => ({
    v: BATCH_MESSAGE_VERSION,
    runId,
    config,
    app: batch.app,
    mailboxes: batch.mailboxes,
    batch: i + 1,
    batches: batches.length,
    enqueuedAt: now.toISOString(),
  }));
  const limit = pLimit(PARALLEL);
  // A retried send after a lost answer may put a batch on twice: check-batch checks it twice, which
  // costs a login, never a result (the later one wins in the state store).
  const sent = await Promise.allSettled(messages.map((message) => limit(() => storageCall(budget, (o) => queue.sendMessage(encodeBatch(message), o), where))));
  const failed = sent.filter((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed.length > 0) {
    const enqueued = sent.length - failed.length;
    throw new EnqueueError(`${where}: ${enqueued} of ${batches.length} batch(es) of run ${runId} enqueued, ${failed.length} not: ${(failed[0]!.reason as Error).message}`, enqueued, batches.length, { cause: failed[0]!.reason });
  }
  return messages;
}
