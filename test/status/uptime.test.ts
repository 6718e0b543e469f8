/**
 * Uptime per mailbox (issue 20) from the tallies real runs wrote: the engine checks the simulated
 * tenant, the state sink records each run in the real Azurite, a dead batch is marked not checked
 * as the poison function does; then the figures are made from the latest rows, checked against
 * the history rows the same runs wrote, served by `?source=stored` and shown on the status page
 * in Debian's Chromium (playwright-core).
 */
import type { Server } from 'node:http';
import { ClientSecretCredential } from '@azure/identity';
import { chromium, type Browser } from 'playwright-core';
import { parseConfig } from '../../shared/config/load';
import type { ConfigInput } from '../../shared/config/schema';
import { StateSink } from '../../shared/report/state-sink';
import type { RunContext } from '../../shared/report/sink';
import { planRun } from '../../shared/run/plan';
import { StateStore } from '../../shared/state/state-store';
import type { Uptime } from '../../shared/state/uptime';
import { uptimeOfRows } from '../../shared/state/uptime-read';
import { addToTally, uptimeOfTally, type Tally } from '../../shared/state/uptime-tally';
import { historyCounts } from '../state/history-uptime';
import { storageAccount } from '../../shared/storage/storage-account';
import { serveHandlers } from './handlers-server';
import type { SimTenant } from '../../sim/tenant';
import { runAgainst, startTenant } from '../e2e/sim-harness';
import { entraConfig, entraScenario, MONITOR, TENANT } from '../entra/entra-fixture';
import { startAzurite, type Azurite } from '../storage/azurite';

const CHROMIUM = '/usr/bin/chromium';
let azurite: Azurite;
let tenant: SimTenant;
let browser: Browser;
let server: Server;
let base: string;
let store: StateStore;
const saved = { ...process.env };

jest.setTimeout(120_000);

const credential = () => new ClientSecretCredential(TENANT, MONITOR.clientId, MONITOR.secret, { authorityHost: tenant.entra.url, disableInstanceDiscovery: true });
const minutes = (n: number) => new Date(Date.now() + n * 60_000).toISOString();
const runContext = (runId: string): RunContext => ({ runId, trigger: 'timer', location: 'test', host: 'test', version: '0.0.0' });

function scenario(hrFails: boolean) {
  const s = entraScenario({ inUseEndsInDays: 200 });
  if (hrFails) s.exchange.mailboxes.find((m) => m.address === 'hr@contoso.com')!.fullAccess = [];
  return s;
}

/** hr (and, for the page, archive) in a window from `from` to `to` minutes from now. */
function withWindows(config: ConfigInput, windows: Record<string, [number, number, string]>): ConfigInput {
  return { ...config, mailboxes: config.mailboxes.map((m) => (windows[m.id] ? { ...m, maintenance: [{ start: minutes(windows[m.id]![0]), end: minutes(windows[m.id]![1]), reason: windows[m.id]![2] }] } : m)) };
}

/** One timer run recorded by the real state sink. */
async function recordedRun(runId: string, config: ConfigInput): Promise<void> {
  const { report } = await runAgainst(config, { vaultCredential: credential() });
  await new StateSink(store).report(report, planRun(parseConfig(config, 'test')), runContext(runId));
}

beforeAll(async () => {
  [azurite, tenant, browser] = await Promise.all([startAzurite(), startTenant(scenario(false)), chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] })]);
  Object.assign(process.env, azurite.env);
  store = StateStore.fromAccount(storageAccount(azurite.env));
  const config = entraConfig(tenant);
  // A: all well. B: hr fails. C: hr still fails, inside a maintenance window. Then hr's batch of
  // a fourth run is dead-lettered (not checked). D: hr works again.
  await recordedRun('run-a', config);
  tenant.scenario = scenario(true);
  await recordedRun('run-b', config);
  await recordedRun('run-c', withWindows(config, { hr: [-30, 30, 'moving hr to the new grant'] }));
  await store.markNotChecked([{ id: 'hr', address: 'hr@contoso.com', app: 'importer' }], 'batch 1/1 of run run-x failed on every attempt and was dead-lettered', runContext('run-x'));
  tenant.scenario = scenario(false);
  await recordedRun('run-d', config);
  // The Function App's settings for the handlers: archive is in a window now; 30 days of history kept.
  // invoices has one planned in 3 hours.
  process.env.MAILBOX_HEALTH_CONFIG = JSON.stringify(withWindows(config, { archive: [-10, 50, 'archive re-index'], invoices: [180, 240, 'mail flow change'] }));
  process.env.HISTORY_DAYS = '30';
  ({ server, base } = await serveHandlers('uptime'));
});

afterAll(async () => {
  for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
  Object.assign(process.env, saved);
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
  await Promise.all([azurite?.stop(), tenant?.stop()]);
});

