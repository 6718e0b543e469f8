/**
 * The uptime as the HTTP handlers show it: from the latest rows they list anyway (each holds its
 * mailbox's tally, uptime-tally.ts), so it costs no Table read of its own and does not grow with
 * check frequency or history length. One mailbox's bad tally is that mailbox's "uptime
 * unreadable"; only a bad HISTORY_DAYS costs every figure, said once instead.
 */
import { fanoutSettings } from '../fanout/fanout-settings';
import type { LatestRow } from './mailbox-state';
import { uptimeOfStored, type MailboxUptime } from './uptime-tally';

export function uptimeOfRows(mailboxes: string[], rows: LatestRow[], env: NodeJS.ProcessEnv, now = new Date()): Map<string, MailboxUptime> | Error {
  let historyDays: number;
  try {
    historyDays = fanoutSettings(env).historyDays;
  } catch (error) {
    return new Error(`the kept history's length is not valid: ${error instanceof Error ? error.message : String(error)}`);
  }
  const tallies = new Map(rows.map((row) => [row.mailbox, row.tally]));
  // A mailbox without a row (never checked) gets figures over nothing: "no checks", not absent.
  return new Map(mailboxes.map((id) => [id, uptimeOfStored(tallies.get(id) ?? '', now, historyDays)]));
}
