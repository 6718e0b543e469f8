/**
 * Issue 20, "is it us or Microsoft?", through the wire: the engine checks the mailboxes over IMAP,
 * and on a failure an Exchange Online outage causes reads the simulated Graph's service
 * communications API with the monitor's own identity (a real @azure/identity credential, its token
 * from the simulated Entra, TLS verified against the test CA), then marks those failures with the
 * active incident. Each case is paired with its twin.
 */
import type { CheckResult, Warning } from '../../shared/contract/result';
import { parseConfig } from '../../shared/config/load';
import { runTelemetry } from '../../shared/report/app-insights-telemetry';
import { PROPS } from '../../shared/report/telemetry-names';
import { renderTable } from '../../shared/report/table';
import { planRun } from '../../shared/run/plan';
import type { Scenario } from '../../sim/scenario';
import type { SimTenant } from '../../sim/tenant';
import { byId, runAgainst, startTenant } from '../e2e/sim-harness';
import { entraConfig, MONITOR, monitorCredential } from './entra-fixture';
import { ACTIVE, healthScenario, RESOLVED, SHAREPOINT } from './service-health-fixture';

let tenant: SimTenant;

beforeAll(async () => {
  tenant = await startTenant(healthScenario());
});
afterAll(async () => {
  await tenant.stop();
});

async function run(scenario: Scenario, extra: Parameters<typeof entraConfig>[1] = {}) {
  tenant.scenario = scenario;
  tenant.graph.stats.serviceIssueReads = 0;
  tenant.graph.stats.serviceIssueFilters = [];
  const started = Date.now();
  const { report } = await runAgainst(entraConfig(tenant, extra), { vaultCredential: monitorCredential(tenant) });
  return { report, results: byId(report), elapsedMs: Date.now() - started };
}

const incidentOf = (r: CheckResult): Warning | undefined => r.warnings.find((w) => w.code === 'SERVICE_INCIDENT_ACTIVE');

describe('an active Exchange Online incident', () => {
  test('the outage-shaped failure carries it (id, title, status, start, admin center link) and its remedy says to wait for Microsoft, the configuration remedy after it', async () => {
    const { report, results } = await run(healthScenario());
    const invoices = results.invoices!;
    expect(invoices.failure?.code).toBe('IMAP_THROTTLED');
    expect(incidentOf(invoices)).toMatchObject({
      incidentId: ACTIVE.id,
      title: ACTIVE.title,
      status: 'ServiceDegradation',
      classification: 'Incident',
      startedAt: ACTIVE.startDateTime.toISOString(),
      url: `https://admin.microsoft.com/Adminportal/Home#/servicehealth/:/alerts/${ACTIVE.id}`,
      otherIncidents: 0,
    });
    expect(invoices.failure!.remedy).toMatch(new RegExp(`^Microsoft lists an active Exchange Online incident ${ACTIVE.id} \\(ServiceDegradation, since .+ UTC\\): ${ACTIVE.title}\\. .*wait for Microsoft`));
    // The original remedy is still there, after it.
    expect(invoices.failure!.remedy).toContain('If it persists once the incident is resolved: Exchange is throttling invoices@contoso.com. Lower "concurrency"');
    // Read once for the run, filtered to Exchange Online and unresolved.
    expect(tenant.graph.stats.serviceIssueReads).toBe(1);
    expect(tenant.graph.stats.serviceIssueFilters).toEqual(["service eq 'Exchange Online' and isResolved eq false"]);
    expect(report.warnings).toBeUndefined();
  });

  test('(twin) a configuration fault in the same run does not get it: its failure and remedy are untouched, and a healthy mailbox stays ok', async () => {
    const { results } = await run(healthScenario());
    const archive = results.archive!;
    expect(archive.failure?.code).toBe('IMAP_AUTH_FAILED');
    expect(incidentOf(archive)).toBeUndefined();
    expect(archive.failure!.remedy).toMatch(/^Exchange refused the XOAUTH2 login of archive@contoso.com/);
    expect(results.hr!.status).toBe('ok');
    expect(results.hr!.warnings).toEqual([]);
  });

  test('the CLI table shows one line about the incident for the run, not one per mailbox', async () => {
    const { report } = await run(healthScenario());
    const table = renderTable(report);
    expect(table.split('\n').filter((line) => line.includes(ACTIVE.id) && line.startsWith('Exchange Online'))).toHaveLength(1);
    expect(table).toContain(`Exchange Online incident ${ACTIVE.id}`);
    expect(table).toContain('1 failure(s) here look like it: invoices');
  });

  test("a hostile title (escape sequences, a bidi override, 5 MB) is clipped where it enters and inert in the table; JSON keeps the clipped text", async () => {
    const s = healthScenario({ issues: [{ ...ACTIVE, title: `IMAP down \u001b]0;owned\u0007\u202e${'x '.repeat(2_500_000)}` }] });
    const { report, results } = await run(s);
    const title = incidentOf(results.invoices!)!.title as string;
    expect(title.length).toBeLessThanOrEqual(301);
    expect(title).toContain('\u001b]0;owned');
    const table = renderTable(report);
    expect(table).not.toMatch(/\u001b\]|\u202e/);
    expect(table).toContain('IMAP down \\x1b]0;owned\\x07\\u202e');
  });

  test("telemetry: the affected mailbox's availability result carries the incident id; the others do not", async () => {
    const { report } = await run(healthScenario());
    const plan = planRun(parseConfig(entraConfig(tenant), 'test'));
    const items = runTelemetry(report, plan, { runId: 'r1', trigger: 'cli', location: 'test', host: 'test', version: '0' }).availability;
    const byName = Object.fromEntries(items.map((i) => [i.name, i.properties[PROPS.serviceIncident]]));
    expect(byName).toEqual({ 'mailbox:invoices': ACTIVE.id, 'mailbox:hr': undefined, 'mailbox:archive': undefined });
  });
});

