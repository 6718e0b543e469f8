/*
 * The steps a check goes through sit below the run that drives them: no step folder imports
 * `shared/run/` (the orchestration). The generic mechanisms they share (retries, deadlines, the
 * bounded cache) live in `shared/resilience/`, below every step. Imports are read with the
 * TypeScript compiler's own pre-processor, not a regex, so `import type` and re-exports count.
 * Anyone can run the same check: `npx jest test/unit/layering.test.ts`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import * as ts from 'typescript';

const root = resolve(__dirname, '../..');
const STEPS = ['config', 'contract', 'credentials', 'token', 'imap', 'entra', 'diagnosis', 'storage', 'resilience'];

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []);
}

/** Every relative import of a file, as a path relative to the repository root. */
function importsOf(file: string): string[] {
  const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return info.importedFiles.map((f) => f.fileName).filter((n) => n.startsWith('.'))
    .map((n) => relative(root, resolve(dirname(file), n)));
}

/** Imports from step folders that reach into `shared/run/`. */
function violations(files: string[]): string[] {
  return files.flatMap((f) => importsOf(f).filter((i) => i.startsWith('shared/run/') || i === 'shared/run')
    .map((i) => `${relative(root, f)} imports ${i}`));
}

describe('layering: no step imports the run that drives it', () => {
  const stepFiles = STEPS.flatMap((s) => filesUnder(join(root, 'shared', s)));

  it('reads the step folders (and finds files in each)', () => {
    for (const s of STEPS) expect(stepFiles.some((f) => f.includes(`/shared/${s}/`))).toBe(true);
  });

  it('finds no import of shared/run/ from a step folder', () => {
    expect(violations(stepFiles)).toEqual([]);
  });

  it('resilience imports nothing from the project but itself', () => {
    const outside = filesUnder(join(root, 'shared/resilience')).flatMap((f) =>
      importsOf(f).filter((i) => !i.startsWith('shared/resilience/')));
    expect(outside).toEqual([]);
  });

  it('catches a step that reaches up (the check is not blind)', () => {
    // The run's own files do import shared/run/; scanned as if they were a step, they are flagged.
    expect(violations(filesUnder(join(root, 'shared/run'))).length).toBeGreaterThan(0);
  });
});
