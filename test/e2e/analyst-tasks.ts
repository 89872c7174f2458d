/**
 * The six jobs of a new analyst (docs/ui.md, "Where each job is"), walked from the landing page
 * by visible navigation only: tabs, buttons and fields found by the names a person reads. Needs a
 * workspace with ml-100k, a serving snapshot (the TEST FIXTURE) and one stored evaluation run of
 * three models (evaluation-stats.e2e.ts makes both). Expected values come from the Api.
 * Screenshots (viewport 1440×900, full page): test-results/e2e/task-*.png.
 */
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import type { ApiImpl, KgSubgraph } from '../../main/api';
import { value } from './browser';

/**
 * Pairs of visible controls (inputs, selects, buttons, labels) under `root` whose visible boxes
 * overlap by more than a pixel. A box is cut to its scrolling ancestors (a list scrolled out of
 * view is not drawn there); a label wrapping its own control, or an element inside another, is not a pair.
 */
async function overlappingControls(page: Page, root: string): Promise<string[]> {
  return page.evaluate((sel) => {
    type Rect = { left: number; top: number; right: number; bottom: number };
    const visible = (e: HTMLElement): Rect | null => {
      const r = e.getBoundingClientRect();
      let box: Rect = { left: r.left, top: r.top, right: r.right, bottom: r.bottom };
      for (let a = e.parentElement; a !== null; a = a.parentElement) {
        const st = getComputedStyle(a);
        if (st.overflowX === 'visible' && st.overflowY === 'visible') continue;
        const c = a.getBoundingClientRect();
        box = { left: Math.max(box.left, c.left), top: Math.max(box.top, c.top), right: Math.min(box.right, c.right), bottom: Math.min(box.bottom, c.bottom) };
      }
      return box.right - box.left > 0 && box.bottom - box.top > 0 && getComputedStyle(e).visibility !== 'hidden' ? box : null;
    };
    const els: HTMLElement[] = [];
    const boxes: Rect[] = [];
    for (const e of document.querySelectorAll<HTMLElement>(`${sel} input, ${sel} select, ${sel} button, ${sel} label, ${sel} textarea`)) {
      const b = visible(e);
      if (b === null) continue;
      els.push(e);
      boxes.push(b);
    }
    const name = (e: HTMLElement): string => `${e.tagName.toLowerCase()}${e.id !== '' ? `#${e.id}` : ''} "${(e.textContent ?? '').trim().slice(0, 30)}"`;
    const out: string[] = [];
    for (let i = 0; i < els.length; i++) {
      for (let j = i + 1; j < els.length; j++) {
        if (els[i].contains(els[j]) || els[j].contains(els[i])) continue;
        const [a, b] = [boxes[i], boxes[j]];
        const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
        const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
        if (w > 1 && h > 1) out.push(`${name(els[i])} × ${name(els[j])}`);
      }
    }
    return out;
  }, root);
}

/** The legend's count per type equals the number of nodes of that type the canvas drew, and the total the drawn nodes. */
async function legendMatchesDrawing(page: Page, want: KgSubgraph): Promise<void> {
  const graph = page.locator('[data-testid="kg-graph"]');
  await page.waitForFunction((n) => Number(document.querySelector('[data-testid="kg-graph"]')?.getAttribute('data-node-count') ?? -1) === n, want.nodes.length);
  const drawn = JSON.parse((await graph.getAttribute('data-node-types')) ?? '{}') as Record<string, number>;
  const rows = page.locator('#panel-kg .legend-row');
  await expect.poll(() => rows.count()).toBe(Object.keys(drawn).length);
  const legend: Record<string, number> = {};
  for (const row of await rows.all()) legend[(await row.getAttribute('data-type')) ?? '?'] = Number(await row.getAttribute('data-count'));
  expect(legend).toEqual(drawn);
  expect(Object.values(drawn).reduce((a, b) => a + b, 0)).toBe(want.nodes.length);
  // every count is also written where a person reads it
  for (const [type, n] of Object.entries(legend)) expect(await page.locator(`#panel-kg .legend-row[data-type="${type}"]`).textContent()).toContain(String(n));
}

