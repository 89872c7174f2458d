#!/usr/bin/env node
// `npm test`: sets up what a fresh clone lacks (the same steps as `npm run demo`, see setup.mjs), then
// runs the whole suite: typecheck, lint, unit and integration tests, browser end-to-end tests.
// A second run only checks: nothing is reinstalled when node_modules, the model and Chromium are there.
import { ensureChromium, ensureCjkFont, ensureDataDir, ensureDependencies, ensureModel, run, setupEnv } from './setup.mjs';

const tag = 'test';
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const env = setupEnv();
const started = Date.now();

ensureDependencies(tag, env);
ensureModel(tag, env);
ensureChromium(tag, env);
ensureCjkFont(tag, env);
const data = ensureDataDir(env);
console.error(`${tag}: set-up done in ${((Date.now() - started) / 1000).toFixed(0)} s; datasets from ${data ?? '(KNOWREC_DATA_DIR unset: dataset tests will say so)'}`);

for (const step of ['typecheck', 'lint', 'test:unit', 'test:reliability', 'test:e2e']) run(tag, npm, ['run', step], `npm run ${step}`, env);
console.error(`${tag}: all steps passed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
