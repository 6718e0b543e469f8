/**
 * The running uptime tally of one mailbox (issue 20), kept in its latest-state row (`tally`
 * column), which every check already reads and rewrites with its ETag (StateStore.update). The
 * status page and `?source=stored` compute the figures from the rows they list anyway, so their
 * cost does not grow with check frequency or history length (reading the history cost ~42 µs per
 * row: a week of 5-minute checks of 1,000 mailboxes was over a minute). Pure: no I/O.
 *
 * Buckets: one per UTC hour for the current hour and the 24 before it, one per UTC day for the
 * current day and the HISTORY_DAYS before it. Each counts checks (the divisor), up (ok or
 * degraded), notChecked and maintenance, with the definition in uptime.ts. So:
 *
 *   24 h  = the current UTC hour so far + the 24 whole hours before it (24 to 25 hours)
 *   7 d   = the current UTC day so far + the 7 whole days before it (7 to 8 days)
 *   kept  = the current UTC day so far + the HISTORY_DAYS whole days before it
 *
 * Text form, ASCII: `1|<since ms>|<last hour>|<25 hour buckets>|<last day>|<day buckets>`, a
 * bucket `checks.up.notChecked.maintenance`, an empty bucket empty, buckets comma-separated.
 */
import { notChecked, type Uptime, type UptimeFigure } from './uptime';

const HOUR = 3600_000;
const DAY = 24 * HOUR;
export const TALLY_HOURS = 24;
/** HISTORY_DAYS' range (fanout-settings.ts). */
export const MAX_HISTORY_DAYS = 366;
/**
 * A bucket's counts stop here (7 digits): it bounds the column's size whatever happens (a loop
 * hammering /api/check). 9,999,999 checks of one mailbox in one day is 115 a second; never real.
 */
export const MAX_COUNT = 9_999_999;

export interface Bucket {
  checks: number;
  up: number;
  notChecked: number;
  maintenance: number;
}

export interface Tally {
  /** When the tally counted its first run (ms): the figures never claim to cover more. */
  since: number;
  /** Hour index (ms / HOUR) of the last of `hours`, which are oldest first. */
  hour: number;
  hours: Bucket[];
  /** Day index (ms / DAY) of the last of `days`, oldest first. */
  day: number;
  days: Bucket[];
}

/** What a run said about the mailbox, as the tally counts it. */
export interface TallyEvent {
  status: string;
  phase: string;
  /** The window's reason when the check ran in one, else empty or absent. */
  maintenance?: string;
  /** When (ISO). */
  at: string;
}

/** A mailbox whose tally cannot be read: that mailbox says "uptime unreadable", nothing else does. */
export interface UptimeUnreadable {
  unreadable: string;
}

export type MailboxUptime = Uptime | UptimeUnreadable;

const empty = (): Bucket => ({ checks: 0, up: 0, notChecked: 0, maintenance: 0 });
const bump = (n: number) => Math.min(MAX_COUNT, n + 1);

/** `buckets` (oldest first, the last at index `last`) seen from index `at` keeping `count`: shifted, new ones empty. */
function shifted(buckets: Bucket[], last: number, at: number, count: number): Bucket[] {
  const out = Array.from({ length: count }, empty);
  for (let i = 0; i < buckets.length; i++) {
    const index = last - (buckets.length - 1 - i);
    const slot = count - 1 - (at - index);
    if (slot >= 0 && slot < count) out[slot] = buckets[i]!;
  }
  return out;
}

function count(bucket: Bucket, event: TallyEvent): Bucket {
  const b = { ...bucket };
  // The same exclusions as uptime.ts: a run that never reached the mailbox, a check in maintenance.
  if (notChecked(event)) b.notChecked = bump(b.notChecked);
  else if (event.maintenance) b.maintenance = bump(b.maintenance);
  else if (b.checks < MAX_COUNT) {
    // Up only while the divisor still counts, so a full bucket keeps up ≤ checks.
    b.checks++;
    if (event.status === 'ok' || event.status === 'degraded') b.up++;
  }
  return b;
}

/**
 * The tally after one more run, given the one before (undefined: a mailbox new to the table, or a
 * row written before the tally existed, or one whose tally was unreadable: it starts afresh).
 * Buckets older than `historyDays` whole days (and 24 whole hours) are dropped here, so the
 * column never outgrows MAX_HISTORY_DAYS + 1 days. A late, older event lands in its own bucket,
 * or nowhere when that bucket is gone.
 *
 * Not seeded from the history: that would put a read of up to HISTORY_DAYS × 288 rows (105,000
 * at 366 days) into the first check of every mailbox after an upgrade, inside the batch's
 * deadline, and rows written before maintenance windows existed cannot say whether they were in
 * one. The figures say the span they cover instead ("over 3 h") until the tally has filled.
 */
export function addToTally(previous: Tally | undefined, event: TallyEvent, historyDays: number): Tally {
  const at = Date.parse(event.at);
  const days = Math.min(MAX_HISTORY_DAYS, Math.max(1, Math.floor(historyDays))) + 1;
  const hour = Math.floor(at / HOUR);
  const day = Math.floor(at / DAY);
  const lastHour = Math.max(hour, previous?.hour ?? hour);
  const lastDay = Math.max(day, previous?.day ?? day);
  const hours = previous ? shifted(previous.hours, previous.hour, lastHour, TALLY_HOURS + 1) : shifted([], hour, hour, TALLY_HOURS + 1);
  const daysOut = previous ? shifted(previous.days, previous.day, lastDay, days) : shifted([], day, day, days);
  const hourSlot = TALLY_HOURS - (lastHour - hour);
  if (hourSlot >= 0) hours[hourSlot] = count(hours[hourSlot]!, event);
  const daySlot = days - 1 - (lastDay - day);
  if (daySlot >= 0) daysOut[daySlot] = count(daysOut[daySlot]!, event);
  return { since: Math.min(at, previous?.since ?? at), hour: lastHour, hours, day: lastDay, days: daysOut };
}

