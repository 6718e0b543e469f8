/** Puts a run's batches on the check queue (created on first use), each send with a timeout. */
import type { QueueClient } from '@azure/storage-queue';
import pLimit from 'p-limit';
import { STORAGE_TIMEOUT_MS } from '../storage/storage-account';
import { BATCH_MESSAGE_VERSION, encodeBatch, fingerprint, type BatchMessage } from './batch-message';
import type { BatchPlan } from './plan-batches';

const PARALLEL = 16;

export async function enqueueBatches(queue: QueueClient, runId: string, configText: string, batches: BatchPlan[], now = new Date()): Promise<BatchMessage[]> {
  await queue.createIfNotExists({ abortSignal: AbortSignal.timeout(STORAGE_TIMEOUT_MS) });
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
  await Promise.all(messages.map((message) => limit(() => queue.sendMessage(encodeBatch(message), { abortSignal: AbortSignal.timeout(STORAGE_TIMEOUT_MS) }))));
  return messages;
}
