/**
 * The row model of the per-mailbox state in Azure Table Storage (pure: no I/O). Read by the status
 * page, `?source=stored` and the notifier; written by inline runs and queue batches alike.
 *
 * Table `mailboxstate`, one row per mailbox (PartitionKey `mailbox`, RowKey the encoded id: one
 * partition, so the whole fleet is one ordered query). It holds the latest result flattened for
 * queries (status, code, …), the whole result as JSON (so a stored report is byte-for-byte the
 * live one), when the current status began, the last 24 hours as one cell per hour, and the
 * uptime tally (counts per hour and per day, uptime-tally.ts).
 *
 * Table `mailboxhistory`, one row per check (PartitionKey the encoded mailbox id, RowKey the
 * inverted check time): a mailbox's history is one range query, newest first, and rows older than
 * `HISTORY_DAYS` are one range query per mailbox away from deletion.
 */
import type { CheckResult, Status, Warning } from '../contract/result';
import type { RunContext } from '../report/sink';
import { excerpt } from '../config/fields';
import { addToTally, parseTally, tallyText, type TallyEvent } from './uptime-tally';

export const LATEST_TABLE = 'mailboxstate';
export const HISTORY_TABLE = 'mailboxhistory';
export const LATEST_PARTITION = 'mailbox';

/** `not-checked`: the mailbox's batch was dead-lettered; the row keeps its last real result. */
export type StoredStatus = Status | 'not-checked';

export interface LatestRow {
  partitionKey: string;
  rowKey: string;
  mailbox: string;
  address: string;
  app: string;
  status: StoredStatus;
  code: string;
  phase: string;
  kind: string;
  message: string;
  remedy: string;
  /** Warning codes, comma-separated (the full warnings are in `result`). */
  warningCodes: string;
  /** The last real check (ISO); empty when the mailbox was never checked. */
  checkedAt: string;
  durationMs: number;
  runId: string;
  trigger: string;
  /** Key Vault `expiresOn` of the app's secret (ISO), else empty (none, an env secret, not read). */
  secretExpiresOn: string;
  /** When the current status and code began (ISO): "failing since". */
  since: string;
  previousStatus: string;
  previousCode: string;
  /** Last 24 hours, one cell per UTC hour, oldest first, see STRIP_CELLS; `stripHour` is the last cell's hour. */
  strip: string;
  stripHour: number;
  /**
   * The running uptime tally (uptime-tally.ts): counts per UTC hour for the last 24 and per UTC
   * day for HISTORY_DAYS, kept here so the figures cost no history read; empty in older rows.
   */
  tally: string;
  /** Why the mailbox is not checked (dead batch), and since when; empty otherwise. */
  notCheckedReason: string;
  notCheckedAt: string;
  /** The latest CheckResult as JSON (empty if never checked). */
  result: string;
  /**
   * Set only when a row read back cannot be trusted (toLatestRow): why, in a few words. Such a
   * row is one mailbox shown as unreadable, never the whole page (#16.12); it is never written.
   */
  unreadable?: string;
}

/**
 * One check in a mailbox's history: the latest row's headline fields, keyed by mailbox and time.
 * A dead batch's mailboxes get a row too, status `not-checked` (the uptime leaves them out).
 */
export type HistoryRow = Pick<LatestRow, 'partitionKey' | 'rowKey' | 'mailbox' | 'status' | 'code' | 'phase' | 'message' | 'warningCodes' | 'checkedAt' | 'durationMs' | 'runId'> & {
  /** The maintenance window's reason when the check ran in one (issue 20), else empty; absent in older rows. */
  maintenance?: string;
};

export const STRIP_HOURS = 24;
/** One character per hour, the worst of the hour: none, not checked, ok, degraded, failed. */
export const STRIP_CELLS = { none: '.', 'not-checked': 'n', ok: 'o', degraded: 'd', failed: 'f' } as const;
const CELL_RANK = '.nodf';
const HOUR_MS = 3600_000;
const DAY_MS = 24 * HOUR_MS;
/** Table Storage caps a string property at 32 K characters; messages stay far below. */
const MAX_TEXT = 8000;
const MAX_HISTORY_MESSAGE = 1000;

