/**
 * A batch's part of the plan under the config in force now: the ids that still exist. A batch
 * planned from an older config (the fingerprint differs) checks those and names the rest, which
 * were removed since it was enqueued; nothing else of the old config is trusted.
 */
import type { Config } from '../config/schema';
import { planRun, type RunPlan } from '../run/plan';
import { fingerprint, type BatchMessage } from './batch-message';

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
  const plan = present.length > 0 ? planRun(config, present) : { ...planRun(config), mailboxes: [] };
  return { plan, missing, configChanged: fingerprint(configText) !== message.config };
}
