/**
 * Splits a run's plan into queue batches. A batch holds mailboxes of one app only, so its token
 * is requested once per batch (and a warm instance reuses it across batches through MSAL's cache);
 * an app's mailboxes go into as few batches as the batch size allows, evenly filled, so no batch
 * is a straggler of one or two mailboxes.
 */
import type { RunPlan } from '../run/plan';

export interface BatchPlan {
  app: string;
  mailboxes: string[];
}

export function planBatches(plan: RunPlan, batchSize: number): BatchPlan[] {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batch size must be a whole number of at least 1, not ${batchSize}`);
  const byApp = new Map<string, string[]>();
  for (const mailbox of plan.mailboxes) byApp.set(mailbox.app.id, [...(byApp.get(mailbox.app.id) ?? []), mailbox.id]);
  const batches: BatchPlan[] = [];
  for (const [app, ids] of byApp) {
    const count = Math.ceil(ids.length / batchSize);
    const size = Math.ceil(ids.length / count);
    for (let i = 0; i < ids.length; i += size) batches.push({ app, mailboxes: ids.slice(i, i + size) });
  }
  return batches;
}
