/**
 * Incidents in Table Storage, one row each, written only with the ETag they were read with: of two
 * instances that see the same change, one write wins and only the winner sends (the loser re-reads
 * and finds nothing left to say). Channel delivery outcomes live beside them, for the next run's
 * warnings. Every request has a timeout.
 */
import { RestError, TableClient, odata } from '@azure/data-tables';
import { STORAGE_TIMEOUT_MS, tableClient, type StorageAccount } from '../storage/storage-account';
import { decodeKey, encodeKey } from '../state/mailbox-state';
import type { IncidentState } from './incidents';

export const INCIDENT_TABLE = 'incidents';
const INCIDENT_PARTITION = 'incident';
const CHANNEL_PARTITION = 'channel';
const timeout = () => ({ abortSignal: AbortSignal.timeout(STORAGE_TIMEOUT_MS) });

export interface ChannelHealth {
  channel: string;
  lastOkAt: string;
  lastFailedAt: string;
  lastError: string;
}

export class IncidentStore {
  private ready: Promise<unknown> | undefined;

  constructor(readonly table: TableClient) {}

  static fromAccount(account: StorageAccount, table = INCIDENT_TABLE): IncidentStore {
    return new IncidentStore(tableClient(account, table));
  }

  private ensure(): Promise<unknown> {
    this.ready ??= this.table.createTable(timeout()).catch((error: unknown) => {
      this.ready = undefined;
      throw error;
    });
    return this.ready;
  }

  async read(incident: string): Promise<{ state: IncidentState; etag: string } | undefined> {
    await this.ensure();
    try {
      const entity = await this.table.getEntity<IncidentState>(INCIDENT_PARTITION, encodeKey(incident), timeout());
      const { partitionKey: _p, rowKey: _r, etag, timestamp: _t, ...state } = entity as typeof entity & { timestamp?: string };
      return { state: state as IncidentState, etag };
    } catch (error) {
      if (error instanceof RestError && error.statusCode === 404) return undefined;
      throw error;
    }
  }

  /** The row's new ETag, or false when another instance wrote first (412 on update, 409 on create). */
  async write(state: IncidentState, etag: string | undefined): Promise<string | false> {
    await this.ensure();
    const entity = { partitionKey: INCIDENT_PARTITION, rowKey: encodeKey(state.incident), ...state };
    try {
      const written = etag ? await this.table.updateEntity(entity, 'Replace', { etag, ...timeout() }) : await this.table.createEntity(entity, timeout());
      return written.etag ?? '*';
    } catch (error) {
      if (error instanceof RestError && (error.statusCode === 412 || error.statusCode === 409)) return false;
      throw error;
    }
  }

  /** Removes the row only if it is still the one this instance wrote (its ETag). */
  async remove(incident: string, etag: string): Promise<void> {
    await this.ensure();
    try {
      await this.table.deleteEntity(INCIDENT_PARTITION, encodeKey(incident), { etag, ...timeout() });
    } catch (error) {
      if (error instanceof RestError && (error.statusCode === 412 || error.statusCode === 404)) return;
      throw error;
    }
  }

  async list(): Promise<IncidentState[]> {
    await this.ensure();
    const rows: IncidentState[] = [];
    for await (const e of this.table.listEntities<IncidentState>({ queryOptions: { filter: odata`PartitionKey eq ${INCIDENT_PARTITION}` }, ...timeout() })) rows.push(e);
    return rows;
  }

  async recordDelivery(channel: string, ok: boolean, error: string | undefined, at: string): Promise<void> {
    await this.ensure();
    const fields = ok ? { lastOkAt: at } : { lastFailedAt: at, lastError: error ?? '' };
    await this.table.upsertEntity({ partitionKey: CHANNEL_PARTITION, rowKey: encodeKey(channel), channel, ...fields }, 'Merge', timeout());
  }

  /** Channels whose last delivery failed. */
  async failingChannels(): Promise<ChannelHealth[]> {
    await this.ensure();
    const rows: ChannelHealth[] = [];
    for await (const e of this.table.listEntities<Partial<ChannelHealth>>({ queryOptions: { filter: odata`PartitionKey eq ${CHANNEL_PARTITION}` }, ...timeout() })) {
      const row = { channel: e.channel ?? decodeKey(e.rowKey!), lastOkAt: e.lastOkAt ?? '', lastFailedAt: e.lastFailedAt ?? '', lastError: e.lastError ?? '' };
      if (row.lastFailedAt && row.lastFailedAt > row.lastOkAt) rows.push(row);
    }
    return rows;
  }
}
