#!/usr/bin/env node
// `npm run demo`: installs what is missing, prepares the encoder, builds the UI, then runs the
// main job (`knowrec demo`): results table, explained recommendations, report, workbench.
// Extra arguments go to `knowrec demo` (e.g. `npm run demo -- --no-serve`).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const env = { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1', ONNXRUNTIME_NODE_INSTALL_CUDA: process.env.ONNXRUNTIME_NODE_INSTALL_CUDA ?? 'skip' };

function run(cmd, args, what) {
  console.error(`demo: ${what}`);
  const r = spawnSync(cmd, args, { cwd: root, env, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`demo: '${[cmd, ...args].join(' ')}' failed (exit ${r.status ?? r.signal}).`);
    process.exit(r.status ?? 1);
  }
}

function installed() {
  const probe = spawnSync(process.execPath, ['-e', "require('better-sqlite3'); require('onnxruntime-node'); require('tsx')"], { cwd: root, env });
  return existsSync(join(root, 'node_modules')) && probe.status === 0;
}

if (!installed()) {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  run(npm, existsSync(join(root, 'package-lock.json')) ? ['ci', '--no-audit', '--no-fund'] : ['install', '--no-audit', '--no-fund'], 'installing dependencies');
}

if (env.KNOWREC_DATA_DIR === undefined) {
  const shared = resolve(root, '..', 'shared', 'datasets');
  if (existsSync(shared)) env.KNOWREC_DATA_DIR = shared;
}

run(process.execPath, [join(root, 'scripts', 'prepare-model.mjs')], 'preparing the encoder (skipped when up to date)');

if (!existsSync(join(root, 'out', 'renderer', 'index.html')) && !process.argv.includes('--no-serve')) {
  run(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], 'building the workbench UI');
}

run(
  process.execPath,
  [join(root, 'bin', 'knowrec.js'), 'demo', '--dataset', 'ml-100k', ...process.argv.slice(2)],
  'running the main job on ml-100k: every scorer, the hybrid and its ablations, explanations, report, then the workbench',
);
