/**
 * The alert rules', the workbook's and the docs' (docs/operations.md) KQL name only telemetry that
 * shared/report/telemetry-names.ts defines — tables, event names, the test name prefix,
 * customDimensions and customMeasurements keys, read from the Kusto language service's syntax tree
 * (kql-names.ts) — and the queries, evaluated by a model of Kusto (kql-subset.ts) over the
 * envelopes a real reporter run sent, typed as the classic schema stores them, select the rows they
 * should: the failing mailbox, the expiring credential once, the run's heartbeat, and nothing else.
 */
import { InvocationContext } from '@azure/functions';
import { checkTimer } from '../../functions/check-timer';
import { expiryTimer } from '../../functions/expiry-timer';
import { PHASES } from '../../shared/contract/codes';
import { EVENTS, MEASUREMENTS, PROPS, TABLES, TEST_NAME_PREFIX, phaseMeasurement, testName } from '../../shared/report/telemetry-names';
import type { Envelope } from '../../sim/ingestion-server';
import { reportingEnv, SHARED_SECRET_MAILBOXES, startTelemetryWorld, type TelemetryWorld } from '../report/telemetry-fixture';
import { CLASSIC_TABLES } from './app-insights-schema';
import { namesIn } from './kql-names';
import { alertQueries, ALERT_PARAMETERS, docQueries, workbookQueries } from './kql-sources';
import { runKql, tablesFrom, type Row } from './kql-subset';

const alertQuery = (file: string, days = Number(ALERT_PARAMETERS.expiryAlertDays)) =>
  alertQueries({ ...ALERT_PARAMETERS, expiryAlertDays: String(days) }).find((q) => q.label === `alert ${file}`)!.text;
const workbook: Record<string, string> = Object.fromEntries(workbookQueries().map((q) => [q.label.replace(/^workbook "|"$/g, ''), q.text]));
const shipped: Record<string, string> = Object.fromEntries([...alertQueries(), ...workbookQueries()].map((q) => [q.label, q.text]));
const docs: Record<string, string> = Object.fromEntries(docQueries().map((q) => [q.label, q.text]));

interface Names { tables: string[]; events: string[]; props: string[]; measurements: string[]; prefix: string }
const moduleNames: Names = {
  tables: Object.values(TABLES),
  events: Object.values(EVENTS),
  props: Object.values(PROPS),
  measurements: [...Object.values(MEASUREMENTS), ...PHASES.map(phaseMeasurement)],
  prefix: TEST_NAME_PREFIX,
};

/** Every name a query uses that the module does not define, as a readable problem. */
function unknownNames(label: string, query: string, names: Names): string[] {
  const used = namesIn(query, CLASSIC_TABLES);
  const problems: string[] = [];
  for (const t of used.tables) if (!names.tables.includes(t)) problems.push(`${label}: table ${t} is not in TABLES`);
  for (const n of used.names) {
    // A test name is the prefix (startswith) or one mailbox's (== "mailbox:<id>"); an event name is one of EVENTS.
    if (n.table === TABLES.availability) {
      if (!n.value.startsWith(names.prefix)) problems.push(`${label}: name "${n.value}" is not TEST_NAME_PREFIX`);
    } else if (n.table === TABLES.events) {
      if (!names.events.includes(n.value)) problems.push(`${label}: name "${n.value}" is not in EVENTS`);
    } else problems.push(`${label}: name "${n.value}" compared in ${n.table ?? 'a query whose table is not known'}`);
  }
  for (const d of used.dimensions) if (!names.props.includes(d)) problems.push(`${label}: customDimensions.${d} is not in PROPS`);
  for (const m of used.measurements) if (!names.measurements.includes(m)) problems.push(`${label}: customMeasurements.${m} is not in MEASUREMENTS`);
  for (const u of used.unreadable) problems.push(`${label}: ${u} reads a key that is not a string literal`);
  return problems;
}

