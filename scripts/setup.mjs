// Shared set-up for `npm run demo` and `npm test` on a fresh machine: plain Node, no dependencies,
// so it runs before `node_modules` exists. Each step checks first and does nothing when up to date.
//
//   ensureDependencies()  npm ci (ELECTRON_SKIP_BINARY_DOWNLOAD=1, ONNXRUNTIME_NODE_INSTALL_CUDA=skip)
//                         when node_modules is absent, was installed from another package-lock.json,
//                         or its native modules do not load
//   ensureModel()         scripts/prepare-model.mjs (private venv, ONNX export; skipped when up to date)
//   ensureChromium()      Debian's chromium for the browser tests: apt-get when root, else says what to run
//   ensureCjkFont()       a CJK font (Debian's fonts-noto-cjk) for the Chinese browser test, the same way
//   ensureDataDir(env)    KNOWREC_DATA_DIR, defaulting to ../shared/datasets when that folder exists
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
/** Written into node_modules after a successful install: the SHA-256 of the package-lock.json it came from. */
const installStamp = join(root, 'node_modules', '.knowrec-lock.sha256');

/** The environment every set-up step and the runs after it use. */
export function setupEnv(base = process.env) {
  return {
    ...base,
    ELECTRON_SKIP_BINARY_DOWNLOAD: base.ELECTRON_SKIP_BINARY_DOWNLOAD ?? '1',
    ONNXRUNTIME_NODE_INSTALL_CUDA: base.ONNXRUNTIME_NODE_INSTALL_CUDA ?? 'skip',
  };
}

/** Runs a command with inherited stdio; exits this process with the command's status when it fails. */
export function run(tag, cmd, args, what, env = setupEnv()) {
  if (what !== undefined) console.error(`${tag}: ${what}`);
  const r = spawnSync(cmd, args, { cwd: root, env, stdio: 'inherit' });
  if (r.error !== undefined) {
    console.error(`${tag}: could not start '${cmd}': ${r.error.message}`);
    process.exit(1);
  }
  if (r.status !== 0) {
    console.error(`${tag}: '${[cmd, ...args].join(' ')}' failed (exit ${r.status ?? r.signal}).`);
    process.exit(r.status ?? 1);
  }
}

function lockHash() {
  const lock = join(root, 'package-lock.json');
  return existsSync(lock) ? createHash('sha256').update(readFileSync(lock)).digest('hex') : '';
}

/** Why the installed dependencies cannot be used as they are, or undefined when they can. */
export function dependencyProblem(env = setupEnv()) {
  if (!existsSync(join(root, 'node_modules'))) return 'node_modules is missing';
  const stamp = existsSync(installStamp) ? readFileSync(installStamp, 'utf8').trim() : '';
  if (stamp !== lockHash()) return 'node_modules was not installed from this package-lock.json';
  const probe = spawnSync(
    process.execPath,
    ['-e', "require('better-sqlite3'); require('onnxruntime-node'); require('tsx'); require.resolve('typescript'); require.resolve('vitest')"],
    { cwd: root, env, encoding: 'utf8' },
  );
  if (probe.status !== 0) return `a dependency does not load (${(probe.stderr ?? '').split('\n').find((l) => l.trim() !== '') ?? 'unknown error'})`;
  return undefined;
}

export function ensureDependencies(tag, env = setupEnv()) {
  const problem = dependencyProblem(env);
  if (problem === undefined) {
    console.error(`${tag}: dependencies up to date`);
    return;
  }
  const started = Date.now();
  const args = existsSync(join(root, 'package-lock.json')) ? ['ci', '--no-audit', '--no-fund'] : ['install', '--no-audit', '--no-fund'];
  run(tag, npm, args, `installing dependencies (${problem}): npm ${args.join(' ')}`, env);
  writeFileSync(installStamp, `${lockHash()}\n`);
  console.error(`${tag}: dependencies installed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

export function ensureModel(tag, env = setupEnv()) {
  run(tag, process.execPath, [join(root, 'scripts', 'prepare-model.mjs')], 'preparing the encoder (skipped when up to date)', env);
}

/** The browser the e2e tests and the UI benchmark drive (KNOWREC_CHROMIUM overrides Debian's path). */
export function chromiumPath(env = process.env) {
  return env.KNOWREC_CHROMIUM ?? '/usr/bin/chromium';
}

export function ensureChromium(tag, env = setupEnv()) {
  const path = chromiumPath(env);
  if (existsSync(path)) {
    console.error(`${tag}: chromium found at ${path}`);
    return;
  }
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const haveApt = spawnSync('sh', ['-c', 'command -v apt-get'], { encoding: 'utf8' }).status === 0;
  const command = 'apt-get update && apt-get install -y --no-install-recommends chromium';
  if (env.KNOWREC_CHROMIUM === undefined && isRoot && haveApt) {
    run(tag, 'sh', ['-c', command], `installing Debian's chromium for the browser tests: ${command}`, { ...env, DEBIAN_FRONTEND: 'noninteractive' });
    if (existsSync(path)) return;
  }
  const hint = haveApt ? `sudo sh -c '${command}'` : 'install Chromium with your package manager';
  console.error(`${tag}: no Chromium at ${path}. The browser tests need it: ${hint}, or set KNOWREC_CHROMIUM to a Chromium binary.`);
  process.exit(1);
}

/** True when fontconfig knows a font with Chinese glyphs (what Chromium draws 中文 with). */
export function haveCjkFont() {
  const r = spawnSync('fc-list', [':lang=zh', 'family'], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim() !== '';
}

/**
 * Debian's fonts-noto-cjk, so that the Chinese e2e test's screenshots show glyphs, not boxes:
 * nothing when fontconfig already has a Chinese font; apt-get when root; else says what to run
 * (and goes on: only the Chinese test needs it, and it says so itself).
 */
export function ensureCjkFont(tag, env = setupEnv()) {
  if (haveCjkFont()) {
    console.error(`${tag}: a CJK font is installed`);
    return;
  }
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const haveApt = spawnSync('sh', ['-c', 'command -v apt-get'], { encoding: 'utf8' }).status === 0;
  const command = 'apt-get update && apt-get install -y --no-install-recommends fonts-noto-cjk';
  if (isRoot && haveApt) {
    run(tag, 'sh', ['-c', command], `installing Debian's fonts-noto-cjk for the Chinese browser test: ${command}`, { ...env, DEBIAN_FRONTEND: 'noninteractive' });
    if (haveCjkFont()) return;
  }
  const hint = haveApt ? `sudo sh -c '${command}'` : 'install a CJK font (Noto Sans CJK) with your package manager';
  console.error(`${tag}: no CJK font found (fc-list :lang=zh is empty). The Chinese browser test needs one: ${hint}.`);
}

export function ensureDataDir(env) {
  if (env.KNOWREC_DATA_DIR === undefined) {
    const shared = resolve(root, '..', 'shared', 'datasets');
    if (existsSync(shared)) env.KNOWREC_DATA_DIR = shared;
  }
  return env.KNOWREC_DATA_DIR;
}
