/**
 * Where the time of the KG first render goes (the "Knowledge graph (Toy Story, 1 hop)" view of
 * run.ts): the same steps, with a timeline recorded inside the page (driver actions, Api calls and
 * chunk loads from resource timing, long tasks, DOM milestones, the renderer's kg:* marks).
 *
 *   npx tsx benchmarks/ui/kg-phases.ts [--repeat 5] [--no-build] [--profile out.cpuprofile]
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { loadDatasetInWorker } from '../../main/jobs/dataset-loader';
import { createApi } from '../../main/api';
import { startBridge } from '../../main/bridge/server';
import { importRegistryDataset } from '../../main/core/data';
import { Workspace } from '../../main/core/store';
import { saveSnapshot } from '../../main/jobs/snapshot';
import { fixtureSnapshot } from '../../test/e2e/fixture';

const ROOT = resolve(__dirname, '..', '..');
const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const REPEAT = Math.max(1, Number(arg('--repeat') ?? '5'));
const PROFILE = arg('--profile');
/** Another build of the page to serve (e.g. a copy of out/renderer from before a change). */
const STATIC = arg('--static');
const DATA_DIR = process.env.KNOWREC_DATA_DIR ?? '/work/shared/datasets';
const CHROMIUM = process.env.KNOWREC_CHROMIUM ?? '/usr/bin/chromium';

// a plain script string: tsx's transform would add helpers the page does not have
const RECORDER = `(() => {
  const log = [];
  window.__kgLog = log;
  const at = (what) => log.push([performance.now(), what]);
  const seen = new Set();
  const once = (key, ok) => { if (!seen.has(key) && ok()) { seen.add(key); at(key); } };
  new MutationObserver(() => {
    once('landing drawn', () => document.querySelector('#panel-datasets table.summary td') !== null);
    once('kg panel', () => document.querySelector('#panel-kg') !== null);
    once('hits listed', () => document.querySelector('#panel-kg ul.hits button') !== null);
    once('placeholder box', () => document.querySelector('.kg-graph.placeholder') !== null);
    once('"Loading"', () => document.querySelector('.kg-main [aria-live]') !== null && document.querySelector('.kg-main')?.textContent?.includes('Loading'));
    once('graph box', () => document.querySelector('.kg-graph:not(.placeholder)') !== null);
    once('canvas', () => document.querySelector('.kg-graph canvas') !== null);
    once('node-count set', () => document.querySelector('[data-testid="kg-graph"]:not([data-node-count="0"])') !== null);
  }).observe(document, { subtree: true, childList: true, attributes: true });
  for (const type of ['click', 'keydown', 'input']) document.addEventListener(type, (e) => at(type + (e.key ? ' ' + e.key : '') + ' on ' + (e.target?.id || e.target?.textContent?.slice(0, 24) || e.target?.tagName)), true);
  new PerformanceObserver((l) => { for (const e of l.getEntries()) log.push([e.startTime, 'LONG TASK ' + Math.round(e.duration) + ' ms (ends ' + Math.round(e.startTime + e.duration) + ')']); }).observe({ type: 'longtask', buffered: true });
  new PerformanceObserver((l) => { for (const e of l.getEntries()) log.push([e.startTime, 'mark ' + e.name]); }).observe({ type: 'mark', buffered: true });
  new PerformanceObserver((l) => { for (const e of l.getEntries()) log.push([e.startTime, 'measure ' + e.name + ' ' + Math.round(e.duration) + ' ms']); }).observe({ type: 'measure', buffered: true });
  new PerformanceObserver((l) => { for (const e of l.getEntries()) { const n = e.name.replace(location.origin, ''); if (n.startsWith('/api/') || n.includes('/assets/')) log.push([e.startTime, 'fetch ' + n + ' ' + Math.round(e.duration) + ' ms (ends ' + Math.round(e.responseEnd) + ')']); } }).observe({ type: 'resource', buffered: true });
  const frames = () => { if (seen.has('node-count set') && !seen.has('frame after')) { seen.add('frame after'); at('frame after node-count'); return; } requestAnimationFrame(frames); };
  requestAnimationFrame(frames);
})()`;

/** CPU time (ms, user + system) of the processes whose command line holds `mark` and of all their descendants (Linux /proc). */
function cpuMs(mark: string): number {
  const procs = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  const parent = new Map<string, string>();
  const ticks = new Map<string, number>();
  const roots: string[] = [];
  for (const pid of procs) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parent.set(pid, f[1]);
      ticks.set(pid, Number(f[11]) + Number(f[12]));
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(mark)) roots.push(pid);
    } catch {
      // gone meanwhile
    }
  }
  const inTree = (pid: string): boolean => {
    for (let p: string | undefined = pid; p !== undefined && p !== '0'; p = parent.get(p)) if (roots.includes(p)) return true;
    return false;
  };
  let sum = 0;
  for (const [pid, t] of ticks) if (inTree(pid)) sum += t;
  return sum * 10; // USER_HZ 100
}

