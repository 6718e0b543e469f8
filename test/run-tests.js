#!/usr/bin/env node
/*
 * Runs jest with the simulated tenant's CA trusted the standard way. Node reads
 * NODE_EXTRA_CA_CERTS only when a process starts, so the CA is made here, before jest and its
 * workers start, and handed down through the environment. Nothing switches TLS verification off.
 * Expects `npm run build` to have run (npm test does it): the CA code is the simulator's own.
 */
'use strict';
const { spawnSync } = require('node:child_process');
const { mkdtempSync, readFileSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { loadOrCreateCa, simCaEnv } = require('../dist/sim/ca.js');

const dir = mkdtempSync(join(tmpdir(), 'mailbox-health-test-ca-'));
loadOrCreateCa(dir);
const env = { ...process.env, ...simCaEnv(dir) };
const jest = require.resolve('jest/bin/jest');
const summary = join(dir, 'summary.json');
const result = spawnSync(process.execPath, [jest, '--json', `--outputFile=${summary}`, ...process.argv.slice(2)], { stdio: 'inherit', env });
// One plain closing line that any CI can read: "tests: N passed, N failed, N skipped".
try {
  const { numPassedTests, numFailedTests, numPendingTests, numTodoTests } = JSON.parse(readFileSync(summary, 'utf8'));
  process.stdout.write(`\ntests: ${numPassedTests} passed, ${numFailedTests} failed, ${numPendingTests + numTodoTests} skipped\n`);
} catch {
  process.stdout.write('\ntests: jest wrote no summary (see its output above)\n');
}
rmSync(dir, { recursive: true, force: true });
process.exit(result.status ?? 1);
