/**
 * A batch's part of the plan under the config in force now: the ids that still exist. A batch
 * planned from an older config (the fingerprint differs) checks those and names the rest, which
 * were removed since it was enqueued; nothing else of the old config is trusted.
 */
import type { Config } from '../config/schema';
import { planRun, type RunPlan } from '../run/plan';
import { someOf } from '../config/cross-checks';
import { BatchMessageError, fingerprint, type BatchMessage } from './batch-message';

export interface BatchRun {
  plan: RunPlan;
  /** Ids in the message that the current config no longer has. */
  missing: string[];
  configChanged: boolean;
}

export function batchPlan(message: BatchMessage, config: Config, configText: string): BatchRun {
  const known = new Set(config.mailboxes.map((m) => m.id));
  const present = message.mailboxes.filter((id) => known.has(id));
  const missing = message.mailboxes.filter((id) => !known.has(id));
  const configChanged = fingerprint(configText) !== message.config;
  // Planned from this very config, a batch can only hold its ids: unknown ones mean a forged or
  // corrupted message, refused whole before anything is checked or written (#16.11).
  if (!configChanged && missing.length > 0) {
    throw new BatchMessageError(`batch message: mailboxes: ${missing.length} id(s) not in the config it claims to be planned from (${someOf(missing, 5)}): not a batch the timer wrote`);
  }
  const plan = present.length > 0 ? planRun(config, present) : { ...planRun(config), mailboxes: [] };
  return { plan, missing, configChanged };
}
