/**
 * The per-mailbox state in Azure Table Storage (row model: mailbox-state.ts). Each latest row is
 * read and then written with its ETag, so two instances writing the same mailbox at once (a
 * retried batch, an overlapping run) never lose a strip cell or a "since": the loser re-reads and
 * merges. Every request has a timeout.
 */
import type * as DataTables from '@azure/data-tables';
import type { TableClient, TableEntityResult } from '@azure/data-tables';
import pLimit from 'p-limit';
import type { CheckResult } from '../contract/result';
import type { RunContext } from '../report/sink';
import { STORAGE_TIMEOUT_MS, tableClient, type StorageAccount } from '../storage/storage-account';
import {
  HISTORY_TABLE,
  LATEST_PARTITION,
  LATEST_TABLE,
  encodeKey,
  historyCutoffKey,
  historyRow,
  latestRow,
  notCheckedRow,
  toLatestRow,
  type HistoryRow,
  type LatestRow,
} from './mailbox-state';

// Required on first use, so `validate`, `schema` and a config error never load it (issue 9).
const tables = () => require('@azure/data-tables') as typeof DataTables;

const WRITE_ATTEMPTS = 5;
/** Rows of the latest table that are not a mailbox's (the purge marker). */
const META_PARTITION = 'meta';
/** History is removed within this long after it passes HISTORY_DAYS. */
export const PURGE_EVERY_MS = 6 * 3600_000;
/** Requests in flight per store call: enough to hide latency, few enough for one partition. */
const PARALLEL = 16;
const timeout = () => ({ abortSignal: AbortSignal.timeout(STORAGE_TIMEOUT_MS) });

export interface MailboxRef {
  id: string;
  address: string;
  app: string;
}

export class StateStore {
  private ready: Promise<void> | undefined;

  constructor(
    readonly latest: TableClient,
    readonly history: TableClient,
  ) {}

  static fromAccount(account: StorageAccount, names = { latest: LATEST_TABLE, history: HISTORY_TABLE }): StateStore {
    return new StateStore(tableClient(account, names.latest), tableClient(account, names.history));
  }

  /** Creates both tables once per instance (createTable is a no-op when they exist). */
  ensureTables(): Promise<void> {
    this.ready ??= Promise.all([this.latest.createTable(timeout()), this.history.createTable(timeout())]).then(
      () => undefined,
      (error: unknown) => {
        this.ready = undefined;
        throw error;
      },
    );
    return this.ready;
  }

  /** The latest row and a history row for each result (several results of one mailbox fold in time order). */
  async record(results: CheckResult[], run: RunContext): Promise<void> {
    await this.ensureTables();
    const byMailbox = new Map<string, CheckResult[]>();
    for (const result of results) byMailbox.set(result.mailbox, [...(byMailbox.get(result.mailbox) ?? []), result]);
    const limit = pLimit(PARALLEL);
    await Promise.all(
      [...byMailbox].map(([mailbox, own]) =>
        limit(async () => {
          own.sort((a, b) => a.checkedAt.localeCompare(b.checkedAt));
          await this.update(mailbox, (previous) => own.reduce<LatestRow | undefined>((row, result) => latestRow(result, run, row), previous)!);
          for (const result of own) await this.history.upsertEntity<HistoryRow>(historyRow(result, run), 'Replace', timeout());
        }),
      ),
    );
  }

  /** Marks mailboxes whose batch died as not checked, keeping their last real result. */
  async markNotChecked(mailboxes: MailboxRef[], reason: string, run: RunContext, at = new Date().toISOString()): Promise<void> {
    await this.ensureTables();
    const limit = pLimit(PARALLEL);
    await Promise.all(mailboxes.map((mailbox) => limit(() => this.update(mailbox.id, (previous) => notCheckedRow(mailbox, reason, at, run, previous)))));
  }

  async get(mailbox: string): Promise<LatestRow | undefined> {
    await this.ensureTables();
    return (await this.read(mailbox))?.row;
  }

  /** Every mailbox's latest row, in id order. */
  async list(): Promise<LatestRow[]> {
    await this.ensureTables();
    const rows: LatestRow[] = [];
    const pages = this.latest.listEntities<Record<string, unknown>>({ queryOptions: { filter: tables().odata`PartitionKey eq ${LATEST_PARTITION}` }, ...timeout() });
    for await (const entity of pages) rows.push(toLatestRow(entity));
    return rows;
  }

