/**
 * The workbench in a real browser: the real ml-100k imported into a temporary workspace, the
 * bridge started in-process, the built page driven in headless Chromium. Checks what a person
 * sees (counts, titles, the drawn graph, chart bars, the reason) and saves a screenshot per view
 * to test-results/e2e/.
 *
 * The serving snapshot is a TEST FIXTURE built here from the real data (the most popular items
 * user 1 has not seen, with hand-made explanations), so the e2e run never fits the hybrid.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KgSubgraph } from '../../main/api';
import { createApi, type ApiImpl } from '../../main/api-impl';
import { startBridge, type Bridge } from '../../main/bridge/server';
import { importRegistryDataset } from '../../main/core/data';
import { Workspace } from '../../main/core/store';
import type { Dataset } from '../../main/core/types';
import { dataHash, saveSnapshot, SNAPSHOT_FORMAT, type Snapshot, type SnapshotItem } from '../../main/jobs/snapshot';

const ROOT = resolve(__dirname, '..', '..');
const DATA_DIR = process.env.KNOWREC_DATA_DIR ?? '/work/shared/datasets';
const HAVE_DATA = existsSync(join(DATA_DIR, 'ml-100k'));
const CHROMIUM = process.env.KNOWREC_CHROMIUM ?? '/usr/bin/chromium';
const SHOTS = join(ROOT, 'test-results', 'e2e');
const FIXTURE_SIGNALS = { 'kg-profile': 0.5, itemknn: 0.3, semantic: 0.2 } as const;
const FIXTURE_K = 5;

if (!HAVE_DATA) console.warn(`e2e skipped: ml-100k not found under ${DATA_DIR} (set KNOWREC_DATA_DIR)`);

/** TEST FIXTURE: user 1's top-K = the most interacted-with items they have not interacted with. */
function fixtureSnapshot(ds: Dataset): Snapshot {
  const u = ds.userIds.indexOf('1');
  const counts = new Int32Array(ds.itemIds.length);
  const seen = new Uint8Array(ds.itemIds.length);
  const liked: number[] = [];
  for (let k = 0; k < ds.interactions.user.length; k++) {
    const i = ds.interactions.item[k];
    counts[i]++;
    if (ds.interactions.user[k] === u) {
      seen[i] = 1;
      if (ds.interactions.rating[k] >= 5) liked.push(i);
    }
  }
  const order = Array.from(counts.keys())
    .filter((i) => seen[i] === 0)
    .sort((a, b) => counts[b] - counts[a] || a - b)
    .slice(0, FIXTURE_K);
  const items: SnapshotItem[] = order.map((i, rank) => ({
    item: ds.itemIds[i],
    title: ds.items[i].title,
    score: Math.round((1 - rank * 0.1) * 1e4) / 1e4,
    explanation: {
      signals: FIXTURE_SIGNALS,
      against: { pop: 1 },
      history: liked.slice(0, 3).map((h) => ({ item: ds.itemIds[h], title: ds.items[h].title, relation: 'test fixture link' })),
      facts: [`TEST FIXTURE fact about ${ds.items[i].title}`],
      reason: `TEST FIXTURE reason: ${ds.items[i].title} is popular with users like you.`,
    },
  }));
  return {
    manifest: {
      format: SNAPSHOT_FORMAT,
      dataset: ds.name,
      data_sha256: dataHash(ds),
      model: 'hybrid',
      protocol: { name: 'recbole', seed: 0, note: 'TEST FIXTURE: popularity top-K with hand-made explanations, not a fitted model' },
      k: FIXTURE_K,
      lang: 'en',
      users: ds.userIds.length,
      items: ds.itemIds.length,
      params: {},
      metrics: { valid: {}, test: {} },
      fit_seconds: 0,
      created: new Date().toISOString(),
    },
    recommendations: { '1': items },
  };
}