describe('KQL names come from shared/report/telemetry-names.ts', () => {
  it('finds the three alert queries and the seven workbook queries, each naming its telemetry once', () => {
    expect(Object.keys(shipped)).toHaveLength(10);
    for (const [label, q] of Object.entries(shipped)) expect([label, namesIn(q, CLASSIC_TABLES).names.length]).toEqual([label, 1]);
  });

  it('every table, event name, test name prefix, property and measurement key is defined there', () => {
    expect(Object.entries(shipped).flatMap(([label, q]) => unknownNames(label, q, moduleNames))).toEqual([]);
  });

  it("the docs' queries too, the join's inner table included", () => {
    expect(Object.keys(docs).length).toBeGreaterThanOrEqual(4);
    expect(Object.entries(docs).flatMap(([label, q]) => unknownNames(label, q, moduleNames))).toEqual([]);
    expect(namesIn(docs['docs/operations.md query 4'], CLASSIC_TABLES).tables).toEqual(['customEvents', 'exceptions']);
  });

  it('reads keys in every spelling Kusto accepts, and names compared either way round', () => {
    const used = namesIn('customEvents | where "SecretExpiring" == name | extend a = customDimensions.app, b = customDimensions["vault"], c = customDimensions.[\'code\'], d = customMeasurements[\'daysLeft\']', CLASSIC_TABLES);
    expect(used).toEqual({ tables: ['customEvents'], names: [{ table: 'customEvents', operator: 'Equal', value: 'SecretExpiring' }], dimensions: ['app', 'vault', 'code'], measurements: ['daysLeft'], unreadable: [] });
  });

  it('failing twin: a name renamed in the module only is caught in every query that uses it', () => {
    const renamed: Names = { ...moduleNames, events: moduleNames.events.map((e) => (e === 'MonitorRun' ? 'MonitorHeartbeat' : e)), props: moduleNames.props.filter((p) => p !== 'secretName').concat('credentialName') };
    expect(Object.entries(shipped).flatMap(([label, q]) => unknownNames(label, q, renamed))).toEqual([
      'alert heartbeat.kql: name "MonitorRun" is not in EVENTS',
      'alert secret-expiring.kql: customDimensions.secretName is not in PROPS',
      'workbook "Credentials by days to expiry": customDimensions.secretName is not in PROPS',
      'workbook "The monitor\'s own runs": name "MonitorRun" is not in EVENTS',
    ]);
  });

  it('failing twin: an undefined key, event or test name in a query is caught, however it is spelled', () => {
    const query = alertQuery('availability.kql').replace('startswith "mailbox:"', 'startswith "mbx:"') +
      '\n| extend c = tostring(customDimensions.errorCode), k = tostring(customDimensions["secret"]), u = todouble(customMeasurements[\'unread\']), x = customDimensions[name]';
    expect(unknownNames('edited', query, moduleNames)).toEqual([
      'edited: name "mbx:" is not TEST_NAME_PREFIX',
      'edited: customDimensions.errorCode is not in PROPS',
      'edited: customDimensions.secret is not in PROPS',
      'edited: customMeasurements.unread is not in MEASUREMENTS',
      'edited: customDimensions[name] reads a key that is not a string literal',
    ]);
    expect(unknownNames('event', alertQuery('heartbeat.kql').replace('"MonitorRun"', '"MonitorRuns"'), moduleNames)).toEqual(['event: name "MonitorRuns" is not in EVENTS']);
  });
});

