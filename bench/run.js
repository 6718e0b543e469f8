#!/usr/bin/env node
// Runs a compiled benchmark with the simulator's CA trusted (NODE_EXTRA_CA_CERTS is read at start).
'use strict';
const { spawnSync } = require('node:child_process');
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { loadOrCreateCa, simCaEnv } = require('../dist/sim/ca.js');

const dir = mkdtempSync(join(tmpdir(), 'mailbox-health-bench-ca-'));
loadOrCreateCa(dir);
const name = process.argv[2] && !process.argv[2].startsWith('-') ? process.argv[2] : 'fleet';
const result = spawnSync(process.execPath, [join(__dirname, '..', 'dist', 'bench', `${name}.js`), ...process.argv.slice(name === process.argv[2] ? 3 : 2)], {
  stdio: 'inherit',
  env: { ...process.env, ...simCaEnv(dir) },
});
rmSync(dir, { recursive: true, force: true });
process.exit(result.status ?? 1);
