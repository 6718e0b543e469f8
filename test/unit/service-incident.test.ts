/**
 * Issue 20's selection logic without a network: which failures are outage-shaped, which issue is
 * "the active Exchange Online incident", how Graph's answer is validated, which link a cloud gets,
 * and what marking a run does. Each rule is paired with the case it must leave alone.
 */
import { CLOUDS } from '../../shared/config/clouds';
import type { CheckResult } from '../../shared/contract/result';
import { isOutageShaped } from '../../shared/diagnosis/outage-shaped';
import { activeIncidents, incidentFacts, incidentUrl, markIncident, serviceHealthReadWarning } from '../../shared/diagnosis/service-incident';
import { GraphError } from '../../shared/entra/graph-client';
import { parseServiceIssues, serviceIssuesPath, type ServiceIssue } from '../../shared/entra/service-health';

const NOW = Date.parse('2026-12-04T12:00:00Z');
const HOUR = 3_600_000;
const issue = (over: Partial<ServiceIssue> = {}): ServiceIssue => ({
  id: 'EX100',
  title: 'IMAP access degraded',
  service: 'Exchange Online',
  status: 'ServiceDegradation',
  classification: 'Incident',
  isResolved: false,
  start: new Date(NOW - 2 * HOUR),
  end: null,
  lastModified: new Date(NOW - HOUR),
  impactDescription: null,
  feature: null,
  ...over,
});

describe('outage-shaped failures', () => {
  test.each([
    ['IMAP_TIMEOUT', 'connect'],
    ['IMAP_THROTTLED', 'auth'],
    ['IMAP_THROTTLED', 'folder'],
    ['IMAP_CONNECTION_CLOSED', 'folder'],
    ['IMAP_CONNECT_REFUSED', 'connect'],
    ['CHECK_TIMEOUT', 'connect'],
    ['CHECK_TIMEOUT', 'folder'],
  ] as const)('%s in %s is what an outage causes', (code, phase) => {
    expect(isOutageShaped({ code, phase })).toBe(true);
  });

  test.each([
    ['IMAP_AUTH_FAILED', 'auth'],
    ['IMAP_NOT_CONNECTED', 'folder'],
    ['IMAP_FOLDER_NOT_FOUND', 'folder'],
    ['IMAP_DNS', 'connect'],
    ['IMAP_TLS', 'connect'],
    ['TOKEN_INVALID_SECRET', 'token'],
    ['TOKEN_ENDPOINT_UNREACHABLE', 'token'],
    ['SECRET_SOURCE_UNREACHABLE', 'secret'],
    ['CHECK_TIMEOUT', 'token'],
    ['CHECK_TIMEOUT', 'run'],
    ['INTERNAL', 'folder'],
  ] as const)('(twin) %s in %s is not: a configuration or path fault, or not Exchange', (code, phase) => {
    expect(isOutageShaped({ code, phase })).toBe(false);
  });
});

describe('the active Exchange Online incident', () => {
  test('an unresolved Exchange Online incident is active', () => {
    expect(activeIncidents([issue()], NOW).map((i) => i.id)).toEqual(['EX100']);
  });

  test('(twin) resolved, ended, over by its status, or another service: none is active', () => {
    const candidates = [
      issue({ id: 'R1', isResolved: true }),
      issue({ id: 'R2', status: 'ServiceRestored' }),
      issue({ id: 'R3', status: 'postIncidentReviewPublished' }),
      issue({ id: 'R4', status: 'FalsePositive' }),
      issue({ id: 'R5', end: new Date(NOW - 60_000) }),
      issue({ id: 'SP1', service: 'SharePoint Online' }),
    ];
    expect(activeIncidents(candidates, NOW)).toEqual([]);
  });

  test('case and spacing of service and status do not matter (Graph writes PascalCase, the reference camelCase)', () => {
    expect(activeIncidents([issue({ service: ' exchange online ', status: 'serviceInterruption' })], NOW)).toHaveLength(1);
    expect(activeIncidents([issue({ status: 'SERVICERESTORED' })], NOW)).toHaveLength(0);
  });

  test('an end date still ahead does not end it', () => {
    expect(activeIncidents([issue({ end: new Date(NOW + HOUR) })], NOW)).toHaveLength(1);
  });

  test('incidents before advisories, then the most recently updated first', () => {
    const list = [
      issue({ id: 'ADV', classification: 'Advisory', lastModified: new Date(NOW - 60_000) }),
      issue({ id: 'OLD', lastModified: new Date(NOW - 5 * HOUR) }),
      issue({ id: 'NEW', lastModified: new Date(NOW - 2 * 60_000) }),
      issue({ id: 'NOMOD', lastModified: null, start: new Date(NOW - 3 * HOUR) }),
    ];
    expect(activeIncidents(list, NOW).map((i) => i.id)).toEqual(['NEW', 'NOMOD', 'OLD', 'ADV']);
  });
});

