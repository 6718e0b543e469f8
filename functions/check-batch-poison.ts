/**
 * Poison-queue trigger: a batch whose check threw maxDequeueCount times (host.json) lands here.
 * It is reported, never silently dropped: an exception to the sinks with the run id and mailbox
 * ids (so the "monitor broke" alert fires, not a mailbox's availability alert), an error log, and
 * each of its mailboxes marked "not checked" in the state, which the status page shows.
 */
import { randomUUID } from 'node:crypto';
import { app, type InvocationContext } from '@azure/functions';
import { parseBatch, type BatchMessage } from '../shared/fanout/batch-message';
import { POISON_QUEUE } from '../shared/fanout/fanout-settings';
import { newRunContext, type RunContext } from '../shared/report/sink';
import { stateConfigured, stateStoreFromSettings } from '../shared/report/state-sink';
import { STORAGE_CONNECTION } from '../shared/storage/storage-account';
import { configFromSettings } from './run-from-settings';
import { deliverMonitorError } from '../shared/report/delivery';
import { warmSinksFromEnv } from '../shared/report/sinks-from-env';

async function report(error: Error, run: RunContext, properties: Record<string, string>, context: InvocationContext, env: NodeJS.ProcessEnv): Promise<void> {
  const outcome = await deliverMonitorError(warmSinksFromEnv(env), error, run, properties);
  for (const problem of outcome.errors) context.warn(`telemetry: ${problem}`);
}

export async function checkBatchPoison(queueItem: unknown, context: InvocationContext, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  let message: BatchMessage;
  try {
    message = parseBatch(queueItem);
  } catch (error) {
    // Not a batch we wrote: report it as it is, there are no mailboxes to mark.
    const text = typeof queueItem === 'string' ? queueItem : JSON.stringify(queueItem);
    const bad = new Error(`an unreadable message was dead-lettered on ${POISON_QUEUE}: ${(error as Error).message}; message: ${text.slice(0, 200)}`);
    context.error(bad.message);
    await report(bad, newRunContext('queue', env), { queue: POISON_QUEUE }, context, env);
    return;
  }
  const attempts = context.triggerMetadata?.dequeueCount;
  const reason = `batch ${message.batch}/${message.batches} of run ${message.runId} (app ${message.app}) failed on every attempt and was dead-lettered at ${new Date().toISOString()}; see the checkBatch errors of that run`;
  const error = new Error(`dead batch: ${reason}; ${message.mailboxes.length} mailbox(es) not checked: ${message.mailboxes.join(', ')}`);
  error.name = 'DeadBatch';
  context.error(error.message);
  const run = newRunContext('queue', env, message.runId);
  await report(error, run, { runId: message.runId, app: message.app, batch: `${message.batch}/${message.batches}`, mailboxes: message.mailboxes.join(','), enqueuedAt: message.enqueuedAt, ...(attempts ? { dequeueCount: String(attempts) } : {}) }, context, env);
  if (!stateConfigured(env)) return;
  // The config may be what broke the batch: mark the ids even when it cannot be read.
  const known = new Map<string, { address: string; app: string }>();
  try {
    for (const m of configFromSettings(env).config.mailboxes) known.set(m.id, { address: m.address, app: m.app });
  } catch {
    context.warn('the config cannot be read; marking the dead batch\'s mailboxes by id only');
  }
  const refs = message.mailboxes.map((id) => ({ id, address: known.get(id)?.address ?? '', app: known.get(id)?.app ?? message.app }));
  // A Storage failure here throws, so the host retries this message rather than losing the mark.
  await stateStoreFromSettings(env).markNotChecked(refs, reason, { ...run, runId: message.runId || randomUUID() });
}

app.storageQueue('checkBatchPoison', { queueName: POISON_QUEUE, connection: STORAGE_CONNECTION, handler: (item, context) => checkBatchPoison(item, context) });
