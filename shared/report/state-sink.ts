/**
 * The Sink that keeps each mailbox's latest state and history in Table Storage (state-store.ts).
 * On whenever Storage is configured (`AzureWebJobsStorage`, always set on a Function App), so
 * inline runs and queue batches write alike; `MAILBOX_STATE=off` turns it off.
 */
import type { RunReport } from '../contract/result';
import type { RunPlan } from '../run/plan';
import { fanoutSettings } from '../fanout/fanout-settings';
import { StateStore } from '../state/state-store';
import { MAX_HISTORY_DAYS } from '../state/uptime-tally';
import { storageAccount } from '../storage/storage-account';
import type { DeliveryBudget, RunContext, Sink } from './sink';
import { STATE_SETTINGS, stateConfigured } from './state-settings';

export { STATE_SETTINGS, stateConfigured };

export class StateSink implements Sink {
  readonly name = 'state';

  constructor(readonly store: StateStore) {}

  /**
   * A failed write is thrown with what was lost, for the delivery (delivery.ts) to log; the
   * delivery keeps it from touching the run's result or the invocation's outcome. Transient
   * failures are retried within the delivery's deadline, and no request outlives it.
   */
  async report(report: RunReport, _plan: RunPlan, run: RunContext, budget?: DeliveryBudget): Promise<void> {
    try {
      await this.store.record(report.results, run, budget);
    } catch (error) {
      throw new Error(`could not record ${report.results.length} result(s) of run ${run.runId} in Table Storage: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }

  async monitorError(): Promise<void> {
    // A monitor error has no mailbox to record; dead batches are marked by the poison function.
  }

  async flush(): Promise<void> {
    // Every write is awaited in report(): nothing is buffered.
  }
}

let shared: { key: string; store: StateStore } | undefined;

/**
 * HISTORY_DAYS for the uptime tally's writes. A bad value keeps the most days rather than fail a
 * write: nothing is lost, the page trims to what it reads and says the setting is wrong.
 */
function tallyDays(env: NodeJS.ProcessEnv): number {
  try {
    return fanoutSettings(env).historyDays;
  } catch {
    return MAX_HISTORY_DAYS;
  }
}

/** One store per warm instance (its tables are created once), rebuilt when the settings change. */
export function stateStoreFromSettings(env: NodeJS.ProcessEnv = process.env): StateStore {
  const key = JSON.stringify([...STATE_SETTINGS, 'HISTORY_DAYS'].map((name) => env[name] ?? null));
  if (shared?.key !== key) shared = { key, store: StateStore.fromAccount(storageAccount(env), undefined, tallyDays(env)) };
  return shared.store;
}
