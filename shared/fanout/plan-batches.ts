/**
 * Splits a run's plan into queue batches. A batch holds mailboxes of one app only, so its token
 * is requested once per batch (and a warm instance reuses it across batches through MSAL's cache);
 * an app's mailboxes go into as few batches as the batch size allows, evenly filled, so no batch
 * is a straggler of one or two mailboxes. Every batch fits one queue message (MAX_ENCODED_BYTES).
 */
import type { RunPlan } from '../run/plan';
import { idBudget, idBytes } from './batch-message';

export interface BatchPlan {
  app: string;
  mailboxes: string[];
}

export function planBatches(plan: RunPlan, batchSize: number, budget: (app: string) => number = idBudget): BatchPlan[] {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batch size must be a whole number of at least 1, not ${batchSize}`);
  const byApp = new Map<string, string[]>();
  for (const mailbox of plan.mailboxes) {
    const ids = byApp.get(mailbox.app.id);
    if (ids) ids.push(mailbox.id);
    else byApp.set(mailbox.app.id, [mailbox.id]);
  }
  const batches: BatchPlan[] = [];
  for (const [app, ids] of byApp) batches.push(...splitApp(app, ids, batchSize, budget(app)));
  return batches;
}

/**
 * One app's ids in as few evenly filled batches as both limits allow: the count of ids, and the
 * bytes they take in the queue message (#16.5), so FANOUT_BATCH_SIZE's maximum holds whatever the
 * ids' length. Starts from the fewest batches either limit needs and adds one while a batch is
 * still too large (ids differ in length, so an even split by count can be uneven in bytes).
 */
function splitApp(app: string, ids: string[], batchSize: number, bytes: number): BatchPlan[] {
  const sizes = ids.map(idBytes);
  const widest = sizes.reduce((a, b) => Math.max(a, b), 0);
  if (widest > bytes) throw new RangeError(`mailbox id of ${widest} bytes does not fit a queue message of app ${app}`);
  const total = sizes.reduce((a, b) => a + b, 0);
  for (let count = Math.max(Math.ceil(ids.length / batchSize), Math.ceil(total / bytes)); ; count++) {
    const size = Math.ceil(ids.length / count);
    const batches: BatchPlan[] = [];
    let fits = true;
    for (let i = 0; i < ids.length && fits; i += size) {
      fits = sizes.slice(i, i + size).reduce((a, b) => a + b, 0) <= bytes;
      batches.push({ app, mailboxes: ids.slice(i, i + size) });
    }
    if (fits) return batches;
  }
}
