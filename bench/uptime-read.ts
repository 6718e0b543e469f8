/**
 * What the uptime (issue 20) costs where it is read: the history range queries of one status page
 * view or `?source=stored` against the real Azurite, for many mailboxes with a short history and
 * for a few with a week of 5-minute checks; and the page's bytes with and without the figures.
 *
 *   npm run bench -- uptime-read
 */
import type { TransactionAction } from '@azure/data-tables';
import { gzipSync } from 'node:zlib';
import { historyRow } from '../shared/state/mailbox-state';
import { StateStore } from '../shared/state/state-store';
import { storageAccount } from '../shared/storage/storage-account';
import { renderStatusPage } from '../shared/status/status-page';
import { pageFleet } from '../test/status/page-fleet';
import { result, runContext } from '../test/state/results';
import { startAzurite } from '../test/storage/azurite';

const FIVE_MINUTES = 5 * 60_000;

async function seed(store: StateStore, mailboxes: number, checks: number, now: number): Promise<void> {
  await store.ensureTables();
  for (let m = 0; m < mailboxes; m++) {
    const id = `mbx-${m}`;
    const rows = Array.from({ length: checks }, (_, i) => historyRow(result(id, i % 50 === 7 ? 'failed' : 'ok', new Date(now - (i + 1) * FIVE_MINUTES + 1000).toISOString()), runContext(`r${i}`)));
    for (let i = 0; i < rows.length; i += 100) {
      await store.history.submitTransaction(rows.slice(i, i + 100).map((row): TransactionAction => ['upsert', row as unknown as Record<string, unknown> & { partitionKey: string; rowKey: string }, 'Replace']));
    }
  }
}

async function main(): Promise<void> {
  const azurite = await startAzurite();
  try {
    console.log('mailboxes | history rows each | rows read | uptime read ms (median of 3) | ms per mailbox | µs per row');
    let n = 0;
    for (const [mailboxes, checks] of [[1000, 12], [50, 2016]] as const) {
      n++;
      const store = StateStore.fromAccount(storageAccount(azurite.env), { latest: `latest${n}`, history: `history${n}` });
      const now = Date.now();
      await seed(store, mailboxes, checks, now);
      const ids = Array.from({ length: mailboxes }, (_, m) => `mbx-${m}`);
      const times: number[] = [];
      for (let i = 0; i < 3; i++) {
        const t = performance.now();
        const figures = await store.uptimeOf(ids, 7, new Date(now), { deadlineAt: performance.now() + 120_000 });
        times.push(performance.now() - t);
        if (figures.get('mbx-0')!.week.checks !== checks) throw new Error(`read ${figures.get('mbx-0')!.week.checks} checks, seeded ${checks}`);
      }
      const ms = times.sort((a, b) => a - b)[1]!;
      console.log(`${mailboxes} | ${checks} | ${mailboxes * checks} | ${ms.toFixed(0)} | ${(ms / mailboxes).toFixed(2)} | ${((ms * 1000) / (mailboxes * checks)).toFixed(1)}`);
    }
    // The page's bytes for 1,000 mailboxes with and without the uptime column.
    const fleet = pageFleet(1000);
    const figure = { windowHours: 24, from: new Date().toISOString(), coveredHours: 24, complete: true, checks: 288, up: 287, notChecked: 0, maintenance: 0, percent: 99.65 };
    const uptime = new Map(fleet.mailboxes.map((m) => [m.id, { day: figure, week: { ...figure, windowHours: 168 }, kept: { ...figure, windowHours: 168 } }]));
    const without = renderStatusPage(fleet.mailboxes, fleet.rows);
    const withFigures = renderStatusPage(fleet.mailboxes, fleet.rows, { uptime });
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
