/**
 * The alert rules' and the workbook's KQL: every table, event name and property key is one the
 * telemetry names module defines, and the queries, evaluated (by a small KQL-subset model) over
 * the envelopes a real reporter run sent, select the rows they should — the failing mailbox, the
 * expiring credential, the run's heartbeat — and nothing else.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvocationContext } from '@azure/functions';
import { checkTimer } from '../../functions/check-timer';
import { PHASES } from '../../shared/contract/codes';
import { EVENTS, MEASUREMENTS, PROPS, TABLES, TEST_NAME_PREFIX, phaseMeasurement, testName } from '../../shared/report/telemetry-names';
import type { Envelope } from '../../sim/ingestion-server';
import { reportingEnv, SHARED_SECRET_MAILBOXES, startTelemetryWorld, type TelemetryWorld } from '../report/telemetry-fixture';
import { namesIn, runKql, tablesFrom, type Row } from './kql-subset';

const QUERIES = join(__dirname, '..', '..', 'infra', 'app', 'queries');
const EXPIRY_DAYS = 30;
const alertQuery = (file: string, days = EXPIRY_DAYS) => readFileSync(join(QUERIES, file), 'utf8').replace('{secretExpiryAlertDays}', String(days));
const workbookQueries: Record<string, string> = Object.fromEntries(
  JSON.parse(readFileSync(join(__dirname, '..', '..', 'infra', 'app', 'workbook.json'), 'utf8'))
    .items.filter((i: { type: number }) => i.type === 3)
    .map((i: { content: { title: string; query: string } }) => [i.content.title, i.content.query]),
);
const allQueries: Record<string, string> = {
  ...Object.fromEntries(readdirSync(QUERIES).map((f) => [`alert ${f}`, alertQuery(f)])),
  ...Object.fromEntries(Object.entries(workbookQueries).map(([title, q]) => [`workbook "${title}"`, q])),
};

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
  const used = namesIn(query);
  const problems: string[] = [];
  for (const t of used.tables) if (!names.tables.includes(t)) problems.push(`${label}: table ${t} is not in TABLES`);
  for (const n of used.names) {
    const ok = used.tables[0] === TABLES.availability ? n === names.prefix : names.events.includes(n);
    if (!ok) problems.push(`${label}: name "${n}" is not ${used.tables[0] === TABLES.availability ? 'TEST_NAME_PREFIX' : 'in EVENTS'}`);
  }
  for (const d of used.dimensions) if (!names.props.includes(d)) problems.push(`${label}: customDimensions.${d} is not in PROPS`);
  for (const m of used.measurements) if (!names.measurements.includes(m)) problems.push(`${label}: customMeasurements.${m} is not in MEASUREMENTS`);
  return problems;
}

describe('KQL names come from shared/report/telemetry-names.ts', () => {
  it('finds the three alert queries and the six workbook queries, each naming telemetry', () => {
    expect(Object.keys(allQueries)).toHaveLength(9);
    for (const [label, q] of Object.entries(allQueries)) expect([label, namesIn(q).names.length]).toEqual([label, 1]);
  });

  it('every table, event name, test name prefix, property and measurement key is defined there', () => {
    expect(Object.entries(allQueries).flatMap(([label, q]) => unknownNames(label, q, moduleNames))).toEqual([]);
  });

  it("the README's queries too", () => {
    const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
    const blocks = [...readme.matchAll(/```kusto\n([\s\S]*?)```/g)].map((m) => m[1]);
    expect(blocks.length).toBeGreaterThanOrEqual(4);
    expect(blocks.flatMap((q, i) => unknownNames(`README query ${i + 1}`, q, moduleNames))).toEqual([]);
  });

  it('failing twin: a name renamed in the module only is caught in every query that uses it', () => {
    const renamed: Names = { ...moduleNames, events: moduleNames.events.map((e) => (e === 'MonitorRun' ? 'MonitorHeartbeat' : e)), props: moduleNames.props.filter((p) => p !== 'secretName').concat('credentialName') };
    expect(Object.entries(allQueries).flatMap(([label, q]) => unknownNames(label, q, renamed))).toEqual([
      'alert heartbeat.kql: name "MonitorRun" is not in EVENTS',
      'alert secret-expiring.kql: customDimensions.secretName is not in PROPS',
      'workbook "Credentials by days to expiry": customDimensions.secretName is not in PROPS',
      'workbook "The monitor\'s own runs": name "MonitorRun" is not in EVENTS',
    ]);
  });

  it('failing twin: a name renamed in a query only is caught', () => {
    const query = alertQuery('availability.kql').replace('startswith "mailbox:"', 'startswith "mbx:"') + '\n| extend c = tostring(customDimensions.errorCode), u = todouble(customMeasurements.unread)';
    expect(unknownNames('edited', query, moduleNames)).toEqual([
      'edited: name "mbx:" is not TEST_NAME_PREFIX',
      'edited: customDimensions.errorCode is not in PROPS',
      'edited: customMeasurements.unread is not in MEASUREMENTS',
    ]);
  });
});

describe('the queries select the right rows of a real reporter run', () => {
  let world: TelemetryWorld;
  let envelopes: Envelope[];
  let tables: Record<string, Row[]>;
  const saved = { ...process.env };

  beforeAll(async () => {
    world = await startTelemetryWorld();
    process.env = { ...saved, ...world.tenant.identityEnv, ...reportingEnv(world.ingestion.connectionString), MAILBOX_HEALTH_CONFIG: JSON.stringify(world.config) };
    // The timer handler called as the Functions host calls it (no local host exists).
    const timer = { isPastDue: false, schedule: { adjustForDST: false }, scheduleStatus: { last: '', next: '', lastUpdated: '' } };
    await checkTimer(timer, new InvocationContext({ invocationId: 'kql', functionName: 'checkTimer', logHandler: () => undefined }));
    envelopes = [...world.ingestion.envelopes];
    tables = tablesFrom(envelopes);
  }, 60_000);

  afterAll(async () => {
    process.env = saved;
    await world?.stop();
  });

  it('the captured run is what the fixture promises: 8 availability results, 1 MonitorRun, 1 SecretExpiring', () => {
    expect(tables.availabilityResults).toHaveLength(8);
    expect(tables.customEvents.map((e) => e.name).sort()).toEqual(['MonitorRun', 'SecretExpiring']);
  });

  it('availability alert: exactly the failing mailbox, by its test name; none once its latest result succeeds', () => {
    const rows = runKql(alertQuery('availability.kql'), tables);
    expect(rows.map((r) => r.name)).toEqual([testName('nogrant')]);
    expect(String(rows[0].message)).toMatch(/^IMAP_AUTH_FAILED in auth: /);
    // Recovery: a later successful result for the same mailbox resolves it.
    const recovered = { ...tables.availabilityResults.find((r) => r.name === testName('nogrant'))!, success: true, timestamp: new Date(Date.now() + 60_000).toISOString() };
    expect(runKql(alertQuery('availability.kql'), { ...tables, availabilityResults: [...tables.availabilityResults, recovered] })).toEqual([]);
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
    const rows = runKql(workbookQueries['Failing now, with code and remedy'], tables);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ name: testName('nogrant'), code: 'IMAP_AUTH_FAILED', phase: 'auth', kind: 'permission' });
    expect(String(rows[0].remedy)).toContain('Add-MailboxPermission');
  });

  it('workbook: backlog, credentials, phase timings and the monitor\'s runs', () => {
    const backlog = runKql(workbookQueries['Backlog per mailbox (latest check)'], tables);
    expect(backlog[0]).toMatchObject({ name: testName('backlog'), unseen: 30 });
    const credentials = runKql(workbookQueries['Credentials by days to expiry'], tables);
    expect(credentials).toHaveLength(1);
    expect(credentials[0].daysLeft).toBeLessThanOrEqual(5);
    const phases = runKql(workbookQueries['Phase timings (ms, p50 and p95, last 24 h)'], tables);
    expect(phases).toHaveLength(8);
    const ok = phases.find((r) => r.name === testName('ok1'))!;
    for (const phase of PHASES) expect(typeof ok[`p95_${phase}`]).toBe('number');
    expect(phases.find((r) => r.name === testName('nogrant'))!.p95_folder).toBeNull(); // never reached
    const runs = runKql(workbookQueries["The monitor's own runs"], tables);
    expect(runs).toEqual([expect.objectContaining({ trigger: 'timer', total: 8, failed: 1 })]);
    const availability = runKql(workbookQueries['Availability per mailbox over time (%)'], tables);
    expect(Object.fromEntries(availability.map((r) => [r.name, r.availability]))).toMatchObject({ [testName('ok1')]: 100, [testName('nogrant')]: 0, [testName('backlog')]: 100 });
  });
});
