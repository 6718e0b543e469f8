/**
 * What the uptime (issue 20) costs where it is shown, against the real Azurite, before and after
 * the running tally:
 *
 * - before: one history range query per mailbox (four columns, 16 at a time), as the page did
 *   until the tally. Measured on 50 mailboxes × a week of 5-minute checks (100,800 rows: 2 million
 *   would take minutes to seed), and extrapolated per row to 1,000 mailboxes (2,016,000 rows).
 * - after: the list of latest rows the page reads anyway (each with a week's tally), and the
 *   figures made from it, for 1,000 mailboxes. Nothing is read from the history.
 *
 * And the page's bytes with and without the figures.
 *
 *   npm run bench -- uptime-read
 */
import type { TransactionAction } from '@azure/data-tables';
import pLimit from 'p-limit';
import { gzipSync } from 'node:zlib';
import { historyRow, latestRow, type LatestRow } from '../shared/state/mailbox-state';
import { StateStore } from '../shared/state/state-store';
import { uptimeOfRows } from '../shared/state/uptime-read';
import type { Uptime } from '../shared/state/uptime';
import { storageAccount } from '../shared/storage/storage-account';
import { renderStatusPage } from '../shared/status/status-page';
import { historyCounts } from '../test/state/history-uptime';
import { pageFleet } from '../test/status/page-fleet';
import { result, runContext } from '../test/state/results';
import { startAzurite } from '../test/storage/azurite';

const FIVE_MINUTES = 5 * 60_000;
const WEEK_CHECKS = 7 * 24 * 12;
const HISTORY_DAYS = 7;
type Entity = Record<string, unknown> & { partitionKey: string; rowKey: string };

const median = async (f: () => Promise<void>): Promise<number> => {
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    await f();
    times.push(performance.now() - t);
  }
  return times.sort((a, b) => a - b)[1]!;
};

/** A week of 5-minute checks of one mailbox, one in 50 failed, oldest first. */
const week = (id: string, now: number) => Array.from({ length: WEEK_CHECKS }, (_, i) => result(id, i % 50 === 7 ? 'failed' : 'ok', new Date(now - (WEEK_CHECKS - i) * FIVE_MINUTES + 1000).toISOString()));

async function before(store: StateStore, mailboxes: number, now: number): Promise<void> {
  await store.ensureTables();
  for (let m = 0; m < mailboxes; m++) {
    const rows = week(`mbx-${m}`, now).map((r, i) => historyRow(r, runContext(`r${i}`)));
    for (let i = 0; i < rows.length; i += 100) await store.history.submitTransaction(rows.slice(i, i + 100).map((row): TransactionAction => ['upsert', row as unknown as Entity, 'Replace']));
  }
  const ids = Array.from({ length: mailboxes }, (_, m) => `mbx-${m}`);
  // The old read: one range query per mailbox, the four columns the figures need, 16 at a time.
  const read = async () => {
    const limit = pLimit(16);
    const since = new Date(now - HISTORY_DAYS * 24 * 3600_000);
    const counts = await Promise.all(ids.map((id) => limit(async () => historyCounts(await store.historyOf(id, since, { deadlineAt: performance.now() + 600_000 }, ['status', 'phase', 'checkedAt', 'maintenance']), since, new Date(now)))));
    if (counts[0]!.checks !== WEEK_CHECKS) throw new Error(`read ${counts[0]!.checks} checks, seeded ${WEEK_CHECKS}`);
  };
  const ms = await median(read);
  const rows = mailboxes * WEEK_CHECKS;
  const perRow = ms / rows;
  console.log(`before (history read): ${mailboxes} mailboxes × ${WEEK_CHECKS} rows = ${rows} rows: ${ms.toFixed(0)} ms (median of 3), ${(perRow * 1000).toFixed(1)} µs per row`);
  console.log(`before, extrapolated: 1000 mailboxes × ${WEEK_CHECKS} rows = ${1000 * WEEK_CHECKS} rows: ${((perRow * 1000 * WEEK_CHECKS) / 1000).toFixed(0)} s (the page's budget was 15 s)`);
}

async function after(store: StateStore, now: number): Promise<Map<string, Uptime>> {
  await store.ensureTables();
  // One mailbox's week folded into its row as the store does, then the same tally on every row of a realistic fleet.
  const tally = week('x', now).reduce<LatestRow | undefined>((row, r) => latestRow(r, runContext('r'), row, HISTORY_DAYS), undefined)!.tally;
  const fleet = pageFleet(1000, new Date(now));
  const rows = fleet.rows.map((row) => ({ ...row, tally }));
  const limit = pLimit(16);
  await Promise.all(rows.map((row) => limit(() => store.latest.upsertEntity(row as unknown as Entity, 'Replace'))));
  const env = { HISTORY_DAYS: String(HISTORY_DAYS) };
  const ids = fleet.mailboxes.map((m) => m.id);
  let figures: Map<string, Uptime> | undefined;
  const listOnly = await median(async () => void (await store.list()));
  const withFigures = await median(async () => {
    figures = uptimeOfRows(ids, await store.list(), env, new Date(now)) as Map<string, Uptime>;
  });
  const t = performance.now();
  for (let i = 0; i < 10; i++) uptimeOfRows(ids, rows, env, new Date(now));
  const compute = (performance.now() - t) / 10;
  if (figures!.get(ids[0]!)!.week.checks !== WEEK_CHECKS) throw new Error(`tally counted ${figures!.get(ids[0]!)!.week.checks} checks, folded ${WEEK_CHECKS}`);
  console.log(`after (tally): 1000 mailboxes, a week of 5-minute checks each: list of latest rows ${listOnly.toFixed(0)} ms, list + figures ${withFigures.toFixed(0)} ms (median of 3; the figures alone ${compute.toFixed(1)} ms); history rows read: 0`);
  console.log(`tally column: ${tally.length} characters for a week at 5 minutes (HISTORY_DAYS=7); the worst case at HISTORY_DAYS=366 is 12,574 (uptime-tally.test.ts)`);
  return figures!;
}

async function main(): Promise<void> {
  const azurite = await startAzurite();
  try {
    const now = Date.now();
    await before(StateStore.fromAccount(storageAccount(azurite.env), { latest: 'latest1', history: 'history1' }), 50, now);
    const figures = await after(StateStore.fromAccount(storageAccount(azurite.env), { latest: 'latest2', history: 'history2' }), now);
    // The page's bytes for 1,000 mailboxes with and without the uptime column.
    const fleet = pageFleet(1000, new Date(now));
    const without = renderStatusPage(fleet.mailboxes, fleet.rows, { now: new Date(now) });
    const withFigures = renderStatusPage(fleet.mailboxes, fleet.rows, { now: new Date(now), uptime: new Map(fleet.mailboxes.map((m) => [m.id, figures.get(m.id)!])) });
    const kb = (s: string) => (Buffer.byteLength(s) / 1024).toFixed(0);
    console.log(`page of 1,000 mailboxes: ${kb(without)} KB (gzip ${kb(gzipSync(without).toString('latin1'))}) without uptime, ${kb(withFigures)} KB (gzip ${kb(gzipSync(withFigures).toString('latin1'))}) with`);
  } finally {
    await azurite.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
