#!/usr/bin/env node
// `npm run demo`: installs what is missing, prepares the encoder, then runs the main job on
// ml-100k: prints the results table and answers a free-text query. Extra arguments are passed to `knowrec evaluate` (e.g. `npm run demo -- --seed 7`).
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

const out = join(root, 'results', 'ml-100k-recbole.json');
run(
  process.execPath,
  [join(root, 'bin', 'knowrec.js'), 'evaluate', '--dataset', 'ml-100k', '--protocol', 'recbole', '--models', 'pop,itemknn,ease,bpr,semantic', '--seed', '2020', '--k', '10', '--json', out, ...process.argv.slice(2)],
  'evaluating the baselines and the semantic scorer on ml-100k (RecBole protocol, seed 2020)',
);
run(
  process.execPath,
  [join(root, 'bin', 'knowrec.js'), 'recommend', '--dataset', 'ml-100k', '--query', 'light-hearted animated film for children', '-k', '5'],
  'answering a free-text query',
);
