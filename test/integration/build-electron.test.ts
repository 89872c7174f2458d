/**
 * Builds the app with electron-vite once and checks the three outputs, what each bundle may
 * require, and that the browser bridge serves the built page. Also checks, on the sources, that
 * only main/index.ts (and the preload) import 'electron'.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, type Api } from '../../main/api';
import { startBridge, type Bridge } from '../../main/bridge/server';
import { kgAndRecommendStubs, unusedApiMethods } from '../helpers/api-stubs';

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

  it('the job and encoder workers are built beside the main entry, without electron', () => {
    for (const entry of ['job-worker.js', 'worker-entry.js']) {
      const code = withChunks(entry);
      expect(requiredModules(code)).not.toContain('electron');
      expect(code).toContain('parentPort');
    }
    expect(withChunks('job-worker.js')).toContain('better-sqlite3');
  });

  it('the sandboxed preload requires nothing but electron', () => {
    const preload = freshFile(join(OUT, 'preload', 'index.js'));
    expect(new Set(requiredModules(preload))).toEqual(new Set(['electron']));
    expect(preload).toContain('exposeInMainWorld');
    for (const m of ['version', 'workspaceSummary', 'openWorkspace', 'listItems', 'listUsers']) expect(preload).toContain(`"${m}"`);
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
