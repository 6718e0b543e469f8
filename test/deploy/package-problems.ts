/**
 * What must not be in the Function App package, named file by file: the judge of
 * package.test.ts, kept apart so its failing twins can feed it tampered packages.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PackagedFile } from './azd-package';

/** Everything the package may hold: the bundle, the host's settings, the manifest and its lockfile. */
export const PACKAGE_FILES = ['dist/functions/index.js', 'host.json', 'package-lock.json', 'package.json'];

const DEVELOPMENT = /(^|\/)(test|sim|bench|cli|tools|docs|\.git|\.ci)(\/|$)|\.test\.[jt]s$|\.map$|\.ts$/;

/** Package names that only development needs: every copy of them in the lockfile is `dev: true`. */
export function devOnlyPackages(projectRoot: string): Set<string> {
  const lock = JSON.parse(readFileSync(join(projectRoot, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> };
  const dev = new Set<string>();
  const prod = new Set<string>();
  for (const [path, entry] of Object.entries(lock.packages)) {
    const name = packageOf(path);
    if (name) (entry.dev ? dev : prod).add(name);
  }
  for (const name of prod) dev.delete(name);
  return dev;
}

/** `…/node_modules/@scope/name/…` → `@scope/name` (the innermost node_modules). */
export function packageOf(path: string): string | undefined {
  const parts = path.split('/');
  const at = parts.lastIndexOf('node_modules');
  if (at < 0 || at + 1 >= parts.length) return undefined;
  const first = parts[at + 1]!;
  return first.startsWith('@') && parts[at + 2] ? `${first}/${parts[at + 2]}` : first;
}

/** Each file of the package that should not be there, with the reason. */
export function packageProblems(files: PackagedFile[], devOnly: Set<string>): string[] {
  const problems: string[] = [];
  for (const { path } of files) {
    const pkg = packageOf(path);
    if (pkg && devOnly.has(pkg)) problems.push(`${path}: devDependency ${pkg}`);
    else if (DEVELOPMENT.test(path)) problems.push(`${path}: development file (test, simulator, benchmark, CLI, source or source map)`);
    else if (!PACKAGE_FILES.includes(path)) problems.push(`${path}: not part of the app`);
  }
  for (const required of PACKAGE_FILES) if (!files.some((f) => f.path === required)) problems.push(`${required}: missing`);
  return problems;
}

/**
 * Each input of the bundle (esbuild's metafile) that is not the app: code from test/, sim/,
 * bench/, cli/ or tools/, or a devDependency.
 */
export function bundleProblems(inputs: string[], devOnly: Set<string>): string[] {
  const problems: string[] = [];
  for (const input of inputs) {
    const pkg = packageOf(input);
    if (pkg) {
      if (devOnly.has(pkg)) problems.push(`${input}: devDependency ${pkg}`);
    } else if (!/^(functions|shared)\//.test(input) && input !== 'functions-entry.ts') problems.push(`${input}: not functions/ or shared/`);
  }
  return problems;
}
