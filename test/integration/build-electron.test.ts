/**
 * Builds the app with electron-vite once and checks the three outputs, what each bundle may
 * require, that every worker entry is built and answers its message protocol when started from
 * out/main/, and that the browser bridge serves the built page. Also checks, on the sources, that
 * only main/index.ts (and the preload) import 'electron'.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_METHODS, ok, type Api } from '../../main/api';
import { startBridge, type Bridge } from '../../main/bridge/server';
import { defaultModelDir } from '../../main/core/encode/model-dir';
import type { FromWorker, ToWorker } from '../../main/core/encode/worker-protocol';
import { toCsr } from '../../main/core/matrix';
import { createRng } from '../../main/core/random';
import { Workspace } from '../../main/core/store';
import { buildPairs } from '../../main/core/train/pairs';
import type { TrainData } from '../../main/core/train/trainer';
import type { FromTrainWorker, ToTrainWorker } from '../../main/core/train/worker-protocol';
import type { FromAnnBuild, ToAnnBuild } from '../../main/core/index/background';
import { CTL_DONE, CTL_SLOTS, CTL_STATE, CTL_STATUS, STATE_LIVE, STATUS_OK, type ProductsWorkerData, type ToProducts } from '../../main/core/models/native-products-protocol';
import { launchWorker } from '../../main/core/worker-launcher';
import type { FromJobWorker, JobWorkerData } from '../../main/jobs/job-worker-spec';
import { kgAndRecommendStubs, unusedApiMethods } from '../helpers/api-stubs';
import { writeTinyDataset } from '../helpers/tiny-atomic';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const OUT = join(ROOT, 'out');
const ELECTRON_IMPORT = /(?:from\s*['"]electron['"]|import\s*['"]electron['"]|require\(\s*['"]electron['"]\s*\)|import\(\s*['"]electron['"]\s*\))/;

function sourceFiles(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...sourceFiles(full));
    else if (/\.(?:ts|tsx|mts|cts|js|mjs)$/.test(entry.name)) found.push(full);
  }
  return found;
}

function requiredModules(bundle: string): string[] {
  return [...bundle.matchAll(/require\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]);
}

/** The worker entries in the sources: `workerPort('<name>')` in `<name>.ts`, and the names callers launch. */
function workerEntriesInSources(): { entries: { name: string; file: string }[]; launched: string[] } {
  const entries: { name: string; file: string }[] = [];
  const launched: string[] = [];
  for (const file of sourceFiles(join(ROOT, 'main'))) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/workerPort\('([^']+)'\)/g)) entries.push({ name: m[1], file: relative(ROOT, file) });
    for (const m of text.matchAll(/workerEntry\(__dirname, '([^']+)'\)/g)) launched.push(m[1]);
  }
  return { entries, launched };
}

/** A small training set (8 users, 12 items, d = 8) for the built training worker. */
function tinyTrainData(): TrainData {
  const [nUsers, nItems, dim] = [8, 12, 8];
  const rng = createRng(3);
  const itemVecs = Float32Array.from({ length: nItems * dim }, () => rng.normal());
  const userVecs = Float32Array.from({ length: nUsers * dim }, () => rng.normal());
  const rows: [number, number][] = [];
  for (let u = 0; u < nUsers; u++) for (let t = 0; t < 5; t++) rows.push([u, (u * 3 + t) % nItems]);
  const inter = (r: [number, number][], t0: number) => ({
    user: Int32Array.from(r, (x) => x[0]),
    item: Int32Array.from(r, (x) => x[1]),
    rating: new Float32Array(r.length).fill(1),
    timestamp: Float64Array.from(r, (_, k) => t0 + k),
  });
  const train = inter(rows, 0);
  const valid = inter(Array.from({ length: nUsers }, (_, u): [number, number] => [u, (u * 3 + 5) % nItems]), 1000);
  const pairs = buildPairs({ train, nUsers, nItems, dim, itemVecs, blend: 0, halfLifeSeconds: 1e9 });
  const csr = toCsr(train, nUsers, nItems);
  return { nUsers, nItems, dim, userVecs, itemVecs, train: csr, valid, pairs, positives: csr };
}

