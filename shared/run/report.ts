import type { CheckResult, PartialRun, RunReport, Status, Warning } from '../contract/result';

const RANK: Record<Status, number> = { ok: 0, degraded: 1, failed: 2 };

/** `warnings` are the run's own (about the monitor, not a mailbox): present only when there are some. */
export function buildReport(startedAt: Date, durationMs: number, results: CheckResult[], warnings: Warning[] = [], partial?: PartialRun): RunReport {
  const counts = { total: results.length, ok: 0, degraded: 0, failed: 0 };
  let status: Status = 'ok';
  for (const result of results) {
    counts[result.status]++;
    if (RANK[result.status] > RANK[status]) status = result.status;
  }
  return { startedAt: startedAt.toISOString(), durationMs, status, counts, results, ...(warnings.length > 0 ? { warnings } : {}), ...(partial ? { partial } : {}) };
}

/** Monitoring-plugin exit codes: 0 ok, 1 degraded, 2 failed, 3 unknown (the monitor broke). */
export function exitCode(report: RunReport): 0 | 1 | 2 | 3 {
  // An interrupted run says nothing about the mailboxes it did not finish.
  if (report.partial?.reason === 'interrupted') return 3;
  if (report.results.some((r) => r.failure?.code === 'INTERNAL')) return 3;
  return RANK[report.status] as 0 | 1 | 2;
}
