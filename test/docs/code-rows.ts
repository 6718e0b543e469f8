/**
 * The code tables of docs/failure-codes.md read as data: each table row whose first cell is a code
 * (`SECRET_NOT_FOUND` or `` `SECRET_NOT_FOUND` ``), with the cells named by its table's header.
 */
export interface CodeRow { code: string; cells: Record<string, string>; line: number }

const cellsOf = (line: string) => line.trim().replace(/^\||\|$/g, '').split(/(?<!\\)\|/).map((c) => c.trim());

export function codeRows(markdown: string): CodeRow[] {
  const rows: CodeRow[] = [];
  let header: string[] | null = null;
  markdown.split('\n').forEach((line, i) => {
    if (!line.trim().startsWith('|')) return void (header = null);
    const cells = cellsOf(line);
    if (!header) return void (header = cells.map((c) => c.toLowerCase()));
    if (cells.every((c) => /^:?-+:?$/.test(c))) return;
    const code = /^`?([A-Z][A-Z0-9_]+)`?$/.exec(cells[0] ?? '')?.[1];
    if (code) rows.push({ code, cells: Object.fromEntries(header.map((h, j) => [h, cells[j] ?? ''])), line: i + 1 });
  });
  return rows;
}

/**
 * What is wrong with the page against the codes: a code with no row, a code with more than one, a
 * row for a code that does not exist, a failure row whose kind is not the code's, an empty cell.
 */
export function codeTableProblems(markdown: string, failureKinds: Record<string, string>, warnings: readonly string[]): string[] {
  const rows = codeRows(markdown);
  const known = new Set([...Object.keys(failureKinds), ...warnings]);
  const problems: string[] = [];
  for (const code of known) {
    const n = rows.filter((r) => r.code === code).length;
    if (n === 0) problems.push(`${code}: no table row`);
    if (n > 1) problems.push(`${code}: ${n} table rows (lines ${rows.filter((r) => r.code === code).map((r) => r.line).join(', ')})`);
  }
  for (const row of rows) {
    if (!known.has(row.code)) problems.push(`${row.code} (line ${row.line}): not a code of shared/contract/codes.ts`);
    if ('kind' in row.cells && failureKinds[row.code] !== undefined && row.cells.kind !== failureKinds[row.code]) {
      problems.push(`${row.code} (line ${row.line}): kind ${row.cells.kind}, codes.ts says ${failureKinds[row.code]}`);
    }
    const empty = Object.entries(row.cells).filter(([, v]) => v === '').map(([h]) => h);
    if (empty.length > 0) problems.push(`${row.code} (line ${row.line}): empty ${empty.join(', ')}`);
  }
  return problems;
}
