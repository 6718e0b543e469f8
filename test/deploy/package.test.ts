/**
 * The Function App package, listed the way azd builds it (azd-package.ts, ported from azd's
 * source with the files azd reads: azure.yaml and the `.funcignore` of the folder it zips), from
 * the production build that `npm run build` leaves in dist/functionapp/. It holds the bundle,
 * host.json, package.json and the lockfile, and nothing of the tests, the simulator, the
 * benchmarks, no source map, no `.git`, no devDependency; the twins show the same checks catch
 * each of those when it is put there.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageFiles, packageRoot, readService, resolveRemoteBuild, type ServiceConfig } from './azd-package';
import { bundleProblems, devOnlyPackages, packageProblems, PACKAGE_FILES } from './package-problems';

const ROOT = join(__dirname, '..', '..');
const service = readService(ROOT);
const devOnly = devOnlyPackages(ROOT);
let scratch: string;

beforeAll(() => {
  if (!existsSync(join(packageRoot(service, ROOT), 'package.json'))) throw new Error(`${packageRoot(service, ROOT)} is missing: run \`npm run build\` (npm test does) first`);
  scratch = mkdtempSync(join(tmpdir(), 'mailbox-health-package-'));
});

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('what azd deploys', () => {
  it('the production build\'s folder, built here: remoteBuild false, and azd accepts the project\'s .funcignore with it', () => {
    expect(service).toMatchObject({ host: 'function', language: 'ts', dist: 'dist/functionapp', remoteBuild: false });
    expect(resolveRemoteBuild(service, ROOT)).toBe(false);
  });

  it('the bundle, host.json, package.json and the lockfile, the last three as they are in the project; nothing else', () => {
    const files = packageFiles(service, packageRoot(service, ROOT));
    expect(files.map((f) => f.path).sort()).toEqual(PACKAGE_FILES);
    expect(packageProblems(files, devOnly)).toEqual([]);
    for (const name of ['host.json', 'package.json', 'package-lock.json']) {
      expect(readFileSync(files.find((f) => f.path === name)!.source, 'utf8')).toBe(readFileSync(join(ROOT, name), 'utf8'));
    }
    // The worker loads what `main` names: the bundle is where it looks.
    expect(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).main).toBe('dist/functions/*.js');
  });

  it('the bundle is built from functions/ and shared/ and production dependencies only', () => {
    const meta = JSON.parse(readFileSync(join(ROOT, 'dist', 'functionapp.meta.json'), 'utf8')) as { metafile: { inputs: Record<string, unknown> } };
    const inputs = Object.keys(meta.metafile.inputs);
    expect(inputs.some((i) => i.includes('node_modules/applicationinsights/'))).toBe(true);
    expect(bundleProblems(inputs, devOnly)).toEqual([]);
  });
});

describe('the twins: the same checks on a package or bundle with what must not be there', () => {
  it('a devDependency, the CLI and a stray file that survive the ignore rules are named; source maps, tests and .git are left out by .funcignore', () => {
    const dir = join(scratch, 'tampered');
    cpSync(packageRoot(service, ROOT), dir, { recursive: true });
    const put = (path: string) => {
      mkdirSync(join(dir, path, '..'), { recursive: true });
      writeFileSync(join(dir, path), '{}');
    };
    put('node_modules/typescript/package.json'); // remoteBuild false: azd zips node_modules when it is there
    put('dist/cli/main.js');
    put('notes.txt');
    put('dist/functions/index.js.map');
    put('dist/test/report/app-insights-wire.test.js');
    put('.git/HEAD');
    put('local.settings.json');
    const files = packageFiles(service, dir);
    expect(files.map((f) => f.path)).not.toEqual(expect.arrayContaining(['dist/functions/index.js.map']));
    expect(files.map((f) => f.path).filter((p) => /\.map$|test|\.git|local\.settings/.test(p))).toEqual([]);
    expect(packageProblems(files, devOnly)).toEqual([
      'dist/cli/main.js: development file (test, simulator, benchmark, CLI, source or source map)',
      'node_modules/typescript/package.json: devDependency typescript',
      'notes.txt: not part of the app',
    ]);
  });

  it('a package without the bundle is named', () => {
    expect(packageProblems([{ path: 'host.json', bytes: 1, source: '' }, { path: 'package.json', bytes: 1, source: '' }, { path: 'package-lock.json', bytes: 1, source: '' }], devOnly)).toEqual(['dist/functions/index.js: missing']);
  });

  it('a bundle that took in test code, the simulator or a devDependency is named', () => {
    expect(bundleProblems(['functions/check-timer.ts', 'test/e2e/net-helpers.ts', 'sim/ca.ts', '../main/node_modules/jest/build/index.js', '../main/node_modules/@azure/identity/dist/commonjs/index.js'], devOnly)).toEqual([
      'test/e2e/net-helpers.ts: not functions/ or shared/',
      'sim/ca.ts: not functions/ or shared/',
      '../main/node_modules/jest/build/index.js: devDependency jest',
    ]);
  });
});

describe('the azd rules this test applies (azd-package.ts)', () => {
  const base: ServiceConfig = { project: '.', language: 'ts', host: 'function' };
  const project = (ignore: string | undefined) => {
    const dir = mkdtempSync(join(scratch, 'project-'));
    for (const path of ['host.json', 'node_modules/x/index.js', 'dist/a.js', 'dist/a.js.map', 'local.settings.json', '.azure/env/.env']) {
      mkdirSync(join(dir, path, '..'), { recursive: true });
      writeFileSync(join(dir, path), '');
    }
    if (ignore !== undefined) writeFileSync(join(dir, '.funcignore'), ignore);
    return dir;
  };

  it('no ignore file: node_modules is left out unless remoteBuild is false; .azure and local.settings.json always', () => {
    const dir = project(undefined);
    expect(packageFiles(base, dir).map((f) => f.path)).toEqual(['dist/a.js', 'dist/a.js.map', 'host.json']);
    expect(packageFiles({ ...base, remoteBuild: false }, dir).map((f) => f.path)).toEqual(['dist/a.js', 'dist/a.js.map', 'host.json', 'node_modules/x/index.js']);
    expect(resolveRemoteBuild(base, dir)).toBe(true);
  });

  it('an ignore file decides instead, and remote build must agree with whether it leaves node_modules out', () => {
    const dir = project('node_modules\n*.map\n');
    expect(packageFiles(base, dir).map((f) => f.path)).toEqual(['dist/a.js', 'host.json']);
    expect(resolveRemoteBuild(base, dir)).toBe(true);
    expect(() => resolveRemoteBuild({ ...base, remoteBuild: false }, dir)).toThrow("'remoteBuild: false' cannot be used when '.funcignore' excludes node_modules");
    expect(() => resolveRemoteBuild({ ...base, remoteBuild: true }, project('*.map\n'))).toThrow("'remoteBuild: true' requires '.funcignore' to exclude node_modules");
    expect(packageFiles(base, project('/*\n!/dist/\n!host.json\ndist/*.map\n')).map((f) => f.path)).toEqual(['dist/a.js', 'host.json']);
  });
});
