/**
 * A run's report narrowed to some of its mailboxes (`/api/check?mailbox=`): their results, counts
 * and status, and what the run says about itself. A run cut short keeps its `partial` marker
 * (#16.10): a CHECK_TIMEOUT without it reads as the mailbox's own timeout, not the run's deadline;
 * `notChecked` is narrowed to the asked mailboxes like the results.
 */
import type { RunReport } from '../contract/result';
import { buildReport } from './report';

export function narrowReport(report: RunReport, only: string[]): RunReport {
  if (only.length === 0) return report;
  const asked = new Set(only);
  const partial = report.partial && { ...report.partial, notChecked: report.partial.notChecked.filter((id) => asked.has(id)) };
  const narrowed = buildReport(new Date(report.startedAt), report.durationMs, report.results.filter((r) => asked.has(r.mailbox)), report.warnings, partial);
  return report.demo ? { ...narrowed, demo: true } : narrowed;
}
