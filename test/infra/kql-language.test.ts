/**
 * Every query the project ships — alert rules, workbook items, the docs' — parsed and bound by
 * the official Kusto language service against the classic Application Insights schema its scope
 * sees, as Azure would: any Error diagnostic fails, with the query, its code, message and place.
 * Each kind of error the check exists for has a failing twin: a broken copy that is rejected.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLASSIC_RESOURCE_TYPE, CLASSIC_TABLES, schemaFor } from './app-insights-schema';
import { mixedComparisons } from './kql-comparisons';
import { alertQueries, alertRules, docQueries, queriesIn, workbookItems, workbookQueries, type Query } from './kql-sources';
import { errorsIn } from './kusto-language';
import { expandParameters, type WorkbookItem } from './workbook-parameters';

/** Language-service errors plus the string-vs-number/bool equality it lets through. */
const problems = (q: Query) => [...errorsIn(q.label, q.text, schemaFor(q.resourceType)), ...mixedComparisons(q.label, q.text, schemaFor(q.resourceType))];
const codes = (label: string, text: string) => errorsIn(label, text, CLASSIC_TABLES).map((e) => e.split(' ')[2]);
const alert = (file: string) => alertQueries().find((q) => q.label === `alert ${file}`)!.text;

describe('where each query runs', () => {
  it('three alert rules, each scoped to the Application Insights component, each loading one queries/*.kql', () => {
    expect(alertRules().map((r) => [r.resource, r.file, r.scopes, r.placeholders])).toEqual([
      ['mailboxFailing', 'availability.kql', '[applicationInsightsId]', []],
      ['monitorStopped', 'heartbeat.kql', '[applicationInsightsId]', []],
      ['credentialExpiring', 'secret-expiring.kql', '[applicationInsightsId]', ['expiryAlertDays']],
    ]);
    expect(alertQueries().map((q) => q.resourceType)).toEqual(Array(3).fill(CLASSIC_RESOURCE_TYPE));
    // Filled as alerts.bicep's replace() does: no placeholder reaches Azure.
    expect(alert('secret-expiring.kql')).toMatch(/daysLeft <= 30\s*$/);
  });

  it('seven workbook queries on the component, and five admin queries in docs/operations.md (none a fragment)', () => {
    expect(workbookQueries().map((q) => q.resourceType)).toEqual(Array(7).fill(CLASSIC_RESOURCE_TYPE));
    expect(docQueries().filter((q) => q.label.startsWith('docs/operations.md '))).toHaveLength(5);
  });

  it('failing twin: a scope this file has no schema for is refused, not bound against the classic tables', () => {
    expect(() => schemaFor('microsoft.operationalinsights/workspaces')).toThrow(/no schema for queries scoped to/);
    // A workspace table name in a component-scoped query does not bind.
    expect(codes('twin', 'AppEvents | where Name == "MonitorRun"')).toEqual(['KS204']);
  });
});

describe('the Kusto language service accepts every query', () => {
  it('alert rules', () => {
    expect(alertQueries().flatMap(problems)).toEqual([]);
  });

  it('workbook items, parameters expanded', () => {
    expect(workbookQueries().flatMap(problems)).toEqual([]);
  });

  it("the docs' queries (README.md and every page in docs/)", () => {
    expect(docQueries().flatMap(problems)).toEqual([]);
  });
});

describe('failing twins: broken copies are rejected with their code', () => {
  it("the workbook's `kind = …` column (issue 15): `kind` is a keyword and needs ['kind'] (KS228)", () => {
    const before = 'availabilityResults\n| project name, kind = tostring(customDimensions.kind)';
    expect(errorsIn('twin', before, CLASSIC_TABLES)).toEqual(["twin 2:17 KS228 The name 'kind' needs to be bracketed as ['kind'] to be used in this context. («kind»)"]);
    expect(errorsIn('fixed', "availabilityResults\n| project name, ['kind'] = tostring(customDimensions.kind)", CLASSIC_TABLES)).toEqual([]);
  });

  it('a misspelled column (KS142)', () => {
    expect(codes('twin', alert('availability.kql').replace('todouble(success) == 0', 'todouble(sucess) == 0'))).toEqual(['KS142']);
  });

  it('an unknown function (KS211)', () => {
    expect(codes('twin', alert('heartbeat.kql').replace('count()', 'countt()'))).toEqual(['KS211']);
    // Not every near miss is unknown: `cnt()` is Kusto's hidden legacy alias of count().
    expect(codes('alias', alert('heartbeat.kql').replace('count()', 'cnt()'))).toEqual([]);
  });

  it('the string `success` ordered against a number (KS106), as if it were the workspace\'s bool', () => {
    expect(codes('twin', alert('availability.kql').replace('todouble(success) == 0', 'success < 1'))).toEqual(['KS106']);
  });

  it('the string `success` compared with a bool or number: no language-service error, so our own MBH001', () => {
    for (const compared of ['success == false', 'success == 0', 'success != true']) {
      const twin = alert('availability.kql').replace('todouble(success) == 0', compared);
      expect(codes('twin', twin)).toEqual([]);
      expect(mixedComparisons('twin', twin, CLASSIC_TABLES)).toEqual([expect.stringMatching(/^twin \d+:\d+ MBH001 string compared with (bool|long): .*«success [!=]= (false|0|true)»/)]);
    }
    // The forms the queries use are fine: a string with a string, a number with a number.
    expect(mixedComparisons('ok', 'availabilityResults | where success == "0" or todouble(success) == 0', CLASSIC_TABLES)).toEqual([]);
  });

  it('the maintenance key compared with a bool (it is the string "true" in customDimensions): MBH001 or a type error, so the filter cannot silently pass everything', () => {
    const query = alert('availability.kql');
    expect(query).toContain('maintenance != "true"');
    const twin = query.replace('maintenance != "true"', 'maintenance != true');
    expect([...codes('twin', twin), ...mixedComparisons('twin', twin, CLASSIC_TABLES)].length).toBeGreaterThan(0);
  });

  it('an alert placeholder left unfilled does not parse', () => {
    const raw = alert('secret-expiring.kql').replace(/30\s*$/, '{expiryAlertDays}');
    expect(codes('twin', raw).length).toBeGreaterThan(0);
  });
});

