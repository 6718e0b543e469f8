/*
 * Preloaded into a CLI process (NODE_OPTIONS=--require) by the bad-input test: on exit it
 * appends the process's own CPU time (user + system, microseconds) to CPU_PROBE_FILE.
 */
'use strict';
const { appendFileSync } = require('node:fs');
process.on('exit', () => {
  const { user, system } = process.cpuUsage();
  appendFileSync(process.env.CPU_PROBE_FILE, `${JSON.stringify({ argv: process.argv.slice(2), cpuMs: (user + system) / 1000 })}\n`);
});
