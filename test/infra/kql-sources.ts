/**
 * Every KQL query the project ships, as the service that runs it sees it, with the resource type
 * it is scoped to (which decides the schema: app-insights-schema.ts):
 *
 * - the alert rules: each `Microsoft.Insights/scheduledQueryRules` in infra/app/alerts.bicep, its
 *   query file with the placeholders filled as its `replace(loadTextContent(…), '{p}', string(p))`
 *   does, scoped (`scopes: [applicationInsightsId]`) to the Application Insights component that
 *   main.bicep passes in from monitoring.bicep;
 * - the workbook: each query item (`type: 3`) of infra/app/workbook.json with its parameters
 *   expanded (workbook-parameters.ts), scoped to its item's `resourceType`, or else the workbook's
 *   `sourceId` in workbook.bicep (the same component);
 * - the docs: every ```kusto / ```kql block of README.md and docs/*.md (the admins' queries are in
 *   docs/operations.md), run by an admin in the component's Logs blade. A block that is a fragment
 *   (its first line a `| …` stage) must be listed in DOC_FRAGMENTS with the table it continues, so
 *   none is silently bound as something else.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLASSIC_RESOURCE_TYPE } from './app-insights-schema';
import { expandParameters, workbookParameters, type WorkbookItem } from './workbook-parameters';

const ROOT = join(__dirname, '..', '..');
const read = (...path: string[]) => readFileSync(join(ROOT, ...path), 'utf8');

export interface Query { label: string; text: string; resourceType: string }

/** The alert rules' parameter values the tests fill in (main.bicep's defaults). */
export const ALERT_PARAMETERS: Record<string, string> = { expiryAlertDays: '30' };

/** The resource type behind main.bicep's `applicationInsightsId`, checked link by link. */
export function applicationInsightsIdType(): string {
  const main = read('infra', 'main.bicep');
  const monitoring = read('infra', 'app', 'monitoring.bicep');
  const passes = [...main.matchAll(/applicationInsightsId:\s*(\S+)/g)].map((m) => m[1]);
  if (passes.length === 0 || passes.some((p) => p !== 'monitoring.outputs.applicationInsightsId')) throw new Error(`main.bicep passes applicationInsightsId as ${passes.join(', ')}, not monitoring.outputs.applicationInsightsId`);
  // The output is a resource's id; that resource must be an Application Insights component.
  const output = /^output applicationInsightsId string = (\w+)\.id$/m.exec(monitoring)?.[1];
  const type = output && new RegExp(`^resource ${output} '([^'@]+)@`, 'm').exec(monitoring)?.[1];
  if (type !== 'Microsoft.Insights/components') throw new Error(`monitoring.bicep's applicationInsightsId is not an Application Insights component's id (${type ?? output})`);
  return CLASSIC_RESOURCE_TYPE;
}

/** One block of alerts.bicep per scheduled query rule: its KQL file, placeholders and scopes. */
export interface AlertRule { resource: string; file: string; placeholders: string[]; scopes: string }

export function alertRules(bicep = read('infra', 'app', 'alerts.bicep')): AlertRule[] {
  return bicep.split(/^(?=resource )/m).filter((block) => /'Microsoft\.Insights\/scheduledQueryRules@/.test(block)).map((block) => {
    const resource = /^resource (\w+)/.exec(block)![1];
    const query = /^\s*query: (.+)$/m.exec(block)?.[1] ?? '';
    const file = /loadTextContent\('queries\/([^']+)'\)/.exec(query)?.[1];
    if (!file) throw new Error(`alerts.bicep ${resource}: its query is not loadTextContent('queries/…') (${query})`);
    const placeholders = [...query.matchAll(/'\{(\w+)\}', string\((\w+)\)/g)].map((m) => {
      if (m[1] !== m[2]) throw new Error(`alerts.bicep ${resource}: {${m[1]}} is filled with ${m[2]}`);
      return m[1];
    });
    return { resource, file, placeholders, scopes: /^\s*scopes: (.+)$/m.exec(block)?.[1] ?? '' };
  });
}

export function alertQueries(parameters = ALERT_PARAMETERS): Query[] {
  const rules = alertRules();
  const files = readdirSync(join(ROOT, 'infra', 'app', 'queries')).filter((f) => f.endsWith('.kql'));
  const unused = files.filter((f) => !rules.some((r) => r.file === f));
  if (unused.length > 0) throw new Error(`queries no alert rule loads: ${unused.join(', ')}`);
  const resourceType = applicationInsightsIdType();
  return rules.map((rule) => {
    if (rule.scopes !== '[applicationInsightsId]') throw new Error(`alerts.bicep ${rule.resource}: scopes ${rule.scopes}, not [applicationInsightsId]: bind it against that scope's schema`);
    let text = read('infra', 'app', 'queries', rule.file);
    for (const p of rule.placeholders) text = text.replaceAll(`{${p}}`, parameters[p] ?? `{${p}}`);
    return { label: `alert ${rule.file}`, text, resourceType };
  });
}

export function workbookItems(): WorkbookItem[] {
  return (JSON.parse(read('infra', 'app', 'workbook.json')) as { items: WorkbookItem[] }).items;
}

export function workbookQueries(items = workbookItems(), now = Date.now()): Query[] {
  const parameters = workbookParameters(items);
  // workbook.bicep's sourceId: the fallback scope of an item that names no resource type.
  if (!/^\s*sourceId: applicationInsightsId$/m.test(read('infra', 'app', 'workbook.bicep'))) throw new Error('workbook.bicep: sourceId is not applicationInsightsId');
  const fallback = applicationInsightsIdType();
  return items.filter((i) => i.type === 3).map((i) => ({
    label: `workbook "${i.content.title}"`,
    text: expandParameters(i.content.query ?? '', parameters, now),
    resourceType: i.content.resourceType ?? fallback,
  }));
}

/** Doc blocks that continue a query instead of being one: first line → the table it continues. */
export const DOC_FRAGMENTS: Record<string, string> = {};

/** The pages an admin reads queries from: the README and every page in docs/. */
export function docPages(): string[] {
  return ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`)];
}

/** Every query block of every page, labelled `<page> query <n>`. */
export function docQueries(pages = docPages()): Query[] {
  return pages.flatMap((page) => queriesIn(page, read(page)));
}

export function queriesIn(page: string, markdown: string): Query[] {
  const blocks = [...markdown.matchAll(/^```(?:kusto|kql)\s*\n([\s\S]*?)^```/gim)].map((m) => m[1]);
  return blocks.map((block, i) => {
    const first = block.split('\n').find((line) => line.trim() && !line.trim().startsWith('//'))?.trim() ?? '';
    let text = block;
    if (first.startsWith('|')) {
      const table = DOC_FRAGMENTS[first];
      if (!table) throw new Error(`${page} query ${i + 1} is a fragment (${first}): add it to DOC_FRAGMENTS with the table it continues`);
      text = `${table}\n${block}`;
    }
    return { label: `${page} query ${i + 1}`, text, resourceType: CLASSIC_RESOURCE_TYPE };
  });
}

export function allQueries(): Query[] {
  return [...alertQueries(), ...workbookQueries(), ...docQueries()];
}
