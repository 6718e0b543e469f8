/**
 * Workbook parameters substituted into a query item's KQL the way the workbook engine does before
 * it sends the query, so the tests bind the text Azure runs, not the template. From Microsoft's
 * workbook docs ("Workbook parameters", "Workbook time parameters", "Workbook drop-down
 * parameters": https://learn.microsoft.com/en-us/azure/azure-monitor/visualize/workbooks-parameters):
 *
 * - a parameter item (`type: 9`, `KqlParameterItem/1.0`) holds `parameters`, each with a `name`,
 *   a `type` (1 text, 2 drop-down, 4 time range) and its saved `value`;
 * - time range: `{P}` / `{P:query}` / `{P:value}` in a query become the range's filter,
 *   `> ago(<duration>)` ("| where timestamp {TimeRange}" expands to "| where timestamp > ago(1d)");
 *   `{P:start}` / `{P:end}` the range's ends and `{P:grain}` its bin size, written so that the
 *   documented `make-series … from {TimeRange:start} to {TimeRange:end} step {TimeRange:grain}`
 *   parses: `datetime(…)` and a timespan literal;
 * - text: the value as typed (quoting is the query author's);
 * - drop-down: the selected values, each quoted with the parameter's `quote` (default `'`) and
 *   joined with its `delimiter` (default `,`), for `in ({P})`.
 *
 * A `{Name}` that no parameter defines is left in place by the engine and fails in Azure; here it
 * is an error, so a query that refers to a parameter the workbook lacks never passes.
 */

export interface WorkbookParameter {
  name: string;
  type: number;
  value?: unknown;
  typeSettings?: { multiSelect?: boolean; quote?: string; delimiter?: string };
  timeContext?: { durationMs: number };
}

export interface WorkbookItem {
  type: number;
  name?: string;
  content: { version?: string; title?: string; query?: string; resourceType?: string; parameters?: WorkbookParameter[] };
}

const PARAMETERS_ITEM = 9;
const TEXT = 1;
const DROP_DOWN = 2;
const TIME_RANGE = 4;

/** `86400000` → `1d`, `1800000` → `30m`: the shortest exact Kusto timespan literal. */
export function timespan(ms: number): string {
  for (const [unit, size] of [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000]] as const) if (ms % size === 0) return `${ms / size}${unit}`;
  return `${ms}ms`;
}

/** The parameters every item of the workbook can refer to. */
export function workbookParameters(items: WorkbookItem[]): WorkbookParameter[] {
  return items.filter((i) => i.type === PARAMETERS_ITEM).flatMap((i) => i.content.parameters ?? []);
}

function substitute(parameter: WorkbookParameter, format: string | undefined, now: number): string {
  if (parameter.type === TIME_RANGE) {
    const value = parameter.value as { durationMs?: number } | undefined;
    const durationMs = value?.durationMs ?? parameter.timeContext?.durationMs;
    if (!durationMs) throw new Error(`time range ${parameter.name}: no durationMs to expand`);
    if (format === undefined || format === 'query' || format === 'value') return `> ago(${timespan(durationMs)})`;
    if (format === 'start') return `datetime(${new Date(now - durationMs).toISOString()})`;
    if (format === 'end') return `datetime(${new Date(now).toISOString()})`;
    // The engine picks a grain for about 100 points; any grain binds the same (5-minute steps here).
    if (format === 'grain') return timespan(Math.max(300_000, Math.ceil(durationMs / 100 / 300_000) * 300_000));
    throw new Error(`time range ${parameter.name}: no format ${format}`);
  }
  if (format !== undefined) throw new Error(`parameter ${parameter.name}: format ${format} is only for time ranges here`);
  if (parameter.type === TEXT) return String(parameter.value ?? '');
  if (parameter.type === DROP_DOWN) {
    const values = Array.isArray(parameter.value) ? parameter.value.map(String) : parameter.value === undefined ? [] : [String(parameter.value)];
    const quote = parameter.typeSettings?.quote ?? "'";
    return values.map((v) => `${quote}${v}${quote}`).join(parameter.typeSettings?.delimiter ?? ',');
  }
  throw new Error(`parameter ${parameter.name}: type ${parameter.type} is not expanded here (add it with Microsoft's rule for it)`);
}

/** `query` with every `{Name}` / `{Name:format}` replaced; throws on a name no parameter defines. */
export function expandParameters(query: string, parameters: WorkbookParameter[], now = Date.now()): string {
  return query.replace(/\{([A-Za-z_][A-Za-z0-9_]*)(?::([A-Za-z]+))?\}/g, (whole, name: string, format: string | undefined) => {
    const parameter = parameters.find((p) => p.name === name);
    if (!parameter) throw new Error(`${whole}: the workbook defines no parameter ${name}`);
    return substitute(parameter, format, now);
  });
}
