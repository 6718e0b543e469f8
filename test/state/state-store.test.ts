/** The state store against the real Azurite: latest rows, history, concurrency, purge. */
import { StateSink, stateConfigured } from '../../shared/report/state-sink';
import { buildReport } from '../../shared/run/report';
import type { RunPlan } from '../../shared/run/plan';
import { StateStore } from '../../shared/state/state-store';
import { storageAccount } from '../../shared/storage/storage-account';
import { startAzurite, type Azurite } from '../storage/azurite';
import { result, runContext } from './results';

let azurite: Azurite;
let tableSeq = 0;

beforeAll(async () => {
  azurite = await startAzurite();
});

afterAll(async () => {
  await azurite?.stop();
});

/** A fresh pair of tables per test, on the one emulator. */
function store(): StateStore {
  tableSeq++;
  return StateStore.fromAccount(storageAccount(azurite.env), { latest: `latest${tableSeq}`, history: `history${tableSeq}` });
}

const at = (minutes: number) => new Date(Date.UTC(2026, 10, 30, 10) + minutes * 60_000).toISOString();

describe('state in Table Storage (Azurite)', () => {
  it('records the latest row and a history row per result, and lists them back', async () => {
    const s = store();
    await s.record([result('b', 'failed', at(0)), result('a', 'ok', at(0))], runContext('r1'));
    await s.record([result('b', 'ok', at(5))], runContext('r2'));
    const rows = await s.list();
    expect(rows.map((r) => [r.mailbox, r.status, r.previousStatus, r.previousCode, r.since])).toEqual([
      ['a', 'ok', '', '', at(0)],
      ['b', 'ok', 'failed', 'IMAP_AUTH_FAILED', at(5)],
    ]);
    const history = await s.historyOf('b', new Date(at(-60)));
    expect(history.map((h) => [h.status, h.code, h.runId])).toEqual([
      ['ok', '', 'r2'],
      ['failed', 'IMAP_AUTH_FAILED', 'r1'],
    ]);
    expect(await s.historyOf('b', new Date(at(1)))).toHaveLength(1);
    expect(await s.get('nobody')).toBeUndefined();
  });

  it('stores a hostile mailbox id and message unchanged', async () => {
    const s = store();
    const id = `x/<script>"'#?`;
    const hostile = result(id, 'failed', at(0));
    hostile.failure!.message = `<img src=x onerror=alert(1)> "quoted" 'single'`;
    await s.record([hostile], runContext('r1'));
    const row = await s.get(id);
    expect(row).toMatchObject({ mailbox: id, message: hostile.failure!.message });
    expect((await s.historyOf(id, new Date(at(-1))))[0]!.mailbox).toBe(id);
  });

  it('two writers of the same mailbox at once both land: the strip keeps both hours, nothing is lost', async () => {
    const s = store();
    await s.record([result('m', 'ok', at(0))], runContext('r0'));
    // Two instances record the same mailbox concurrently (e.g. a retried batch and the next run).
    await Promise.all([s.record([result('m', 'failed', at(61))], runContext('r1')), s.record([result('m', 'degraded', at(125))], runContext('r2'))]);
    const row = (await s.get('m'))!;
    expect(row.strip.slice(-3)).toBe('ofd');
    expect(await s.historyOf('m', new Date(at(-1)))).toHaveLength(3);
  });

  it('marks mailboxes of a dead batch not checked, keeping the last result; a later check clears it', async () => {
    const s = store();
    await s.record([result('m', 'failed', at(0))], runContext('r1'));
    await s.markNotChecked([{ id: 'm', address: 'm@contoso.example', app: 'logicaldoc' }, { id: 'never', address: 'never@x', app: 'a' }], 'dead batch', runContext('r2'), at(5));
    expect(await s.get('m')).toMatchObject({ status: 'not-checked', code: 'IMAP_AUTH_FAILED', checkedAt: at(0), notCheckedReason: 'dead batch' });
    expect(await s.get('never')).toMatchObject({ status: 'not-checked', checkedAt: '', result: '' });
    await s.record([result('m', 'ok', at(10))], runContext('r3'));
    expect(await s.get('m')).toMatchObject({ status: 'ok', notCheckedReason: '', previousStatus: 'not-checked' });
  });

  it('purges history older than the cutoff, and the rows of mailboxes gone from the config', async () => {
    const s = store();
    const old = Array.from({ length: 130 }, (_, i) => result('keep', 'ok', at(-10 * 24 * 60 + i)));
    await s.record(old, runContext('old'));
    await s.record([result('keep', 'ok', at(0)), result('gone', 'ok', at(-9 * 24 * 60)), result('recent-gone', 'ok', at(0))], runContext('new'));
    const deleted = await s.purge(new Date(at(-7 * 24 * 60)), new Set(['keep']));
    // 130 old rows of `keep` (two transactions), gone's history row and its latest row.
    expect(deleted).toBe(132);
    expect((await s.list()).map((r) => r.mailbox)).toEqual(['keep', 'recent-gone']);
    expect(await s.historyOf('keep', new Date(at(-30 * 24 * 60)))).toHaveLength(1);
    expect(await s.purge(new Date(at(-7 * 24 * 60)), new Set(['keep']))).toBe(0);
  });

  it('a Storage endpoint that is down fails the call with the SDK error, within the timeout', async () => {
    const down = StateStore.fromAccount(storageAccount({ AzureWebJobsStorage: azurite.connectionString.replace(`:${azurite.tablePort}/`, ':1/') }), { latest: 'x1x', history: 'x2x' });
    await expect(down.record([result('m', 'ok', at(0))], runContext('r'))).rejects.toThrow(/ECONNREFUSED|connect/);
  });
});

