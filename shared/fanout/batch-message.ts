/**
 * The queue message of one batch: ids and a config fingerprint, never config or secrets (anyone
 * who can peek at the queue sees it). Base64 text, as the Functions host expects by default.
 */
import { createHash } from 'node:crypto';

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

/**
 * What the host hands the queue function: the message already decoded from base64 and, being
 * JSON, parsed into an object (a string when it was not JSON). Every problem is named by field.
 */
export function parseBatch(item: unknown): BatchMessage {
  let value = item;
  if (typeof item === 'string') {
    try {
      value = JSON.parse(item);
    } catch {
      throw new BatchMessageError(`batch message: not JSON (${item.slice(0, 40)}…)`);
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new BatchMessageError('batch message: must be a JSON object');
  const m = value as Record<string, unknown>;
  const problems: string[] = [];
  if (m.v !== BATCH_MESSAGE_VERSION) problems.push(`v: must be ${BATCH_MESSAGE_VERSION}, not ${JSON.stringify(m.v)}`);
  for (const key of ['runId', 'config', 'app', 'enqueuedAt'] as const) {
    if (typeof m[key] !== 'string' || m[key] === '') problems.push(`${key}: must be a non-empty string`);
  }
  if (!Array.isArray(m.mailboxes) || m.mailboxes.length === 0 || !m.mailboxes.every((id) => typeof id === 'string' && id !== '')) {
    problems.push('mailboxes: must be a non-empty list of mailbox ids');
  }
  for (const key of ['batch', 'batches'] as const) {
    if (!Number.isInteger(m[key]) || (m[key] as number) < 1) problems.push(`${key}: must be a whole number of at least 1`);
  }
  if (problems.length > 0) throw new BatchMessageError(`batch message: ${problems.join('; ')}`);
  return m as unknown as BatchMessage;
}
