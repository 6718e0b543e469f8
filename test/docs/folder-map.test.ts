/**
 * Issue 19: docs/ARCHITECTURE.md's folder map has one line per folder as the code stands — every
 * folder under shared/ and every top-level code folder — and names no folder that is gone.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './markdown-links';

const TOP_LEVEL = ['functions/', 'cli/', 'sim/', 'test/', 'bench/', 'tools/', 'infra/'];

/** The folders the map's lines name: each bullet's leading `folder/`, and one after a `; `. */
function mappedFolders(architecture: string): string[] {
  const section = /^## Folder map\n([\s\S]*?)(?=^## )/m.exec(architecture)?.[1] ?? '';
  return section.split('\n').filter((l) => l.startsWith('- ')).flatMap((l) => [...l.matchAll(/(?:^- |; )`([\w./-]+\/)`/g)].map((m) => m[1]!));
}

function mapProblems(architecture: string, root = ROOT): string[] {
  const mapped = mappedFolders(architecture);
  const expected = [...readdirSync(join(root, 'shared'), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => `shared/${e.name}/`), ...TOP_LEVEL];
  return [
    ...expected.filter((f) => !mapped.includes(f)).map((f) => `${f}: no line in the folder map`),
    ...mapped.filter((f) => !existsSync(join(root, f))).map((f) => `${f}: in the folder map, not in the repository`),
    ...mapped.filter((f, i) => mapped.indexOf(f) !== i).map((f) => `${f}: two lines`),
  ];
}

const architecture = readFileSync(join(ROOT, 'docs', 'ARCHITECTURE.md'), 'utf8');

describe('#19 the folder map in docs/ARCHITECTURE.md', () => {
  it('#19 one line for every folder of shared/ (resilience included) and each top-level folder, none stale', () => {
    expect(mappedFolders(architecture)).toEqual(expect.arrayContaining(['shared/resilience/', 'shared/run/', 'functions/']));
    expect(mapProblems(architecture)).toEqual([]);
  });

  it('failing twin: a folder left out, and a folder that is gone, are named', () => {
    const edited = architecture.replace(/^- `shared\/resilience\/`.*\n/m, '').replace('## Folder map\n', '## Folder map\n\n- `shared/retired/` — gone.\n');
    expect(mapProblems(edited)).toEqual(['shared/resilience/: no line in the folder map', 'shared/retired/: in the folder map, not in the repository']);
  });
});
