/**
 * UI responsiveness in a real browser (headless Chromium through playwright-core) against the
 * browser bridge, on ml-100k:
 *   - time to first render of each view: from a fresh page load (navigation start) to the view's
 *     first meaningful content, and from the action that opens it (tab click, search, Why?); the
 *     warm-up opens the printed address (it sets the session cookie and redirects), the timed
 *     loads open the page without the token, as a reload does
 *   - the 2-hop KG draw (Toy Story, Hops 2: cap 200, top 8 per node) from the choice to the drawn graph
 *   - a ≥500-node KG neighbourhood (Toy Story, 2 hops, per node raised until 500 fit, cap raised with "Show more"): from the
 *     click to the graph drawn by cytoscape, plus the kgSubgraph call alone
 *   - Api round-trip latency through the bridge, measured inside the page with fetch (HTTP POST
 *     with the session cookie): p50 / p99 of many `version` and `listItems` calls
 *
 *   npx tsx benchmarks/ui/run.ts [--out benchmarks/results/ui.json] [--repeat 5] [--calls 500] [--no-build]
 *   npx tsx benchmarks/ui/run.ts --workspace FILE [--user ID] [--repeat 1] --out benchmarks/results/ui-L.json
 *
 * --workspace runs against an imported workspace instead of a fresh ml-100k one (e.g. the L
 * workspace of benchmarks/api-large.ts --build L): the KG probe searches the first item's title,
 * the recommendation probes use --user (default: the first user) with the TEST FIXTURE snapshot
 * made for that user, and the 2-hop draws are left out (they are Toy Story's). Each view's
 * `first_ms` is its first open from navigation, the cold one at that size. The KG index cache
 * file (`FILE.kgindex`) is written beside the workspace; --fresh-kg-cache deletes it first. The
 * workspace's data hash (what the Recommendations view compares with the model's) is recorded
 * before the timed part when it is missing, as an import by this version records it;
 * --old-import drops it instead (a workspace imported before: the Api records it in a worker).
 * --kg-first opens the Knowledge graph view first (its first open right after the server started,
 * while the KG index is restored), then the others in their order.
 *
 * The serving snapshot is the e2e TEST FIXTURE (test/e2e/fixture.ts), so the Recommendations and
 * Explanation timings measure the UI and the bridge, not a model fit. Run it on a quiet machine:
 * other processes inflate every figure.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { loadDatasetInWorker, recordDataHashInWorker } from '../../main/jobs/dataset-loader';
import { createApi } from '../../main/api';
import { startBridge } from '../../main/bridge/server';
import { importRegistryDataset } from '../../main/core/data';
import { DATA_HASH_META_KEY, Workspace } from '../../main/core/store';
import { dataHash, saveSnapshot } from '../../main/jobs/snapshot';
import { fixtureSnapshot } from '../../test/e2e/fixture';

const ROOT = resolve(__dirname, '..', '..');
const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const OUT = arg('--out');
const WORKSPACE = arg('--workspace');
const LARGE = WORKSPACE !== undefined;
/** --workspace only: the workspace's recorded data hash dropped first, as one imported before hashes were recorded. */
const OLD_IMPORT = process.argv.includes('--old-import');
/** Open the Knowledge graph view first, right after startup (while the KG index is restored), instead of after Datasets. */
const KG_FIRST = process.argv.includes('--kg-first');
const REPEAT = Math.max(1, Number(arg('--repeat') ?? '5'));
const CALLS = Math.max(10, Number(arg('--calls') ?? (arg('--workspace') !== undefined ? '20' : '500')));
const DATA_DIR = process.env.KNOWREC_DATA_DIR ?? '/work/shared/datasets';
const CHROMIUM = process.env.KNOWREC_CHROMIUM ?? '/usr/bin/chromium';
/** Nodes the big neighbourhood must reach. */
const BIG = 500;

