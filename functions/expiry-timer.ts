/**
 * Timer trigger: the daily expiry sweep, on the EXPIRY_SCHEDULE app setting (six-field NCRONTAB),
 * 07:00 UTC every day when absent. It dates every credential in the config (Key Vault and Entra)
 * without logging into any mailbox, raises SecretExpiring events and feeds the notifier.
 */
import { app, type InvocationContext, type Timer } from '@azure/functions';
import { sweepAndDeliver } from './run-from-settings';
import { inertContext } from './inert-context';

export const DEFAULT_EXPIRY_SCHEDULE = '0 0 7 * * *';

export function expirySchedule(env: NodeJS.ProcessEnv = process.env): string {
  return env.EXPIRY_SCHEDULE?.trim() || DEFAULT_EXPIRY_SCHEDULE;
}

export async function expiryTimer(_timer: Timer, hostContext: InvocationContext): Promise<void> {
  const context = inertContext(hostContext);
  const report = await sweepAndDeliver(context);
  for (const c of report.credentials) {
    const line = `${c.app} ${c.status}${c.failure ? ` ${c.failure.code}: ${c.failure.message}` : ''}${c.warnings.map((w) => ` ${w.code}: ${w.message}`).join(';')}`;
    if (c.status === 'failed') context.error(line);
    else if (c.status === 'degraded') context.warn(line);
    else context.log(line);
  }
  for (const w of report.warnings ?? []) context.warn(`${w.code}: ${w.message}`);
  context.log(`expiry sweep ${report.status}: ${report.counts.total} credential(s), ${report.counts.degraded} expiring, ${report.counts.failed} unreadable in ${report.durationMs} ms`);
}

app.timer('expiryTimer', { schedule: expirySchedule(), handler: expiryTimer });
