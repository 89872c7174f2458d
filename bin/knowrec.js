#!/usr/bin/env node
// Runs the TypeScript CLI (main/cli.ts) in this process under tsx's require hook. There is no
// child process: SIGINT/SIGTERM/SIGHUP reach the CLI itself (main/cli-signals.ts), and nothing can
// be left running when this process ends.
'use strict';
require('tsx/cjs/api').register();
require('../main/cli.ts').runCli(process.argv.slice(2));
