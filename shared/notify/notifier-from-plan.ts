/**
 * The notifier of a plan whose config has `notify`: incidents in the Storage account of
 * `AzureWebJobsStorage` (the one the state sink uses), channel secrets read with the monitor's
 * identity, e-mail through the cloud's Graph. One per warm instance, rebuilt when the config or
 * the settings change. NOTIFY_REPEAT_HOURS (default 24) applies unless the config sets repeatHours.
 */
import type { Delivery } from '../report/delivery';
import type { RunPlan } from '../run/plan';
import type { RunReport, Warning } from '../contract/result';
import type { NotifierSink } from './notifier-sink';

// The notifier's SDKs (Storage, Graph) load only for a config with `notify` (lazy, like the sinks).
const build = () => require('./notifier-build') as typeof import('./notifier-build');
/** The Storage connection the Functions host and the state sink use (storage-account.ts). */
const STORAGE_CONNECTION = 'AzureWebJobsStorage';

export const REPEAT_SETTING = 'NOTIFY_REPEAT_HOURS';
export const DEFAULT_REPEAT_HOURS = 24;

export function repeatHours(plan: RunPlan, env: NodeJS.ProcessEnv): number {
  if (plan.notify?.repeatHours) return plan.notify.repeatHours;
  const text = env[REPEAT_SETTING]?.trim();
  if (!text) return DEFAULT_REPEAT_HOURS;
  const hours = Number(text);
  if (!Number.isFinite(hours) || hours <= 0 || hours > 24 * 365) throw new Error(`${REPEAT_SETTING}: "${text}" is not a number of hours above 0`);
  return hours;
}

let warm: { key: string; sink: NotifierSink } | undefined;

/** The delivery with the plan's notifier added (a problem, not a throw, when it cannot be built). */
export function withNotifier(delivery: Delivery, plan: RunPlan, env: NodeJS.ProcessEnv = process.env): Delivery {
  if (!plan.notify) return delivery;
  try {
    const key = JSON.stringify([plan.notify, plan.cloud, plan.keyVaultUrl, env[STORAGE_CONNECTION], env[`${STORAGE_CONNECTION}__accountName`], env[`${STORAGE_CONNECTION}__tableServiceUri`], env[REPEAT_SETTING]]);
    if (warm?.key !== key) warm = { key, sink: build().notifierFromPlan(plan, env) };
    return { ...delivery, sinks: [...delivery.sinks, warm.sink] };
  } catch (error) {
    return { ...delivery, problems: [...delivery.problems, `notify: ${(error as Error).message}`] };
  }
}

/**
 * NOTIFY_CHANNEL_FAILED for this run's report: the channels whose last delivery (an earlier run's)
 * failed. Read within a few seconds or skipped: it never holds up a run.
 */
export async function notifierRunWarnings(delivery: Delivery, timeoutMs = 3000): Promise<Warning[]> {
  const sink = delivery.sinks.find((s): s is NotifierSink => s.name === 'notifier' && 'options' in s);
  if (!sink) return [];
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<Warning[]>((resolve) => (timer = setTimeout(() => resolve([]), timeoutMs)));
  // Its Storage requests stop at the same moment (issue 10): none outlives the wait.
  const budget = { deadlineAt: performance.now() + timeoutMs };
  return Promise.race([build().channelWarnings(sink.options.store, budget).catch(() => []), late]).finally(() => clearTimeout(timer));
}

/** The report with those warnings added (a new object: the run's report is not changed in place). */
export async function withNotifierWarnings(report: RunReport, delivery: Delivery): Promise<RunReport> {
  const extra = await notifierRunWarnings(delivery);
  return extra.length === 0 ? report : { ...report, warnings: [...(report.warnings ?? []), ...extra] };
}
