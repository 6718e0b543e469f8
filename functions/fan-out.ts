/**
 * The timer's two Storage chores: past FANOUT_THRESHOLD mailboxes, the run is split into batches
 * on the check queue instead of being checked inline (check-batch picks them up, and Azure
 * Functions scales those consumers out); and history older than HISTORY_DAYS is removed.
 */
import { randomUUID } from 'node:crypto';
import type { InvocationContext } from '@azure/functions';
import { enqueueBatches } from '../shared/fanout/enqueue-batches';
import { CHECK_QUEUE, fanoutSettings, shouldFanOut } from '../shared/fanout/fanout-settings';
import { planBatches } from '../shared/fanout/plan-batches';
import { DEFAULT_FLUSH_TIMEOUT_MS, flushTimeoutMs } from '../shared/report/sinks-from-env';
import { stateConfigured, stateStoreFromSettings } from '../shared/report/state-sink';
import { planRun } from '../shared/run/plan';
import { queueClient, storageAccount, STORAGE_TIMEOUT_MS } from '../shared/storage/storage-account';
import { configFromSettings } from './run-from-settings';

/**
 * The whole enqueue (queue creation and every batch) is over by then: a queue endpoint that hangs
 * costs the timer invocation at most this long (issue 10). Twice a request's timeout, so one slow
 * answer still leaves room for the rest.
 */
export const ENQUEUE_TIMEOUT_MS = 2 * STORAGE_TIMEOUT_MS;

/**
 * True when the run was fanned out (nothing left to check inline). When not every batch reached
 * the queue by ENQUEUE_TIMEOUT_MS, logs an error naming the queue and how many did, and throws:
 * the invocation fails, so the host's failure count and alerts see it.
 */
export async function fanOutIfLarge(context: InvocationContext, env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  const settings = fanoutSettings(env);
  let loaded: ReturnType<typeof configFromSettings>;
  try {
    loaded = configFromSettings(env);
  } catch {
    // A bad config is the inline run's to report (an exception through the sinks), not ours.
    return false;
  }
  const { config, text } = loaded;
  const plan = planRun(config);
  if (!shouldFanOut(plan.mailboxes.length, settings)) return false;
  const runId = randomUUID();
  const budget = { deadlineAt: performance.now() + ENQUEUE_TIMEOUT_MS };
  let messages: Awaited<ReturnType<typeof enqueueBatches>>;
  try {
    // The SDK does not retry: storageCall does, within the deadline.
    messages = await enqueueBatches(queueClient(storageAccount(env), CHECK_QUEUE, 1), runId, text, planBatches(plan, settings.batchSize), budget);
  } catch (error) {
    context.error(`fan-out: ${(error as Error).message}`);
    throw error;
  }
  const apps = new Set(messages.map((m) => m.app)).size;
  context.log(`run ${runId}: ${plan.mailboxes.length} mailboxes of ${apps} app(s) fanned out as ${messages.length} batch(es) of at most ${settings.batchSize} on queue ${CHECK_QUEUE}`);
  return true;
}

const MIN_PURGE_MS = 1000;

/**
 * Removes history past HISTORY_DAYS when due; a failure is logged, never fails the run. The whole
 * purge runs within the flush timeout (TELEMETRY_FLUSH_TIMEOUT_SECONDS), its requests stopped at
 * that deadline: a hanging Storage costs the invocation that long after its results went out, not
 * a request timeout per call (issue 10). What a cut-short purge left is removed by a later one.
 */
export async function purgeState(context: InvocationContext, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  if (!stateConfigured(env)) return;
  const budgetMs = purgeBudgetMs(env);
  const deadlineAt = performance.now() + budgetMs;
  let timer: NodeJS.Timeout | undefined;
  try {
    const configured = new Set(configFromSettings(env).config.mailboxes.map((m) => m.id));
    const purge = stateStoreFromSettings(env).purgeIfDue(fanoutSettings(env).historyDays, configured, new Date(), { deadlineAt });
    // Also bounds what the store's deadline cannot reach (table creation another caller began).
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(resolve, budgetMs, 'late')));
    const deleted = await Promise.race([purge, late]);
    if (deleted === 'late') {
      purge.catch(() => undefined);
      context.warn(`state: history purge not finished within ${budgetMs} ms (Storage did not answer in time); a later purge removes the rest`);
    } else if (deleted !== undefined) context.log(`state: removed ${deleted} row(s) older than ${fanoutSettings(env).historyDays} day(s)`);
  } catch (error) {
    context.warn(`state: history purge failed: ${(error as Error).message}`);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The run's flush timeout (the default when the setting is unusable: the delivery names that
 * problem), at least a second, so a flush timeout of 0 does not switch purging off.
 */
function purgeBudgetMs(env: NodeJS.ProcessEnv): number {
  try {
    return Math.max(MIN_PURGE_MS, flushTimeoutMs(env));
  } catch {
    return DEFAULT_FLUSH_TIMEOUT_MS;
  }
}
