/**
 * Issue 10, "References a reader cannot follow": every design or SDK fact the source cites lives
 * in the repository's docs/, and no comment points at a file that is not in the repository.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
// cli/ is the CLI hardening work's (issue 11, item 17: `check --help` names DESIGN.md).
const SCANNED = ['shared', 'sim', 'functions', 'test', 'bench', 'infra'];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : /\.(ts|js|md|lua|template|bicep)$/.test(name) ? [path] : [];
  });
}

describe('#10 the source cites only what the repository holds', () => {
  it('#10 no citation of DESIGN.md or FACTS.md outside docs/, and the cited docs exist', () => {
    const offenders: string[] = [];
    const cited = new Set<string>();
    for (const file of SCANNED.flatMap((d) => files(join(ROOT, d)))) {
      if (file.endsWith('docs-references.test.ts')) continue;
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/(docs\/)?([A-Z][A-Z-]*\.md)/g)) {
        if (!m[1] && /^(DESIGN|FACTS)\.md$/.test(m[2]!)) offenders.push(`${file.slice(ROOT.length + 1)}: ${m[0]}`);
        if (m[1]) cited.add(m[0]);
      }
    }
    expect(offenders).toEqual([]);
    expect([...cited].sort()).toEqual(['docs/ARCHITECTURE.md', 'docs/SDK-FACTS.md']);
    for (const doc of cited) expect(existsSync(join(ROOT, doc))).toBe(true);
  });
});
