/**
 * The queue message of one batch: ids and a config fingerprint, never config or secrets (anyone
 * who can peek at the queue sees it). Base64 text, as the Functions host expects by default.
 */
import { createHash } from 'node:crypto';
import { someOf } from '../config/cross-checks';
import { excerpt, id, kindOf } from '../config/fields';

export const BATCH_MESSAGE_VERSION = 1;

export interface BatchMessage {
  v: typeof BATCH_MESSAGE_VERSION;
  runId: string;
  /** Hash of the config text the batch was planned from (fingerprint()). */
  config: string;
  app: string;
  mailboxes: string[];
  /** 1-based position and count of batches in the run, for logs. */
  batch: number;
  batches: number;
  enqueuedAt: string;
}

export class BatchMessageError extends Error {
  override readonly name = 'BatchMessageError';
}

/** Identifies a config's content without revealing it. */
export function fingerprint(configText: string): string {
  return createHash('sha256').update(configText).digest('base64url').slice(0, 16);
}

/**
 * Azure Storage refuses a message whose text is over 64 KiB, and the text is base64, a third
 * larger than the JSON (#16.5): 1,000 ids of 64 characters made ~89 KB. Batches are sized so the
 * encoded message stays within this.
 */
export const MAX_ENCODED_BYTES = 64 * 1024;

/** Base64 length of `bytes` bytes. */
export const base64Bytes = (bytes: number) => 4 * Math.ceil(bytes / 3);

/** UTF-8 bytes an id takes in the message's `mailboxes` list, its separating comma included. */
export const idBytes = (id: string) => Buffer.byteLength(JSON.stringify(id), 'utf8') + 1;

/**
 * The JSON bytes left for the `mailboxes` list of a batch of `app`: the limit less everything
 * else in the message, each field at the widest it gets (a UUID run id, counts of 7 digits).
 */
export function idBudget(app: string): number {
  const widest: BatchMessage = { v: BATCH_MESSAGE_VERSION, runId: '0'.repeat(36), config: '0'.repeat(16), app, mailboxes: [], batch: 9_999_999, batches: 9_999_999, enqueuedAt: new Date(0).toISOString() };
  return Math.floor((MAX_ENCODED_BYTES * 3) / 4) - Buffer.byteLength(JSON.stringify(widest), 'utf8');
}

export function encodeBatch(message: BatchMessage): string {
  const text = Buffer.from(JSON.stringify(message), 'utf8').toString('base64');
  // planBatches keeps every batch within the limit: a longer one is a bug, named here rather than
  // by the queue's bare 413 after some batches were sent.
  if (text.length > MAX_ENCODED_BYTES) throw new BatchMessageError(`batch message: ${text.length} bytes encoded, over the queue's limit of ${MAX_ENCODED_BYTES}`);
  return text;
}

/** The most ids one message holds: FANOUT_BATCH_SIZE's maximum. */
export const MAX_BATCH_IDS = 1000;
const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;
const FINGERPRINT = /^[A-Za-z0-9_-]{1,64}$/;
const FIELDS = new Set(['v', 'runId', 'config', 'app', 'mailboxes', 'batch', 'batches', 'enqueuedAt']);
/** Problems named in the error; a forged message can have thousands. */
const MAX_PROBLEMS = 10;

/**
 * What the host hands the queue function: the message already decoded from base64 and, being
 * JSON, parsed into an object (a string when it was not JSON). Checked like the config (#16.11):
 * anyone who can write to the queue can write anything, and what a message holds becomes Table
 * keys (run id, mailbox ids), state rows and log lines. So every field has its type, length and
 * characters, ids are config ids, and a bad message is refused whole, before anything is written,
 * in an error of bounded length that names each field and never repeats a value whole.
 */
