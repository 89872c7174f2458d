#!/usr/bin/env node
// `npm run demo`: installs what is missing and prepares the encoder (setup.mjs, shared with `npm test`),
// builds the UI, then runs the main job (`knowrec demo`): results table, explained recommendations,
// report, workbench. Extra arguments go to `knowrec demo` (e.g. `npm run demo -- --no-serve`).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ensureDataDir, ensureDependencies, ensureModel, root, run, setupEnv } from './setup.mjs';

const tag = 'demo';
const env = setupEnv();
ensureDependencies(tag, env);
ensureDataDir(env);
ensureModel(tag, env);

if (!existsSync(join(root, 'out', 'renderer', 'index.html')) && !process.argv.includes('--no-serve')) {
  run(tag, process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], 'building the workbench UI', env);
}

run(
  tag,
  process.execPath,
  [join(root, 'bin', 'knowrec.js'), 'demo', '--dataset', 'ml-100k', ...process.argv.slice(2)],
  'running the main job on ml-100k: every scorer, the hybrid and its ablations, explanations, report, then the workbench',
  env,
);
