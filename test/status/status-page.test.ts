/**
 * The status page in a real browser: Debian's Chromium driven by playwright-core, against the
 * HTTP handler (called as the host calls it) served on a local port, with the state in the real
 * Azurite. Screenshots of a 1,000-mailbox page at desktop and phone width are saved under
 * test-artifacts/ (git-ignored).
 */
import { existsSync, mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import type { TableClient, TransactionAction } from '@azure/data-tables';
import { chromium, type Browser } from 'playwright-core';
import type { LatestRow } from '../../shared/state/mailbox-state';
import { StateStore } from '../../shared/state/state-store';
import { storageAccount } from '../../shared/storage/storage-account';
import { serveHandlers } from './handlers-server';
import { result, runContext } from '../state/results';
import { startAzurite, type Azurite } from '../storage/azurite';
import { pageFleet } from './page-fleet';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(__dirname, '..', '..', 'test-artifacts');
const TENANT = '5a6b7c8d-0000-4000-8000-00000000aaaa';
const HOSTILE_ID = `<script>window.__pwned=1</script>"'x`;
const HOSTILE_MESSAGE = `<img src=x onerror="window.__pwned=2"> "quoted" 'single' & <b>bold</b>`;

let azurite: Azurite;
let browser: Browser;
let server: Server;
let base: string;
const saved = { ...process.env };

jest.setTimeout(120_000);

function config(mailboxes: { id: string; address: string }[]) {
  return {
    keyVaultUrl: 'https://contoso-kv.vault.azure.net',
    apps: [{ id: 'logicaldoc', tenantId: TENANT, clientId: '3bf0cf36-0000-4000-8000-000000000001', credential: { keyVaultSecret: 'ld-secret' } }],
    mailboxes: mailboxes.map((m) => ({ ...m, app: 'logicaldoc' })),
  };
}

/** Seeds latest rows fast: 100 per transaction in their one partition (the product writes with ETags). */
async function seed(table: TableClient, rows: LatestRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 100) {
    await table.submitTransaction(rows.slice(i, i + 100).map((row): TransactionAction => ['upsert', row as unknown as Record<string, unknown> & { partitionKey: string; rowKey: string }, 'Replace']));
  }
}