describe('state sink', () => {
  it('records a run report; with Storage down it throws what was lost, for the delivery to log', async () => {
    const s = store();
    const report = buildReport(new Date(at(0)), 10, [result('a', 'ok', at(0)), result('b', 'failed', at(0))]);
    const sink = new StateSink(s);
    await sink.report(report, {} as RunPlan, runContext('r1'));
    expect((await s.list()).map((r) => [r.mailbox, r.status, r.runId])).toEqual([['a', 'ok', 'r1'], ['b', 'failed', 'r1']]);

    const down = StateStore.fromAccount(storageAccount({ AzureWebJobsStorage: azurite.connectionString.replace(`:${azurite.tablePort}/`, ':1/') }), { latest: 'y1y', history: 'y2y' });
    const broken = new StateSink(down);
    await expect(broken.report(report, {} as RunPlan, runContext('r2'))).rejects.toThrow(/^could not record 2 result\(s\) of run r2 in Table Storage: .*(ECONNREFUSED|connect)/);
  });

  it('is on when Storage is configured, off without it or with MAILBOX_STATE=off', () => {
    expect(stateConfigured({ AzureWebJobsStorage: 'UseDevelopmentStorage=true' })).toBe(true);
    expect(stateConfigured({ AzureWebJobsStorage__accountName: 'x' })).toBe(true);
    expect(stateConfigured({})).toBe(false);
    expect(stateConfigured({ AzureWebJobsStorage: 'UseDevelopmentStorage=true', MAILBOX_STATE: 'off' })).toBe(false);
  });
});

describe('storage settings', () => {
  it('identity-based settings need no key; nothing configured names the settings to set', () => {
    expect(storageAccount({ AzureWebJobsStorage__accountName: 'contosomon', AzureWebJobsStorage__credential: 'managedidentity' })).toMatchObject({
      kind: 'identity',
      queueServiceUri: 'https://contosomon.queue.core.windows.net',
      tableServiceUri: 'https://contosomon.table.core.windows.net',
    });
    expect(() => storageAccount({})).toThrow(/set AzureWebJobsStorage__accountName .*or AzureWebJobsStorage to a connection string/);
    expect(() => storageAccount({ AzureWebJobsStorage: 'https://x' })).toThrow(/AzureWebJobsStorage: not a Storage connection string/);
  });
});
