/**
 * The Sink that keeps each mailbox's latest state and history in Table Storage (state-store.ts).
 * On whenever Storage is configured (`AzureWebJobsStorage`, always set on a Function App), so
 * inline runs and queue batches write alike; `MAILBOX_STATE=off` turns it off.
 */
import type { RunReport } from '../contract/result';
import type { RunPlan } from '../run/plan';
import { StateStore } from '../state/state-store';
import { STORAGE_CONNECTION, storageAccount } from '../storage/storage-account';
import type { RunContext, Sink } from './sink';

export class StateSink implements Sink {
  readonly name = 'state';
  /** The last write that failed (a sink never throws: the check's result must not depend on Storage). */
  lastError: Error | undefined;

  constructor(
    readonly store: StateStore,
    private readonly log: (message: string) => void = () => undefined,
  ) {}

  async report(report: RunReport, _plan: RunPlan, run: RunContext): Promise<void> {
    try {
      await this.store.record(report.results, run);
    } catch (error) {
      this.lastError = error instanceof Error ? error : new Error(String(error));
      this.log(`state: could not record ${report.results.length} result(s) of run ${run.runId} in Table Storage: ${this.lastError.message}`);
    }
  }

  async monitorError(): Promise<void> {
    // A monitor error has no mailbox to record; dead batches are marked by the poison function.
  }

  async flush(): Promise<void> {
    // Every write is awaited in report(): nothing is buffered.
  }
}

/** Whether this environment keeps state: Storage configured and not switched off. */
export function stateConfigured(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.MAILBOX_STATE?.toLowerCase() === 'off') return false;
  return Boolean(env[STORAGE_CONNECTION] || env[`${STORAGE_CONNECTION}__accountName`] || env[`${STORAGE_CONNECTION}__tableServiceUri`]);
}

let shared: { key: string; store: StateStore } | undefined;

/** One store per warm instance (its tables are created once), rebuilt when the settings change. */
export function stateStoreFromSettings(env: NodeJS.ProcessEnv = process.env): StateStore {
  const key = [env[STORAGE_CONNECTION], env[`${STORAGE_CONNECTION}__accountName`], env[`${STORAGE_CONNECTION}__tableServiceUri`], env[`${STORAGE_CONNECTION}__clientId`]].join('|');
  if (shared?.key !== key) shared = { key, store: StateStore.fromAccount(storageAccount(env)) };
  return shared.store;
}