describe('issues that are not an active Exchange Online incident', () => {
  test('a resolved incident is ignored: the throttled mailbox keeps its own remedy', async () => {
    const { report, results } = await run(healthScenario({ issues: [RESOLVED, SHAREPOINT] }));
    expect(tenant.graph.stats.serviceIssueReads).toBe(1);
    expect(incidentOf(results.invoices!)).toBeUndefined();
    expect(results.invoices!.failure!.remedy).toMatch(/^Exchange is throttling invoices@contoso.com/);
    expect(report.warnings).toBeUndefined();
  });

  test('a Graph that ignores $filter and lists the resolved issue anyway: still ignored (selected again here)', async () => {
    const s = healthScenario({ issues: [] });
    s.graph!.rewriteServiceIssues = (body) => ({ ...body, value: [{ id: RESOLVED.id, title: RESOLVED.title, service: 'Exchange Online', status: 'ServiceRestored', classification: 'Incident', isResolved: true, startDateTime: RESOLVED.startDateTime.toISOString() }] });
    const { results } = await run(s);
    expect(incidentOf(results.invoices!)).toBeUndefined();
  });
});

describe('Graph is read only when the run has a failure an outage causes', () => {
  test('no outage-shaped failure (only a configuration fault): no service health request at all', async () => {
    const { results } = await run(healthScenario({ outage: false }));
    expect(results.archive!.failure?.code).toBe('IMAP_AUTH_FAILED');
    expect(tenant.graph.stats.serviceIssueReads).toBe(0);
  });

  test('(twin) one outage-shaped failure: exactly one request', async () => {
    await run(healthScenario());
    expect(tenant.graph.stats.serviceIssueReads).toBe(1);
  });
});

describe('when service health cannot be read', () => {
  test('no ServiceHealth.Read.All (403): exactly one run warning naming the permission, with the grant; the failures keep their remedies', async () => {
    const { report, results } = await run(healthScenario({ graphRoles: ['Application.Read.All', 'Mail.Send'] }));
    expect(report.warnings).toHaveLength(1);
    const w = report.warnings![0]!;
    expect(w).toMatchObject({ code: 'GRAPH_PERMISSION_MISSING', permission: 'ServiceHealth.Read.All' });
    expect(w.message).toContain('ServiceHealth.Read.All');
    expect(w.message).toContain(MONITOR.objectId);
    expect(w.remedy).toContain(`/v1.0/servicePrincipals/${MONITOR.objectId}/appRoleAssignments`);
    expect(w.remedy).toContain("appRoles[?value=='ServiceHealth.Read.All'].id");
    expect(incidentOf(results.invoices!)).toBeUndefined();
    expect(results.invoices!.failure!.remedy).toMatch(/^Exchange is throttling/);
  });

  test('a hung service health read: one SERVICE_HEALTH_UNREAD, the run ends within graphMs of its checks, no check slower or failed for it', async () => {
    const s = healthScenario();
    s.graph!.serviceHealthHang = true;
    const { report, results, elapsedMs } = await run(s, { timeouts: { graphMs: 1500 } });
    expect(report.warnings?.map((w) => w.code)).toEqual(['SERVICE_HEALTH_UNREAD']);
    expect(report.warnings![0]!.message).toContain('did not answer within 1500 ms');
    expect(elapsedMs).toBeLessThan(8000);
    expect(results.hr!.status).toBe('ok');
    expect(incidentOf(results.invoices!)).toBeUndefined();
  });

  test('a hung read longer than the run: the run still finishes on its deadline (timeouts.runMs), one warning', async () => {
    const s = healthScenario();
    s.graph!.serviceHealthHang = true;
    const { report, elapsedMs } = await run(s, { timeouts: { graphMs: 60_000, runMs: 4000 } });
    expect(elapsedMs).toBeLessThan(4000 + 1500);
    expect(report.warnings?.map((w) => w.code)).toEqual(['SERVICE_HEALTH_UNREAD']);
    expect(report.warnings![0]!.message).toContain("before the run's deadline");
    expect(report.results.some((r) => r.failure?.code === 'INTERNAL')).toBe(false);
  });

  test('a malformed answer: one SERVICE_HEALTH_UNREAD naming the field, never INTERNAL', async () => {
    const s = healthScenario();
    s.graph!.rewriteServiceIssues = (body) => ({ ...body, value: [{ ...(body.value as Record<string, unknown>[])[0], startDateTime: 'two hours ago' }] });
    const { report, results } = await run(s);
    expect(report.warnings?.map((w) => w.code)).toEqual(['SERVICE_HEALTH_UNREAD']);
    expect(report.warnings![0]!.message).toContain('value[0].startDateTime must be a date (ISO 8601)');
    expect(report.results.some((r) => r.failure?.code === 'INTERNAL')).toBe(false);
    expect(incidentOf(results.invoices!)).toBeUndefined();
  });

  test('(twin) the same answer well-formed: no run warning, the incident is carried', async () => {
    const { report, results } = await run(healthScenario());
    expect(report.warnings).toBeUndefined();
    expect(incidentOf(results.invoices!)?.incidentId).toBe(ACTIVE.id);
  });
});
