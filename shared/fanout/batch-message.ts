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

export function encodeBatch(message: BatchMessage): string {
  return Buffer.from(JSON.stringify(message), 'utf8').toString('base64');
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
