#!/usr/bin/env node
'use strict';
let cli;
try {
  cli = require('../dist/cli/main.js');
} catch (error) {
  if (error && error.code === 'MODULE_NOT_FOUND' && /dist[\\/]cli[\\/]main/.test(error.message)) {
    process.stderr.write('mailbox-health is not built yet: run `npm ci` (or `npm run build`) in its folder first.\n');
    process.exit(3);
  }
  throw error;
}
cli.main(process.argv);
