/**
 * Queue trigger: checks one batch of a fanned-out run (one app's mailboxes) with the same engine
 * as an inline run and hands its results to the same sinks, under the run's id. It throws only
 * when the monitor itself cannot run (bad config, Storage down for good): then the host retries
 * the message and, after maxDequeueCount attempts (host.json), moves it to the poison queue,
 * where check-batch-poison reports it. A mailbox's failure is a result, never a throw.
 */
import { app, type InvocationContext } from '@azure/functions';
import { someOf } from '../shared/config/cross-checks';
import { parseBatch } from '../shared/fanout/batch-message';
import { batchPlan } from '../shared/fanout/batch-plan';
import { CHECK_QUEUE } from '../shared/fanout/fanout-settings';
import { STORAGE_CONNECTION } from '../shared/storage/storage-account';
import { newRunContext } from '../shared/report/sink';
import { runChecks } from '../shared/run/run-checks';
import { configFromSettings } from './run-from-settings';
import { deliverRun } from '../shared/report/delivery';
import { warmSinksFromEnv } from '../shared/report/sinks-from-env';
import { inertContext } from './inert-context';

export async function checkBatch(queueItem: unknown, hostContext: InvocationContext, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const context = inertContext(hostContext);
  const message = parseBatch(queueItem);
  const { config, text } = configFromSettings(env);
  const { plan, missing, configChanged } = batchPlan(message, config, text);
  const where = `run ${message.runId} batch ${message.batch}/${message.batches} (app ${message.app}, attempt ${context.triggerMetadata?.dequeueCount ?? 1})`;
  if (missing.length > 0) {
    // Named by their first few only: a message can hold a thousand (#16.11: a bounded log line).
    context.warn(`${where}: the config changed since it was enqueued; not checking ${missing.length} mailbox(es) it no longer has: ${someOf(missing, 10)}`);
  } else if (configChanged) {
    context.log(`${where}: the config changed since it was enqueued; all its mailboxes still exist and are checked with the current config`);
  }
  if (plan.mailboxes.length === 0) return;
  const run = newRunContext('queue', env, message.runId);
  const { report } = await runChecks(plan, { env, warmSecretCache: true });
  context.log(`${where}: ${report.counts.ok} ok, ${report.counts.degraded} degraded, ${report.counts.failed} failed in ${report.durationMs} ms`);
  const delivery = warmSinksFromEnv(env);
  const outcome = await deliverRun(delivery, report, plan, run);
  for (const problem of delivery.problems) context.warn(`telemetry setting ignored: ${problem}`);
  for (const error of outcome.errors) context.warn(`${where}: telemetry: ${error}`);
}

app.storageQueue('checkBatch', { queueName: CHECK_QUEUE, connection: STORAGE_CONNECTION, handler: (item, context) => checkBatch(item, context) });
