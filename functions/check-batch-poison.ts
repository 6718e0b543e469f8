/**
 * Poison-queue trigger: a batch whose check threw maxDequeueCount times (host.json) lands here.
 * It is reported, never silently dropped: an exception to the sinks with the run id and mailbox
 * ids (so the "monitor broke" alert fires, not a mailbox's availability alert), an error log, and
 * each of its mailboxes marked "not checked" in the state, which the status page shows.
 */
import { randomUUID } from 'node:crypto';
import { app, type InvocationContext } from '@azure/functions';
import { someOf } from '../shared/config/cross-checks';
import { excerpt } from '../shared/config/fields';
import { parseBatch, type BatchMessage } from '../shared/fanout/batch-message';
import { POISON_QUEUE } from '../shared/fanout/fanout-settings';
import { newRunContext, type RunContext } from '../shared/report/sink';
import { stateConfigured, stateStoreFromSettings } from '../shared/report/state-sink';
import { STORAGE_CONNECTION } from '../shared/storage/storage-account';
import { configFromSettings } from './run-from-settings';
import { deliverMonitorError } from '../shared/report/delivery';
import { warmSinksFromEnv } from '../shared/report/sinks-from-env';
import { inertContext } from './inert-context';

async function report(error: Error, run: RunContext, properties: Record<string, string>, context: InvocationContext, env: NodeJS.ProcessEnv): Promise<void> {
  const outcome = await deliverMonitorError(warmSinksFromEnv(env), error, run, properties);
  for (const problem of outcome.errors) context.warn(`telemetry: ${problem}`);
}

export async function checkBatchPoison(queueItem: unknown, hostContext: InvocationContext, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const context = inertContext(hostContext);
  let message: BatchMessage;
  try {
    message = parseBatch(queueItem);
  } catch (error) {
    // Not a batch we wrote: report it as it is, there are no mailboxes to mark.
    const text = typeof queueItem === 'string' ? queueItem : (JSON.stringify(queueItem) ?? String(queueItem));
    // Its start only, escaped: the message is whatever someone wrote to the queue (#16.11).
    const bad = new Error(`an unreadable message was dead-lettered on ${POISON_QUEUE}: ${(error as Error).message}; message: "${excerpt(text, 200)}"`);
    context.error(bad.message);
    await report(bad, newRunContext('queue', env), { queue: POISON_QUEUE }, context, env);
    return;
  }
  const attempts = context.triggerMetadata?.dequeueCount;
  const reason = `batch ${message.batch}/${message.batches} of run ${message.runId} (app ${message.app}) failed on every attempt and was dead-lettered at ${new Date().toISOString()}; see the checkBatch errors of that run`;
  // The ids are named by their first few: a batch holds up to a thousand (#16.11: bounded lines).
  const error = new Error(`dead batch: ${reason}; ${message.mailboxes.length} mailbox(es) not checked: ${someOf(message.mailboxes, 20)}`);
  error.name = 'DeadBatch';
  context.error(error.message);
  const run = newRunContext('queue', env, message.runId);
  await report(error, run, { runId: message.runId, app: message.app, batch: `${message.batch}/${message.batches}`, mailboxes: someOf(message.mailboxes, 100), enqueuedAt: message.enqueuedAt, ...(attempts ? { dequeueCount: String(attempts) } : {}) }, context, env);
  if (!stateConfigured(env)) return;
  let known: Map<string, { address: string; app: string }> | undefined;
  try {
    known = new Map(configFromSettings(env).config.mailboxes.map((m) => [m.id, { address: m.address, app: m.app }]));
  } catch {
    // The config may be what broke the batch: mark the ids even when it cannot be read (parseBatch
    // made sure each is a well-formed mailbox id).
    context.warn('the config cannot be read; marking the dead batch\'s mailboxes by id only');
  }
  // Ids the config does not have get no row (#16.11): a forged message would otherwise list
  // mailboxes nobody configured under "No longer configured".
  const ids = known ? message.mailboxes.filter((id) => known.has(id)) : message.mailboxes;
  const unknown = message.mailboxes.length - ids.length;
  if (unknown > 0) context.warn(`dead batch of run ${message.runId}: ${unknown} of its mailbox id(s) are not in the config and are not marked: ${someOf(message.mailboxes.filter((id) => !known!.has(id)), 10)}`);
  const refs = ids.map((id) => ({ id, address: known?.get(id)?.address ?? '', app: known?.get(id)?.app ?? message.app }));
  // A Storage failure here throws, so the host retries this message rather than losing the mark.
  await stateStoreFromSettings(env).markNotChecked(refs, reason, { ...run, runId: message.runId || randomUUID() });
}

app.storageQueue('checkBatchPoison', { queueName: POISON_QUEUE, connection: STORAGE_CONNECTION, handler: (item, context) => checkBatchPoison(item, context) });