/** What labelsOnScreen reads of a cytoscape node and of the instance (cytoscape keeps it on its container, .kg-canvas inside the graph box, as `_cyreg.cy`). */
interface CyNode {
  id(): string;
  data(key: string): unknown;
  style(name: string): string;
}
interface Cy {
  zoom(): number;
  zoom(o: { level: number; renderedPosition: { x: number; y: number } }): void;
  nodes(): { forEach(f: (n: CyNode) => void): void };
}

/**
 * The node labels cytoscape draws in the explorer now, with their size on screen (zoom × font
 * size): a label is drawn when it has text, is not transparent, and its size on screen reaches
 * its min-zoomed-font-size (cytoscape's level of detail). `zoomTo` first zooms about the box's middle.
 */
async function labelsOnScreen(page: Page, zoomTo?: number): Promise<{ zoom: number; nodes: number; drawn: { id: string; distance: number; px: number }[] }> {
  return page.evaluate((level) => {
    const box = document.querySelector('[data-testid="kg-graph"] .kg-canvas') as (HTMLElement & { _cyreg?: { cy?: Cy } }) | null;
    const cy = box?._cyreg?.cy;
    if (box === null || cy === undefined) throw new Error('no cytoscape instance on the KG graph box');
    if (level !== undefined) cy.zoom({ level, renderedPosition: { x: box.clientWidth / 2, y: box.clientHeight / 2 } });
    const zoom = cy.zoom();
    const drawn: { id: string; distance: number; px: number }[] = [];
    let nodes = 0;
    cy.nodes().forEach((n) => {
      nodes++;
      const px = zoom * parseFloat(n.style('font-size'));
      if (n.style('label') !== '' && Number(n.style('text-opacity')) > 0 && px >= parseFloat(n.style('min-zoomed-font-size'))) drawn.push({ id: n.id(), distance: Number(n.data('distance')), px });
    });
    return { zoom, nodes, drawn };
  }, zoomTo);
}

