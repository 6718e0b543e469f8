#!/usr/bin/env node
/**
 * The production build (`npm run build:app`): what the Function App runs, and nothing else.
 *
 * Writes dist/functionapp/, the folder azd zips (azure.yaml `dist:`, `remoteBuild: false`):
 *   dist/functions/index.js   every file of functions/ that registers a function (app.timer,
 *                             app.http, app.storageQueue …), bundled by esbuild with shared/ and
 *                             every npm dependency, so the package needs no node_modules
 *   host.json, package.json, package-lock.json, .funcignore   copied as they are
 *
 * One bundle, not one per function: the Functions worker requires every file `main` matches at
 * start, whichever function is triggered, so shared code is evaluated once. Nothing of test/, sim/,
 * bench/ or cli/ is reachable from those entry points, and no devDependency either (the package
 * test checks both). Externals only where required (EXTERNAL). esbuild compiles the TypeScript
 * itself (no type check: `npm run build` runs tsc for that), so this build needs neither tsc nor
 * the development build.
 */
'use strict';
const { build } = require('esbuild');
const { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const ROOT = join(__dirname, '..');
const OUT = join(ROOT, 'dist', 'functionapp');
/** Where the bundle lands inside the package: what package.json's `main` ("dist/functions/*.js") matches. */
const BUNDLE = join('dist', 'functions', 'index.js');
/** Copied verbatim next to the bundle: the host's settings, the project's manifest and lockfile, azd's ignore rules. */
const COPIED = ['host.json', 'package.json', 'package-lock.json', '.funcignore'];
/**
 * Not bundled. `@azure/functions-core` is provided by the Functions worker (it is how
 * @azure/functions registers with the host). `supports-color` is a devDependency that `debug` (under
 * the Azure SDK's proxy agents) requires inside a try/catch when it is installed: a production
 * install has none, so the bundle must not take it from the development node_modules either
 * (test/deploy/package.test.ts found it there); at run time the require fails and is caught, as in
 * a production install.
 */
const EXTERNAL = ['@azure/functions-core', 'supports-color'];
/**
 * jsonc-parser's `main` is a UMD build whose factory receives `require` as a parameter, so a
 * bundler cannot follow its `require('./impl/…')` calls (the bundle failed to load with "Cannot
 * find module './impl/format'"); its `module` build is plain ESM with the same code.
 */
const ALIAS = { 'jsonc-parser': 'jsonc-parser/lib/esm/main.js' };

/** The files of functions/ that register a function at load time (a line starting with `app.<trigger>(`). */
function registrationFiles() {
  return readdirSync(join(ROOT, 'functions'))
    .filter((file) => file.endsWith('.ts') && /^app\.\w+\(/m.test(readFileSync(join(ROOT, 'functions', file), 'utf8')))
    .sort();
}

async function main() {
  const entries = registrationFiles();
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(join(OUT, 'dist', 'functions'), { recursive: true });
  const result = await build({
    stdin: { contents: entries.map((file) => `import './functions/${file.replace(/\.ts$/, '')}';`).join('\n'), resolveDir: ROOT, sourcefile: 'functions-entry.ts', loader: 'ts' },
    outfile: join(OUT, BUNDLE),
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    external: EXTERNAL,
    alias: ALIAS,
    // Stack traces of monitor errors (sent as exceptions) keep the functions' and classes' names.
    keepNames: true,
    minifySyntax: true,
    minifyWhitespace: true,
    legalComments: 'eof',
    metafile: true,
    logLevel: 'warning',
  });
  for (const file of COPIED) copyFileSync(join(ROOT, file), join(OUT, file));
  // Next to the package, not in it: which inputs the bundle holds (bench/cold-start reads it).
  writeFileSync(join(ROOT, 'dist', 'functionapp.meta.json'), JSON.stringify({ entries, metafile: result.metafile }));
  const bytes = Object.values(result.metafile.outputs)[0].bytes;
  process.stdout.write(`functionapp: ${entries.length} function files bundled into ${BUNDLE} (${(bytes / 1e6).toFixed(1)} MB)\n`);
}

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
