#!/usr/bin/env node
// Launches the TypeScript CLI (main/cli.ts) under tsx, forwarding arguments, stdio and exit code.
'use strict';
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const { pathToFileURL } = require('node:url');

const loader = pathToFileURL(require.resolve('tsx')).href;
const cli = path.join(__dirname, '..', 'main', 'cli.ts');
const r = spawnSync(process.execPath, ['--import', loader, cli, ...process.argv.slice(2)], { stdio: 'inherit' });
if (r.error) {
  console.error(`knowrec: could not start: ${r.error.message}`);
  process.exit(1);
}
process.exit(r.status === null ? 1 : r.status);
