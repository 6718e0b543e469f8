/** Timer trigger: checks every mailbox on the schedule in the CHECK_SCHEDULE app setting. */
import { app, type InvocationContext, type Timer } from '@azure/functions';
import { runFromSettings } from './run-from-settings';

export async function checkTimer(_timer: Timer, context: InvocationContext): Promise<void> {
  const report = await runFromSettings();
  for (const result of report.results) {
    const line = `${result.mailbox} ${result.status}${result.failure ? ` ${result.failure.code} (${result.failure.phase}): ${result.failure.message}` : ''}`;
    if (result.status === 'failed') context.error(line);
    else if (result.status === 'degraded') context.warn(line);
    else context.log(line);
  }
  context.log(`run ${report.status}: ${report.counts.ok} ok, ${report.counts.degraded} degraded, ${report.counts.failed} failed in ${report.durationMs} ms`);
}

app.timer('checkTimer', { schedule: '%CHECK_SCHEDULE%', handler: checkTimer });