export async function analystTasks(page: Page, api: ApiImpl, url: string, shots: string): Promise<void> {
  const shot = (name: string) => page.screenshot({ path: join(shots, `task-${name}.png`), fullPage: true });
  const tab = (name: string): Locator => page.getByRole('tab', { name, exact: true });
  const sub = async (r: Parameters<ApiImpl['kgSubgraph']>[0]): Promise<KgSubgraph> => value(await api.kgSubgraph(r));

  await page.goto(url);
  // the landing page: the tab bar names every place a job is found
  await expect.poll(() => page.getByRole('tab').allTextContents()).toEqual(['Datasets', 'Knowledge graph', 'Recommendations', 'Evaluation', 'Report', 'Labeling', 'Fine-tune']);
  expect(await tab('Datasets').getAttribute('aria-selected')).toBe('true');

  // 1. explore the KG around a film, and a path between two films
  await tab('Knowledge graph').click();
  await page.getByLabel('Search the KG').fill('Toy Story');
  await page.getByLabel('Search the KG').press('Enter');
  await page.getByRole('button', { name: 'Toy Story (1995)', exact: true }).first().click();
  const one = await sub({ item: '1', hops: 1, cap: 200 });
  await legendMatchesDrawing(page, one);
  // at one hop the opening zoom draws every label, each ≥ 11 px on screen
  const oneLabels = await labelsOnScreen(page);
  expect(oneLabels.drawn.length).toBe(one.nodes.length);
  expect(Math.min(...oneLabels.drawn.map((l) => l.px))).toBeGreaterThanOrEqual(11);
  await shot('kg-toy-story-1-hop');
  expect(await overlappingControls(page, '.kg-side')).toEqual([]);
  expect(await overlappingControls(page, '.kg-controls')).toEqual([]);
  expect(await overlappingControls(page, 'fieldset.relations')).toEqual([]);
  // few edges at one hop: keep only the smaller relations (≤ 40 edges) and every edge carries its label
  const bySize = [...one.relations].sort((a, b) => a.count - b.count);
  const keep: string[] = [];
  let edges = 0;
  for (const r of bySize) {
    if (edges + r.count > 40) continue;
    keep.push(r.label);
    edges += r.count;
  }
  expect(keep.length).toBeGreaterThan(0);
  for (const r of one.relations) if (!keep.includes(r.label)) await page.getByRole('checkbox', { name: new RegExp(`^${r.label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} `) }).uncheck();
  const few = await sub({ item: '1', hops: 1, cap: 200, relations: one.relations.filter((r) => keep.includes(r.label)).flatMap((r) => r.relations) });
  await legendMatchesDrawing(page, few);
  const graph = page.locator('[data-testid="kg-graph"]');
  expect(Number(await graph.getAttribute('data-edge-count'))).toBe(few.edges.length);
  expect(few.edges.length).toBeGreaterThan(0);
  expect(await graph.getAttribute('data-edge-labels')).toBe(String(few.edges.length));
  await shot('kg-toy-story-1-hop-few-edges');
  for (const r of one.relations) if (!keep.includes(r.label)) await page.getByRole('checkbox', { name: new RegExp(`^${r.label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} `) }).check();
  await legendMatchesDrawing(page, one);
  await page.getByLabel('Hops').selectOption('2');
  const two = await sub({ item: '1', hops: 2, cap: 200, perNode: 8 });
  await legendMatchesDrawing(page, two);
  expect(await overlappingControls(page, '.kg-controls')).toEqual([]);
  // at two hops (200 nodes) the opening zoom fits the whole neighbourhood: the labels drawn there
  // are ≥ 11 px on screen (the rest wait for zooming in), and they include the centre, first-ring
  // nodes and second-ring nodes
  const twoLabels = await labelsOnScreen(page);
  expect(twoLabels.nodes).toBe(two.nodes.length);
  expect(Math.min(...twoLabels.drawn.map((l) => l.px))).toBeGreaterThanOrEqual(11);
  expect(twoLabels.drawn.map((l) => l.id)).toEqual(expect.arrayContaining([...two.center]));
  expect(twoLabels.drawn.filter((l) => l.distance === 1).length).toBeGreaterThanOrEqual(10);
  expect(twoLabels.drawn.filter((l) => l.distance === 2).length).toBeGreaterThanOrEqual(10);
  expect(twoLabels.drawn.length).toBeLessThan(two.nodes.length);
  await shot('kg-toy-story-2-hops');
  // zoomed in to 1:1 every label is drawn, still ≥ 11 px
  await labelsOnScreen(page, 1);
  await expect.poll(async () => (await labelsOnScreen(page)).drawn.length).toBe(two.nodes.length);
  expect(Math.min(...(await labelsOnScreen(page)).drawn.map((l) => l.px))).toBeGreaterThanOrEqual(11);
  await page.getByLabel('Hops').selectOption('1');
  await legendMatchesDrawing(page, one);
  const aladdin = value(await api.kgSearch({ query: 'Aladdin', limit: 20 })).find((h) => h.item !== null && /^Aladdin \(1992\)/.test(h.label));
  if (aladdin === undefined || aladdin.item === null) throw new Error('Aladdin (1992) not found in the KG');
  const paths = value(await api.kgPaths({ from: { item: '1' }, to: { item: aladdin.item } }));
  await page.getByLabel('Find the other end').fill('Aladdin');
  await page.getByLabel('Find the other end').press('Enter');
  await page.getByRole('button', { name: `Path to ${aladdin.label}` }).click();
  await expect.poll(() => page.getByRole('list', { name: 'Paths' }).locator('li').allTextContents()).toEqual([...paths.paths]);
  const pathGraph = page.locator('[data-testid="kg-path-graph"]');
  await expect.poll(() => pathGraph.getAttribute('data-edge-labels')).toBe(String(paths.graph.edges.length));
  await pathGraph.scrollIntoViewIfNeeded();
  await shot('kg-path');

  // 2. why an item is recommended, and a what-if
  await tab('Recommendations').click();
  await page.getByLabel('User id', { exact: true }).fill('1');
  await page.getByRole('button', { name: 'Recommend' }).click();
  const recs = value(await api.recommend({ user: '1', k: 10 }));
  await expect.poll(() => page.locator('table.recs tbody tr').count()).toBe(recs.items.length);
  await page.getByRole('button', { name: 'Why?' }).first().click();
  const explanation = page.locator('.explanation');
  await expect.poll(() => explanation.locator('.reason').textContent()).toBe(recs.items[0].explanation.reason);
  await explanation.getByRole('button', { name: 'Ask what if' }).click();
  await expect.poll(() => page.locator('.what-if .what-if-list li').count(), { timeout: 120_000 }).toBeGreaterThan(0);
  await page.locator('.what-if').scrollIntoViewIfNeeded();
  await shot('why-and-what-if');

  // 3. three models compared with significance and error bars (the run evaluation-stats.e2e.ts made)
  await tab('Evaluation').click();
  const scope = page.locator('#panel-evaluation');
  const table = scope.locator('.run-current table.comparison').first();
  await expect.poll(() => table.locator('tbody tr').count()).toBe(3);
  expect(await table.locator('.sig-mark').count()).toBeGreaterThan(0);
  const chart = scope.locator('.run-current .metric-chart').first();
  await expect.poll(() => chart.locator('.recharts-errorBar').count()).toBe(3);
  await table.scrollIntoViewIfNeeded();
  await shot('compare-three-models');

  // 4. slices
  await scope.getByLabel('Slice by').selectOption('gender');
  const slices = scope.locator('.run-current table.slices');
  await expect.poll(() => slices.locator('tbody th').allTextContents()).toEqual(['F', 'M']);
  await slices.scrollIntoViewIfNeeded();
  await shot('slices');

  // 5. label pairs with the user's history beside them
  await tab('Labeling').click();
  const queue = value(await api.labelQueue({ limit: 30 }));
  expect(queue.length).toBeGreaterThan(0);
  const hist = value(await api.userHistory({ user: queue[0].user, limit: 10 }));
  const histList = page.getByRole('list', { name: 'User history, highest rated first' }).locator('li');
  await expect.poll(() => histList.allTextContents()).toEqual(hist.items.map((h) => `${h.title} (${h.rating})`));
  await expect.poll(() => page.locator('.pair-item-name').textContent()).toBe(queue[0].title);
  await shot('labeling-with-history');
  expect(await overlappingControls(page, '#panel-labeling')).toEqual([]);

  // 6. fine-tune and watch the curve: with no fine-tuned version the comparison says why it is off;
  // a started job shows its stage and percent at once (then it is cancelled: the walk only finds it)
  await tab('Fine-tune').click();
  const ft = page.locator('#panel-finetune');
  const compare = ft.getByRole('button', { name: 'Evaluate semantic vs semantic-ft' });
  expect(await compare.isDisabled()).toBe(true);
  expect(await compare.getAttribute('title')).toMatch(/^No fine-tuned version yet/);
  await page.getByLabel('Epochs (max)').fill('1');
  await ft.getByRole('button', { name: 'Start fine-tuning' }).click();
  const job = ft.getByRole('group', { name: 'Fine-tuning job' });
  await expect.poll(() => job.locator('.job-line').textContent()).toMatch(/\d+%/);
  expect(await job.locator('progress.job-progress').getAttribute('value')).not.toBeNull();
  await expect.poll(() => job.locator('.job-timing').textContent()).toMatch(/^running \d+ s · /);
  expect(await ft.locator('.curve-empty, .curve-chart').count()).toBe(1);
  await shot('finetune');
  await job.getByRole('button', { name: 'Cancel' }).click();
  await expect.poll(() => job.locator('.job-state').textContent(), { timeout: 60_000 }).toBe('Cancelled');
}
