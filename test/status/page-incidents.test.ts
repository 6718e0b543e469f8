/**
 * Issue 20 on the status page: when stored failures carry an active Exchange Online incident, the
 * page says so once at the top, with the count and the admin center link, before any remedy. The
 * warnings are made by the engine's own marking (markIncident), the rows by the state's own row
 * model (latestRow), and the page is read in Chromium.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import type { CheckResult } from '../../shared/contract/result';
import { incidentFacts, markIncident } from '../../shared/diagnosis/service-incident';
import type { ServiceIssue } from '../../shared/entra/service-health';
import { latestRow } from '../../shared/state/mailbox-state';
import { renderStatusPage, type PageMailbox } from '../../shared/status/status-page';
import { result, runContext } from '../state/results';

const CHROMIUM = '/usr/bin/chromium';
const PUBLIC = { authorityHost: 'https://login.microsoftonline.com', imapResource: 'https://outlook.office365.com' };
const AT = '2026-12-04T10:30:00.000Z';

let browser: Browser;
beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is not installed at ${CHROMIUM}: apt-get install -y --no-install-recommends chromium`);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
});
afterAll(() => browser?.close());

const issue = (title: string): ServiceIssue => ({
  id: 'EX1187234', title, service: 'Exchange Online', status: 'ServiceDegradation', classification: 'Incident', isResolved: false,
  start: new Date('2026-12-04T10:15:00Z'), end: null, lastModified: null, impactDescription: null, feature: null,
});

const timeout = (mailbox: string): CheckResult =>
  result(mailbox, 'failed', AT, { failure: { code: 'IMAP_TIMEOUT', phase: 'connect', kind: 'timeout', message: 'no answer within 10000 ms', remedy: 'Check reachability.' } });

function page(results: CheckResult[]): string {
  const mailboxes: PageMailbox[] = results.map((r) => ({ id: r.mailbox, address: r.address, app: r.app }));
  return renderStatusPage(mailboxes, results.map((r) => latestRow(r, runContext('run-1'))), { now: new Date(AT) });
}

async function shown(html: string): Promise<{ lines: string[]; links: (string | null)[] }> {
  const p = await browser.newPage();
  await p.setContent(html);
  const lines = await p.locator('p.inc').allTextContents();
  const links = await Promise.all((await p.locator('p.inc a').all()).map((a) => a.getAttribute('href')));
  await p.close();
  return { lines, links };
}

describe('the status page names the Microsoft incident the failures carry', () => {
  it('one line for the incident, with its failing mailboxes counted and the admin center link; a configuration fault is not counted', async () => {
    const results = [timeout('hr'), timeout('invoices'), result('legal', 'failed', AT), result('ok1', 'ok', AT)];
    markIncident(results, incidentFacts(issue('Some users may be unable to access mailboxes using IMAP'), PUBLIC, 0));
    const { lines, links } = await shown(page(results));
    expect(lines).toEqual(['Microsoft reports an active Exchange Online incident EX1187234 (ServiceDegradation, since 2026-12-04 10:15 UTC): Some users may be unable to access mailboxes using IMAP. 2 failing mailbox(es) here look like it: wait for Microsoft rather than changing the configuration — the incident in the Microsoft 365 admin center.']);
    expect(links).toEqual(['https://admin.microsoft.com/Adminportal/Home#/servicehealth/:/alerts/EX1187234']);
  });

  it('(twin) the same failures without an incident: no line', async () => {
    expect((await shown(page([timeout('hr'), timeout('invoices')]))).lines).toEqual([]);
  });

  it('a cloud without a known link says where to look instead, and a hostile title is text', async () => {
    const results = [timeout('hr')];
    markIncident(results, incidentFacts(issue('<img src=x onerror=alert(1)> \u202eevil'), { authorityHost: 'https://login.microsoftonline.us', imapResource: 'https://outlook.office365.us' }, 0));
    const html = page(results);
    expect(html).not.toContain('<img src=x');
    const { lines, links } = await shown(html);
    expect(links).toEqual([]);
    expect(lines[0]).toContain('<img src=x onerror=alert(1)> \\u202eevil');
    expect(lines[0]).toMatch(/\(see Service health in your Microsoft 365 admin center\)\.$/);
  });
});