describe('uptime from the history real runs wrote', () => {
  it('the history holds what the runs did: hr failed, failed in maintenance, was not checked, then ok', async () => {
    const rows = await store.historyOf('hr', new Date(Date.now() - 3600_000));
    expect(rows.map((r) => [r.runId, r.status, r.code, r.maintenance])).toEqual([
      ['run-d', 'ok', '', ''],
      ['run-x', 'not-checked', '', ''],
      ['run-c', 'failed', 'IMAP_AUTH_FAILED', 'moving hr to the new grant'],
      ['run-b', 'failed', 'IMAP_AUTH_FAILED', ''],
      ['run-a', 'ok', '', ''],
    ]);
  });

  it('exact figures from the tallies: hr 2 of 3 counted checks up (66.67%), the not-checked run and the maintenance check left out; invoices 4 of 4', async () => {
    const figures = uptimeOfRows(['hr', 'invoices', 'archive', 'newbox'], await store.list(), { HISTORY_DAYS: '7' }) as Map<string, Uptime>;
    for (const window of ['day', 'week', 'kept'] as const) {
      expect(figures.get('hr')![window]).toMatchObject({ checks: 3, up: 2, notChecked: 1, maintenance: 1, percent: 66.67 });
      expect(figures.get('invoices')![window]).toMatchObject({ checks: 4, up: 4, notChecked: 0, maintenance: 0, percent: 100 });
    }
    expect(figures.get('newbox')!.day).toMatchObject({ checks: 0, percent: null, from: null, complete: false });
    // A tally of a few seconds does not pretend to cover 24 hours: it says how little it covers, from run A.
    const runA = (await store.historyOf('hr', new Date(Date.now() - 3600_000))).at(-1)!.checkedAt;
    expect(figures.get('hr')!.day).toMatchObject({ windowHours: 24, complete: false, from: runA });
    expect(figures.get('hr')!.day.coveredHours).toBeLessThan(0.5);
  });

  it('the tallies equal the history rows the same runs wrote, over the span each figure covers', async () => {
    const now = new Date();
    const figures = uptimeOfRows(['hr', 'invoices', 'archive'], await store.list(), { HISTORY_DAYS: '7' }, now) as Map<string, Uptime>;
    for (const id of ['hr', 'invoices', 'archive']) {
      const history = await store.historyOf(id, new Date(now.getTime() - 8 * 24 * 3600_000));
      for (const f of Object.values(figures.get(id)!)) {
        const { checks, up, notChecked, maintenance, percent } = f;
        expect(historyCounts(history, new Date(f.from!), now)).toEqual({ checks, up, notChecked, maintenance, percent });
      }
    }
  });

  it('failing twins: counted as checks, the not-checked run or the maintenance check would pull hr to 50%', async () => {
    // hr's history rows replayed into a tally, once with the dead batch as a failure, once without the window.
    const rows = (await store.historyOf('hr', new Date(Date.now() - 3600_000))).reverse();
    const replay = (edit: (r: (typeof rows)[number]) => (typeof rows)[number]) => rows.map(edit).reduce<Tally | undefined>((t, r) => addToTally(t, { ...r, at: r.checkedAt }, 7), undefined);
    expect(uptimeOfTally(replay((r) => r), new Date(), 7).day).toMatchObject({ checks: 3, up: 2, percent: 66.67 });
    expect(uptimeOfTally(replay((r) => (r.status === 'not-checked' ? { ...r, status: 'failed' } : r)), new Date(), 7).day).toMatchObject({ checks: 4, up: 2, percent: 50 });
    expect(uptimeOfTally(replay((r) => ({ ...r, maintenance: '' })), new Date(), 7).day).toMatchObject({ checks: 4, up: 2, percent: 50 });
  });

  it('?source=stored carries the definition and each mailbox\'s figures with what they counted', async () => {
    const response = await fetch(`${base}/api/check?source=stored`);
    const body = (await response.json()) as { results: { mailbox: string; maintenance?: unknown }[]; uptime: { definition: string; mailboxes: Record<string, Uptime> } };
    expect(body.uptime.definition).toMatch(/^checks that were ok or degraded ÷ checks made; runs that did not check the mailbox .* and checks in maintenance windows are left out$/);
    expect(Object.keys(body.uptime.mailboxes).sort()).toEqual(['archive', 'hr', 'invoices']);
    expect(body.uptime.mailboxes.hr!.week).toMatchObject({ windowHours: 168, checks: 3, up: 2, notChecked: 1, maintenance: 1, percent: 66.67, complete: false });
    expect(body.uptime.mailboxes.hr!.kept).toMatchObject({ windowHours: 720, percent: 66.67 });
    // hr's latest stored result is run D's, outside any window: no maintenance key.
    expect(body.results.find((r) => r.mailbox === 'hr')).not.toHaveProperty('maintenance');
    const one = (await (await fetch(`${base}/api/check?source=stored&mailbox=invoices`)).json()) as { uptime: { mailboxes: Record<string, Uptime> } };
    expect(Object.keys(one.uptime.mailboxes)).toEqual(['invoices']);
  });

  it('the status page shows the figures beside the strip, the span they cover, the definition, and the window in force', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    expect((await page.goto(`${base}/api/status`))!.status()).toBe(200);
    const hr = page.locator('li', { has: page.locator('b', { hasText: /^hr$/ }) });
    const figures = await hr.locator('.u').textContent();
    expect(figures).toMatch(/^24 h 66\.67% over \d+ min · 7 d 66\.67% over \d+ min · 30 d kept 66\.67% over \d+ min$/);
    // Beside the strip: the next element after it.
    expect(await hr.locator('.s + .u').count()).toBe(1);
    expect(await page.locator('#uptime-def').textContent()).toContain('checks that were ok or degraded ÷ checks made');
    const archive = page.locator('li.maint');
    expect(await archive.locator('b').first().textContent()).toBe('archive');
    expect(await archive.locator('.mw').textContent()).toMatch(/^In maintenance until \d{4}-\d\d-\d\d \d\d:\d\d UTC: archive re-index — checks run, nobody is notified, uptime leaves them out$/);
    expect(await page.locator('li.maint').count()).toBe(1);
    expect(await page.locator('h1 + p').textContent()).toContain('1 in maintenance');
    // A window within the next day is announced; it does not count as in maintenance.
    const invoices = page.locator('li', { has: page.locator('b', { hasText: /^invoices$/ }) });
    expect(await invoices.locator('.mw').textContent()).toMatch(/^Maintenance planned from \d{4}-\d\d-\d\d \d\d:\d\d UTC to \d{4}-\d\d-\d\d \d\d:\d\d UTC: mail flow change$/);
    expect(await invoices.getAttribute('class')).toBe('ok');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a malformed tally stored for archive: the page and ?source=stored still answer, archive says "uptime unreadable", the others keep their figures', async () => {
    const row = (await store.get('archive'))!;
    await store.latest.updateEntity({ partitionKey: row.partitionKey, rowKey: row.rowKey, tally: '1|oops' }, 'Merge');
    try {
      const page = await browser.newPage();
      expect((await page.goto(`${base}/api/status`))!.status()).toBe(200);
      const archive = page.locator('li', { has: page.locator('b', { hasText: /^archive$/ }) });
      expect(await archive.locator('.u').textContent()).toBe('uptime unreadable: its uptime tally is not in a format this version reads');
      expect(await archive.getAttribute('class')).toContain('ok');
      const hr = page.locator('li', { has: page.locator('b', { hasText: /^hr$/ }) });
      expect(await hr.locator('.u').textContent()).toMatch(/^24 h 66\.67% over/);
      await page.close();
      const body = (await (await fetch(`${base}/api/check?source=stored`)).json()) as { status: string; uptime: { mailboxes: Record<string, Uptime>; unreadable?: Record<string, string> } };
      expect(body.uptime.unreadable).toEqual({ archive: 'uptime unreadable: its uptime tally is not in a format this version reads' });
      expect(Object.keys(body.uptime.mailboxes).sort()).toEqual(['hr', 'invoices']);
    } finally {
      await store.latest.updateEntity({ partitionKey: row.partitionKey, rowKey: row.rowKey, tally: row.tally }, 'Merge');
    }
    // Its twin: with the tally back, archive has figures and no `unreadable` key.
    const body = (await (await fetch(`${base}/api/check?source=stored`)).json()) as { uptime: { mailboxes: Record<string, Uptime>; unreadable?: unknown } };
    expect(body.uptime).not.toHaveProperty('unreadable');
    expect(body.uptime.mailboxes.archive!.day).toMatchObject({ checks: 4, up: 4 });
  });

  it('a HISTORY_DAYS that is not valid costs the figures, said once at the top, never the page', async () => {
    process.env.HISTORY_DAYS = '0';
    try {
      const page = await browser.newPage();
      expect((await page.goto(`${base}/api/status`))!.status()).toBe(200);
      expect(await page.locator('#uptime-def').textContent()).toBe('Uptime unavailable: the kept history\'s length is not valid: HISTORY_DAYS: "0" must be a whole number from 1 to 366');
      expect(await page.locator('.u').count()).toBe(0);
      expect(await page.locator('b', { hasText: /^hr$/ }).count()).toBe(1);
      await page.close();
    } finally {
      process.env.HISTORY_DAYS = '30';
    }
  });
});
