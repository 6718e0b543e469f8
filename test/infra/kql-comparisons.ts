/**
 * Equality between a string and a number or bool, which the Kusto language service accepts: its
 * `==` and `!=` take any scalar on the right (Kusto.Language's Operators.cs: `NotBool == Scalar`),
 * so `success == false` or `success == 0` binds without a diagnostic although classic
 * availabilityResults.success is the string "1"/"0". Kusto converts neither side: the engine
 * rejects such a comparison ("Cannot compare values of types string and long", as an Application
 * Insights Logs blade answered in microsoft/BCTech#24) or, where it runs, it is never true, and
 * either way an alert built on it never fires. Ordering operators (`success > 0`) are already
 * rejected by the language service (KS106), so only equality needs this check. Reported like a
 * diagnostic, with the project's own code MBH001.
 */
import { analyze, kindOf, nodesOf, type Schema } from './kusto-language';

const NUMERIC_OR_BOOL = new Set(['bool', 'int', 'long', 'real', 'decimal']);
const EQUALITY = new Set(['EqualExpression', 'NotEqualExpression']);

export function mixedComparisons(label: string, query: string, schema: Schema): string[] {
  const problems: string[] = [];
  for (const node of nodesOf(analyze(query, schema).syntax)) {
    if (!EQUALITY.has(kindOf(node))) continue;
    const types = [node.Left?.ResultType?.Name, node.Right?.ResultType?.Name];
    if (types.includes('string') && types.some((t) => t && NUMERIC_OR_BOOL.has(t))) {
      const before = query.slice(0, node.TextStart).split('\n');
      problems.push(`${label} ${before.length}:${before.at(-1)!.length + 1} MBH001 string compared with ${types.find((t) => t !== 'string')}: convert one side (todouble(success) == 0) («${query.substr(node.TextStart, node.Width)}»)`);
    }
  }
  return problems;
}
