/**
 * onnxruntime's telemetry is off in every thread that runs a session (main/core/ort-telemetry.ts):
 * a child process with its own TMPDIR and cache folder creates sessions on its main thread (through
 * main/core/ort.ts) and in the native products worker (launched by worker-launcher.ts, without
 * ort.ts on the main thread), and leaves nothing in either folder: no mat-debug log, no .ses, no
 * Microsoft/DeveloperTools/.onnxruntime device id or event queue. Without the switch onnxruntime
 * 1.30 writes all of these on the first session (seen by hand, and each test below seen to fail
 * without its switch; not run here as a control: it would try to upload).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const TSX_CJS = createRequire(__filename).resolve('tsx/cjs');
const CORE = join(__dirname, '..', '..', 'main', 'core');

/** Every file and folder under `dir`, relative. */
function listAll(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((p) => relative(dir, join(dir, p))).sort();
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Runs `code` in a child node with tsx, a fresh TMPDIR and cache folder, and no ORT_DISABLE_TELEMETRY of its own; its stdout and what it left in them. */
function child(code: string): { out: string; left: string[] } {
  const root = mkdtempSync(join(tmpdir(), 'knowrec-ort-telemetry-'));
  dirs.push(root);
  const tmp = join(root, 'tmp');
  const home = join(root, 'home');
  mkdirSync(tmp);
  mkdirSync(home);
  const env: NodeJS.ProcessEnv = { ...process.env, TMPDIR: tmp, HOME: home, XDG_CACHE_HOME: join(home, '.cache') };
  delete env.ORT_DISABLE_TELEMETRY;
  const out = execFileSync(process.execPath, ['--require', TSX_CJS, '-e', code], { env, encoding: 'utf8', timeout: 60_000 });
  // tsx keeps its compile cache in TMPDIR/tsx-<uid>: not onnxruntime's
  return { out, left: [...listAll(tmp).filter((p) => !/^tsx-\d+/.test(p)).map((p) => `tmp/${p}`), ...listAll(home).map((p) => `home/${p}`)] };
}

describe("onnxruntime's telemetry", () => {
  it('is in the onnxruntime-node installed here (1.29 or later), so that the tests below can fail', () => {
    const { version } = createRequire(__filename)('onnxruntime-node/package.json') as { version: string };
    const [major, minor] = version.split('.').map(Number);
    expect(major > 1 || (major === 1 && minor >= 29), version).toBe(true);
  });

  it('is off for a session on the main thread (main/core/ort.ts): a real product run, nothing written', () => {
    const { out, left } = child(`
      const { ort } = require(${JSON.stringify(join(CORE, 'ort.ts'))});
      const { gemmSession } = require(${JSON.stringify(join(CORE, 'models', 'native-matmul.ts'))});
      gemmSession().then(async (s) => {
        const u = new ort.Tensor('float32', Float32Array.of(1, 2), [1, 2]);
        const q = new ort.Tensor('float32', Float32Array.of(3, 4, 5, 6), [2, 2]);
        const r = await s.run({ U: u, Q: q });
        process.stdout.write('S=' + Array.from(r.S.data).join(','));
      });`);
    expect(out).toBe('S=11,17');
    expect(left).toEqual([]);
  });

  it('is off for the native products worker, whose launcher sets the switch on the launching thread', () => {
    const { out, left } = child(`
      const np = require(${JSON.stringify(join(CORE, 'models', 'native-products.ts'))});
      np.setNativeProductsMinFloats(0);
      const n = 64, dim = 8;
      const mat = Float32Array.from({ length: n * dim }, (_, i) => (i % 7) - 3);
      const got = new np.ItemProducts(mat, n, dim).products([Float64Array.from({ length: dim }, (_, k) => k + 1)]);
      process.stdout.write(got === null ? 'not native: ' + np.nativeProductsProblem() : 'native ' + got[0].length);
      process.exit(0);`);
    // a session really ran in the worker
    expect(out).toBe('native 64');
    expect(left).toEqual([]);
  });
});
