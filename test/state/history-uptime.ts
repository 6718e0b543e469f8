/**
 * The tests' cross-check of the uptime tally (shared/state/uptime-tally.ts): the same counts
 * computed the slow way, from a mailbox's history rows (what the page did before the tally), over
 * a span given by the caller — the span the tally's figure says it covers.
 */
import type { HistoryRow } from '../../shared/state/mailbox-state';
import { notChecked } from '../../shared/state/uptime';

export interface HistoryCounts {
  checks: number;
  up: number;
  notChecked: number;
  maintenance: number;
  percent: number | null;
}

/** Counts of the rows checked at or after `from` and not after `now`. */
export function historyCounts(rows: Pick<HistoryRow, 'status' | 'phase' | 'checkedAt' | 'maintenance'>[], from: Date, now: Date): HistoryCounts {
  const c = { checks: 0, up: 0, notChecked: 0, maintenance: 0 };
  for (const row of rows) {
    const at = Date.parse(row.checkedAt);
    if (!(at >= from.getTime() && at <= now.getTime())) continue;
    if (notChecked(row)) c.notChecked++;
    else if (row.maintenance) c.maintenance++;
    else {
      c.checks++;
      if (row.status === 'ok' || row.status === 'degraded') c.up++;
    }
  }
  return { ...c, percent: c.checks === 0 ? null : Math.round((c.up / c.checks) * 10_000) / 100 };
}
