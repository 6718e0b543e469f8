/**
 * The per-mailbox state in Azure Table Storage (row model: mailbox-state.ts). Each latest row is
 * read and then written with its ETag, so two instances writing the same mailbox at once (a
 * retried batch, an overlapping run) never lose a strip cell, an uptime count or a "since": the loser re-reads and
 * merges. Every request goes through storageCall: the engine's bounded retries, and a deadline —
 * the caller's budget (a sink's flush timeout, the timer's purge) or STORAGE_TIMEOUT_MS per request.
 */
import type * as DataTables from '@azure/data-tables';
import type { TableClient, TableEntityResult } from '@azure/data-tables';
import pLimit from 'p-limit';
import type { CheckResult } from '../contract/result';
import type { RunContext } from '../report/sink';
import { tableClient, type StorageAccount } from '../storage/storage-account';
import { defaultBudget, storageCall, type StorageBudget } from '../storage/storage-call';
import {
  DEFAULT_HISTORY_DAYS,
  HISTORY_TABLE,
  LATEST_PARTITION,
  LATEST_TABLE,
  encodeKey,
  historyCutoffKey,
  historyRow,
  latestRow,
  notCheckedHistoryRow,
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
/** One request within the budget, or within STORAGE_TIMEOUT_MS of its start when there is none. */
const call = <T>(budget: StorageBudget | undefined, op: (options: { abortSignal: AbortSignal }) => Promise<T>) => storageCall(budget ?? defaultBudget(), op);

export interface MailboxRef {
  id: string;
  address: string;
  app: string;
}

export class StateStore {
  private ready: Promise<void> | undefined;

  /**
   * @param historyDays HISTORY_DAYS: the days of uptime tally each write keeps (older buckets are
   * dropped as the row is rewritten), as the purge keeps that many days of history.
   */
  constructor(
    readonly latest: TableClient,
    readonly history: TableClient,
    readonly historyDays = DEFAULT_HISTORY_DAYS,
  ) {}

  static fromAccount(account: StorageAccount, names = { latest: LATEST_TABLE, history: HISTORY_TABLE }, historyDays = DEFAULT_HISTORY_DAYS): StateStore {
    // The SDK does not retry: storageCall does, within the caller's deadline.
    return new StateStore(tableClient(account, names.latest, 0), tableClient(account, names.history, 0), historyDays);
  }

  /** Creates both tables once per instance (createTable is a no-op when they exist). */
  ensureTables(budget?: StorageBudget): Promise<void> {
    this.ready ??= Promise.all([call(budget, (o) => this.latest.createTable(o)), call(budget, (o) => this.history.createTable(o))]).then(
      () => undefined,
      (error: unknown) => {
        this.ready = undefined;
        throw error;
      },
    );
    return this.ready;
  }

  /** The latest row and a history row for each result (several results of one mailbox fold in time order). */
  async record(results: CheckResult[], run: RunContext, budget?: StorageBudget): Promise<void> {
    await this.ensureTables(budget);
    const byMailbox = new Map<string, CheckResult[]>();
    for (const result of results) byMailbox.set(result.mailbox, [...(byMailbox.get(result.mailbox) ?? []), result]);
    const limit = pLimit(PARALLEL);
    await Promise.all(
      [...byMailbox].map(([mailbox, own]) =>
        limit(async () => {
          own.sort((a, b) => a.checkedAt.localeCompare(b.checkedAt));
          await this.update(mailbox, (previous) => own.reduce<LatestRow | undefined>((row, result) => latestRow(result, run, row, this.historyDays), previous)!, budget);
          for (const result of own) await call(budget, (o) => this.history.upsertEntity<HistoryRow>(historyRow(result, run), 'Replace', o));
        }),
      ),
    );
  }

  /** Marks mailboxes whose batch died as not checked, keeping their last real result. */
  async markNotChecked(mailboxes: MailboxRef[], reason: string, run: RunContext, at = new Date().toISOString()): Promise<void> {
    await this.ensureTables();
    const limit = pLimit(PARALLEL);
    await Promise.all(
      mailboxes.map((mailbox) =>
        limit(async () => {
          await this.update(mailbox.id, (previous) => notCheckedRow(mailbox, reason, at, run, previous, this.historyDays));
          // In the history too, so the history says what the tally counted as not checked.
          await call(undefined, (o) => this.history.upsertEntity<HistoryRow>(notCheckedHistoryRow(mailbox.id, reason, at, run), 'Replace', o));
        }),
      ),
    );
  }

  async get(mailbox: string): Promise<LatestRow | undefined> {
    await this.ensureTables();
    return (await this.read(mailbox))?.row;
  }

  /** Every mailbox's latest row, in id order. */
  async list(budget?: StorageBudget): Promise<LatestRow[]> {
    await this.ensureTables(budget);
    // A retry lists again from the start.
    return call(budget, async (o) => {
      const rows: LatestRow[] = [];
      for await (const entity of this.latest.listEntities<Record<string, unknown>>({ queryOptions: { filter: tables().odata`PartitionKey eq ${LATEST_PARTITION}` }, ...o })) rows.push(toLatestRow(entity));
      return rows;
    });
  }

  /** A mailbox's history, newest first, back to `since`; `select` narrows the columns read. */
  async historyOf(mailbox: string, since: Date, budget?: StorageBudget, select?: (keyof HistoryRow)[]): Promise<HistoryRow[]> {
    await this.ensureTables(budget);
    const filter = tables().odata`PartitionKey eq ${encodeKey(mailbox)} and RowKey le ${historyCutoffKey(since)}`;
    return call(budget, async (o) => {
      const rows: HistoryRow[] = [];
      for await (const entity of this.history.listEntities<HistoryRow>({ queryOptions: { filter, ...(select ? { select } : {}) }, ...o })) rows.push(entity);
      return rows;
    });
  }

  /**
   * Deletes history older than `cutoff` for the given mailboxes (one range query each, deletes in
   * transactions of 100), and the latest rows of mailboxes no longer configured once their last
   * check is older than the cutoff too. Returns the number of rows deleted.
   */
  async purge(cutoff: Date, configured: Set<string>, budget?: StorageBudget): Promise<number> {
    await this.ensureTables(budget);
    const rows = await this.list(budget);
    const limit = pLimit(PARALLEL);
    const counts = await Promise.all(
      rows.map((row) =>
        limit(async () => {
          let deleted = await this.purgeHistory(row.mailbox, cutoff, budget);
          const last = row.notCheckedAt > row.checkedAt ? row.notCheckedAt : row.checkedAt;
          if (!configured.has(row.mailbox) && (!last || Date.parse(last) < cutoff.getTime())) {
            await call(budget, (o) => this.latest.deleteEntity(row.partitionKey, row.rowKey, o));
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
  async purgeIfDue(historyDays: number, configured: Set<string>, now = new Date(), budget?: StorageBudget): Promise<number | undefined> {
    await this.ensureTables(budget);
    let current: { etag: string; lastPurgeAt: string } | undefined;
    try {
      current = await call(budget, (o) => this.latest.getEntity<{ lastPurgeAt: string }>(META_PARTITION, 'purge', o));
    } catch (error) {
      if (!(error instanceof tables().RestError && error.statusCode === 404)) throw error;
    }
    if (current && now.getTime() - Date.parse(current.lastPurgeAt) < PURGE_EVERY_MS) return undefined;
    const marker = { partitionKey: META_PARTITION, rowKey: 'purge', lastPurgeAt: now.toISOString() };
    try {
      if (current) await call(budget, (o) => this.latest.updateEntity(marker, 'Replace', { etag: current.etag, ...o }));
      else await call(budget, (o) => this.latest.createEntity(marker, o));
    } catch (error) {
      if (error instanceof tables().RestError && (error.statusCode === 409 || error.statusCode === 412)) return undefined;
      throw error;
    }
    return this.purge(new Date(now.getTime() - historyDays * 24 * 3600_000), configured, budget);
  }

  private async purgeHistory(mailbox: string, cutoff: Date, budget: StorageBudget | undefined): Promise<number> {
    const partition = encodeKey(mailbox);
    const filter = tables().odata`PartitionKey eq ${partition} and RowKey gt ${historyCutoffKey(cutoff)}`;
    const keys = await call(budget, async (o) => {
      const found: string[] = [];
      for await (const entity of this.history.listEntities({ queryOptions: { filter, select: ['RowKey'] }, ...o })) found.push(entity.rowKey!);
      return found;
    });
    for (let i = 0; i < keys.length; i += 100) {
      await call(budget, (o) => this.history.submitTransaction(keys.slice(i, i + 100).map((rowKey) => ['delete', { partitionKey: partition, rowKey }]), o));
    }
    return keys.length;
  }

  private async read(mailbox: string, budget?: StorageBudget): Promise<{ row: LatestRow; etag: string } | undefined> {
    try {
      const entity: TableEntityResult<Record<string, unknown>> = await call(budget, (o) => this.latest.getEntity(LATEST_PARTITION, encodeKey(mailbox), o));
      return { row: toLatestRow(entity), etag: entity.etag };
    } catch (error) {
      if (error instanceof tables().RestError && error.statusCode === 404) return undefined;
      throw error;
    }
  }

  /** Read, compute, write with the ETag; on a concurrent write (409/412) read again and recompute. */
  private async update(mailbox: string, next: (previous: LatestRow | undefined) => LatestRow, budget?: StorageBudget): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const current = await this.read(mailbox, budget);
      const row = next(current?.row);
      try {
        if (current) await call(budget, (o) => this.latest.updateEntity(row, 'Replace', { etag: current.etag, ...o }));
        else await call(budget, (o) => this.latest.createEntity(row, o));
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