// The strip has one cell per UTC hour: "h hours ago" is the middle of that hour, and "minutes ago
// this hour" never falls into the previous hour (a run in the first minutes of an hour would).
const hoursAgo = (h: number, minutes = 0) => {
  const now = Date.now();
  const hourStart = now - (now % 3600_000);
  return new Date(h === 0 ? Math.max(hourStart, now - minutes * 60_000) : hourStart - h * 3600_000 + 30 * 60_000).toISOString();
};

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is not installed at ${CHROMIUM}: apt-get install -y --no-install-recommends chromium`);
  [azurite, browser] = await Promise.all([startAzurite(), chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] })]);
  Object.assign(process.env, azurite.env);
  mkdirSync(ARTIFACTS, { recursive: true });
  ({ server, base } = await serveHandlers('page'));
});

afterAll(async () => {
  for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
  Object.assign(process.env, saved);
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
  await azurite?.stop();
});

describe('status page in Chromium', () => {
  let store: StateStore;

  beforeAll(async () => {
    process.env.MAILBOX_HEALTH_CONFIG = JSON.stringify(
      config([
        { id: 'invoices', address: 'invoices@contoso.com' },
        { id: 'legal', address: "o'brien&legal@contoso.com" },
        { id: 'scans', address: 'scans@contoso.com' },
        { id: 'newbox', address: 'newbox@contoso.com' },
      ]),
    );
    store = StateStore.fromAccount(storageAccount(azurite.env));
    // invoices: ok all along; legal: ok 5 h ago, failed 2 h ago and now (hostile server text); scans: degraded now.
    await store.record([result('invoices', 'ok', hoursAgo(5)), result('legal', 'ok', hoursAgo(5))], runContext('r1'));
    const failedNow = result('legal', 'failed', hoursAgo(0, 2));
    failedNow.address = "o'brien&legal@contoso.com";
    failedNow.failure!.message = HOSTILE_MESSAGE;
    await store.record([result('legal', 'failed', hoursAgo(2)), failedNow, result('invoices', 'ok', hoursAgo(0, 2)), result('scans', 'degraded', hoursAgo(0, 2))], runContext('r2'));
    // A mailbox that was in an older config, under an id no config would accept today.
    await store.record([result(HOSTILE_ID, 'failed', hoursAgo(0, 3))], runContext('r3'));
  });

  it('lists failed mailboxes first with code and remedy, then the rest; the summary counts them', async () => {
    const page = await browser.newPage();
    const response = await page.goto(`${base}/api/status`);
    expect(response!.status()).toBe(200);
    expect(response!.headers()['content-security-policy']).toContain("script-src 'sha256-");
    expect(await page.locator('h2').allTextContents()).toEqual(['Failed (1)', 'Never checked (1)', 'Degraded (1)', 'OK (1)', 'No longer configured (1)', 'Secrets']);
    const first = page.locator('li').first();
    expect(await first.getAttribute('class')).toBe('failed');
    await expect(first.locator('b').textContent()).resolves.toBe('legal');
    expect(await first.textContent()).toContain('IMAP_AUTH_FAILED (auth)');
    expect(await first.locator('pre').textContent()).toBe('Add-MailboxPermission -Identity x');
    expect(await page.locator('.sum div').allTextContents()).toEqual(['1Failed', '0Not checked', '1Never checked', '1Degraded', '1OK']);
    expect(await page.locator('li.never').textContent()).toContain('not checked yet');
    expect(await page.locator('li.degraded').textContent()).toContain('SECRET_EXPIRING');
    await page.close();
  });

  it('draws the 24-hour strip: the right cells, oldest first', async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/api/status`);
    const legal = page.locator('li.failed').first().locator('.s');
    // 18 hours without data, ok 5 h ago, 2 quiet hours, failed 2 h ago, a quiet hour, failed this hour.
    expect(await legal.getAttribute('aria-label')).toBe('24 h: 18 no data, 1 ok, 2 no data, 1 failed, 1 no data, 1 failed');
    expect(await legal.locator('i').evaluateAll((cells) => cells.map((c) => `${c.className}:${(c as unknown as { style: { flexGrow: string } }).style.flexGrow}`))).toEqual(['e:18', 'o:1', 'e:2', 'f:1', 'e:1', 'f:1']);
    // Widths follow the hours: the failed hour is a 24th of the strip.
    const [strip, last] = await Promise.all([legal.boundingBox(), legal.locator('i').last().boundingBox()]);
    expect(Math.abs(last!.width - strip!.width / 24)).toBeLessThan(2);
    await page.close();
  });

  it('shows hostile ids, addresses and server messages as text, and runs no script but its own', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${base}/api/status`);
    expect(await page.evaluate('window.__pwned')).toBeUndefined();
    expect(await page.locator('li.failed b').allTextContents()).toContain('legal');
    expect(await page.getByText(HOSTILE_MESSAGE, { exact: true }).count()).toBe(1);
    expect(await page.getByText("o'brien&legal@contoso.com · logicaldoc").count()).toBe(1);
    const former = page.locator('h2:has-text("No longer configured") + ul li b');
    expect(await former.textContent()).toBe(HOSTILE_ID);
    expect(await page.locator('img').count()).toBe(0);
    expect(errors).toEqual([]);
    // The filter (the page's one script, allowed by its hash) narrows the list.
    await page.fill('#q', 'scans');
    expect(await page.locator('li:visible b').allTextContents()).toEqual(['scans']);
    await page.close();
  });

  it('works without JavaScript: every mailbox listed, no filter box', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${base}/api/status`);
    expect(await page.locator('li').count()).toBe(5);
    expect(await page.locator('#f').isVisible()).toBe(false);
    await context.close();
  });

  it('?source=stored answers the stored results with the live status codes, never-checked mailboxes listed', async () => {
    const response = await fetch(`${base}/api/check?source=stored`);
    expect(response.status).toBe(503);
    const body = (await response.json()) as { source: string; status: string; counts: object; results: { mailbox: string; status: string }[]; notChecked: { mailbox: string; reason: string }[] };
    expect(body).toMatchObject({ source: 'stored', status: 'failed', counts: { total: 3, ok: 1, degraded: 1, failed: 1 } });
    expect(body.results.map((r) => [r.mailbox, r.status])).toEqual([['invoices', 'ok'], ['legal', 'failed'], ['scans', 'degraded']]);
    expect(body.notChecked).toEqual([{ mailbox: 'newbox', address: 'newbox@contoso.com', app: 'logicaldoc', reason: 'never checked', lastCheckedAt: null }]);
    const one = await fetch(`${base}/api/check?source=stored&mailbox=invoices`);
    expect(one.status).toBe(200);
    expect(((await one.json()) as { counts: object }).counts).toEqual({ total: 1, ok: 1, degraded: 0, failed: 0 });
    expect((await fetch(`${base}/api/check?source=stored&mailbox=nope`)).status).toBe(400);
    expect((await fetch(`${base}/api/check?source=cache`)).status).toBe(400);
  });

  it('a bad config or unreachable Storage is a 500 page that says which', async () => {
    const saved = process.env.AzureWebJobsStorage;
    process.env.AzureWebJobsStorage = azurite.connectionString.replace(`:${azurite.tablePort}/`, ':1/');
    try {
      const response = await fetch(`${base}/api/status`);
      expect(response.status).toBe(500);
      expect(await response.text()).toContain('The stored state could not be read from Table Storage');
    } finally {
      process.env.AzureWebJobsStorage = saved;
    }
  });
});

describe('status page of 1,000 mailboxes', () => {
  it('renders the fleet, failed first, and saves desktop and phone screenshots', async () => {
    const fleet = pageFleet(1000);
    process.env.MAILBOX_HEALTH_CONFIG = JSON.stringify({
      keyVaultUrl: 'https://contoso-kv.vault.azure.net',
      apps: [...new Set(fleet.mailboxes.map((m) => m.app))].map((id, i) => ({ id, tenantId: TENANT, clientId: `3bf0cf36-0000-4000-8000-${String(i).padStart(12, '0')}`, credential: { keyVaultSecret: `${id}-secret` } })),
      mailboxes: fleet.mailboxes,
    });
    const store = StateStore.fromAccount(storageAccount(azurite.env));
    for (const row of await store.list()) await store.latest.deleteEntity(row.partitionKey, row.rowKey);
    await seed(store.latest, fleet.rows);
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const response = await page.goto(`${base}/api/status`);
    expect(response!.status()).toBe(200);
    const counts = await page.locator('.sum div b').allTextContents();
    expect(counts.map(Number).reduce((a, b) => a + b, 0)).toBe(1000);
    expect(await page.locator('li').count()).toBe(1000);
    expect(await page.locator('li').first().getAttribute('class')).toBe('failed');
    await page.screenshot({ path: join(ARTIFACTS, 'status-1000-desktop.png') });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: join(ARTIFACTS, 'status-1000-phone.png') });
    // Nothing wider than the phone's screen: no sideways scrolling.
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    expect(existsSync(join(ARTIFACTS, 'status-1000-phone.png'))).toBe(true);
    await page.close();
  });
});

