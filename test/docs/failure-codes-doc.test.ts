/**
 * Issue 19: every failure and warning code of shared/contract/codes.ts is documented exactly once
 * in docs/failure-codes.md, as a table row; a failure's row names its phase, its kind (the one
 * codes.ts gives it), its meaning and its remedy's gist. New codes fail here until they have a row.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FAILURE_CODES, WARNING_CODES } from '../../shared/contract/codes';
import { codeRows, codeTableProblems } from './code-rows';
import { ROOT } from './markdown-links';

const page = readFileSync(join(ROOT, 'docs', 'failure-codes.md'), 'utf8');

describe('#19 docs/failure-codes.md documents every code once', () => {
  it('#19 one row per failure and warning code, none unknown, kinds as codes.ts says', () => {
    expect(codeTableProblems(page, FAILURE_CODES, WARNING_CODES)).toEqual([]);
  });

  it('#19 the failure rows carry phase, kind, meaning and remedy; the warning rows meaning and remedy', () => {
    const rows = codeRows(page);
    for (const code of Object.keys(FAILURE_CODES)) {
      expect([code, Object.keys(rows.find((r) => r.code === code)!.cells)]).toEqual([code, ['code', 'phase', 'kind', 'meaning', 'remedy (gist)']]);
    }
    for (const code of WARNING_CODES) expect([code, Object.keys(rows.find((r) => r.code === code)!.cells)]).toEqual([code, ['code', 'meaning', 'remedy (gist)']]);
  });
});

describe('#19 failing twins: what the page gets wrong is reported', () => {
  const kinds = { IMAP_DNS: 'network', INTERNAL: 'internal' };
  const warnings = ['SLOW_CHECK'];
  const table = (...rows: string[]) => ['| code | phase | kind | meaning | remedy (gist) |', '|---|---|---|---|---|', ...rows].join('\n');

  it('a complete page passes', () => {
    const ok = `${table('| IMAP_DNS | connect | network | no such host | check host |', '| `INTERNAL` | any | internal | a bug | report it |')}\n\n| code | meaning | remedy (gist) |\n|---|---|---|\n| SLOW_CHECK | slow | timings |\n`;
    expect(codeTableProblems(ok, kinds, warnings)).toEqual([]);
  });

  it('a missing code, a doubled one, an unknown one, a wrong kind and an empty cell', () => {
    const bad = table('| IMAP_DNS | connect | timeout | no such host | check host |', '| IMAP_DNS | connect | network | again | again |', '| IMAP_GONE | connect | network | old | old |', '| SLOW_CHECK | any | | slow | |');
    expect(codeTableProblems(bad, kinds, warnings)).toEqual([
      'IMAP_DNS: 2 table rows (lines 3, 4)',
      'INTERNAL: no table row',
      'IMAP_DNS (line 3): kind timeout, codes.ts says network',
      'IMAP_GONE (line 5): not a code of shared/contract/codes.ts',
      'SLOW_CHECK (line 6): empty kind, remedy (gist)',
    ]);
  });

  it('a code only mentioned in a sentence is not documented', () => {
    expect(codeTableProblems('SLOW_CHECK happens when a check is slow.\n', {}, warnings)).toEqual(['SLOW_CHECK: no table row']);
  });
});
