/**
 * `mailbox-health expiry`: the expiry sweep on the command line — every credential's Key Vault and
 * Entra dates, no mailbox logged into. Exit codes as for `check`: 0 all far from expiry, 1 some
 * expiring or inconsistent, 2 some unreadable, 3 bad config or a monitor bug.
 */
import { ConfigError } from '../shared/config/config-error';
import type { Config } from '../shared/config/schema';
import { writeComplete } from '../shared/report/json';
import { renderExpiryTable } from '../shared/report/expiry-table';
import { sweepExitCode, sweepExpiry } from '../shared/run/expiry-sweep';
import { planRun } from '../shared/run/plan';
import { loadConfig, reportConfigError } from './load-config';
import { cliSinks, reportMonitorError, reportSweep } from './report-to-sinks';

export async function expiryCommand(options: { config?: string; json?: boolean }): Promise<number> {
  let config: Config;
  try {
    config = loadConfig(options.config);
  } catch (error) {
    if (error instanceof ConfigError) {
      const code = await reportConfigError(error, Boolean(options.json));
      await reportMonitorError(cliSinks(), error);
      return code;
    }
    throw error;
  }
  const plan = planRun(config);
  const delivery = cliSinks(plan);
  const report = await sweepExpiry(plan);
  await writeComplete(process.stdout, options.json ? JSON.stringify(report, null, 2) + '\n' : renderExpiryTable(report));
  await reportSweep(delivery, report, plan);
  return sweepExitCode(report);
}
