import type { Config } from '../shared/config/schema';
import type { RunReport } from '../shared/contract/result';
import { planRun, UnknownMailboxError } from '../shared/run/plan';
import { runChecks, type RunOptions } from '../shared/run/run-checks';
import { interruptOnSignals } from './interrupt';
import { printReport, progressLine, writeJsonBody, writeText } from './output';
import type { Delivery } from '../shared/report/delivery';
import { cliSinks, loadConfigOrReport, reportRun } from './report-to-sinks';
import { withNotifier, withNotifierWarnings } from '../shared/notify/notifier-from-plan';
import { inert } from '../shared/diagnosis/outside-text';

export interface CheckOptions {
  config?: string;
  json?: boolean;
  mailbox?: string[];
  /** Changes the report before it is printed (the demo marks it as one). */
  decorate?: (report: RunReport) => RunReport;
}

export async function checkCommand(options: CheckOptions): Promise<number> {
  const loaded = await loadConfigOrReport(options);
  if ('code' in loaded) return loaded.code;
  const { config } = loaded;
  return runAndPrint(config, options, {}, cliSinks());
}

/** `sinks`: where the run is delivered besides stdout (none for the demo's simulated tenant). */
export async function runAndPrint(config: Config, options: CheckOptions, runOptions: RunOptions = {}, sinks?: Delivery): Promise<number> {
  let plan;
  try {
    plan = planRun(config, options.mailbox ?? []);
  } catch (error) {
    if (!(error instanceof UnknownMailboxError)) throw error;
    const failure = error.failure('--mailbox');
    if (options.json) await writeJsonBody({ status: 'unknown', failure });
    else await writeText(process.stderr, `${inert(failure.message)}\n`);
    return 3;
  }
  const delivery = sinks && withNotifier(sinks, plan);
  for (const problem of delivery?.problems.slice(sinks!.problems.length) ?? []) process.stderr.write(`telemetry setting ignored: ${inert(problem)}\n`);
  const progress = progressLine(plan.mailboxes.length);
  const interrupt = interruptOnSignals();
  try {
    const run = await runChecks(plan, { ...runOptions, signal: interrupt.signal, onResult: progress ? (_r, done) => progress(done) : undefined });
    // A notification channel that failed last time is this run's warning.
    const interrupted = run.report.partial?.reason === 'interrupted';
    const report = delivery && !interrupted ? await withNotifierWarnings(run.report, delivery) : run.report;
    const code = await printReport(options.decorate ? options.decorate(report) : report, { json: options.json });
    // Interrupted: token requests still in flight must not keep the process alive.
    if (interrupted) process.exit(code);
    if (delivery) await reportRun(delivery, report, plan);
    return code;
  } finally {
    interrupt.dispose();
  }
}