const quantile = (xs: readonly number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  const at = (s.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return s[lo] + (s[hi] - s[lo]) * (at - lo);
};
const round = (v: number): number => Math.round(v * 100) / 100;
const stats = (xs: readonly number[]) => ({ n: xs.length, p50_ms: round(quantile(xs, 0.5)), p99_ms: round(quantile(xs, 0.99)), min_ms: round(Math.min(...xs)), max_ms: round(Math.max(...xs)) });

/** One timed view: what opens it and what a person must see for it to count as rendered. */
interface ViewProbe {
  readonly view: string;
  readonly open: (page: Page) => Promise<void>;
  readonly ready: string;
  /** Where the content waits on a slow call: the view itself shown (timed too). */
  readonly shown?: string;
}

/** What the probes look for: ml-100k's, or read from --workspace. */
interface Targets {
  /** KG search text and the hit to click (exact name, or any hit whose name holds it). */
  readonly kgQuery: string;
  readonly kgHit: string;
  readonly kgHitExact: boolean;
  readonly user: string;
  /** The text of the timed listItems searches. */
  readonly listQuery: string;
}

const tab = (name: string) => async (page: Page) => {
  await page.getByRole('tab', { name, exact: true }).click();
};

const probes = (t: Targets): readonly ViewProbe[] => [
  { view: 'Datasets', open: async () => undefined, ready: '#panel-datasets table.summary td' },
  {
    view: LARGE ? 'Knowledge graph (first item, 1 hop)' : 'Knowledge graph (Toy Story, 1 hop)',
    open: async (page) => {
      await tab('Knowledge graph')(page);
      await page.getByLabel('Search the KG').fill(t.kgQuery);
      await page.getByLabel('Search the KG').press('Enter');
      await page.getByRole('button', { name: t.kgHit, exact: t.kgHitExact }).first().click();
    },
    ready: '[data-testid="kg-graph"]:not([data-node-count="0"])',
    shown: '#panel-kg #kg-search-title',
  },
  {
    view: LARGE ? 'Recommendations (first user)' : 'Recommendations (user 1)',
    open: async (page) => {
      await tab('Recommendations')(page);
      await page.getByLabel('User id', { exact: true }).fill(t.user);
      await page.getByRole('button', { name: 'Recommend' }).click();
    },
    ready: '#panel-recommendations table.recs tbody tr',
    shown: '#panel-recommendations #recs-title',
  },
  {
    view: 'Explanation (first recommendation)',
    open: async (page) => {
      await tab('Recommendations')(page);
      await page.getByLabel('User id', { exact: true }).fill(t.user);
      await page.getByRole('button', { name: 'Recommend' }).click();
      await page.locator('#panel-recommendations table.recs tbody tr').first().waitFor();
      await page.getByRole('button', { name: 'Why?' }).first().click();
    },
    ready: '.explanation .recharts-bar-rectangle',
  },
  { view: 'Evaluation', open: tab('Evaluation'), ready: '#panel-evaluation form.eval-form button[type="submit"]' },
  { view: 'Report', open: tab('Report'), ready: '#panel-report #report-run' },
  { view: 'Labeling', open: tab('Labeling'), ready: '#panel-labeling #proposal-title', shown: '#panel-labeling #label-title' },
  { view: 'Fine-tune', open: tab('Fine-tune'), ready: '#panel-finetune #ft-epochs' },
];

/** The serving snapshot and what the probes look for: a fresh ml-100k workspace, or --workspace's. */
function prepareWorkspace(dir: string): { wsPath: string; targets: Targets } {
  if (WORKSPACE === undefined) {
    const wsPath = join(dir, 'workspace.sqlite');
    const ws = Workspace.create(wsPath);
    try {
      importRegistryDataset(ws, 'ml-100k', { dataDir: DATA_DIR });
      saveSnapshot(join(dir, 'model'), fixtureSnapshot(ws.loadDataset()));
    } finally {
      ws.close();
    }
    return { wsPath, targets: { kgQuery: 'Toy Story', kgHit: 'Toy Story (1995)', kgHitExact: true, user: '1', listQuery: 'story' } };
  }
  const wsPath = resolve(WORKSPACE);
  if (process.argv.includes('--fresh-kg-cache')) rmSync(`${wsPath}.kgindex`, { force: true });
  const ws = Workspace.open(wsPath);
  try {
    const item = ws.itemPage(0, 1).rows[0];
    const user = arg('--user') ?? ws.userPage(0, 1).rows[0]?.id;
    if (item === undefined || user === undefined) throw new Error(`${wsPath} holds no items or no users`);
    // the fixture needs the dataset: read here once, before the timed part
    const ds = ws.loadDataset();
    saveSnapshot(join(dir, 'model'), fixtureSnapshot(ds, user));
    // an import records the data hash (the Recommendations view's data match); a workspace
    // imported before it did has it recorded here, as the first session's first recommend would
    // --old-import: as a workspace imported before: no hash recorded; the Api records it in a worker
    if (OLD_IMPORT) ws.setMeta(DATA_HASH_META_KEY, '{}');
    const { stamp, sha256 } = ws.dataHashState();
    if (sha256 === null && !OLD_IMPORT) ws.recordDataHash(stamp, dataHash(ds));
    return { wsPath, targets: { kgQuery: item.title, kgHit: item.title, kgHitExact: false, user, listQuery: item.title.split(/\s+/)[1] ?? item.title } };
  } finally {
    ws.close();
  }
}

/** The Api's KG index loader as `knowrec serve` passes it, when this checkout has one. */
function kgIndexLoader(): { loadKgIndex?: (path: string, stamp: string) => Promise<unknown> } {
  const file = join(ROOT, 'main', 'jobs', 'kg-index-loader.ts');
  if (!existsSync(file)) return {};
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const m = require(file) as { loadKgIndexForApi: (path: string, stamp: string) => Promise<unknown> };
  return { loadKgIndex: m.loadKgIndexForApi };
}


type BenchApi = ReturnType<typeof createApi>;

/** The 2-hop draws of Toy Story (ml-100k only). */
async function kgDraws(api: BenchApi, page: Page, home: string, kgProbe: ViewProbe): Promise<Record<string, unknown>> {
  // the 2-hop draw as a person first gets it (Hops 2: cap 200, top 8 neighbours per node), and a
  // ≥500-node neighbourhood: the per-node cap raised until 2 hops hold 500 nodes within cap 800,
  // then "Show more" twice (200 → 400 → 800)
  const caps = [200, 400, 800];
  const count = async (cap: number, perNode: number): Promise<number> => {
    const r = await api.kgSubgraph({ item: '1', hops: 2, cap, perNode });
    if (!r.ok) throw new Error(r.error.message);
    return r.value.nodes.length;
  };
  const firstTwoHop = await count(caps[0], 8);
  let perNode = 8;
  for (const p of [8, 16, 32]) {
    perNode = p;
    if ((await count(caps[caps.length - 1], p)) >= BIG) break;
  }
  const sub = await api.kgSubgraph({ item: '1', hops: 2, cap: caps[caps.length - 1], perNode });
  if (!sub.ok) throw new Error(sub.error.message);
  const want = sub.value.nodes.length;
  if (want < BIG) throw new Error(`the 2-hop neighbourhood of Toy Story has ${want} nodes, fewer than ${BIG}`);
  const nodesDrawn = (n: number) => page.waitForFunction((k) => document.querySelector('[data-testid="kg-graph"]')?.getAttribute('data-node-count') === String(k), n, { timeout: 120_000 });
  const apiOnly: number[] = [];
  const drawn: number[] = [];
  const twoHop: number[] = [];
  for (let r = 0; r < REPEAT; r++) {
    const c0 = performance.now();
    await api.kgSubgraph({ item: '1', hops: 2, cap: caps[caps.length - 1], perNode });
    apiOnly.push(performance.now() - c0);
    await page.goto(home);
    await kgProbe.open(page);
    await page.locator(kgProbe.ready).waitFor();
    const h0 = Date.now();
    await page.getByLabel('Hops').selectOption('2');
    await nodesDrawn(firstTwoHop);
    twoHop.push(Date.now() - h0);
    if (perNode !== 8) {
      await page.getByLabel('Per node').selectOption(String(perNode));
      await nodesDrawn(await count(caps[0], perNode));
    }
    await page.getByRole('button', { name: 'Show more' }).click();
    await nodesDrawn(await count(caps[1], perNode));
    const d0 = Date.now();
    await page.getByRole('button', { name: 'Show more' }).click();
    await nodesDrawn(want);
    drawn.push(Date.now() - d0);
  }
  const edges = sub.value.edges.length;
  console.error(`KG 2 hops: p50 ${round(quantile(twoHop, 0.5))} ms to draw ${firstTwoHop} nodes; ${want} nodes / ${edges} edges: p50 ${round(quantile(drawn, 0.5))} ms to draw, ${round(quantile(apiOnly, 0.5))} ms for the Api call`);

  return {
    kg_two_hops: { centre: 'Toy Story (1995)', hops: 2, cap: caps[0], per_node: 8, nodes: firstTwoHop, draw_after_hops_2: stats(twoHop) },
    kg_neighbourhood: {
      centre: 'Toy Story (1995)',
      hops: 2,
      cap: caps[caps.length - 1],
      per_node: perNode,
      nodes: want,
      edges,
      total_within_hops: sub.value.totalNeighbours + sub.value.center.length,
      draw_after_show_more: stats(drawn),
      api_call_in_process: stats(apiOnly),
    },
  };
}

async function main(): Promise<void> {
  if (!LARGE && !existsSync(join(DATA_DIR, 'ml-100k'))) throw new Error(`ml-100k not found under ${DATA_DIR}: set KNOWREC_DATA_DIR`);
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: install it (apt-get install chromium) or set KNOWREC_CHROMIUM`);
  if (!process.argv.includes('--no-build') || !existsSync(join(ROOT, 'out', 'renderer', 'index.html'))) {
    execFileSync(process.execPath, [join(ROOT, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' },
    });
  }
  const dir = mkdtempSync(join(tmpdir(), 'knowrec-bench-ui-'));
  const load0 = loadavg();
  try {
    const { wsPath, targets } = prepareWorkspace(dir);
    const PROBES = probes(targets);
    const started = Date.now();
    // as the app and `knowrec serve` open it: dataset read in a worker, small workspaces prewarmed
    const api = createApi({
      open: (p) => Workspace.open(p),
      workspacePath: wsPath,
      appVersion: 'bench',
      modelDir: join(dir, 'model'),
      adapterDir: join(dir, 'adapters'),
      loadDataset: (p) => loadDatasetInWorker(p),
      recordDataHash: (p) => recordDataHashInWorker(p),
      ...(kgIndexLoader() as object),
      prewarm: true,
    });
    const bridge = await startBridge({ api, staticDir: join(ROOT, 'out', 'renderer'), log: () => undefined });
    const context = await chromium.launchPersistentContext(join(dir, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
      viewport: { width: 1440, height: 900 },
    });
    const browserVersion = context.browser()?.version() ?? null;
    const page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(LARGE ? 600_000 : 60_000);
    try {
      // warm-up: the first load compiles the bundle and opens the workspace
      await page.goto(bridge.url);
      await page.locator(PROBES[0].ready).first().waitFor();
      const warmUpMs = Date.now() - started;
      // the session cookie is set: timed loads skip the token redirect
      const home = `${bridge.origin}/`;

      type ViewTimes = { first_ms: number; shown_first_ms?: number; from_navigation: ReturnType<typeof stats>; from_action: ReturnType<typeof stats> };
      const views: Record<string, ViewTimes> = {};
      for (const probe of KG_FIRST ? [PROBES[1], PROBES[0], ...PROBES.slice(2)] : PROBES) {
        const nav: number[] = [];
        const act: number[] = [];
        let shownFirst: number | undefined;
        for (let r = 0; r < REPEAT; r++) {
          await page.goto(home);
          const t0 = await page.evaluate(() => performance.timeOrigin);
          await page.locator('#panel-datasets table.summary td').first().waitFor();
          const a0 = Date.now();
          const shown = probe.shown;
          const shownAt = shown === undefined ? null : page.locator(shown).first().waitFor({ state: 'visible' }).then(() => Date.now());
          await probe.open(page);
          await page.locator(probe.ready).first().waitFor();
          const end = Date.now();
          if (r === 0 && shownAt !== null) shownFirst = (await shownAt) - t0;
          nav.push(end - t0);
          act.push(end - a0);
        }
        views[probe.view] = { first_ms: nav[0], ...(shownFirst !== undefined ? { shown_first_ms: shownFirst } : {}), from_navigation: stats(nav), from_action: stats(act) };
        console.error(`${probe.view}: first ${nav[0]} ms (view shown ${shownFirst ?? '-'} ms), p50 ${views[probe.view].from_navigation.p50_ms} ms from navigation, ${views[probe.view].from_action.p50_ms} ms from the action`);
      }
      const draws = LARGE ? null : await kgDraws(api, page, home, PROBES[1]);

      // Api round trips through the bridge, timed inside the page (the session cookie authenticates)
      // a plain script string: tsx's transform would add helpers (__name) the page does not have
      const script = `(async () => {
        const time = async (method, body) => {
          const out = [];
          for (let i = 0; i < ${CALLS}; i++) {
            const t = performance.now();
            const r = await fetch('/api/' + method, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              ...(body === undefined ? {} : { body: JSON.stringify(body) }),
            });
            const j = await r.json();
            if (!j.ok) throw new Error(method + ' failed');
            out.push(performance.now() - t);
          }
          return out;
        };
        return {
          version: await time('version', undefined),
          listItems: await time('listItems', { offset: 0, limit: 50 }),
          listItemsQuery: await time('listItems', { offset: 0, limit: 50, query: ${JSON.stringify(targets.listQuery)} }),
        };
      })()`;
      const roundTrips = (await page.evaluate(script)) as { version: number[]; listItems: number[]; listItemsQuery: number[] };
      const latency = { version: stats(roundTrips.version), listItems_50: stats(roundTrips.listItems), listItems_50_query: stats(roundTrips.listItemsQuery) };
      console.error(`round trip p50/p99: version ${latency.version.p50_ms}/${latency.version.p99_ms} ms, listItems ${latency.listItems_50.p50_ms}/${latency.listItems_50.p99_ms} ms`);

      const result = {
        benchmark: 'ui',
        command: `npx tsx benchmarks/ui/run.ts ${process.argv.slice(2).join(' ')}`.trim(),
        date: new Date().toISOString(),
        machine: {
          cpus: cpus().length,
          cpu_model: cpus()[0]?.model ?? 'unknown',
          memory_gib: round(totalmem() / 2 ** 30),
          node: process.version,
          platform: process.platform,
          browser: `Chromium ${browserVersion ?? '?'} (headless, ${CHROMIUM})`,
          load_average_before: load0.map(round),
          load_average_after: loadavg().map(round),
        },
        settings: {
          dataset: WORKSPACE === undefined ? 'ml-100k' : `${WORKSPACE} (as given)`,
          warm_up_ms: warmUpMs,
          kg_cache_file: WORKSPACE === undefined ? null : process.argv.includes('--fresh-kg-cache') ? 'deleted before the run' : 'as found beside the workspace',
          data_hash: WORKSPACE === undefined ? 'recorded by the import' : OLD_IMPORT ? 'dropped before the run (--old-import): recorded by the Api in a worker' : 'recorded before the timed part when missing (as an import records it)',
          order: KG_FIRST ? 'Knowledge graph first (--kg-first), then the others' : 'as listed',
          repeat: REPEAT,
          calls: CALLS,
          viewport: '1440x900',
          serving_snapshot: 'TEST FIXTURE (test/e2e/fixture.ts): popularity top-K with hand-made explanations',
          timing:
            'from_navigation: navigation start (performance.timeOrigin) to the view content visible; from_action: from the action that opens it (after the page showed the summary) to the content visible; measured from Node with playwright (includes a few ms of driver round trip)',
        },
        views,
        ...(draws ?? {}),
        api_round_trip: { transport: 'HTTP POST through the bridge on 127.0.0.1, fetch inside the page', ...latency },
      };
      const json = JSON.stringify(result, null, 2);
      console.log(json);
      if (OUT !== undefined) {
        mkdirSync(dirname(OUT), { recursive: true });
        writeFileSync(OUT, `${json}\n`);
      }
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