describe('workbook parameters are expanded as the workbook engine does', () => {
  const item = (query: string): WorkbookItem => ({ type: 3, content: { title: 't', query, resourceType: CLASSIC_RESOURCE_TYPE } });
  const parameters: WorkbookItem = {
    type: 9,
    content: {
      version: 'KqlParameterItem/1.0',
      parameters: [
        { name: 'TimeRange', type: 4, value: { durationMs: 86_400_000 } },
        { name: 'Mailbox', type: 1, value: 'mailbox:ok1' },
        { name: 'Codes', type: 2, value: ['IMAP_AUTH_FAILED', 'TOKEN_INVALID_SECRET'], typeSettings: { multiSelect: true } },
      ],
    },
  };

  it('time range, its start/end/grain, text and a multi-value drop-down become KQL that binds', () => {
    const query = 'availabilityResults | where timestamp {TimeRange} and name == "{Mailbox}" and tostring(customDimensions.code) in ({Codes})\n| make-series n = count() on timestamp from {TimeRange:start} to {TimeRange:end} step {TimeRange:grain}';
    const [expanded] = workbookQueries([parameters, item(query)], Date.parse('2026-12-04T00:00:00Z'));
    expect(expanded.text).toBe(
      "availabilityResults | where timestamp > ago(1d) and name == \"mailbox:ok1\" and tostring(customDimensions.code) in ('IMAP_AUTH_FAILED','TOKEN_INVALID_SECRET')\n| make-series n = count() on timestamp from datetime(2026-12-03T00:00:00.000Z) to datetime(2026-12-04T00:00:00.000Z) step 15m",
    );
    expect(problems(expanded)).toEqual([]);
  });

  it('failing twin: a parameter the workbook does not define is an error, not text left for Azure', () => {
    expect(() => expandParameters('customEvents | where timestamp {TimeRange}', [])).toThrow('{TimeRange}: the workbook defines no parameter TimeRange');
    // Unexpanded, the language service would reject it too.
    expect(codes('twin', 'customEvents | where timestamp {TimeRange}').length).toBeGreaterThan(0);
  });

  it('the shipped workbook: its items are what the tests bind (no parameter today, none referred to)', () => {
    expect(workbookItems().filter((i) => i.type === 9)).toEqual([]);
    expect(workbookItems().filter((i) => i.type === 3).map((i) => i.content.query).join('\n')).not.toMatch(/\{[A-Za-z_]\w*(:\w+)?\}/);
  });
});

describe('docs/uptime-and-maintenance.md (issue 20)', () => {
  const page = readFileSync(join(__dirname, '..', '..', 'docs', 'uptime-and-maintenance.md'), 'utf8');
  const blocks = queriesIn('docs/uptime-and-maintenance.md', page);

  it('its queries bind, and are the shipped alert rule and workbook item word for word (the comments apart)', () => {
    expect(blocks.flatMap(problems)).toEqual([]);
    const strip = (q: string) => q.replace(/^\/\/.*\n/gm, '').trim();
    const shipped = [...alertQueries(), ...workbookQueries()].map((q) => strip(q.text));
    expect(blocks.map((b) => shipped.includes(strip(b.text)))).toEqual([true, true]);
  });
});

describe('doc fragments are named, not guessed', () => {
  it('failing twin: a block starting with `| …` must say which table it continues', () => {
    expect(() => queriesIn('docs/operations.md', '```kusto\n| where name == "MonitorRun"\n```\n')).toThrow(/docs\/operations\.md query 1 is a fragment \(\| where name == "MonitorRun"\)/);
  });
});