  /** A mailbox's history, newest first, back to `since`. */
  async historyOf(mailbox: string, since: Date): Promise<HistoryRow[]> {
    await this.ensureTables();
    const rows: HistoryRow[] = [];
    const filter = tables().odata`PartitionKey eq ${encodeKey(mailbox)} and RowKey le ${historyCutoffKey(since)}`;
    for await (const entity of this.history.listEntities<HistoryRow>({ queryOptions: { filter }, ...timeout() })) rows.push(entity);
    return rows;
  }

  /**
   * Deletes history older than `cutoff` for the given mailboxes (one range query each, deletes in
   * transactions of 100), and the latest rows of mailboxes no longer configured once their last
   * check is older than the cutoff too. Returns the number of rows deleted.
   */
  async purge(cutoff: Date, configured: Set<string>): Promise<number> {
    await this.ensureTables();
    const rows = await this.list();
    const limit = pLimit(PARALLEL);
    const counts = await Promise.all(
      rows.map((row) =>
        limit(async () => {
          let deleted = await this.purgeHistory(row.mailbox, cutoff);
          const last = row.notCheckedAt > row.checkedAt ? row.notCheckedAt : row.checkedAt;
          if (!configured.has(row.mailbox) && (!last || Date.parse(last) < cutoff.getTime())) {
            await this.latest.deleteEntity(row.partitionKey, row.rowKey, timeout());
            deleted++;
          }
          return deleted;
        }),
      ),
    );
    return counts.reduce((a, b) => a + b, 0);
  }

  /**
   * purge(), at most once per PURGE_EVERY_MS across all instances: the first to replace the
   * marker row (with its ETag) does it, the others skip. Returns the rows deleted, or undefined
   * when it was not due or another instance took it.
   */
  async purgeIfDue(historyDays: number, configured: Set<string>, now = new Date()): Promise<number | undefined> {
    await this.ensureTables();
    let current: { etag: string; lastPurgeAt: string } | undefined;
    try {
      current = await this.latest.getEntity<{ lastPurgeAt: string }>(META_PARTITION, 'purge', timeout());
    } catch (error) {
      if (!(error instanceof tables().RestError && error.statusCode === 404)) throw error;
    }
    if (current && now.getTime() - Date.parse(current.lastPurgeAt) < PURGE_EVERY_MS) return undefined;
    const marker = { partitionKey: META_PARTITION, rowKey: 'purge', lastPurgeAt: now.toISOString() };
    try {
      if (current) await this.latest.updateEntity(marker, 'Replace', { etag: current.etag, ...timeout() });
      else await this.latest.createEntity(marker, timeout());
    } catch (error) {
      if (error instanceof tables().RestError && (error.statusCode === 409 || error.statusCode === 412)) return undefined;
      throw error;
    }
    return this.purge(new Date(now.getTime() - historyDays * 24 * 3600_000), configured);
  }

  private async purgeHistory(mailbox: string, cutoff: Date): Promise<number> {
    const partition = encodeKey(mailbox);
    const filter = tables().odata`PartitionKey eq ${partition} and RowKey gt ${historyCutoffKey(cutoff)}`;
    const keys: string[] = [];
    for await (const entity of this.history.listEntities({ queryOptions: { filter, select: ['RowKey'] }, ...timeout() })) keys.push(entity.rowKey!);
    for (let i = 0; i < keys.length; i += 100) {
      await this.history.submitTransaction(keys.slice(i, i + 100).map((rowKey) => ['delete', { partitionKey: partition, rowKey }]), timeout());
    }
    return keys.length;
  }

  private async read(mailbox: string): Promise<{ row: LatestRow; etag: string } | undefined> {
    try {
      const entity: TableEntityResult<Record<string, unknown>> = await this.latest.getEntity(LATEST_PARTITION, encodeKey(mailbox), timeout());
      return { row: toLatestRow(entity), etag: entity.etag };
    } catch (error) {
      if (error instanceof tables().RestError && error.statusCode === 404) return undefined;
      throw error;
    }
  }

  /** Read, compute, write with the ETag; on a concurrent write (409/412) read again and recompute. */
  private async update(mailbox: string, next: (previous: LatestRow | undefined) => LatestRow): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const current = await this.read(mailbox);
      const row = next(current?.row);
      try {
        if (current) await this.latest.updateEntity(row, 'Replace', { etag: current.etag, ...timeout() });
        else await this.latest.createEntity(row, timeout());
        return;
      } catch (error) {
        const conflict = error instanceof tables().RestError && (error.statusCode === 409 || error.statusCode === 412);
        if (!conflict || attempt >= WRITE_ATTEMPTS) throw error;
        // Writers that collided should not collide again in lockstep.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
      }
    }
  }
}
