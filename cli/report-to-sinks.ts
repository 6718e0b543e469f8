/**
 * `check` reports to the same sinks as the Functions when their settings are in the environment
 * (APPLICATIONINSIGHTS_CONNECTION_STRING for a cron job on a Linux box). Without them nothing is
 * loaded: the SDKs are required only by a configured sink.
 */
import type { RunReport } from '../shared/contract/result';
import { deliverMonitorError, deliverRun, type DeliveryOutcome } from '../shared/report/delivery';
import { newRunContext } from '../shared/report/sink';
import { sinksFromEnv } from '../shared/report/sinks-from-env';
import type { RunPlan } from '../shared/run/plan';

async function deliver(send: (delivery: ReturnType<typeof sinksFromEnv>) => Promise<DeliveryOutcome>): Promise<void> {
  const delivery = sinksFromEnv(process.env);
  for (const problem of delivery.problems) process.stderr.write(`telemetry setting ignored: ${problem}\n`);
  if (delivery.sinks.length === 0) return;
  const outcome = await send(delivery);
  for (const error of outcome.errors) process.stderr.write(`telemetry: ${error}\n`);
  // An ingestion endpoint that never answers keeps a socket open long after the flush timeout:
  // the process ends anyway once nothing but such leftovers is pending (the timer is unref'd, so
  // a process with nothing pending exits at once, with the exit code already set).
  setTimeout(() => process.exit(), 200).unref();
}

export function reportRun(report: RunReport, plan: RunPlan): Promise<void> {
  return deliver((delivery) => deliverRun(delivery, report, plan, newRunContext('cli')));
}

export function reportMonitorError(error: Error): Promise<void> {
  return deliver((delivery) => deliverMonitorError(delivery, error, newRunContext('cli')));
}
