/**
 * The telemetry names a query uses, read from the Kusto language service's syntax tree after
 * binding (kusto-language.ts), not from the text: binding catches an unknown table or column, but
 * a customDimensions key or an event name is only a string to Kusto, so a misspelled one binds
 * and silently selects nothing. These are the names that must come from
 * shared/report/telemetry-names.ts.
 *
 * - tables: every name bound to a table;
 * - names: string literals compared (==, !=, =~, startswith, in …) with a column called `name`,
 *   with the table the comparison's pipeline reads from (availabilityResults: a test name,
 *   customEvents: an event name);
 * - dimensions / measurements: keys read from a column called customDimensions /
 *   customMeasurements, as `.key`, `.['key']` or `['key']` (the column keeps its name through
 *   arg_max and project, so those count too). A key that is not a literal (`customDimensions[k]`)
 *   cannot be checked and is reported as such.
 */
import { analyze, kindOf, nodesOf, symbolKindOf, type KustoNode, type Schema } from './kusto-language';

export interface NameComparison { table: string | undefined; operator: string; value: string }

export interface QueryNames {
  tables: string[];
  names: NameComparison[];
  dimensions: string[];
  measurements: string[];
  /** Reads of a bag whose key is not a string literal. */
  unreadable: string[];
}

const BAGS = { customDimensions: 'dimensions', customMeasurements: 'measurements' } as const;

/** Comparison kinds whose right side is one literal or (for `in`) a list of them. */
const COMPARISONS = /^(Equal|NotEqual|EqualTilde|BangTilde|StartsWith|StartsWithCs|NotStartsWith|NotStartsWithCs|Has|HasCs|In|InCs|NotIn|NotInCs|HasAny|HasAll)Expression$/;

// By name, not by binding: a reference the binder could not resolve (a bag projected away
// earlier) is the binder's error to report, and its key must still be a known one.
const isColumn = (node: KustoNode | null | undefined, name: string) => !!node && kindOf(node) === 'NameReference' && node.SimpleName === name && symbolKindOf(node) !== 'Table';
const stringLiterals = (node: KustoNode | null | undefined): string[] =>
  node ? nodesOf(node).filter((n) => kindOf(n) === 'StringLiteralExpression').map((n) => String(n.LiteralValue)) : [];

/**
 * The table a pipeline stage reads from: up to the pipe whose operator holds the node, then down
 * its left side to the source (so a `where` inside a join's `(exceptions | …)` is exceptions').
 */
function sourceTable(node: KustoNode): string | undefined {
  let at: KustoNode | null = node;
  while (at && kindOf(at) !== 'PipeExpression') at = at.Parent;
  let source = at?.Expression ?? null;
  while (source && kindOf(source) === 'PipeExpression') source = source.Expression ?? null;
  if (source && kindOf(source) === 'NameReference' && symbolKindOf(source) === 'Table') return source.SimpleName;
  return undefined;
}

/** `bag.key`, `bag.['key']`, `bag['key']`: the key, or undefined when it is not a literal. */
function bagKey(node: KustoNode): { bag: keyof typeof BAGS; key: string | undefined } | undefined {
  const kind = kindOf(node);
  if (kind !== 'PathExpression' && kind !== 'ElementExpression') return undefined;
  const bag = Object.keys(BAGS).find((b) => isColumn(node.Expression, b)) as keyof typeof BAGS | undefined;
  if (!bag) return undefined;
  const selector = node.Selector!;
  if (kind === 'PathExpression') return { bag, key: selector.SimpleName };
  // Element access: `[<expression>]`; only a lone string literal names a key.
  const inner = selector.Expression;
  return { bag, key: inner && kindOf(inner) === 'StringLiteralExpression' ? String(inner.LiteralValue) : undefined };
}

export function namesIn(query: string, schema: Schema): QueryNames {
  const { syntax } = analyze(query, schema);
  const found: QueryNames = { tables: [], names: [], dimensions: [], measurements: [], unreadable: [] };
  for (const node of nodesOf(syntax)) {
    const kind = kindOf(node);
    if (kind === 'NameReference' && symbolKindOf(node) === 'Table') found.tables.push(node.SimpleName!);
    if (COMPARISONS.test(kind)) {
      const [column, other] = isColumn(node.Left, 'name') ? [node.Left, node.Right] : isColumn(node.Right, 'name') ? [node.Right, node.Left] : [];
      if (column) {
        const operator = kind.replace(/Expression$/, '');
        for (const value of stringLiterals(other)) found.names.push({ table: sourceTable(node), operator, value });
      }
    }
    const read = bagKey(node);
    if (read) {
      if (read.key === undefined) found.unreadable.push(node.ToString());
      else found[BAGS[read.bag]].push(read.key);
    }
  }
  return found;
}
