/**
 * Incidents in Table Storage, one row each, written only with the ETag they were read with: of two
 * instances that see the same change, one write wins and only the winner sends (the loser re-reads
 * and finds nothing left to say). Channel delivery outcomes live beside them, for the next run's
 * warnings.
 *
 * Every request goes through storageCall (issue 10): the engine's bounded retries of a 429, a 5xx
 * or a reset, `Retry-After` honoured, and nothing past the caller's deadline (the delivery's flush
 * deadline for the notifier sink; STORAGE_TIMEOUT_MS per call without one). The SDK's own retries
 * are off: they knew no deadline. A 404, 409 or 412 is an answer, never retried.
 */
import { RestError, TableClient, odata } from '@azure/data-tables';
import { tableClient, type StorageAccount } from '../storage/storage-account';
import { defaultBudget, storageCall, type StorageBudget } from '../storage/storage-call';
import { decodeKey, encodeKey } from '../state/mailbox-state';
import type { IncidentState } from './incidents';

export const INCIDENT_TABLE = 'incidents';
const INCIDENT_PARTITION = 'incident';
const CHANNEL_PARTITION = 'channel';

export interface ChannelHealth {
  channel: string;
  lastOkAt: string;
  lastFailedAt: string;
  lastError: string;
}

const isStatus = (error: unknown, ...statuses: number[]) => error instanceof RestError && statuses.includes(error.statusCode ?? 0);

export class IncidentStore {
  private ready: Promise<unknown> | undefined;

  constructor(readonly table: TableClient) {}

  static fromAccount(account: StorageAccount, table = INCIDENT_TABLE): IncidentStore {
    // The SDK does not retry: storageCall does, within the caller's deadline.
    return new IncidentStore(tableClient(account, table, 0));
  }

  /** One request within the budget (STORAGE_TIMEOUT_MS from now without one), retried while transient. */
  private call<T>(budget: StorageBudget | undefined, op: (options: { abortSignal: AbortSignal }) => Promise<T>): Promise<T> {
    return storageCall(budget ?? defaultBudget(), op);
  }

  /** Creates the table once per instance (a no-op when it exists); callers at the same time share the request. */
  private async ensure(budget?: StorageBudget): Promise<void> {
    const shared = this.ready;
    if (shared) {
      try {
        await shared;
        return;
      } catch {
        // That was another caller's request, within its own deadline (the channel warnings' few
        // seconds, before the delivery began): this caller tries within its own.
      }
    }
    this.ready ??= this.call(budget, (o) => this.table.createTable(o)).catch((error: unknown) => {
      this.ready = undefined;
      throw error;
    });
    await this.ready;
  }

  async read(incident: string, budget?: StorageBudget): Promise<{ state: IncidentState; etag: string } | undefined> {
    await this.ensure(budget);
    try {
      const entity = await this.call(budget, (o) => this.table.getEntity<IncidentState>(INCIDENT_PARTITION, encodeKey(incident), o));
      const { partitionKey: _p, rowKey: _r, etag, timestamp: _t, ...state } = entity as typeof entity & { timestamp?: string };
      return { state: state as IncidentState, etag };
    } catch (error) {
      if (isStatus(error, 404)) return undefined;
      throw error;
    }
  }

  /** The row's new ETag, or false when another instance wrote first (412 on update, 409 on create). */
  async write(state: IncidentState, etag: string | undefined, budget?: StorageBudget): Promise<string | false> {
    await this.ensure(budget);
    const entity = { partitionKey: INCIDENT_PARTITION, rowKey: encodeKey(state.incident), ...state };
    let attempts = 0;
    try {
      const written = await this.call(budget, (o) => (attempts++, etag ? this.table.updateEntity(entity, 'Replace', { etag, ...o }) : this.table.createEntity(entity, o)));
      return written.etag ?? '*';
    } catch (error) {
      if (!isStatus(error, 412, 409)) throw error;
      // A retry whose first attempt was written after all (its answer lost to a reset) meets its
      // own row: that is this instance's claim, not another's.
      if (attempts > 1) {
        const stored = await this.read(state.incident, budget);
        if (stored && sameState(stored.state, state)) return stored.etag;
      }
      return false;
    }
  }

  /** Removes the row only if it is still the one this instance wrote (its ETag). */
  async remove(incident: string, etag: string, budget?: StorageBudget): Promise<void> {
    await this.ensure(budget);
    try {
      await this.call(budget, (o) => this.table.deleteEntity(INCIDENT_PARTITION, encodeKey(incident), { etag, ...o }));
    } catch (error) {
      if (isStatus(error, 412, 404)) return;
      throw error;
    }
  }

  async list(budget?: StorageBudget): Promise<IncidentState[]> {
    await this.ensure(budget);
    // A retry lists again from the start.
    return this.call(budget, async (o) => {
      const rows: IncidentState[] = [];
      for await (const e of this.table.listEntities<IncidentState>({ queryOptions: { filter: odata`PartitionKey eq ${INCIDENT_PARTITION}` }, ...o })) rows.push(e);
      return rows;
    });
  }

  async recordDelivery(channel: string, ok: boolean, error: string | undefined, at: string, budget?: StorageBudget): Promise<void> {
    await this.ensure(budget);
    const fields = ok ? { lastOkAt: at } : { lastFailedAt: at, lastError: error ?? '' };
    // A merge of the same fields: repeating it after a lost answer changes nothing.
    await this.call(budget, (o) => this.table.upsertEntity({ partitionKey: CHANNEL_PARTITION, rowKey: encodeKey(channel), channel, ...fields }, 'Merge', o));
  }

  /** Channels whose last delivery failed. */
  async failingChannels(budget?: StorageBudget): Promise<ChannelHealth[]> {
    await this.ensure(budget);
    return this.call(budget, async (o) => {
      const rows: ChannelHealth[] = [];
      for await (const e of this.table.listEntities<Partial<ChannelHealth>>({ queryOptions: { filter: odata`PartitionKey eq ${CHANNEL_PARTITION}` }, ...o })) {
        const row = { channel: e.channel ?? decodeKey(e.rowKey!), lastOkAt: e.lastOkAt ?? '', lastFailedAt: e.lastFailedAt ?? '', lastError: e.lastError ?? '' };
        if (row.lastFailedAt && row.lastFailedAt > row.lastOkAt) rows.push(row);
      }
      return rows;
    });
  }
}

/** The stored row holds exactly what was written (every field of the state, as written). */
function sameState(stored: IncidentState, written: IncidentState): boolean {
  return (Object.keys(written) as (keyof IncidentState)[]).every((k) => stored[k] === written[k]);
}
