/**
 * Uptime per mailbox (issue 20): its definition and figures. Counted by the running tally kept in
 * each mailbox's latest row (uptime-tally.ts); the history rows carry the same fields, and the
 * tests check the tally against them.
 *
 *   uptime = checks that were ok or degraded ÷ checks made
 *
 * Left out of both: runs that did not check the mailbox (status `not-checked`: its batch was
 * dead-lettered; or failed in phase `run`: the run's deadline came before its turn) — they say
 * nothing about the mailbox — and checks made in a maintenance window. Three windows: 24 hours,
 * 7 days, and the history kept (HISTORY_DAYS). When the tally does not reach back to a window's
 * start (a new mailbox, a row from before the tally, a short HISTORY_DAYS) the figure says which
 * span it covers instead of pretending to be the whole window.
 */
export const UPTIME_DEFINITION =
  'checks that were ok or degraded ÷ checks made; runs that did not check the mailbox (not checked: a dead-lettered batch, or the run\'s deadline came first) and checks in maintenance windows are left out';

export interface UptimeFigure {
  /** The window asked for, in hours. */
  windowHours: number;
  /** Where the span counted begins (ISO): the window's first bucket, or the tally's start when later; null with nothing counted. */
  from: string | null;
  /** Hours from `from` to now: the span the figure covers (0 without rows). */
  coveredHours: number;
  /** False when the tally does not reach back to the window's start: read `coveredHours`. */
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

/** Not a check of the mailbox: its run never reached it. */
export const notChecked = (row: { status: string; phase: string }) => row.status === 'not-checked' || (row.status === 'failed' && row.phase === 'run');

/** "99.5%", or "99.5% over 3.2 d" when the history is shorter than the window, or "no checks". */
export function describeFigure(f: UptimeFigure): string {
  if (f.percent === null) return 'no checks';
  const value = `${f.percent}%`;
  if (f.complete) return value;
  const h = f.coveredHours;
  const span = h >= 48 ? `${Math.round((h / 24) * 10) / 10} d` : h >= 1 ? `${Math.round(h * 10) / 10} h` : `${Math.max(1, Math.round(h * 60))} min`;
  return `${value} over ${span}`;
}