const bucketText = (b: Bucket) => (b.checks || b.up || b.notChecked || b.maintenance ? `${b.checks}.${b.up}.${b.notChecked}.${b.maintenance}` : '');

export function tallyText(tally: Tally): string {
  return ['1', tally.since, tally.hour, tally.hours.map(bucketText).join(','), tally.day, tally.days.map(bucketText).join(',')].join('|');
}

const BUCKET = /^(\d{1,7})\.(\d{1,7})\.(\d{1,7})\.(\d{1,7})$/;
const INDEX = /^\d{1,15}$/;

/**
 * A stored tally read back: the tally, undefined when there is none (a row from before it
 * existed), or an Error saying what is wrong (a hand edit, another writer, a corrupted write).
 */
export function parseTally(text: string): Tally | undefined | Error {
  if (!text) return undefined;
  const parts = text.split('|');
  if (parts.length !== 6 || parts[0] !== '1') return new Error('its uptime tally is not in a format this version reads');
  const [, since, hour, hours, day, days] = parts as [string, string, string, string, string, string];
  if (!INDEX.test(since) || !INDEX.test(hour) || !INDEX.test(day)) return new Error('its uptime tally has a time that is not one');
  const buckets = (list: string): Bucket[] | undefined => {
    const out: Bucket[] = [];
    for (const cell of list.split(',')) {
      if (cell === '') {
        out.push(empty());
        continue;
      }
      const m = BUCKET.exec(cell);
      if (!m) return undefined;
      const b = { checks: Number(m[1]), up: Number(m[2]), notChecked: Number(m[3]), maintenance: Number(m[4]) };
      if (b.up > b.checks) return undefined;
      out.push(b);
    }
    return out;
  };
  const h = buckets(hours);
  const d = buckets(days);
  if (!h || !d) return new Error('its uptime tally has a count that is not one');
  if (h.length !== TALLY_HOURS + 1 || d.length < 2 || d.length > MAX_HISTORY_DAYS + 1) return new Error('its uptime tally has the wrong number of buckets');
  return { since: Number(since), hour: Number(hour), hours: h, day: Number(day), days: d };
}

/**
 * One figure: the buckets from `first` to `last` (indexes of `size` ms) of those kept, at `now`.
 * It covers from the window's first bucket's start, or from the oldest bucket kept or the tally's
 * first run when later: never more than the tally saw.
 */
function figure(buckets: Bucket[], lastIndex: number, size: number, first: number, now: number, windowHours: number, since: number): UptimeFigure {
  const sum = empty();
  let any = false;
  for (let i = 0; i < buckets.length; i++) {
    const index = lastIndex - (buckets.length - 1 - i);
    // Buckets after now (clock skew between instances) count nowhere, as rows in the future did.
    if (index < first || index * size > now) continue;
    const b = buckets[i]!;
    if (b.checks || b.notChecked || b.maintenance) any = true;
    sum.checks += b.checks;
    sum.up += b.up;
    sum.notChecked += b.notChecked;
    sum.maintenance += b.maintenance;
  }
  const start = first * size;
  // The tally reaches back to its oldest bucket kept (HISTORY_DAYS may be shorter than the window).
  const kept = (lastIndex - buckets.length + 1) * size;
  const from = any ? Math.max(start, kept, since) : undefined;
  // As for the history: a tally started within max(1 h, 5% of the window) of its start is "from the start".
  const slack = Math.max(HOUR, (windowHours * HOUR) / 20);
  return {
    windowHours,
    from: from === undefined ? null : new Date(from).toISOString(),
    coveredHours: from === undefined ? 0 : Math.round(((now - from) / HOUR) * 100) / 100,
    complete: from !== undefined && from - start <= slack,
    checks: sum.checks,
    up: sum.up,
    notChecked: sum.notChecked,
    maintenance: sum.maintenance,
    percent: sum.checks === 0 ? null : Math.round((sum.up / sum.checks) * 10_000) / 100,
  };
}

/** The three figures from a tally (none: every figure "no checks", covering nothing). */
export function uptimeOfTally(tally: Tally | undefined, now: Date, historyDays: number): Uptime {
  const at = now.getTime();
  const t = tally ?? { since: at, hour: 0, hours: [], day: 0, days: [] };
  const nowHour = Math.floor(at / HOUR);
  const nowDay = Math.floor(at / DAY);
  return {
    day: figure(t.hours, t.hour, HOUR, nowHour - TALLY_HOURS, at, 24, t.since),
    week: figure(t.days, t.day, DAY, nowDay - 7, at, 7 * 24, t.since),
    kept: figure(t.days, t.day, DAY, nowDay - historyDays, at, historyDays * 24, t.since),
  };
}

/** A stored tally's figures, or why they cannot be read. */
export function uptimeOfStored(text: string, now: Date, historyDays: number): MailboxUptime {
  const tally = parseTally(text);
  if (tally instanceof Error) return { unreadable: `uptime unreadable: ${tally.message}` };
  return uptimeOfTally(tally, now, historyDays);
}