/** Keys may not hold / \ # ? or control characters; mailbox ids come from outside. */
export function encodeKey(id: string): string {
  return encodeURIComponent(id).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * A row key decoded, or as it is when it is not one this code wrote (a lone `%` makes
 * decodeURIComponent throw): a row written by hand or by another tool is shown by its raw key,
 * and never fails the listing it is in.
 */
export function decodeKey(key: string): string {
  try {
    return decodeURIComponent(key);
  } catch {
    return key;
  }
}

/** Newest first in RowKey order: the time inverted, fixed width (until the year 2286). */
export function historyRowKey(checkedAt: string, runId: string): string {
  const inverted = 9_999_999_999_999 - Date.parse(checkedAt);
  return `${String(inverted).padStart(13, '0')}_${encodeKey(runId)}`;
}

/** Every history row of a mailbox older than `cutoff` has a RowKey greater than this. */
export function historyCutoffKey(cutoff: Date): string {
  return String(9_999_999_999_999 - cutoff.getTime()).padStart(13, '0');
}

export const hourOf = (iso: string | number | Date): number => Math.floor(new Date(iso).getTime() / HOUR_MS);

function worst(a: string, b: string): string {
  return CELL_RANK.indexOf(a) >= CELL_RANK.indexOf(b) ? a : b;
}

/** The strip as seen at `hour`: shifted left, the hours without data filled with `none`. */
export function stripAt(strip: string, stripHour: number, hour: number): string {
  const base = strip.padStart(STRIP_HOURS, STRIP_CELLS.none).slice(-STRIP_HOURS);
  const shift = hour - stripHour;
  if (shift <= 0) return base;
  if (shift >= STRIP_HOURS) return STRIP_CELLS.none.repeat(STRIP_HOURS);
  return base.slice(shift) + STRIP_CELLS.none.repeat(shift);
}

/** Adds one status at time `at` to the strip; a late, older status lands in its own hour. */
export function addToStrip(previous: { strip: string; stripHour: number } | undefined, status: StoredStatus, at: string): { strip: string; stripHour: number } {
  const hour = hourOf(at);
  const cell = STRIP_CELLS[status];
  if (!previous || !previous.strip) return { strip: stripAt(cell, hour, hour), stripHour: hour };
  const lastHour = Math.max(hour, previous.stripHour);
  const cells = stripAt(previous.strip, previous.stripHour, lastHour).split('');
  const index = STRIP_HOURS - 1 - (lastHour - hour);
  if (index >= 0) cells[index] = worst(cells[index]!, cell);
  return { strip: cells.join(''), stripHour: lastHour };
}

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** The vault secret's expiry from the warnings (SECRET_EXPIRING / _EXPIRED_IN_VAULT): results stored before `secret` existed. */
export function secretExpiresOn(warnings: Warning[]): string {
  const found = warnings.find((w) => typeof w.expiresOn === 'string' && w.code.startsWith('SECRET_'));
  return (found?.expiresOn as string | undefined) ?? '';
}

/** The row after `result`, given the row before it (undefined for a mailbox new to the table). */
/** HISTORY_DAYS' default (fanout-settings.ts): how many days of the tally a writer keeps unless told. */
export const DEFAULT_HISTORY_DAYS = 7;

/**
 * The tally with one more run counted. A previous tally that cannot be read starts afresh (the
 * page said "uptime unreadable" for it; from now on it says the short span it covers).
 */
function nextTally(previous: LatestRow | undefined, event: TallyEvent, historyDays: number): string {
  const before = parseTally(previous?.tally ?? '');
  return tallyText(addToTally(before instanceof Error ? undefined : before, event, historyDays));
}

export function latestRow(result: CheckResult, run: RunContext, previous?: LatestRow, historyDays = DEFAULT_HISTORY_DAYS): LatestRow {
  const code = result.failure?.code ?? '';
  const prevStatus = previous?.checkedAt ? previous.status : '';
  const unchanged = previous?.since && prevStatus === result.status && previous.code === code;
  return {
    partitionKey: LATEST_PARTITION,
    rowKey: encodeKey(result.mailbox),
    mailbox: result.mailbox,
    address: result.address,
    app: result.app,
    status: result.status,
    code,
    phase: result.failure?.phase ?? '',
    kind: result.failure?.kind ?? '',
    message: clip(result.failure?.message ?? result.warnings.map((w) => w.message).join('; '), MAX_TEXT),
    remedy: clip(result.failure?.remedy ?? result.warnings.find((w) => w.remedy)?.remedy ?? '', MAX_TEXT),
    warningCodes: result.warnings.map((w) => w.code).join(','),
    checkedAt: result.checkedAt,
    durationMs: result.durationMs,
    runId: run.runId,
    trigger: run.trigger,
    secretExpiresOn: result.secret?.expiresOn ?? secretExpiresOn(result.warnings),
    since: unchanged ? previous!.since : result.checkedAt,
    previousStatus: unchanged ? previous!.previousStatus : prevStatus,
    previousCode: unchanged ? previous!.previousCode : (previous?.code ?? ''),
    ...addToStrip(previous, result.status, result.checkedAt),
    tally: nextTally(previous, { status: result.status, phase: result.failure?.phase ?? '', maintenance: result.maintenance?.reason ?? '', at: result.checkedAt }, historyDays),
    notCheckedReason: '',
    notCheckedAt: '',
    result: JSON.stringify(result),
  };
}

/**
 * The row of a mailbox whose batch died (poison queue): marked not checked, its last real result
 * kept, so the page shows both "not checked since …" and what the last check said.
 */
export function notCheckedRow(mailbox: { id: string; address: string; app: string }, reason: string, at: string, run: RunContext, previous?: LatestRow, historyDays = DEFAULT_HISTORY_DAYS): LatestRow {
  const { unreadable: _unreadable, ...kept } = previous ?? ({} as Partial<LatestRow>);
  const base: LatestRow = previous ? (kept as LatestRow) : {
    partitionKey: LATEST_PARTITION,
    rowKey: encodeKey(mailbox.id),
    mailbox: mailbox.id,
    address: mailbox.address,
    app: mailbox.app,
    status: 'not-checked',
    code: '',
    phase: '',
    kind: '',
    message: '',
    remedy: '',
    warningCodes: '',
    checkedAt: '',
    durationMs: 0,
    runId: '',
    trigger: '',
    secretExpiresOn: '',
    since: at,
    previousStatus: '',
    previousCode: '',
    strip: '',
    stripHour: 0,
    tally: '',
    notCheckedReason: '',
    notCheckedAt: '',
    result: '',
  };
  return {
    ...base,
    status: 'not-checked',
    since: previous?.status === 'not-checked' ? previous.since : at,
    previousStatus: previous?.status === 'not-checked' ? previous.previousStatus : (previous?.status ?? ''),
    previousCode: previous?.status === 'not-checked' ? previous.previousCode : (previous?.code ?? ''),
    runId: run.runId,
    ...addToStrip(previous, 'not-checked', at),
    tally: nextTally(previous, { status: 'not-checked', phase: '', at }, historyDays),
    notCheckedReason: clip(reason, MAX_TEXT),
    notCheckedAt: at,
  };
}

export function historyRow(result: CheckResult, run: RunContext): HistoryRow {
  return {
    partitionKey: encodeKey(result.mailbox),
    rowKey: historyRowKey(result.checkedAt, run.runId),
    mailbox: result.mailbox,
    status: result.status,
    code: result.failure?.code ?? '',
    phase: result.failure?.phase ?? '',
    message: clip(result.failure?.message ?? result.warnings.map((w) => w.message).join('; '), MAX_HISTORY_MESSAGE),
    warningCodes: result.warnings.map((w) => w.code).join(','),
    checkedAt: result.checkedAt,
    durationMs: result.durationMs,
    runId: run.runId,
    maintenance: result.maintenance?.reason ?? '',
  };
}

/** The history row of a mailbox its run did not check (its batch was dead-lettered), at `at`. */
export function notCheckedHistoryRow(mailbox: string, reason: string, at: string, run: RunContext): HistoryRow {
  return {
    partitionKey: encodeKey(mailbox),
    rowKey: historyRowKey(at, run.runId),
    mailbox,
    status: 'not-checked',
    code: '',
    phase: '',
    message: clip(reason, MAX_HISTORY_MESSAGE),
    warningCodes: '',
    checkedAt: at,
    durationMs: 0,
    runId: run.runId,
    maintenance: '',
  };
}

/** The stored result, for a report served from state; undefined when never checked or unreadable. */
export function storedResult(row: LatestRow): CheckResult | undefined {
  if (!row.result || row.unreadable) return undefined;
  return readResult(row.result).result;
}

const STORED_STATUSES: readonly string[] = ['ok', 'degraded', 'failed', 'not-checked'];
const RESULT_STATUSES: readonly string[] = ['ok', 'degraded', 'failed'];

/** A stored result's JSON read back: the result, or what is wrong with it. */
function readResult(text: string): { result?: CheckResult; problem?: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { problem: 'its result is not valid JSON' };
  }
  const r = value as Partial<CheckResult> | null;
  if (typeof r !== 'object' || r === null || Array.isArray(r)) return { problem: 'its result is not a JSON object' };
  if (typeof r.mailbox !== 'string' || typeof r.checkedAt !== 'string' || !RESULT_STATUSES.includes(r.status as string) || !Array.isArray(r.warnings)) {
    return { problem: 'its result lacks the mailbox, status, checkedAt or warnings of a check result' };
  }
  return { result: r as CheckResult };
}

