/**
 * The scale-out app settings, read and checked once per invocation; a bad value is named with
 * its setting and the range it must be in.
 */
export const CHECK_QUEUE = 'mailbox-checks';
/** The Functions host moves a message here after maxDequeueCount failed attempts (host.json). */
export const POISON_QUEUE = `${CHECK_QUEUE}-poison`;

export interface FanoutSettings {
  /** Fan out when the plan holds more mailboxes than this; 0 = always. */
  threshold: number;
  batchSize: number;
  historyDays: number;
}

const DEFAULTS: FanoutSettings = { threshold: 300, batchSize: 100, historyDays: 7 };

export class FanoutSettingsError extends Error {
  override readonly name = 'FanoutSettingsError';
}

function whole(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const text = env[name];
  if (text === undefined || text.trim() === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) throw new FanoutSettingsError(`${name}: "${text}" must be a whole number from ${min} to ${max}`);
  return value;
}

export function fanoutSettings(env: NodeJS.ProcessEnv = process.env): FanoutSettings {
  return {
    threshold: whole(env, 'FANOUT_THRESHOLD', DEFAULTS.threshold, 0, 1_000_000),
    // A queue message holds at most 64 KiB of base64: planBatches also splits by bytes, so 1,000
    // ids of 64 characters (~89 KB encoded) become two messages rather than one the queue refuses.
    batchSize: whole(env, 'FANOUT_BATCH_SIZE', DEFAULTS.batchSize, 1, 1000),
    historyDays: whole(env, 'HISTORY_DAYS', DEFAULTS.historyDays, 1, 366),
  };
}

export function shouldFanOut(mailboxes: number, settings: FanoutSettings): boolean {
  return settings.threshold === 0 || mailboxes > settings.threshold;
}
