/**
 * What every Function does: load the config from the app setting once per warm instance, run
 * the checks, and hand the run to the configured sinks (Application Insights, …) within the
 * flush timeout. Secrets are cached briefly across warm runs; tokens through MSAL's cache.
 */
import type { InvocationContext } from '@azure/functions';
import { loadConfigFromSetting } from '../shared/config/load';
import type { Config } from '../shared/config/schema';
import type { RunReport } from '../shared/contract/result';
import { deliverMonitorError, deliverRun, deliverSweep, type Delivery, type DeliveryOutcome } from '../shared/report/delivery';
import { newRunContext, type RunContext, type Trigger } from '../shared/report/sink';
import { warmSinksFromEnv } from '../shared/report/sinks-from-env';
import { planRun, type RunPlan } from '../shared/run/plan';
import { runChecks } from '../shared/run/run-checks';
import { sweepExpiry, type ExpiryReport } from '../shared/run/expiry-sweep';
import { withNotifier, withNotifierWarnings } from '../shared/notify/notifier-from-plan';

let cached: { text: string; config: Config } | undefined;

/** The config of the app setting and its text (queue batches fingerprint it), parsed once per change. */
export function configFromSettings(env: NodeJS.ProcessEnv = process.env): { text: string; config: Config } {
  const text = env.MAILBOX_HEALTH_CONFIG ?? '';
  if (cached?.text !== text) cached = { text, config: loadConfigFromSetting(env) };
  return cached;
}

function config(env: NodeJS.ProcessEnv): Config {
  return configFromSettings(env).config;
}

/** The plan for the app setting's config: throws ConfigError, or an unknown-mailbox Error. */
export function planFromSettings(only: string[] = [], env: NodeJS.ProcessEnv = process.env): RunPlan {
  return planRun(config(env), only);
}

function logDelivery(context: InvocationContext, delivery: Delivery, outcome: DeliveryOutcome): void {
  for (const problem of delivery.problems) context.warn(`telemetry setting ignored: ${problem}`);
  for (const error of outcome.errors) context.warn(`telemetry: ${error}`);
}

/**
 * The plan and the sinks of an invocation. A bad config is delivered as the monitor's own failure
 * (an exception, no availability results) and then thrown to the caller.
 */
async function planAndSinks(context: InvocationContext, run: RunContext, env: NodeJS.ProcessEnv): Promise<{ plan: RunPlan; delivery: Delivery }> {
  const delivery = warmSinksFromEnv(env);
  let plan: RunPlan;
  try {
    plan = planFromSettings([], env);
  } catch (error) {
    logDelivery(context, delivery, await deliverMonitorError(delivery, error as Error, run));
    throw error;
  }
  return { plan, delivery: withNotifier(delivery, plan, env) };
}

/**
 * Runs the configured checks and delivers the run. A bad config is delivered as the monitor's
 * own failure (an exception, no availability results) and then thrown to the caller.
 */
export async function checkAndDeliver(
  trigger: Trigger,
  context: InvocationContext,
  options: { env?: NodeJS.ProcessEnv; onReport?: (report: RunReport) => void } = {},
): Promise<{ report: RunReport; plan: RunPlan; delivered: DeliveryOutcome }> {
  const env = options.env ?? process.env;
  const run = newRunContext(trigger, env);
  const { plan, delivery } = await planAndSinks(context, run, env);
  let report: RunReport;
  try {
    ({ report } = await runChecks(plan, { env, warmSecretCache: true }));
    report = await withNotifierWarnings(report, delivery);
  } catch (error) {
    // The engine classifies every mailbox's failure itself: only a monitor bug lands here.
    logDelivery(context, delivery, await deliverMonitorError(delivery, error as Error, run));
    throw error;
  }
  // The invocation's own logs first: delivery may take up to the flush timeout.
  options.onReport?.(report);
  const delivered = await deliverRun(delivery, report, plan, run);
  logDelivery(context, delivery, delivered);
  return { report, plan, delivered };
}

/**
 * The expiry sweep from the app settings: every credential dated (Key Vault and Entra), no
 * mailbox logged into, and the result delivered to the sinks that take credentials
 * (SecretExpiring events, the notifier's credential incidents).
 */
export async function sweepAndDeliver(context: InvocationContext, env: NodeJS.ProcessEnv = process.env): Promise<ExpiryReport> {
  const run = newRunContext('sweep', env);
  const { plan, delivery } = await planAndSinks(context, run, env);
  const report = await sweepExpiry(plan, { env });
  logDelivery(context, delivery, await deliverSweep(delivery, report, plan, run));
  return report;
}