/**
 * What makes a row read back unusable, or undefined: an unknown status (a page grouped by status
 * has no place for it), a result that is not a check result, a date that is not one. Stored rows
 * are text from outside the process: a hand edit, an older or newer writer, a corrupted write.
 */
function rowProblem(row: LatestRow, status: string): string | undefined {
  if (!STORED_STATUSES.includes(status)) return `its status "${excerpt(status, 40)}" is none of ${STORED_STATUSES.join(', ')}`;
  if (row.result) {
    const { result, problem } = readResult(row.result);
    if (problem) return problem;
    if (result!.mailbox !== row.mailbox) return `its result is of another mailbox ("${excerpt(result!.mailbox, 40)}")`;
  }
  for (const key of ['checkedAt', 'since', 'notCheckedAt', 'secretExpiresOn'] as const) {
    if (row[key] && Number.isNaN(Date.parse(row[key]))) return `its ${key} "${excerpt(row[key], 40)}" is not a date`;
  }
  return undefined;
}

/** Whole days until the secret expires (negative once expired); undefined when not known. */
export function secretDaysLeft(row: Pick<LatestRow, 'secretExpiresOn'>, now = Date.now()): number | undefined {
  if (!row.secretExpiresOn) return undefined;
  return Math.floor((Date.parse(row.secretExpiresOn) - now) / DAY_MS);
}