describe.skipIf(!HAVE_DATA)('workbench in Chromium on ml-100k', () => {
  let dir: string;
  let api: ApiImpl;
  let bridge: Bridge;
  let context: BrowserContext;
  let page: Page;
  let fixture: Snapshot;
  const problems: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`no Chromium at ${CHROMIUM}: install it (apt-get install chromium) or set KNOWREC_CHROMIUM`);
    }
    mkdirSync(SHOTS, { recursive: true });
    dir = mkdtempSync(join(tmpdir(), 'knowrec-e2e-'));
    const wsPath = join(dir, 'ml-100k.sqlite');
    const ws = Workspace.create(wsPath);
    try {
      importRegistryDataset(ws, 'ml-100k', { dataDir: DATA_DIR });
      fixture = fixtureSnapshot(ws.loadDataset());
    } finally {
      ws.close();
    }
    saveSnapshot(join(dir, 'model'), fixture);
    api = createApi({ open: (p) => Workspace.open(p), workspacePath: wsPath, appVersion: 'e2e', modelDir: join(dir, 'model') });
    bridge = await startBridge({ api, staticDir: join(ROOT, 'out', 'renderer'), log: () => undefined });
    context = await chromium.launchPersistentContext(join(dir, 'chromium-profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
      viewport: { width: 1280, height: 900 },
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(20_000);
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()} at ${JSON.stringify(m.location())}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  });

  afterAll(async () => {
    await context?.close();
    await bridge?.close();
    api?.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  const cell = (label: string) => page.locator('table.summary tr', { has: page.locator('th', { hasText: new RegExp(`^${label}$`) }) }).locator('td');
  const nodeCount = async (): Promise<number> => Number(await page.locator('.kg-graph').getAttribute('data-node-count'));
  const waitNodes = (n: number) =>
    page.waitForFunction((want) => Number(document.querySelector('.kg-graph')?.getAttribute('data-node-count') ?? -1) === want, n);
  const expected = async (request: Parameters<ApiImpl['kgSubgraph']>[0]): Promise<KgSubgraph> => {
    const r = await api.kgSubgraph(request);
    if (!r.ok) throw new Error(r.error.message);
    return r.value;
  };

  it('Datasets: shows the workspace counts of ml-100k', async () => {
    await page.goto(bridge.url);
    await expect.poll(() => cell('Users').textContent()).toBe('943');
    expect(await cell('Items').textContent()).toBe('1,682');
    expect(await cell('Interactions').textContent()).toBe('100,000');
    expect(await page.locator('table.items tbody tr').count()).toBe(25);
    await page.screenshot({ path: join(SHOTS, 'datasets.png'), fullPage: true });
  });

  it('Knowledge graph: search Toy Story, open its neighbourhood and card, filter, show more', async () => {
    // keyboard: from the active tab, the right arrow selects the next one
    await page.getByRole('tab', { name: 'Datasets' }).focus();
    await page.keyboard.press('ArrowRight');
    const kgTab = page.getByRole('tab', { name: 'Knowledge graph' });
    expect(await kgTab.getAttribute('aria-selected')).toBe('true');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Knowledge graph');

    await page.getByLabel('Search the KG').fill('Toy Story');
    await page.getByLabel('Search the KG').press('Enter');
    await page.getByRole('button', { name: 'Toy Story (1995)', exact: true }).first().click();

    const one = await expected({ item: '1', hops: 1, cap: 200 });
    expect(one.nodes.length).toBeGreaterThan(1);
    await waitNodes(one.nodes.length);
    expect(await nodeCount()).toBe(one.nodes.length);
    expect(await page.locator('.kg-graph').getAttribute('data-edge-count')).toBe(String(one.edges.length));
    expect(await page.locator('#item-card-title').textContent()).toBe('Toy Story (1995)');
    expect(await page.locator('.card .facts li', { hasText: 'directed by' }).count()).toBeGreaterThan(0);
    await page.screenshot({ path: join(SHOTS, 'kg.png'), fullPage: true });

    // relation filter: hide the actors
    const withoutActors = one.relations.map((r) => r.relation).filter((r) => r !== 'film.film.actor');
    const filtered = await expected({ item: '1', hops: 1, cap: 200, relations: withoutActors });
    expect(filtered.nodes.length).toBeLessThan(one.nodes.length);
    await page.getByRole('checkbox', { name: /^has actor/ }).uncheck();
    await waitNodes(filtered.nodes.length);
    await page.getByRole('checkbox', { name: /^has actor/ }).check();
    await waitNodes(one.nodes.length);

    // two hops exceed the cap: "Show more" doubles it
    const two = await expected({ item: '1', hops: 2, cap: 200 });
    expect(two.truncated).toBe(true);
    await page.getByLabel('Hops').selectOption('2');
    await waitNodes(200);
    const more = await expected({ item: '1', hops: 2, cap: 400 });
    await page.getByRole('button', { name: 'Show more' }).click();
    await waitNodes(more.nodes.length);
    expect(more.nodes.length).toBeGreaterThan(200);
    await page.screenshot({ path: join(SHOTS, 'kg-two-hops.png'), fullPage: true });
  });

  it('Recommendations and Explanation: top-k for user 1, then why the first one', async () => {
    await page.getByRole('tab', { name: 'Recommendations' }).click();
    await page.getByLabel('User id').fill('nobody');
    await page.getByRole('button', { name: 'Recommend' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('no user with id "nobody"');

    await page.getByLabel('User id').fill('1');
    await page.getByLabel('Top').fill('10');
    await page.getByRole('button', { name: 'Recommend' }).click();
    const mine = fixture.recommendations['1'];
    await expect.poll(() => page.locator('table.recs tbody tr').count()).toBe(mine.length);
    const titles = await page.locator('table.recs tbody tr td:nth-child(2)').allTextContents();
    expect(titles).toEqual(mine.map((m) => m.title));
    expect(await page.locator('table.recs tbody tr td.num').first().textContent()).toBe(mine[0].score.toFixed(4));
    await page.screenshot({ path: join(SHOTS, 'recommendations.png'), fullPage: true });

    await page.getByRole('button', { name: 'Why?' }).first().click();
    const signals = Object.keys(mine[0].explanation.signals).length;
    await expect.poll(() => page.locator('.recharts-bar-rectangle').count()).toBe(signals);
    expect(await page.locator('.explanation .reason').textContent()).toBe(mine[0].explanation.reason);
    expect(await page.locator('.explanation').isVisible()).toBe(true);
    expect(await page.locator('.explanation .history li').count()).toBe(mine[0].explanation.history.length);
    for (const name of Object.keys(FIXTURE_SIGNALS)) expect(await page.locator('.recharts-yAxis-tick-labels').textContent()).toContain(name);
    await page.screenshot({ path: join(SHOTS, 'explanation.png'), fullPage: true });
  });

  it('raised no script errors or CSP violations in the page', () => {
    expect(problems).toEqual([]);
  });
});
