import type { Config } from '../shared/config/schema';
import { ConfigError } from '../shared/config/config-error';
import { planRun } from '../shared/run/plan';
import { runChecks, type RunOptions } from '../shared/run/run-checks';
import { loadConfig, reportConfigError } from './load-config';
import { printReport, progressLine } from './output';
import type { Delivery } from '../shared/report/delivery';
import { cliSinks, reportMonitorError, reportRun } from './report-to-sinks';

export interface CheckOptions {
  config?: string;
  json?: boolean;
  mailbox?: string[];
}

export async function checkCommand(options: CheckOptions): Promise<number> {
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
  return runAndPrint(config, options, {}, cliSinks());
}

/** `sinks`: where the run is delivered besides stdout (none for the demo's simulated tenant). */
export async function runAndPrint(config: Config, options: CheckOptions, runOptions: RunOptions = {}, sinks?: Delivery): Promise<number> {
  let plan;
  try {
    plan = planRun(config, options.mailbox ?? []);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return 3;
  }
  const progress = progressLine(plan.mailboxes.length);
  const run = await runChecks(plan, { ...runOptions, onResult: progress ? (_r, done) => progress(done) : undefined });
  const code = await printReport(run.report, { json: options.json });
  if (sinks) await reportRun(sinks, run.report, plan);
  return code;
}
