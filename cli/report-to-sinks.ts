/**
 * `check` reports to the same sinks as the Functions when their settings are in the environment
 * (APPLICATIONINSIGHTS_CONNECTION_STRING for a cron job on a Linux box). Without them nothing is
 * loaded: the SDKs are required only by a configured sink.
 */
import { ConfigError } from '../shared/config/config-error';
import type { Config } from '../shared/config/schema';
import type { RunReport } from '../shared/contract/result';
import { deliverMonitorError, deliverRun, deliverSweep, type Delivery, type DeliveryOutcome } from '../shared/report/delivery';
import { withNotifier } from '../shared/notify/notifier-from-plan';
import type { ExpiryReport } from '../shared/run/expiry-sweep';
import { newRunContext } from '../shared/report/sink';
import { sinksFromEnv } from '../shared/report/sinks-from-env';
import type { RunPlan } from '../shared/run/plan';
import { loadConfig, reportConfigError } from './load-config';
import { inert } from '../shared/diagnosis/outside-text';

/**
 * The configured sinks, built (and their SDKs loaded) before the run, so that what follows the
 * printed report is only delivery, bounded by the flush timeout. With a plan whose config has
 * `notify`, the notifier too (its incidents need AzureWebJobsStorage).
 */
export function cliSinks(plan?: RunPlan): Delivery {
  const delivery = plan ? withNotifier(sinksFromEnv(process.env), plan) : sinksFromEnv(process.env);
  for (const problem of delivery.problems) process.stderr.write(`telemetry setting ignored: ${inert(problem)}\n`);
  return delivery;
}

async function deliver(delivery: Delivery, send: () => Promise<DeliveryOutcome>): Promise<void> {
  if (delivery.sinks.length === 0) return;
  const outcome = await send();
  for (const error of outcome.errors) process.stderr.write(`telemetry: ${inert(error)}\n`);
  // An ingestion endpoint that never answers keeps a socket open after the flush timeout: main()
  // ends the process once nothing but such leftovers is pending.
}

export function reportRun(delivery: Delivery, report: RunReport, plan: RunPlan): Promise<void> {
  return deliver(delivery, () => deliverRun(delivery, report, plan, newRunContext('cli')));
}

/** The expiry sweep to the sinks that take credentials (SecretExpiring events, the notifier). */
export function reportSweep(delivery: Delivery, report: ExpiryReport, plan: RunPlan): Promise<void> {
  return deliver(delivery, () => deliverSweep(delivery, report, plan, newRunContext('sweep')));
}

export function reportMonitorError(delivery: Delivery, error: Error): Promise<void> {
  return deliver(delivery, () => deliverMonitorError(delivery, error, newRunContext('cli')));
}

/**
 * The config named on the command line, or the exit code after a bad one was printed and
 * delivered as the monitor's own failure (for Application Insights: an exception, no availability).
 */
export async function loadConfigOrReport(options: { config?: string; json?: boolean }): Promise<{ config: Config } | { code: number }> {
  try {
    return { config: loadConfig(options.config) };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const code = await reportConfigError(error, Boolean(options.json));
    await reportMonitorError(cliSinks(), error);
    return { code };
  }
}
