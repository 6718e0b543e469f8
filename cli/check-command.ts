import type { Config } from '../shared/config/schema';
import { ConfigError } from '../shared/config/config-error';
import { planRun } from '../shared/run/plan';
import { runChecks, type RunOptions } from '../shared/run/run-checks';
import { loadConfig, reportConfigError } from './load-config';
import { printReport, progressLine } from './output';

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
    if (error instanceof ConfigError) return reportConfigError(error, Boolean(options.json));
    throw error;
  }
  return runAndPrint(config, options);
}

export async function runAndPrint(config: Config, options: CheckOptions, runOptions: RunOptions = {}): Promise<number> {
  let plan;
  try {
    plan = planRun(config, options.mailbox ?? []);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return 3;
  }
  const progress = progressLine(plan.mailboxes.length);
  const { report } = await runChecks(plan, { ...runOptions, onResult: progress ? (_r, done) => progress(done) : undefined });
  return printReport(report, { json: options.json });
}