async function main(): Promise<void> {
  if (!process.argv.includes('--no-build') || !existsSync(join(ROOT, 'out', 'renderer', 'index.html'))) {
    execFileSync(process.execPath, [join(ROOT, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  }
  const dir = mkdtempSync(join(tmpdir(), 'knowrec-kg-phases-'));
  try {
    const wsPath = join(dir, 'workspace.sqlite');
    const ws = Workspace.create(wsPath);
    try {
      importRegistryDataset(ws, 'ml-100k', { dataDir: DATA_DIR });
      saveSnapshot(join(dir, 'model'), fixtureSnapshot(ws.loadDataset()));
    } finally {
      ws.close();
    }
    const api = createApi({
      open: (p) => Workspace.open(p),
      workspacePath: wsPath,
      appVersion: 'bench',
      modelDir: join(dir, 'model'),
      adapterDir: join(dir, 'adapters'),
      loadDataset: (p) => loadDatasetInWorker(p),
      prewarm: true,
    });
    const bridge = await startBridge({ api, staticDir: STATIC ?? join(ROOT, 'out', 'renderer'), log: () => undefined });
    const context = await chromium.launchPersistentContext(join(dir, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
      viewport: { width: 1440, height: 900 },
    });
    const page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(60_000);
    try {
      await page.goto(bridge.url);
      await page.locator('#panel-datasets table.summary td').first().waitFor();
      // as in run.ts, where the Datasets loads come first: the server's prewarm has read the KG
      await api.kgSearch({ query: 'Toy Story', limit: 20 });
      await page.addInitScript(RECORDER);
      const home = `${bridge.origin}/`;
      const totals: number[] = [];
      const phases: Record<string, number[]> = {};
      const first = (log: [number, string][], what: string): number | null => log.find(([, w]) => w === what)?.[0] ?? null;
      const span = (name: string, a: number | null, b: number | null): void => {
        if (a !== null && b !== null) (phases[name] ??= []).push(b - a);
      };
      for (let r = 0; r < REPEAT; r++) {
        const cdp = PROFILE !== undefined && r === REPEAT - 1 ? await context.newCDPSession(page) : null;
        if (cdp !== null) {
          await cdp.send('Profiler.enable');
          await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
          await cdp.send('Profiler.start');
        }
        await page.goto(home);
        const t0 = await page.evaluate(() => performance.timeOrigin);
        const drv: [number, string][] = [];
        const step = async (what: string, f: () => Promise<void>): Promise<void> => {
          drv.push([Date.now() - t0, `driver: ${what} …`]);
          await f();
          drv.push([Date.now() - t0, `driver: ${what} done`]);
        };
        await step('wait landing', () => page.locator('#panel-datasets table.summary td').first().waitFor());
        await step('click tab', () => page.getByRole('tab', { name: 'Knowledge graph', exact: true }).click());
        await step('fill', () => page.getByLabel('Search the KG').fill('Toy Story'));
        await step('Enter', () => page.getByLabel('Search the KG').press('Enter'));
        const cpu0 = cpuMs(join(dir, 'profile'));
        await step('click hit', () => page.getByRole('button', { name: 'Toy Story (1995)', exact: true }).first().click());
        await step('wait graph', () => page.locator('[data-testid="kg-graph"]:not([data-node-count="0"])').first().waitFor());
        const end = Date.now() - t0;
        totals.push(end);
        (phases['Z browser CPU: click → seen'] ??= []).push(cpuMs(join(dir, 'profile')) - cpu0);
        await page.waitForTimeout(300);
        const log = (await page.evaluate('window.__kgLog')) as [number, string][];
        if (cdp !== null && PROFILE !== undefined) {
          const { profile } = await cdp.send('Profiler.stop');
          writeFileSync(PROFILE, JSON.stringify(profile));
          await cdp.detach();
        }
        const all = [...log, ...drv].sort((a, b) => a[0] - b[0]);
        const click = all.find(([, w]) => w.startsWith('click on Toy Story'))?.[0] ?? null;
        const call = all.find(([, w]) => w.startsWith('fetch /api/kgSubgraph'));
        const apiEnd = call === undefined ? null : Number(/ends (\d+)/.exec(call[1])?.[1]);
        span('1 click → kgSubgraph answered', click, apiEnd);
        span('2 answered → graph effect (view rendered)', apiEnd, first(all, 'mark kg:effect'));
        span('3 effect: elements + opening view', first(all, 'mark kg:effect'), first(all, 'mark kg:opening'));
        span('4 cytoscape()', first(all, 'mark kg:opening'), first(all, 'mark kg:cytoscape'));
        span('5 → first frame drawn', first(all, 'mark kg:cytoscape'), first(all, 'mark kg:drawn'));
        span('6 → counts set', first(all, 'mark kg:drawn'), first(all, 'node-count set'));
        span('7 → driver saw it', first(all, 'node-count set'), end);
        span('A click → counts set', click, first(all, 'node-count set'));
        span('B landing → click on the tab', first(all, 'landing drawn'), all.find(([, w]) => w.startsWith('click on tab-kg'))?.[0] ?? null);
        span('C tab → click on the hit', all.find(([, w]) => w.startsWith('click on tab-kg'))?.[0] ?? null, click);
        span('D navigation → landing drawn', 0, first(all, 'landing drawn'));
        const drawn = await page.evaluate(() => JSON.stringify((document.querySelector('[data-testid="kg-graph"]') as HTMLElement | null)?.dataset ?? {}));
        console.log(`--- run ${r + 1}: ${end} ms from navigation (load ${loadavg()[0].toFixed(2)}) ${drawn}`);
        for (const [ms, what] of all) if (ms <= end + 100) console.log(`${String(Math.round(ms)).padStart(6)}  ${what}`);
      }
      const med = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
      console.log('phase (ms): min / median / max');
      for (const [k, xs] of Object.entries(phases).sort()) console.log(`  ${k.padEnd(36)} ${Math.round(Math.min(...xs))} / ${Math.round(med(xs))} / ${Math.round(Math.max(...xs))}`);
      console.log(`from navigation: min ${Math.round(Math.min(...totals))}, median ${Math.round(med(totals))}, max ${Math.round(Math.max(...totals))} ms over ${totals.length}`);
    } finally {
      await context.close();
      await bridge.close();
      api.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
  process.exit(1);
});