describe('the queries select the right rows of a real reporter run', () => {
  let world: TelemetryWorld;
  let envelopes: Envelope[];
  let tables: Record<string, Row[]>;
  /** The same tables after the daily expiry sweep (functions/expiry-timer.ts) also reported. */
  let withSweep: Record<string, Row[]>;
  let sweepEnvelopes: Envelope[];
  /** The tables of a run in which 'nogrant' (still failing) was in a maintenance window. */
  let maintenanceRun: Record<string, Row[]>;
  const saved = { ...process.env };

  beforeAll(async () => {
    world = await startTelemetryWorld();
    process.env = { ...saved, ...world.tenant.identityEnv, ...reportingEnv(world.ingestion.connectionString), MAILBOX_HEALTH_CONFIG: JSON.stringify(world.config) };
    // The timer handler called as the Functions host calls it (no local host exists).
    const timer = { isPastDue: false, schedule: { adjustForDST: false }, scheduleStatus: { last: '', next: '', lastUpdated: '' } };
    await checkTimer(timer, new InvocationContext({ invocationId: 'kql', functionName: 'checkTimer', logHandler: () => undefined }));
    envelopes = [...world.ingestion.envelopes];
    tables = tablesFrom(envelopes);
    world.ingestion.envelopes.length = 0;
    await expiryTimer(timer, new InvocationContext({ invocationId: 'kql-sweep', functionName: 'expiryTimer', logHandler: () => undefined }));
    sweepEnvelopes = [...world.ingestion.envelopes];
    withSweep = tablesFrom([...envelopes, ...sweepEnvelopes]);
    // A second timer run with the failing mailbox in a maintenance window (issue 20).
    world.ingestion.envelopes.length = 0;
    const inWindow = { ...world.config, mailboxes: world.config.mailboxes.map((m) => (m.id === 'nogrant' ? { ...m, maintenance: [{ start: new Date(Date.now() - 3600_000).toISOString(), end: new Date(Date.now() + 3600_000).toISOString(), reason: 'grant migration' }] } : m)) };
    process.env.MAILBOX_HEALTH_CONFIG = JSON.stringify(inWindow);
    await checkTimer(timer, new InvocationContext({ invocationId: 'kql-maintenance', functionName: 'checkTimer', logHandler: () => undefined }));
    maintenanceRun = tablesFrom([...world.ingestion.envelopes]);
    process.env.MAILBOX_HEALTH_CONFIG = JSON.stringify(world.config);
  }, 60_000);

  afterAll(async () => {
    process.env = saved;
    await world?.stop();
  });

  it('the captured run is what the fixture promises: 8 availability results, 1 MonitorRun, 1 SecretExpiring', () => {
    expect(tables.availabilityResults).toHaveLength(8);
    // Typed as the classic table stores them: success is "1"/"0" (the SDK sent a bool).
    expect(tables.availabilityResults.map((r) => r.success).sort()).toEqual(['0', ...Array(7).fill('1')]);
    expect(tables.customEvents.map((e) => e.name).sort()).toEqual(['MonitorRun', 'SecretExpiring']);
  });

  it('availability alert: exactly the failing mailbox, by its test name; none once its latest result succeeds', () => {
    const rows = runKql(alertQuery('availability.kql'), tables);
    expect(rows.map((r) => r.name)).toEqual([testName('nogrant')]);
    expect(String(rows[0].message)).toMatch(/^IMAP_AUTH_FAILED in auth: /);
    // Recovery: a later successful result for the same mailbox resolves it.
    const recovered = { ...tables.availabilityResults.find((r) => r.name === testName('nogrant'))!, success: '1', timestamp: new Date(Date.now() + 60_000).toISOString() };
    expect(runKql(alertQuery('availability.kql'), { ...tables, availabilityResults: [...tables.availabilityResults, recovered] })).toEqual([]);
  });

  it('issue 20: the availability alert names the Exchange Online incident a failure looks like, and "none" without one', () => {
    expect(runKql(alertQuery('availability.kql'), tables).map((r) => [r.name, r.serviceIncident])).toEqual([[testName('nogrant'), 'none']]);
    const failing = tables.availabilityResults.find((r) => r.name === testName('nogrant'))!;
    const during = { ...failing, timestamp: new Date(Date.now() + 60_000).toISOString(), customDimensions: { ...(failing.customDimensions as object), [PROPS.serviceIncident]: 'EX812345' } };
    expect(runKql(alertQuery('availability.kql'), { ...tables, availabilityResults: [...tables.availabilityResults, during] }).map((r) => r.serviceIncident)).toEqual(['EX812345']);
  });

  it('failing twin: the availability alert written for a bool success compares a string and selects nothing in Kusto; the model refuses it', () => {
    for (const compared of ['success == false', 'success == 0']) {
      expect(() => runKql(alertQuery('availability.kql').replace('todouble(success) == 0', compared), tables)).toThrow(/compares a string with a (boolean|number)/);
    }
  });

  describe('maintenance windows (issue 20): the availability alert and the uptime leave their results out', () => {
    const nogrant = (t: Record<string, Row[]>) => t.availabilityResults.find((r) => r.name === testName('nogrant'))!;

    it('the run in a window sent the failing result with maintenance = "true" and its reason; the others carry no such key', () => {
      expect(maintenanceRun.availabilityResults).toHaveLength(8);
      expect(nogrant(maintenanceRun)).toMatchObject({ success: '0', customDimensions: expect.objectContaining({ [PROPS.maintenance]: 'true', [PROPS.maintenanceReason]: 'grant migration' }) });
      for (const r of maintenanceRun.availabilityResults.filter((x) => x.name !== testName('nogrant'))) expect(Object.keys(r.customDimensions as object)).not.toContain(PROPS.maintenance);
      for (const r of tables.availabilityResults) expect(Object.keys(r.customDimensions as object)).not.toContain(PROPS.maintenance);
    });

    it('a failing result in maintenance is not selected; the same row without the key is (failing twin)', () => {
      expect(runKql(alertQuery('availability.kql'), maintenanceRun)).toEqual([]);
      const row = nogrant(maintenanceRun);
      const { [PROPS.maintenance]: _dropped, ...dims } = row.customDimensions as Record<string, string>;
      const twin = { ...maintenanceRun, availabilityResults: maintenanceRun.availabilityResults.map((r) => (r === row ? { ...r, customDimensions: dims } : r)) };
      expect(runKql(alertQuery('availability.kql'), twin).map((r) => r.name)).toEqual([testName('nogrant')]);
    });

    it('the latest result decides: failing before the window and in it is silent; the first failure after the window fires again', () => {
      const before = tables.availabilityResults;
      const during = maintenanceRun.availabilityResults.map((r) => ({ ...r, timestamp: new Date(Date.parse(String(r.timestamp)) + 60_000).toISOString() }));
      expect(runKql(alertQuery('availability.kql'), { ...tables, availabilityResults: [...before, ...during] })).toEqual([]);
      const after = { ...nogrant(tables), timestamp: new Date(Date.now() + 120_000).toISOString() };
      expect(runKql(alertQuery('availability.kql'), { ...tables, availabilityResults: [...before, ...during, after] }).map((r) => r.name)).toEqual([testName('nogrant')]);
    });

    it('workbook uptime over 30 days: the maintenance result is not counted (1 check of nogrant, not 2), the others count both runs', () => {
      const both = { ...tables, availabilityResults: [...tables.availabilityResults, ...maintenanceRun.availabilityResults] };
      const rows = Object.fromEntries(runKql(workbook['Uptime per mailbox (30 days, maintenance and not-checked left out)'], both).map((r) => [r.name, r]));
      expect(rows[testName('nogrant')]).toMatchObject({ uptime: 0, checks: 1 });
      expect(rows[testName('ok1')]).toMatchObject({ uptime: 100, checks: 2 });
      // Failing twin: counted with the maintenance result, nogrant would show 2 checks.
      const counted = workbook['Uptime per mailbox (30 days, maintenance and not-checked left out)'].replace('tostring(customDimensions.maintenance) != "true" and ', '');
      expect(Object.fromEntries(runKql(counted, both).map((r) => [r.name, r.checks]))[testName('nogrant')]).toBe(2);
    });
  });

  it('heartbeat alert: one run counted; zero when no MonitorRun arrived (the alert\'s "runs < 1")', () => {
    expect(runKql(alertQuery('heartbeat.kql'), tables)).toEqual([{ runs: 1 }]);
    expect(runKql(alertQuery('heartbeat.kql'), { ...tables, customEvents: tables.customEvents.filter((e) => e.name !== 'MonitorRun') })).toEqual([{ runs: 0 }]);
  });

  it('expiring-credential alert: the one shared secret (five mailboxes, one row), by secret and vault; none below its days left', () => {
    const rows = runKql(alertQuery('secret-expiring.kql'), tables);
    expect(rows).toHaveLength(1);
    const event = tables.customEvents.find((e) => e.name === 'SecretExpiring')!;
    const dims = event.customDimensions as Record<string, string>;
    expect(rows[0]).toMatchObject({ secretName: dims[PROPS.secretName], vault: dims[PROPS.vault], app: dims[PROPS.app] });
    expect(rows[0].daysLeft).toBeLessThanOrEqual(5);
    expect(dims[PROPS.mailboxes].split(',').sort()).toEqual([...SHARED_SECRET_MAILBOXES].sort());
    expect(runKql(alertQuery('secret-expiring.kql', 1), tables)).toEqual([]);
  });

  it('workbook: failing now carries code, phase, kind and remedy of the failing mailbox only', () => {
    const rows = runKql(workbook['Failing now, with code and remedy'], tables);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ name: testName('nogrant'), code: 'IMAP_AUTH_FAILED', phase: 'auth', kind: 'permission' });
    expect(String(rows[0].remedy)).toContain('Add-MailboxPermission');
  });

  it('workbook: backlog, credentials, phase timings and the monitor\'s runs', () => {
    const backlog = runKql(workbook['Backlog per mailbox (latest check)'], tables);
    expect(backlog[0]).toMatchObject({ name: testName('backlog'), unseen: 30 });
    const credentials = runKql(workbook['Credentials by days to expiry'], tables);
    expect(credentials).toHaveLength(1);
    expect(credentials[0].daysLeft).toBeLessThanOrEqual(5);
    const phases = runKql(workbook['Phase timings (ms, p50 and p95, last 24 h)'], tables);
    expect(phases).toHaveLength(8);
    const ok = phases.find((r) => r.name === testName('ok1'))!;
    for (const phase of PHASES) expect(typeof ok[`p95_${phase}`]).toBe('number');
    expect(phases.find((r) => r.name === testName('nogrant'))!.p95_folder).toBeNull(); // never reached
    const runs = runKql(workbook["The monitor's own runs"], tables);
    expect(runs).toEqual([expect.objectContaining({ trigger: 'timer', total: 8, failed: 1 })]);
    const availability = runKql(workbook['Availability per mailbox over time (%)'], tables);
    expect(Object.fromEntries(availability.map((r) => [r.name, r.availability]))).toMatchObject({ [testName('ok1')]: 100, [testName('nogrant')]: 0, [testName('backlog')]: 100 });
  });

  describe('one secret is one alert and one workbook row, whichever path reported it (issue 15, item 11)', () => {
    const expiringEvents = (rows: Row[]) => rows.filter((e) => e.name === EVENTS.secretExpiring).map((e) => e.customDimensions as Record<string, string>);

    it('the sweep and the checks name the shared secret alike: its name and its vault', () => {
      const [fromCheck] = expiringEvents(tables.customEvents);
      const fromSweep = expiringEvents(tablesFrom(sweepEnvelopes).customEvents);
      expect(fromSweep).toHaveLength(1);
      expect(fromCheck[PROPS.vault]).toMatch(/^https:\/\//);
      expect({ secretName: fromSweep[0][PROPS.secretName], vault: fromSweep[0][PROPS.vault] }).toEqual({ secretName: fromCheck[PROPS.secretName], vault: fromCheck[PROPS.vault] });
      // The rest of the contract is kept on both.
      for (const dims of [fromCheck, fromSweep[0]]) expect(Object.keys(dims)).toEqual(expect.arrayContaining([PROPS.code, PROPS.app, PROPS.clientId, PROPS.tenantId, PROPS.mailboxes, PROPS.runId, PROPS.trigger]));
    });

    it('the alert query over both events: one row (one dimension combination), its vault not empty', () => {
      expect(expiringEvents(withSweep.customEvents)).toHaveLength(2);
      const rows = runKql(alertQuery('secret-expiring.kql'), withSweep);
      expect(rows).toEqual([expect.objectContaining({ secretName: expect.any(String), vault: expect.stringMatching(/^https:\/\//) })]);
    });

    it('the workbook: one credential row', () => {
      expect(runKql(workbook['Credentials by days to expiry'], withSweep)).toEqual([expect.objectContaining({ vault: expect.stringMatching(/^https:\/\//) })]);
    });
  });
});
