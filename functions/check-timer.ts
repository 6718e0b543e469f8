/**
 * Timer trigger: checks every mailbox on the schedule in the CHECK_SCHEDULE app setting (a
 * six-field NCRONTAB expression), every 5 minutes (DEFAULT_SCHEDULE) when the setting is absent,
 * and reports the run to the configured sinks. Past FANOUT_THRESHOLD mailboxes the run is fanned
 * out as batches on the check queue instead (fan-out.ts); either way old history is purged.
 */
import { app, type InvocationContext, type Timer } from '@azure/functions';
import type { RunReport } from '../shared/contract/result';
import { fanOutIfLarge, purgeState } from './fan-out';
import { checkAndDeliver } from './run-from-settings';
import { inertContext } from './inert-context';

export const DEFAULT_SCHEDULE = '0 */5 * * * *';

/**
 * Read when the worker loads this file (app settings are its environment; changing one restarts
 * the app). A `%CHECK_SCHEDULE%` binding expression would make a missing setting an indexing
 * error instead of a default.
 */
export function timerSchedule(env: NodeJS.ProcessEnv = process.env): string {
  return env.CHECK_SCHEDULE?.trim() || DEFAULT_SCHEDULE;
}

export async function checkTimer(_timer: Timer, hostContext: InvocationContext): Promise<void> {
  const context = inertContext(hostContext);
  const delivered = (await fanOutIfLarge(context)) ? undefined : (await checkAndDeliver('timer', context, { onReport: (report) => logReport(report, context) })).delivered;
  // Table Storage has just failed this run's state write (down, hanging, throttling): a purge now
  // would only wait out the same fault for another flush timeout. A later run purges instead.
  if (delivered?.failedSinks.includes('state')) {
    context.warn('state: history purge skipped: Table Storage failed this run\'s state write; a later run purges');
    return;
  }
  await purgeState(context);
}

function logReport(report: RunReport, context: InvocationContext): void {
  for (const result of report.results) {
    const line = `${result.mailbox} ${result.status}${result.failure ? ` ${result.failure.code} (${result.failure.phase}): ${result.failure.message}` : ''}`;
    if (result.status === 'failed') context.error(line);
    else if (result.status === 'degraded') context.warn(line);
    else context.log(line);
  }
  context.log(`run ${report.status}: ${report.counts.ok} ok, ${report.counts.degraded} degraded, ${report.counts.failed} failed in ${report.durationMs} ms`);
}

app.timer('checkTimer', { schedule: timerSchedule(), handler: checkTimer });