describe('the admin center link follows the cloud', () => {
  test('worldwide Exchange Online: the Microsoft 365 admin center page of the issue', () => {
    expect(incidentUrl(CLOUDS.public, 'EX100')).toBe('https://admin.microsoft.com/Adminportal/Home#/servicehealth/:/alerts/EX100');
    // A custom cloud in front of worldwide Exchange (a private alias, the simulator) is the same tenant cloud.
    expect(incidentUrl({ authorityHost: 'https://127.0.0.1:4443', imapResource: 'https://outlook.office365.com' }, 'EX100')).toContain('admin.microsoft.com');
  });

  test('(twin) GCC High / DoD and 21Vianet: no known link, null (the warning says where to look)', () => {
    expect(incidentUrl(CLOUDS.usgov, 'EX100')).toBeNull();
    expect(incidentUrl(CLOUDS.china, 'EX100')).toBeNull();
  });
});

describe("Graph's answer, validated", () => {
  const good = { value: [{ id: 'EX226792', title: 'Mail flow delayed', service: 'Exchange Online', status: 'ServiceDegradation', classification: 'Incident', isResolved: false, startDateTime: '2026-12-04T10:00:00Z', endDateTime: null, lastModifiedDateTime: '2026-12-04T11:00:00.767Z' }] };

  test('the documented shape parses, dates as dates', () => {
    const read = parseServiceIssues(good, 'reading');
    expect(read.ok && read.issues[0]!.start.toISOString()).toBe('2026-12-04T10:00:00.000Z');
  });

  test.each([
    ['a date that is not one', { value: [{ ...good.value[0], startDateTime: 'yesterday' }] }, 'value[0].startDateTime must be a date'],
    ['isResolved as a string', { value: [{ ...good.value[0], isResolved: 'false' }] }, 'value[0].isResolved must be true or false'],
    ['an id that could break a link', { value: [{ ...good.value[0], id: 'EX1/../x?y' }] }, 'value[0].id must be an issue id'],
    ['no list', { value: 'none' }, 'value must be a list'],
    ['null', null, 'the answer must be a collection of serviceHealthIssue (null)'],
  ])('(twin) %s: a failed read naming the field, never a throw', (_what, body, says) => {
    const read = parseServiceIssues(body, 'reading');
    expect(read.ok).toBe(false);
    expect(!read.ok && read.error.message).toContain(says);
  });

  test('a 5 MB title is clipped where it enters', () => {
    const read = parseServiceIssues({ value: [{ ...good.value[0], title: 'x '.repeat(2_500_000) }] }, 'reading');
    expect(read.ok && read.issues[0]!.title.length).toBeLessThanOrEqual(301);
  });

  test('the request asks Graph for Exchange Online and unresolved, with OData $filter', () => {
    const url = new URL(`https://graph.microsoft.com${serviceIssuesPath()}`);
    expect(url.pathname).toBe('/v1.0/admin/serviceAnnouncement/issues');
    expect(url.searchParams.get('$filter')).toBe("service eq 'Exchange Online' and isResolved eq false");
  });
});

describe('marking a run', () => {
  const result = (mailbox: string, code: string, phase: string, remedy = `fix ${mailbox}`): CheckResult =>
    ({ mailbox, address: `${mailbox}@contoso.com`, app: 'a', status: 'failed', failure: { code, phase, kind: 'timeout', message: 'm', remedy }, warnings: [], phases: {}, folder: null, token: null, checkedAt: '', durationMs: 1 }) as unknown as CheckResult;

  test('only outage-shaped failures carry the incident; the original remedy follows the advice', () => {
    const results = [result('slow', 'IMAP_TIMEOUT', 'connect'), result('wrong', 'IMAP_AUTH_FAILED', 'auth')];
    expect(markIncident(results, incidentFacts(issue(), CLOUDS.public, 1))).toBe(1);
    expect(results[0]!.warnings[0]).toMatchObject({ code: 'SERVICE_INCIDENT_ACTIVE', incidentId: 'EX100', otherIncidents: 1 });
    expect(results[0]!.warnings[0]!.message).toContain('and 1 more unresolved Exchange Online issue(s)');
    expect(results[0]!.failure!.remedy).toMatch(/wait for Microsoft .* rather than changing the configuration\. If it persists once the incident is resolved: fix slow$/);
    expect(results[1]!.warnings).toEqual([]);
    expect(results[1]!.failure!.remedy).toBe('fix wrong');
  });

  test('a cloud without a known link says where to look instead of a link', () => {
    const results = [result('slow', 'IMAP_THROTTLED', 'folder')];
    markIncident(results, incidentFacts(issue(), CLOUDS.usgov, 0));
    expect(results[0]!.warnings[0]!.url).toBeNull();
    expect(results[0]!.failure!.remedy).toContain('no known link for this cloud');
  });

  test('the read warnings: 403 names the permission, anything else is SERVICE_HEALTH_UNREAD; a good read none', () => {
    const identity = { graphUrl: 'https://graph.microsoft.com', objectId: 'd4e5f6a7-b8c9-4d0e-9f1a-2b3c4d5e6f70' };
    const denied = serviceHealthReadWarning({ ok: false, reason: 'permission', error: new GraphError('403', 403, 'Authorization_RequestDenied') }, identity);
    expect(denied).toMatchObject({ code: 'GRAPH_PERMISSION_MISSING', permission: 'ServiceHealth.Read.All' });
    const unread = serviceHealthReadWarning({ ok: false, reason: 'unavailable', error: new GraphError('did not answer within 10000 ms', null, 'Timeout') }, identity);
    expect(unread).toMatchObject({ code: 'SERVICE_HEALTH_UNREAD' });
    expect(serviceHealthReadWarning({ ok: true, issues: [] }, identity)).toBeUndefined();
  });
});
