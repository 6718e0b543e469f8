/**
 * `mailbox-health expiry`: the expiry sweep on the command line — every credential's Key Vault and
 * Entra dates, no mailbox logged into. Exit codes as for `check`: 0 all far from expiry, 1 some
 * expiring or inconsistent, 2 some unreadable, 3 bad config or a monitor bug.
 */
import { renderExpiryTable } from '../shared/report/expiry-table';
import { sweepExitCode, sweepExpiry } from '../shared/run/expiry-sweep';
import { planRun } from '../shared/run/plan';
import { writeText } from './output-stream';
import { cliSinks, loadConfigOrReport, reportSweep } from './report-to-sinks';

export async function expiryCommand(options: { config?: string; json?: boolean }): Promise<number> {
  const loaded = await loadConfigOrReport(options);
  if ('code' in loaded) return loaded.code;
  const { config } = loaded;
  const plan = planRun(config);
  const delivery = cliSinks(plan);
  const report = await sweepExpiry(plan);
  await writeText(process.stdout, options.json ? JSON.stringify(report, null, 2) + '\n' : renderExpiryTable(report));
  await reportSweep(delivery, report, plan);
  return sweepExitCode(report);
}