export function parseBatch(item: unknown): BatchMessage {
  let value = item;
  if (typeof item === 'string') {
    try {
      value = JSON.parse(item);
    } catch {
      throw new BatchMessageError(`batch message: not JSON ("${excerpt(item, 40)}")`);
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new BatchMessageError(`batch message: must be a JSON object, not ${kindOf(value)}`);
  const m = value as Record<string, unknown>;
  const problems: string[] = [];
  const unknown = Object.keys(m).filter((key) => !FIELDS.has(key));
  if (unknown.length > 0) problems.push(`${someOf(unknown, 3)}: not a field of a batch message`);
  if (m.v !== BATCH_MESSAGE_VERSION) problems.push(`v: must be ${BATCH_MESSAGE_VERSION}, not ${typeof m.v === 'number' ? m.v : kindOf(m.v)}`);
  text(m, 'runId', RUN_ID, 'a run id (1-64 letters, digits, dots, colons, dashes or underscores)', problems);
  text(m, 'config', FINGERPRINT, 'a config fingerprint (1-64 base64url characters)', problems);
  if (!isId(m.app)) problems.push(`app: must be an app id (${ID_RULE})${describe(m.app)}`);
  if (typeof m.enqueuedAt !== 'string' || m.enqueuedAt.length > 40 || Number.isNaN(Date.parse(m.enqueuedAt))) problems.push(`enqueuedAt: must be an ISO date and time${describe(m.enqueuedAt)}`);
  problems.push(...idProblems(m.mailboxes));
  for (const key of ['batch', 'batches'] as const) {
    const n = m[key];
    if (!Number.isInteger(n) || (n as number) < 1 || (n as number) > 1_000_000) problems.push(`${key}: must be a whole number from 1 to 1000000`);
  }
  if (Number.isInteger(m.batch) && Number.isInteger(m.batches) && (m.batch as number) > (m.batches as number)) problems.push(`batch: ${m.batch as number} is past batches (${m.batches as number})`);
  if (problems.length > 0) {
    const shown = problems.slice(0, MAX_PROBLEMS).join('; ');
    throw new BatchMessageError(`batch message: ${shown}${problems.length > MAX_PROBLEMS ? `; …and ${problems.length - MAX_PROBLEMS} more problem(s)` : ''}`);
  }
  return m as unknown as BatchMessage;
}

const ID_RULE = '1-64 letters, digits, dots, dashes or underscores, starting with a letter or digit';
const isId = (value: unknown): value is string => typeof value === 'string' && id.safeParse(value).success;

/** ", not a number" / ', not "ab\u0001c…"': what was found, never all of it. */
function describe(value: unknown): string {
  if (value === undefined) return ' (missing)';
  return typeof value === 'string' ? `, not "${excerpt(value, 40)}"` : `, not ${kindOf(value)}`;
}

function text(m: Record<string, unknown>, key: string, pattern: RegExp, what: string, problems: string[]): void {
  if (typeof m[key] !== 'string' || !pattern.test(m[key])) problems.push(`${key}: must be ${what}${describe(m[key])}`);
}

/** The mailbox ids: a list of 1 to MAX_BATCH_IDS config ids, each once; each bad one by its index. */
function idProblems(ids: unknown): string[] {
  if (!Array.isArray(ids) || ids.length === 0) return [`mailboxes: must be a non-empty list of mailbox ids${Array.isArray(ids) ? '' : describe(ids)}`];
  if (ids.length > MAX_BATCH_IDS) return [`mailboxes: must hold at most ${MAX_BATCH_IDS} ids, not ${ids.length.toLocaleString('en-US')}`];
  const problems: string[] = [];
  const seen = new Set<string>();
  ids.forEach((value: unknown, i) => {
    if (!isId(value)) problems.push(`mailboxes[${i}]: must be a mailbox id (${ID_RULE})${describe(value)}`);
    else if (seen.has(value)) problems.push(`mailboxes[${i}]: "${value}" is given twice`);
    else seen.add(value);
  });
  return problems;
}
