/**
 * Uptime per mailbox from its history rows (issue 20). Pure: rows and clock passed in.
 *
 *   uptime = checks that were ok or degraded ÷ checks made
 *
 * Left out of both: runs that did not check the mailbox (status `not-checked`: its batch was
 * dead-lettered; or failed in phase `run`: the run's deadline came before its turn) — they say
 * nothing about the mailbox — and checks made in a maintenance window. Three windows: the last
 * 24 hours, the last 7 days, and the history kept (HISTORY_DAYS). When the history kept does not
 * reach back to a window's start (a new mailbox, a short HISTORY_DAYS) the figure says which span
 * it covers instead of pretending to be the whole window.
 */
import type { HistoryRow } from './mailbox-state';

/** The columns the figures read: the uptime query selects only these. */
export const UPTIME_COLUMNS = ['status', 'phase', 'checkedAt', 'maintenance'] as const satisfies readonly (keyof HistoryRow)[];

export const UPTIME_DEFINITION =
  'checks that were ok or degraded ÷ checks made; runs that did not check the mailbox (not checked: a dead-lettered batch, or the run\'s deadline came first) and checks in maintenance windows are left out';

export interface UptimeFigure {
  /** The window asked for, in hours. */
  windowHours: number;
  /** The oldest history row inside the window (ISO), null when there is none. */
  from: string | null;
  /** Hours from `from` to now: the span the figure covers (0 without rows). */
  coveredHours: number;
  /** False when the history kept does not reach back to the window's start: read `coveredHours`. */
  complete: boolean;
  /** Checks counted (the divisor). */
  checks: number;
  /** Of those, ok or degraded. */
  up: number;
  /** Rows left out: runs that did not check the mailbox, and checks in maintenance. */
  notChecked: number;
  maintenance: number;
  /** up ÷ checks in percent, two decimals; null when no check counts. */
  percent: number | null;
}

export interface Uptime {
  day: UptimeFigure;
  week: UptimeFigure;
  /** The whole history kept (HISTORY_DAYS days). */
  kept: UptimeFigure;
}

type UptimeRow = Pick<HistoryRow, (typeof UPTIME_COLUMNS)[number]>;

const HOUR = 3600_000;

/** Not a check of the mailbox: its run never reached it. */
export const notChecked = (row: Pick<HistoryRow, 'status' | 'phase'>) => row.status === 'not-checked' || (row.status === 'failed' && row.phase === 'run');

function figure(rows: UptimeRow[], now: number, windowHours: number): UptimeFigure {
  const start = now - windowHours * HOUR;
  let oldest = Infinity;
  let checks = 0;
  let up = 0;
  let skipped = 0;
  let maintenance = 0;
  for (const row of rows) {
    const at = Date.parse(row.checkedAt);
    // A row in the future (clock skew between instances) or unreadable counts nowhere.
    if (!(at >= start && at <= now)) continue;
    if (at < oldest) oldest = at;
    if (notChecked(row)) skipped++;
    else if (row.maintenance) maintenance++;
    else {
      checks++;
      if (row.status === 'ok' || row.status === 'degraded') up++;
    }
  }
  const from = Number.isFinite(oldest) ? oldest : undefined;
  // Checks run every few minutes: a first row within max(1 h, 5% of the window) of its start is "from the start".
  const slack = Math.max(HOUR, (windowHours * HOUR) / 20);
  return {
    windowHours,
    from: from === undefined ? null : new Date(from).toISOString(),
    coveredHours: from === undefined ? 0 : Math.round(((now - from) / HOUR) * 100) / 100,
    complete: from !== undefined && from - start <= slack,
    checks,
    up,
    notChecked: skipped,
    maintenance,
    percent: checks === 0 ? null : Math.round((up / checks) * 10_000) / 100,
  };
}

export function uptime(rows: UptimeRow[], now: Date, historyDays: number): Uptime {
  const at = now.getTime();
  return { day: figure(rows, at, 24), week: figure(rows, at, 7 * 24), kept: figure(rows, at, historyDays * 24) };
}

/** "99.5%", or "99.5% over 3.2 d" when the history is shorter than the window, or "no checks". */
export function describeFigure(f: UptimeFigure): string {
  if (f.percent === null) return 'no checks';
  const value = `${f.percent}%`;
  if (f.complete) return value;
  const h = f.coveredHours;
  const span = h >= 48 ? `${Math.round((h / 24) * 10) / 10} d` : h >= 1 ? `${Math.round(h * 10) / 10} h` : `${Math.max(1, Math.round(h * 60))} min`;
  return `${value} over ${span}`;
}
