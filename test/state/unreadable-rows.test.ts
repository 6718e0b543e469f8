/**
 * Issue 16 item 12: stored state is text from outside the process (a hand edit, another writer's
 * version, a corrupted write). One row whose `result` is not JSON made `?source=stored` a 500 for
 * every mailbox; one row with an unexpected status made `/api/status` a 500 blaming Table Storage;
 * Math.min(...starts) overflowed the stack at ~150k rows. One bad row is now one mailbox shown as
 * unreadable. The handlers are called as the host calls them, the state in the real Azurite.
 */
import { HttpRequest, InvocationContext, type HttpResponseInit } from '@azure/functions';
import { statusHttp } from '../../functions/status-http';
import { storedCheck } from '../../functions/stored-check';
import { encodeKey, LATEST_PARTITION, latestRow } from '../../shared/state/mailbox-state';
import { StateStore } from '../../shared/state/state-store';
import { storedReport, type StoredReport } from '../../shared/state/stored-report';
import { storageAccount } from '../../shared/storage/storage-account';
import { startAzurite, type Azurite } from '../storage/azurite';
import { result, runContext } from './results';

let azurite: Azurite;
let store: StateStore;
let env: NodeJS.ProcessEnv;
const IDS = ['alpha', 'bravo', 'charlie'];
const NOW = new Date();

beforeAll(async () => {
  azurite = await startAzurite();
  env = {
    ...azurite.env,
    MAILBOX_HEALTH_CONFIG: JSON.stringify({
      keyVaultUrl: 'https://contoso-kv.vault.azure.net',
      apps: [{ id: 'logicaldoc', tenantId: '11111111-1111-1111-1111-111111111111', clientId: '22222222-2222-2222-2222-222222222222', credential: { keyVaultSecret: 's' } }],
      mailboxes: IDS.map((id) => ({ id, address: `${id}@contoso.example`, app: 'logicaldoc' })),
    }),
  };
  store = StateStore.fromAccount(storageAccount(azurite.env));
});

afterAll(async () => {
  await azurite?.stop();
});

/** Every mailbox freshly checked ok, then `corrupt` applied to bravo's row as a raw Table write. */
async function rows(corrupt?: Record<string, unknown>): Promise<void> {
  await store.record(IDS.map((id) => result(id, 'ok', NOW.toISOString())), runContext('r1'));
  if (corrupt) await store.latest.updateEntity({ partitionKey: LATEST_PARTITION, rowKey: encodeKey('bravo'), ...corrupt }, 'Merge');
}

const context = () => new InvocationContext({ invocationId: 'x', functionName: 'statusHttp', logHandler: () => undefined });
const stored = async () => {
  const response: HttpResponseInit = await storedCheck([], context(), env);
  return { status: response.status, body: response.jsonBody as StoredReport };
};
const page = () => statusHttp(new HttpRequest({ method: 'GET', url: 'https://fn.example/api/status' }), context(), env);

describe('#16.12 one bad stored row is one mailbox, never the whole answer', () => {
  it('#16.12 the twin: with every row sound, ?source=stored and /api/status show all three mailboxes', async () => {
    await rows();
    const { status, body } = await stored();
    expect([status, body.results.map((r) => r.mailbox), body.notChecked]).toEqual([200, IDS, []]);
    const html = (await page()).body as string;
    expect(html).toContain('<h2>OK (3)</h2>');
    expect(html).not.toContain('Unreadable');
  });

  it('#16.12 a result that is not JSON: ?source=stored answers the others and lists that mailbox as unreadable', async () => {
    await rows({ result: '{"mailbox": "bravo", truncated' });
    const { status, body } = await stored();
    expect(status).toBe(200);
    expect(body.results.map((r) => r.mailbox)).toEqual(['alpha', 'charlie']);
    expect(body.notChecked).toEqual([{ mailbox: 'bravo', address: 'bravo@contoso.example', app: 'logicaldoc', reason: 'stored state unreadable: its result is not valid JSON', lastCheckedAt: NOW.toISOString() }]);
    const response = await page();
    expect(response.status).toBe(200);
    expect(response.body).toContain('<h2>Unreadable state (1)</h2>');
  });

  it('#16.12 an unexpected status: /api/status renders, that mailbox shown as unreadable, saying why', async () => {
    await rows({ status: 'paused<script>' });
    const response = await page();
    expect(response.status).toBe(200);
    const html = response.body as string;
    expect(html).toContain('<h2>Unreadable state (1)</h2>');
    expect(html).toContain('stored state unreadable: its status &quot;paused&lt;script&gt;&quot; is none of ok, degraded, failed, not-checked');
    expect(html).toContain('<h2>OK (2)</h2>');
    expect(html).not.toContain('<script>alert');
    const { status, body } = await stored();
    expect([status, body.results.length, body.notChecked.map((n) => n.mailbox)]).toEqual([200, 2, ['bravo']]);
  });

  it('#16.12 a strip that is not one, a date that is not one and a key that does not decode do not break the page', async () => {
    await rows({ strip: '"><img src=x onerror=alert(1)>', since: 'soon' });
    // A row this code never wrote: a lone % in its key, no mailbox property.
    await store.latest.upsertEntity({ partitionKey: LATEST_PARTITION, rowKey: 'bad%E0%A4%A', status: 'ok' }, 'Replace');
    const response = await page();
    expect(response.status).toBe(200);
    const html = response.body as string;
    expect(html).not.toContain('onerror=alert(1)>');
    expect(html).toContain('stored state unreadable: its since &quot;soon&quot; is not a date');
    expect(html).toContain('No longer configured (1)');
    await store.latest.deleteEntity(LATEST_PARTITION, 'bad%E0%A4%A');
  });

  it('#16.12 the next check of an unreadable mailbox replaces the row', async () => {
    await rows({ result: 'not json' });
    await store.record([result('bravo', 'ok', new Date(NOW.getTime() + 1000).toISOString())], runContext('r2'));
    const { body } = await stored();
    expect([body.results.map((r) => r.mailbox), body.notChecked]).toEqual([IDS, []]);
  });
});

describe('#16.12 a large fleet', () => {
  it('#16.12 the twin: a stored report of three results starts at the earliest check', () => {
    const few = IDS.map((id, i) => latestRow(result(id, 'ok', new Date(Date.UTC(2026, 11, 1, 10, i)).toISOString()), runContext('r')));
    const report = storedReport(IDS.map((id) => ({ id, address: '', app: 'a' })), few);
    expect([report.startedAt, report.durationMs]).toEqual(['2026-12-01T10:00:00.000Z', 2 * 60_000 + 42]);
  });

  it('#16.12 160,000 stored results make a report (Math.min(...starts) overflowed the stack)', () => {
    const template = latestRow(result('m', 'ok', '2026-12-01T10:00:00.000Z'), runContext('r'));
    const mailboxes = Array.from({ length: 160_000 }, (_, i) => ({ id: `m${i}`, address: '', app: 'logicaldoc' }));
    const many = mailboxes.map(({ id }, i) => ({ ...template, mailbox: id, rowKey: id, result: template.result.replace('"mailbox":"m"', `"mailbox":"${id}"`).replace('2026-12-01T10:00:00.000Z', new Date(Date.UTC(2026, 11, 1, 10) + i).toISOString()) }));
    const report = storedReport(mailboxes, many);
    expect([report.counts.total, report.startedAt, report.durationMs]).toEqual([160_000, '2026-12-01T10:00:00.000Z', 159_999 + 42]);
  });
});
