/**
 * Issue 20: a failure notification names the active Exchange Online incident the failure looks
 * like (a fact next to the code, and the remedy that says to wait for Microsoft); a failure
 * without one gets no such fact.
 */
import type { CheckResult } from '../../shared/contract/result';
import { CLOUDS } from '../../shared/config/clouds';
import { incidentFacts, markIncident } from '../../shared/diagnosis/service-incident';
import { compose } from '../../shared/notify/compose';
import { plainText } from '../../shared/notify/notification';

const run = { runId: 'r1', trigger: 'timer' as const, location: 'test', host: 'test', version: '0' };
const failed = (mailbox: string, code: string): CheckResult =>
  ({ mailbox, address: `${mailbox}@contoso.com`, app: 'importer', status: 'failed', failure: { code, phase: 'folder', kind: 'throttled', message: 'the server is throttling', remedy: 'Lower "concurrency".' }, warnings: [], phases: {}, folder: null, token: null, checkedAt: '', durationMs: 1 }) as unknown as CheckResult;
const notify = (result: CheckResult) =>
  compose({ kind: 'mailbox', incident: `mailbox:${result.mailbox}`, result }, { send: 'failing', changed: true, next: { openedAt: '2026-12-04T11:00:00Z' } } as never, run, new Date('2026-12-04T12:00:00Z'));

test('a failure during an active incident: the notification names it, with the link, and the remedy says to wait', () => {
  const result = failed('invoices', 'IMAP_THROTTLED');
  markIncident([result], incidentFacts({ id: 'EX812345', title: 'IMAP degraded', service: 'Exchange Online', status: 'ServiceDegradation', classification: 'Incident', isResolved: false, start: new Date('2026-12-04T10:00:00Z'), end: null, lastModified: null, impactDescription: null, feature: null }, CLOUDS.public, 0));
  const n = notify(result);
  const fact = n.facts.find((f) => f.title === 'Microsoft incident');
  expect(fact?.value).toBe('Exchange Online incident EX812345 (ServiceDegradation, since 2026-12-04 10:00 UTC): IMAP degraded — https://admin.microsoft.com/Adminportal/Home#/servicehealth/:/alerts/EX812345');
  expect(n.remedy).toMatch(/^Microsoft lists an active Exchange Online incident EX812345.*wait for Microsoft.*Lower "concurrency"\.$/);
  expect(plainText(n)).toContain('Microsoft incident: Exchange Online incident EX812345');
});

test('(twin) a failure without an incident: no such fact, the remedy as it was', () => {
  const n = notify(failed('archive', 'IMAP_AUTH_FAILED'));
  expect(n.facts.map((f) => f.title)).not.toContain('Microsoft incident');
  expect(n.remedy).toBe('Lower "concurrency".');
});