/**
 * Reads an entity back as a row: missing properties (older rows) get their empty defaults, a
 * strip that is not one is no data, and a row that cannot be trusted is marked `unreadable`
 * (status not-checked, for code that groups by status) rather than thrown: one bad row must not
 * take down the status page or `?source=stored` for every mailbox (#16.12).
 */
export function toLatestRow(entity: Record<string, unknown>): LatestRow {
  const row = readRow(entity);
  const problem = rowProblem(row, row.status);
  return problem ? { ...row, status: 'not-checked', unreadable: `stored state unreadable: ${problem}` } : row;
}

function readRow(entity: Record<string, unknown>): LatestRow {
  const text = (key: string) => (typeof entity[key] === 'string' ? (entity[key] as string) : '');
  const number = (key: string) => (typeof entity[key] === 'number' && Number.isFinite(entity[key]) ? (entity[key] as number) : 0);
  const strip = text('strip');
  return {
    partitionKey: text('partitionKey'),
    rowKey: text('rowKey'),
    mailbox: text('mailbox') || decodeKey(text('rowKey')),
    address: text('address'),
    app: text('app'),
    status: (text('status') || 'not-checked') as StoredStatus,
    code: text('code'),
    phase: text('phase'),
    kind: text('kind'),
    message: text('message'),
    remedy: text('remedy'),
    warningCodes: text('warningCodes'),
    checkedAt: text('checkedAt'),
    durationMs: number('durationMs'),
    runId: text('runId'),
    trigger: text('trigger'),
    secretExpiresOn: text('secretExpiresOn'),
    since: text('since'),
    previousStatus: text('previousStatus'),
    previousCode: text('previousCode'),
    // The strip's cells become class names on the page: only the cells this code writes.
    strip: /^[.nodf]{0,24}$/.test(strip) ? strip : '',
    stripHour: number('stripHour'),
    // Checked where the figures are made (uptimeOfStored): a bad tally costs that mailbox's uptime only.
    tally: text('tally'),
    notCheckedReason: text('notCheckedReason'),
    notCheckedAt: text('notCheckedAt'),
    result: text('result'),
  };
}
