/**
 * The run report rebuilt from the stored state, for `GET /api/check?source=stored`: the same
 * contract as a live run (each mailbox's latest stored result), without touching Microsoft 365.
 * Configured mailboxes without a usable stored result are listed in `notChecked` (never checked,
 * or their batch was dead-lettered), so nothing configured silently disappears.
 */
import type { CheckResult, RunReport } from '../contract/result';
import { buildReport } from '../run/report';
import { storedResult, type LatestRow } from './mailbox-state';
import { UPTIME_DEFINITION, type Uptime } from './uptime';
import type { MailboxUptime } from './uptime-tally';

export interface NotChecked {
  mailbox: string;
  address: string;
  app: string;
  /** `never checked`, or why its batch died. */
  reason: string;
  /** The last real check, when there was one. */
  lastCheckedAt: string | null;
}

export interface StoredReport extends RunReport {
  source: 'stored';
  notChecked: NotChecked[];
  /**
   * Per mailbox id, its uptime over 24 hours, 7 days and the history kept (issue 20), with what
   * each figure counted and the span it covers; absent when HISTORY_DAYS is not valid. A mailbox
   * whose stored tally cannot be read is in `unreadable` (with why) instead of `mailboxes`;
   * `unreadable` is present only when there is one.
   */
  uptime?: { definition: string; mailboxes: Record<string, Uptime>; unreadable?: Record<string, string> };
  /** Why `uptime` is absent. */
  uptimeProblem?: string;
}

/** The report with the uptime figures added (or why there are none). */
export function withUptime(report: StoredReport, uptime: Map<string, MailboxUptime> | Error): StoredReport {
  if (uptime instanceof Error) return { ...report, uptimeProblem: uptime.message };
  const mailboxes: Record<string, Uptime> = {};
  const unreadable: Record<string, string> = {};
  for (const [id, figures] of uptime) {
    if ('unreadable' in figures) unreadable[id] = figures.unreadable;
    else mailboxes[id] = figures;
  }
  return { ...report, uptime: { definition: UPTIME_DEFINITION, mailboxes, ...(Object.keys(unreadable).length ? { unreadable } : {}) } };
}

export function storedReport(mailboxes: { id: string; address: string; app: string }[], rows: LatestRow[], now = new Date()): StoredReport {
  const byId = new Map(rows.map((row) => [row.mailbox, row]));
  const results: CheckResult[] = [];
  const notChecked: NotChecked[] = [];
  for (const mailbox of mailboxes) {
    const row = byId.get(mailbox.id);
    const result = row ? storedResult(row) : undefined;
    if (row && result && row.status !== 'not-checked') results.push(result);
    // An unreadable row is this mailbox's problem only, said as its reason (#16.12).
    else notChecked.push({ mailbox: mailbox.id, address: mailbox.address, app: mailbox.app, reason: row?.unreadable || row?.notCheckedReason || 'never checked', lastCheckedAt: row?.checkedAt || null });
  }
  // A loop, not Math.min(...starts): spreading ~150,000 arguments overflows the stack (#16.12).
  let first = Infinity;
  let last = -Infinity;
  for (const r of results) {
    const at = Date.parse(r.checkedAt);
    if (at < first) first = at;
    if (at + (Number.isFinite(r.durationMs) ? r.durationMs : 0) > last) last = at + (Number.isFinite(r.durationMs) ? r.durationMs : 0);
  }
  const startedAt = Number.isFinite(first) ? new Date(first) : now;
  const durationMs = Number.isFinite(last) ? last - startedAt.getTime() : 0;
  return { ...buildReport(startedAt, durationMs, results), source: 'stored', notChecked };
}