describe('only main/index.ts imports electron (sources)', () => {
  it('main/**, except main/index.ts, and renderer/** never import electron', () => {
    const offenders = [...sourceFiles(join(ROOT, 'main')), ...sourceFiles(join(ROOT, 'renderer'))]
      .map((f) => relative(ROOT, f))
      .filter((f) => f !== join('main', 'index.ts'))
      .filter((f) => ELECTRON_IMPORT.test(readFileSync(join(ROOT, f), 'utf8')));
    expect(offenders).toEqual([]);
    expect(ELECTRON_IMPORT.test(readFileSync(join(ROOT, 'main', 'index.ts'), 'utf8'))).toBe(true);
  });

  it('in preload/, only the entry imports electron', () => {
    const users = sourceFiles(join(ROOT, 'preload'))
      .filter((f) => ELECTRON_IMPORT.test(readFileSync(f, 'utf8')))
      .map((f) => relative(ROOT, f));
    expect(users).toEqual([join('preload', 'index.ts')]);
  });
});

describe('electron-vite build', () => {
  let started = 0;
  let log = '';

  beforeAll(() => {
    started = Date.now();
    const bin = join(ROOT, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js');
    const r = spawnSync(process.execPath, [bin, 'build'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 240_000,
      env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' },
    });
    log = `${r.stdout}\n${r.stderr}`;
    if (r.status !== 0) throw new Error(`electron-vite build failed (exit ${r.status}):\n${log}`);
  }, 300_000);

  const freshFile = (path: string): string => {
    expect(existsSync(path), `${path} missing; build log:\n${log}`).toBe(true);
    expect(statSync(path).mtimeMs).toBeGreaterThanOrEqual(started - 2000);
    const text = readFileSync(path, 'utf8');
    expect(text.length).toBeGreaterThan(0);
    return text;
  };

  it('writes out/main, out/preload and out/renderer', () => {
    freshFile(join(OUT, 'main', 'index.js'));
    freshFile(join(OUT, 'preload', 'index.js'));
    freshFile(join(OUT, 'renderer', 'index.html'));
  });

  /** A main-build entry with the local chunks it requires (shared code is split into chunks). */
  const withChunks = (entry: string): string => {
    const code = freshFile(join(OUT, 'main', entry));
    const chunks = requiredModules(code)
      .filter((m) => m.startsWith('./'))
      .map((m) => readFileSync(join(OUT, 'main', m), 'utf8'));
    return [code, ...chunks].join('\n');
  };

  it('the main bundle requires electron and keeps native packages external', () => {
    const main = withChunks('index.js');
    const required = requiredModules(main);
    expect(required).toContain('electron');
    expect(required).toContain('better-sqlite3');
    // The Api implementation is bundled in (ipc channels, dispatch).
    expect(main).toContain('knowrec:api:');
  });

  it('the job, what-if, dataset, encoder, training and vector-index workers are built beside the main entry, without electron', () => {
    for (const entry of ['job-worker.js', 'what-if-worker.js', 'dataset-worker.js', 'kg-index-worker.js', 'encode-worker.js', 'train-worker.js', 'ann-build-worker.js']) {
      const code = withChunks(entry);
      expect(requiredModules(code)).not.toContain('electron');
      expect(code).toContain('parentPort');
    }
    expect(withChunks('job-worker.js')).toContain('better-sqlite3');
    expect(withChunks('what-if-worker.js')).toContain('better-sqlite3');
    expect(withChunks('dataset-worker.js')).toContain('better-sqlite3');
    expect(withChunks('kg-index-worker.js')).toContain('better-sqlite3');
  });

  it('every worker entry of the sources is built under its own name, and every launched one exists', () => {
    const { entries, launched } = workerEntriesInSources();
    expect(entries.map((e) => e.name).sort()).toEqual(['ann-build-worker', 'dataset-worker', 'encode-worker', 'job-worker', 'kg-index-worker', 'matvec-worker', 'train-worker', 'what-if-worker']);
    for (const e of entries) {
      expect(basename(e.file), e.file).toBe(`${e.name}.ts`);
      freshFile(join(OUT, 'main', `${e.name}.js`));
    }
    expect(new Set(launched)).toEqual(new Set(entries.map((e) => e.name)));
  });

  describe('each built worker entry, started from out/main/, answers its protocol', () => {
    let tmp: string;
    beforeAll(() => {
      tmp = mkdtempSync(join(tmpdir(), 'knowrec-built-workers-'));
    });
    afterAll(() => rmSync(tmp, { recursive: true, force: true }));

    /**
     * Starts out/main/<name>.js and hands each message to `answer` (which may post back) until it
     * returns true; resolves with every message seen. The worker ending first fails the test.
     */
    function converse<To, From>(name: string, workerData: unknown, opening: To | null, answer: (msg: From, post: (m: To) => void) => boolean): Promise<From[]> {
      const file = join(OUT, 'main', `${name}.js`);
      expect(existsSync(file), `${file} missing; build log:\n${log}`).toBe(true);
      return new Promise((resolve, reject) => {
        const seen: From[] = [];
        const worker = launchWorker<To, From>(file, workerData, {
          onMessage: (msg) => {
            seen.push(msg);
            if (answer(msg, (m) => worker.post(m))) void worker.close().then(() => resolve(seen));
          },
          onEnd: (end) => reject(new Error(`${name} ended before it answered: ${end.kind === 'error' ? end.error.message : `exit code ${end.code}`}`)),
        });
        if (opening !== null) worker.post(opening);
      });
    }

    it('job-worker runs an import job into a workspace and reports progress and the result', async () => {
      writeTinyDataset(join(tmp, 'tiny'));
      Workspace.create(join(tmp, 'w.sqlite')).close();
      const data: JobWorkerData = { spec: { id: 'j1', kind: 'import', workspace: join(tmp, 'w.sqlite'), request: { folder: join(tmp, 'tiny') } } };
      const seen = await converse<never, FromJobWorker>('job-worker', data, null, (m) => m.type === 'done' || m.type === 'error');
      expect(seen.some((m) => m.type === 'progress')).toBe(true);
      const last = seen[seen.length - 1];
      if (last.type !== 'done') throw new Error(`the job failed: ${JSON.stringify(last)}`);
      expect(JSON.stringify(last.result)).toContain('tiny.inter');
      const ws = Workspace.open(join(tmp, 'w.sqlite'));
      try {
        expect(ws.summary()).toMatchObject({ users: 12, items: 12, interactions: 60 });
      } finally {
        ws.close();
      }
    }, 60_000);

    it('train-worker trains two epochs, waiting for each ack, and returns the weights', async () => {
      const start: ToTrainWorker = { type: 'start', data: tinyTrainData(), options: { seed: 1, params: { epochs: 2, patience: 5, batchSize: 8, rank: 2 } } };
      const seen = await converse<ToTrainWorker, FromTrainWorker>('train-worker', undefined, start, (m, post) => {
        if (m.type === 'epoch') post({ type: 'ack' });
        return m.type !== 'epoch';
      });
      expect(seen.filter((m) => m.type === 'epoch').map((m) => (m.type === 'epoch' ? m.record.epoch : -1))).toEqual([1, 2]);
      const last = seen[seen.length - 1];
      if (last.type !== 'done') throw new Error(`training failed: ${JSON.stringify(last)}`);
      expect(last.result.config.dim).toBe(8);
      expect(last.result.weights).toBeInstanceOf(Float64Array);
      expect(last.result.weights.every(Number.isFinite)).toBe(true);
    }, 60_000);

    it('encode-worker loads the prepared model and encodes a sentence', async () => {
      const config = { modelDir: defaultModelDir(), model: 'int8', executionProvider: 'cpu', intraOpThreads: 1 };
      const seen = await converse<ToWorker, FromWorker>('encode-worker', { config }, null, (m, post) => {
        if (m.type === 'ready') post({ type: 'encode', id: 1, texts: ['a light-hearted animated film'] });
        return m.type === 'result' || m.type === 'error' || m.type === 'init-error';
      });
      const ready = seen.find((m) => m.type === 'ready');
      expect(ready).toMatchObject({ type: 'ready', modelId: 'all-MiniLM-L6-v2@int8', dim: 384, provider: 'cpu' });
      const last = seen[seen.length - 1];
      if (last.type !== 'result') throw new Error(`encoding failed: ${JSON.stringify(last)}`);
      expect(last.vectors).toHaveLength(1);
      expect(Math.hypot(...last.vectors[0])).toBeCloseTo(1, 4);
    }, 60_000);

    it('ann-build-worker builds and saves the vector index it is sent', async () => {
      const dim = 4;
      const vectors = Float32Array.from({ length: 20 * dim }, (_, i) => ((i * 7) % 11) / 11 + 0.05);
      const build: ToAnnBuild = { type: 'build', dir: join(tmp, 'ix'), name: 'items', dim, vectors, options: {} };
      const seen = await converse<ToAnnBuild, FromAnnBuild>('ann-build-worker', null, build, () => true);
      const last = seen[seen.length - 1];
      if (last.type !== 'built') throw new Error(`the build failed: ${JSON.stringify(last)}`);
      expect(last.loaded).toBe(false);
      expect(existsSync(last.file)).toBe(true);
    }, 60_000);
  });

  it('matvec-worker, started from out/main/, writes a product into the shared buffer and raises the flag', async () => {
    const file = join(OUT, 'main', 'matvec-worker.js');
    expect(existsSync(file), `${file} missing; build log:\n${log}`).toBe(true);
    let ended = '';
    const ctl = new SharedArrayBuffer(4 * CTL_SLOTS);
    const data: ProductsWorkerData = { ctl };
    const worker = launchWorker<ToProducts, never>(file, data, { onMessage: () => undefined, onEnd: (e) => (ended = e.kind) });
    try {
      // V = [[1, 2], [3, 4], [5, 6]]; x = (1, 1) and (0, 1): V·x = (3, 7, 11) and (2, 4, 6)
      const io = new SharedArrayBuffer(4 * 2 * (2 + 3));
      new Float32Array(io, 0, 4).set([1, 1, 0, 1]);
      worker.post({ type: 'add', id: 7, mat: Float32Array.from([1, 2, 3, 4, 5, 6]), n: 3, dim: 2 });
      worker.post({ type: 'run', id: 7, k: 2, seq: 1, io });
      const flags = new Int32Array(ctl);
      const deadline = Date.now() + 30_000;
      while (Atomics.load(flags, CTL_DONE) === 0 && ended === '' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(ended).toBe('');
      expect(Atomics.load(flags, CTL_STATE)).toBe(STATE_LIVE);
      expect(Atomics.load(flags, CTL_DONE)).toBe(1);
      expect(Atomics.load(flags, CTL_STATUS)).toBe(STATUS_OK);
      expect(Array.from(new Float32Array(io, 4 * 4, 6))).toEqual([3, 7, 11, 2, 4, 6]);
    } finally {
      await worker.close();
    }
  }, 60_000);

  it('the sandboxed preload requires nothing but electron', () => {
    const preload = freshFile(join(OUT, 'preload', 'index.js'));
    expect(new Set(requiredModules(preload))).toEqual(new Set(['electron']));
    expect(preload).toContain('exposeInMainWorld');
    // Every method of the contract is declared in the bundle (the proxy is built from these keys).
    for (const m of API_METHODS) expect(preload).toMatch(new RegExp(`\\b${m}: method\\(\\)`));
  });

  it('the renderer page references its JS bundle, which holds no main-process code', () => {
    const html = freshFile(join(OUT, 'renderer', 'index.html'));
    const script = /<script[^>]*type="module"[^>]*src="\.\/(assets\/[^"]+\.js)"/.exec(html);
    expect(script, html).not.toBeNull();
    const js = freshFile(join(OUT, 'renderer', script?.[1] ?? 'missing.js'));
    expect(js).toContain('/api/');
    expect(js).not.toMatch(/ZodError|better-sqlite3|require\(\s*["']node:/);
    expect(html).toContain('Content-Security-Policy');
  });

  describe('served by the browser bridge', () => {
    let bridge: Bridge;
    const api: Api = {
      ...unusedApiMethods(),
      version: async () => ok({ app: 'b', api: 1, node: 'n', electron: null, platform: 'p' }),
      workspaceSummary: async () => ok({ path: '/b', dataset: null, users: 0, items: 0, interactions: 0, entities: 0, relations: 0, triples: 0, links: 0, schemaVersion: 1 }),
      openWorkspace: async () => ok({ path: '/b', dataset: null, users: 0, items: 0, interactions: 0, entities: 0, relations: 0, triples: 0, links: 0, schemaVersion: 1 }),
      listItems: async (r) => ok({ offset: r.offset, limit: r.limit, total: 0, rows: [] }),
      listUsers: async (r) => ok({ offset: r.offset, limit: r.limit, total: 0, rows: [] }),
      ...kgAndRecommendStubs(),
    };
    beforeAll(async () => {
      bridge = await startBridge({ api, staticDir: join(OUT, 'renderer'), log: () => undefined });
    });
    afterAll(async () => {
      await bridge.close();
    });

    it('serves the built page and its bundle', async () => {
      const page = await fetch(bridge.url);
      expect(page.status).toBe(200);
      const html = await page.text();
      const src = /src="\.\/(assets\/[^"]+\.js)"/.exec(html)?.[1];
      expect(src).toBeDefined();
      const js = await fetch(`http://127.0.0.1:${bridge.port}/${src}`);
      expect(js.status).toBe(200);
      expect(js.headers.get('content-type')).toContain('javascript');
      expect((await js.arrayBuffer()).byteLength).toBe(statSync(join(OUT, 'renderer', src ?? '')).size);
    });
  });
});
