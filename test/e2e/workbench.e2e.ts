/**
 * The workbench in a real browser: an empty workspace, the real ml-100k imported THROUGH THE UI,
 * the bridge (Api + events WebSocket) started in-process, the built page driven in headless
 * Chromium. Checks what a person sees (counts, titles, drawn graphs, chart bars, the reason,
 * the downloaded report, label counts, training curves) against what the Api answers, and saves
 * a screenshot of every view to test-results/e2e/.
 *
 * The serving snapshot `recommend` reads is a TEST FIXTURE (test/e2e/fixture.ts) written after
 * the import, so the run never spends minutes fitting the hybrid. The tests run in order and
 * share one page, like one person's session.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi, type KgSubgraph, type ApiImpl } from '../../main/api';
import { startBridge, type Bridge } from '../../main/bridge/server';
import { Workspace } from '../../main/core/store';
import { saveSnapshot, type Snapshot } from '../../main/jobs/snapshot';
import { signalName } from '../../main/api/display-names';
import { FIXTURE_K, FIXTURE_SIGNALS, fixtureSnapshot } from './fixture';
import { CHROMIUM, closeSession, openPage, value } from './browser';

const ROOT = resolve(__dirname, '..', '..');
const DATA_DIR = process.env.KNOWREC_DATA_DIR ?? '/work/shared/datasets';
const HAVE_DATA = existsSync(join(DATA_DIR, 'ml-100k'));
const SHOTS = join(ROOT, 'test-results', 'e2e');
/** Small fine-tuning settings: 3 epochs; a small batch keeps each epoch cheap (in-batch negatives cost ∝ pairs × batch). */
const FT = { epochs: '3', batchSize: '32', patience: '3', rank: '16' } as const;

if (!HAVE_DATA) console.warn(`e2e skipped: ml-100k not found under ${DATA_DIR} (set KNOWREC_DATA_DIR)`);

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
    const wsPath = join(dir, 'workspace.sqlite');
    Workspace.create(wsPath).close();
    process.env.KNOWREC_DATA_DIR = DATA_DIR;
    // what-if questions use EASE (fitted once in the what-if worker, ~10 s) so the run never fits the hybrid
    api = createApi({ open: (p) => Workspace.open(p), workspacePath: wsPath, appVersion: 'e2e', modelDir: join(dir, 'model'), adapterDir: join(dir, 'adapters'), whatIf: { model: 'ease' } });
    bridge = await startBridge({ api, staticDir: join(ROOT, 'out', 'renderer'), log: () => undefined });
    ({ context, page } = await openPage(join(dir, 'chromium-profile'), { width: 1440, acceptDownloads: true, onPageError: (msg) => problems.push(msg) }));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()} at ${JSON.stringify(m.location())}`);
    });
  });

  afterAll(() => closeSession({ context, bridge, api, dir }));

  const panel = (key: string): Locator => page.locator(`#panel-${key}`);
  const openTab = async (name: string): Promise<void> => {
    await page.getByRole('tab', { name, exact: true }).click();
    expect(await page.getByRole('tab', { name, exact: true }).getAttribute('aria-selected')).toBe('true');
  };
  const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  const cell = (label: string) => page.locator('table.summary tr', { has: page.locator('th', { hasText: new RegExp(`^${label}$`) }) }).locator('td');
  const drawn = (testId: string) => page.locator(`[data-testid="${testId}"]`);
  const waitNodes = (testId: string, n: number) =>
    page.waitForFunction(
      ([id, want]) => Number(document.querySelector(`[data-testid="${id}"]`)?.getAttribute('data-node-count') ?? -1) === want,
      [testId, n] as const,
    );
  const jobState = (scope: Locator, title: string) => scope.getByRole('group', { name: `${title} job` }).locator('.job-state');
  /** Waits for a job to reach `state`; a failed job stops the wait at once with its message. */
  const waitJob = async (scope: Locator, title: string, state: string, timeout = 120_000): Promise<void> => {
    const group = scope.getByRole('group', { name: `${title} job` });
    await expect
      .poll(
        async () => {
          const now = (await jobState(scope, title).count()) === 0 ? '' : await jobState(scope, title).textContent();
          if (now === 'Failed' && state !== 'Failed') throw new Error(`${title} job failed: ${await group.locator('.error').allTextContents()}`);
          return now;
        },
        { timeout, interval: 250 },
      )
      .toBe(state);
  };
  const subgraph = async (request: Parameters<ApiImpl['kgSubgraph']>[0]): Promise<KgSubgraph> => value(await api.kgSubgraph(request));
  const unionSize = (a: KgSubgraph, b: KgSubgraph): number => new Set([...a.nodes, ...b.nodes].map((n) => n.id)).size;

  it('Datasets: imports ml-100k through the UI with progress, then shows the counts and the validation report', async () => {
    await page.goto(bridge.url);
    // the printed address set the session cookie and redirected: the token left the address bar
    expect(page.url()).toBe(`${bridge.origin}/`);
    await expect.poll(() => page.locator('table.summary caption').textContent()).toContain('No dataset imported yet');
    expect(await cell('Users').textContent()).toBe('0');

    // keyboard: Tab from the active tab goes into the view, and focus is visible
    await page.getByRole('tab', { name: 'Datasets' }).focus();
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement;
      return { id: el.id, outline: getComputedStyle(el).outlineStyle };
    });
    expect(focused.id).toBe('import-registry');
    expect(focused.outline).toBe('solid');

    // a tiny RecBole folder with bad rows first: the report names them by line
    const tiny = join(dir, 'tiny');
    mkdirSync(tiny);
    writeFileSync(join(tiny, 'tiny.item'), 'item_id:token\tmovie_title:token_seq\n1\tFirst Film\n2\tSecond Film\n');
    writeFileSync(
      join(tiny, 'tiny.inter'),
      'user_id:token\titem_id:token\trating:float\ttimestamp:float\n1\t1\t5\t100\n1\t2\t4\t200\n1\t1\t3\t300\n2\t3\t5\t100\n2\t1\t4\t150\n',
    );
    await page.getByLabel('RecBole folder').check();
    await page.getByLabel('Folder path').fill(tiny);
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await waitJob(panel('datasets'), 'Import', 'Done');
    const tinyReport = value(await api.importReport());
    expect(tinyReport?.dataset).toBe('tiny');
    const flagged = tinyReport?.warnings.filter((w) => w.lines.length > 0) ?? [];
    expect(flagged.length).toBeGreaterThan(0); // the duplicate (user, item) row and the unknown item
    await expect.poll(() => page.locator('.warnings li').count()).toBe(tinyReport?.warnings.length ?? -1);
    for (const w of flagged) expect(await page.locator('.warnings').textContent()).toContain(`lines ${w.lines.join(', ')}`);
    await expect.poll(() => cell('Users').textContent()).toBe('2');
    await shot('datasets-bad-rows');

    await page.getByLabel('Registry dataset').check();
    expect(await page.getByLabel('Dataset name').inputValue()).toBe('ml-100k');
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    // the new job replaces the finished one, then finishes
    await expect.poll(() => cell('Users').textContent(), { timeout: 120_000 }).toBe('943');
    await waitJob(panel('datasets'), 'Import', 'Done');

    // the summary refreshes on the 'workspace' event
    await expect.poll(() => cell('Users').textContent()).toBe('943');
    expect(await cell('Items').textContent()).toBe('1,682');
    expect(await cell('Interactions').textContent()).toBe('100,000');
    const summary = value(await api.workspaceSummary());
    expect(await cell('KG triples').textContent()).toBe(summary.triples.toLocaleString('en-US'));
    expect(await page.locator('table.summary caption').textContent()).toContain('ml-100k');

    // per-file validation report, as the Api has it
    const report = value(await api.importReport());
    expect(report).not.toBeNull();
    if (report === null) return;
    await expect.poll(() => page.locator('table.files tbody tr').count()).toBe(report.files.length);
    const inter = report.files.find((f) => f.kind === 'inter');
    expect(inter?.rows).toBe(100_000);
    const interRow = page.locator('table.files tbody tr', { hasText: inter?.file ?? '?' });
    expect(await interRow.locator('td').nth(2).textContent()).toBe('100,000');
    expect(await page.locator('.import-report h3').textContent()).toBe(`Warnings (${report.warnings.length})`);
    expect(await page.locator('.warnings li').count()).toBe(report.warnings.length);
    const withLines = report.warnings.find((w) => w.lines.length > 0);
    if (withLines !== undefined) expect(await page.locator('.warnings').textContent()).toContain(`lines ${withLines.lines.join(', ')}`);
    expect(await page.locator('table.items tbody tr').count()).toBe(25);
    await shot('datasets');

    // TEST FIXTURE serving snapshot from the data just imported (see fixture.ts)
    const ws = Workspace.open(summary.path);
    try {
      fixture = fixtureSnapshot(ws.loadDataset());
    } finally {
      ws.close();
    }
    saveSnapshot(join(dir, 'model'), fixture);
  }, 180_000);

  it('Knowledge graph: opens Toy Story, expands its director by relation, filters, shows more', async () => {
    await page.getByRole('tab', { name: 'Datasets' }).focus();
    await page.keyboard.press('ArrowRight');
    expect(await page.getByRole('tab', { name: 'Knowledge graph' }).getAttribute('aria-selected')).toBe('true');

    await page.getByLabel('Search the KG').fill('Toy Story');
    await page.getByLabel('Search the KG').press('Enter');
    await page.getByRole('button', { name: 'Toy Story (1995)', exact: true }).first().click();

    const one = await subgraph({ item: '1', hops: 1, cap: 200 });
    await waitNodes('kg-graph', one.nodes.length);
    expect(await drawn('kg-graph').getAttribute('data-edge-count')).toBe(String(one.edges.length));
    expect(await page.locator('#item-card-title').textContent()).toBe('Toy Story (1995)');

    // the director, as the card shows it
    const card = value(await api.kgItem({ item: '1' }));
    const directed = card.facts.find((f) => f.label === 'directed by');
    expect(directed).toBeDefined();
    if (directed === undefined) return;
    expect(await page.locator('.card .facts li', { hasText: 'directed by' }).first().textContent()).toContain(directed.entityLabel);

    // pick the director in the node list (keyboard path) and expand it by its relations; in
    // ml-100k's KG Toy Story's director made no other film of the catalog, so the union with the
    // expansion is what the Api says, whatever its size
    await page.getByLabel('Node', { exact: true }).selectOption(directed.entity);
    await expect.poll(() => page.locator('#node-panel-title').textContent()).toContain(directed.entityLabel);
    const around = await subgraph({ entity: directed.entity, hops: 1, cap: 1 });
    expect(around.relations.length).toBeGreaterThan(0);
    const expandButtons = page.locator('.expand-list button');
    await expect.poll(() => expandButtons.allTextContents()).toEqual(around.relations.map((r) => `Expand ${r.label} (${r.count})`));
    let shown = one;
    for (const rel of around.relations) {
      const part = await subgraph({ entity: directed.entity, hops: 1, cap: 200, relations: [rel.relation] });
      expect(part.nodes.map((n) => n.id)).toContain(directed.entity);
      shown = { ...shown, nodes: [...shown.nodes, ...part.nodes] };
      await page.getByRole('button', { name: `Expand ${rel.label} (${rel.count})` }).click();
      expect(await page.getByRole('button', { name: `Expand ${rel.label} (${rel.count})` }).isDisabled()).toBe(true);
    }
    await waitNodes('kg-graph', unionSize(one, shown));
    if (unionSize(one, shown) === one.nodes.length) {
      // nothing new: the explorer says so instead of silently adding nothing
      await expect.poll(() => page.locator('[role="status"].notice').first().textContent()).toMatch(/^No new neighbours/);
    }
    await shot('kg-expand-director');

    // a node whose expansion grows the graph: the Animation genre brings its films
    const genre = card.facts.find((f) => f.entityLabel === 'Animation');
    expect(genre).toBeDefined();
    if (genre === undefined) return;
    await page.getByLabel('Node', { exact: true }).selectOption(genre.entity);
    const genreAround = await subgraph({ entity: genre.entity, hops: 1, cap: 1 });
    const genreRel = genreAround.relations.find((r) => r.relation === genre.relation);
    expect(genreRel).toBeDefined();
    if (genreRel === undefined) return;
    const films = await subgraph({ entity: genre.entity, hops: 1, cap: 200, relations: [genreRel.relation] });
    const grown = unionSize(shown, films);
    expect(grown).toBeGreaterThan(unionSize(one, shown));
    await page.getByRole('button', { name: `Expand ${genreRel.label} (${genreRel.count})` }).click();
    await waitNodes('kg-graph', grown);
    const options = await page.locator('#kg-node option').allTextContents();
    for (const film of films.nodes.filter((n) => n.kind === 'item')) expect(options).toContain(`${film.label} (item)`);
    await shot('kg-expand-genre');
    await page.getByRole('button', { name: /^Clear expansions/ }).click();
    await waitNodes('kg-graph', one.nodes.length);

    // relation filter: hide the actors
    const withoutActors = one.relations.map((r) => r.relation).filter((r) => r !== 'film.film.actor');
    const filtered = await subgraph({ item: '1', hops: 1, cap: 200, relations: withoutActors });
    expect(filtered.nodes.length).toBeLessThan(one.nodes.length);
    await page.getByRole('checkbox', { name: /^has actor/ }).uncheck();
    await waitNodes('kg-graph', filtered.nodes.length);
    await page.getByRole('checkbox', { name: /^has actor/ }).check();
    await waitNodes('kg-graph', one.nodes.length);

    // the legend counts each type drawn, with the Api's types; pressing one highlights them all
    const types = new Map<string, number>();
    for (const n of one.nodes) types.set(n.type, (types.get(n.type) ?? 0) + 1);
    const legend = page.getByRole('group', { name: 'Legend: node types' }).getByRole('button');
    await expect.poll(() => legend.count()).toBe(types.size);
    for (const [type, count] of types) expect(await page.locator(`.legend-row[data-type="${type}"]`).getAttribute('data-count')).toBe(String(count));
    const [topType, topCount] = [...types.entries()].sort((a, b) => b[1] - a[1])[0];
    await page.locator(`.legend-row[data-type="${topType}"]`).click();
    expect(await page.locator(`.legend-row[data-type="${topType}"]`).getAttribute('aria-pressed')).toBe('true');
    await expect.poll(() => page.getByText(new RegExp(`^Highlighted ${topCount} × `)).count()).toBe(1);
    await page.locator(`.legend-row[data-type="${topType}"]`).click();
    // a relation stated both ways is one filter: no entry's names overlap another's
    const names = one.relations.flatMap((r) => r.relations);
    expect(new Set(names).size).toBe(names.length);
    expect(await page.locator('fieldset.relations input[type="checkbox"]').count()).toBe(one.relations.length);
    // the sidebar's search controls and the graph's controls do not overlap
    const boxes = await Promise.all(['#kg-query', '.kg-side form.search button', 'label[for="kg-hops"]', '#kg-hops'].map((q) => page.locator(q).first().boundingBox()));
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const [a, b] = [boxes[i], boxes[j]];
        if (a === null || b === null) throw new Error('a sidebar control is not drawn');
        const overlap = a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
        expect(overlap, `controls ${i} and ${j} overlap`).toBe(false);
      }
    }
    await shot('kg-one-hop');

    // two hops: each node beyond the first ring brings its 8 best-connected neighbours; past the cap, "Show more" doubles it
    const two = await subgraph({ item: '1', hops: 2, cap: 200, perNode: 8 });
    expect(two.truncated).toBe(true);
    await page.getByLabel('Hops').selectOption('2');
    await waitNodes('kg-graph', two.nodes.length);
    expect(await page.getByLabel('Per node').inputValue()).toBe('8');
    const more = await subgraph({ item: '1', hops: 2, cap: 400, perNode: 8 });
    await page.getByRole('button', { name: 'Show more' }).click();
    await waitNodes('kg-graph', more.nodes.length);
    expect(more.nodes.length).toBeGreaterThan(two.nodes.length);
    await shot('kg-two-hops');

    // save this view, go back to one hop, restore it
    await page.getByLabel('Save view as').fill('Toy Story, two hops');
    await page.getByRole('button', { name: 'Save view' }).click();
    await page.getByLabel('Hops').selectOption('1');
    await waitNodes('kg-graph', one.nodes.length);
    await page.getByLabel('Saved', { exact: true }).selectOption('Toy Story, two hops');
    await page.getByRole('button', { name: 'Restore' }).click();
    await waitNodes('kg-graph', two.nodes.length);
    expect(await page.getByLabel('Hops').inputValue()).toBe('2');
    await page.getByLabel('Hops').selectOption('1');
    await waitNodes('kg-graph', one.nodes.length);
    await shot('kg');
  });

  it('Knowledge graph paths: finds and draws what joins Toy Story to another film, edge labels shown', async () => {
    const hit = value(await api.kgSearch({ query: 'Aladdin', limit: 20 })).find((h) => h.item !== null && /^Aladdin \(1992\)/.test(h.label));
    expect(hit).toBeDefined();
    if (hit === undefined || hit.item === null) return;
    const want = value(await api.kgPaths({ from: { item: '1' }, to: { item: hit.item } }));
    expect(want.paths.length).toBeGreaterThan(0);
    await page.getByLabel('Find the other end').fill('Aladdin');
    await page.getByLabel('Find the other end').press('Enter');
    await page.getByRole('button', { name: `Path to ${hit.label}` }).click();
    await expect.poll(() => page.getByRole('list', { name: 'Paths' }).locator('li').allTextContents()).toEqual([...want.paths]);
    await waitNodes('kg-path-graph', want.graph.nodes.length);
    // few edges: every edge carries its relation as a label
    expect(await drawn('kg-path-graph').getAttribute('data-edge-labels')).toBe(String(want.graph.edges.length));
    await page.getByRole('list', { name: 'Paths' }).scrollIntoViewIfNeeded();
    await shot('kg-path');
    await page.getByRole('button', { name: 'Change' }).click();
  });

  it('Knowledge graph edits: adds a fact with a new entity, sees it, undoes it', async () => {
    const before = value(await api.kgItem({ item: '1' }));
    const facts = page.locator('.card .facts > li');
    expect(await facts.count()).toBe(before.facts.length);
    const relation = await page.getByLabel('Relation', { exact: true }).inputValue();
    expect(relation).not.toBe('');
    await page.getByLabel('Tail', { exact: true }).fill('E2E Test Studio');
    await page.getByRole('button', { name: 'New entity' }).click();
    await expect.poll(() => page.locator('.fact-tail-choice').textContent()).toBe('new entity “E2E Test Studio”');
    await page.getByRole('button', { name: 'Add fact' }).click();

    await expect.poll(() => facts.count()).toBe(before.facts.length + 1);
    expect(await page.locator('.card .facts').textContent()).toContain('E2E Test Studio');
    const after = value(await api.kgItem({ item: '1' }));
    expect(after.facts.some((f) => f.entityLabel === 'E2E Test Studio' && f.relation === relation)).toBe(true);
    await expect.poll(() => page.locator('.edits li').first().textContent()).toContain('E2E Test Studio');
    expect(await page.locator('.edits li').first().textContent()).toMatch(/^Added/);
    const grown = await subgraph({ item: '1', hops: 1, cap: 200 });
    await waitNodes('kg-graph', grown.nodes.length);
    await shot('kg-edit');

    await page.getByRole('button', { name: 'Undo last edit' }).click();
    await expect.poll(() => facts.count()).toBe(before.facts.length);
    expect(await page.locator('.card .facts').textContent()).not.toContain('E2E Test Studio');
    await expect.poll(() => page.locator('.edits li').first().getAttribute('class')).toBe('undone');
    expect(await page.locator('[role="status"].notice').textContent()).toContain('Undone');
    const edits = value(await api.kgEdits({ offset: 0, limit: 10 }));
    expect(edits.rows[0].undone).toBe(true);

    // remove an existing fact, then undo the removal
    const victim = before.facts.find((f) => !f.derived) ?? before.facts[0];
    await page.getByRole('button', { name: `Remove fact ${victim.label} ${victim.entityLabel}` }).first().click();
    await expect.poll(() => facts.count()).toBe(before.facts.length - 1);
    // the history list refreshes after the facts card: wait for it as after the addition
    await expect.poll(() => page.locator('.edits li').first().textContent()).toMatch(/^Removed/);
    await page.getByRole('button', { name: 'Undo last edit' }).click();
    await expect.poll(() => facts.count()).toBe(before.facts.length);

    // a fact label from the card: wrong
    const stats0 = value(await api.labelStats());
    await page.getByRole('button', { name: `Label fact ${victim.label} ${victim.entityLabel} wrong` }).first().click();
    await expect.poll(() => page.locator('[role="status"].notice').textContent()).toContain('Labelled wrong');
    expect(value(await api.labelStats()).factWrong).toBe(stats0.factWrong + 1);
  });

  it('Recommendations and Explanation: top-k for user 1, why the first one (bars, path graph, reason, en/zh)', async () => {
    await openTab('Recommendations');
    await page.getByLabel('User id', { exact: true }).fill('nobody');
    await page.getByRole('button', { name: 'Recommend' }).click();
    await expect.poll(() => panel('recommendations').getByRole('alert').textContent()).toContain('no user with id "nobody"');

    await page.getByLabel('User id', { exact: true }).fill('1');
    await page.getByLabel('Top', { exact: true }).fill('5');
    await page.getByRole('button', { name: 'Recommend' }).click();
    const mine = fixture.recommendations['1'].slice(0, 5);
    await expect.poll(() => page.locator('table.recs tbody tr').count()).toBe(mine.length);
    expect(await page.locator('table.recs tbody tr td:nth-child(2)').allTextContents()).toEqual(mine.map((m) => m.title));
    expect(await page.locator('table.recs tbody tr td.num').first().textContent()).toBe(mine[0].score.toFixed(4));
    await shot('recommendations');

    await page.getByRole('button', { name: 'Why?' }).first().click();
    const explanation = page.locator('.explanation');
    await expect.poll(() => explanation.locator('.recharts-bar-rectangle').count()).toBe(Object.keys(FIXTURE_SIGNALS).length);
    // signals by their display names, each explained in the legend
    const legend = await explanation.locator('.legend dt').allTextContents();
    for (const name of Object.keys(FIXTURE_SIGNALS)) expect(legend).toContain(signalName(name));
    expect(await explanation.locator('.reason').textContent()).toBe(mine[0].explanation.reason);
    expect(await explanation.locator('.history li').count()).toBe(mine[0].explanation.history.length);

    // the KG path subgraph from the history to the item, as explainPath answers it
    const path = value(await api.explainPath({ user: '1', item: mine[0].item }));
    if (path.edges.length > 0) {
      await waitNodes('path-graph', path.nodes.length);
      expect(await drawn('path-graph').getAttribute('data-edge-count')).toBe(String(path.edges.length));
    } else {
      await expect.poll(() => explanation.locator('.path-empty').count()).toBe(1);
    }
    await shot('explanation');

    // the reason in Chinese, as recommend answers with lang zh
    const zh = value(await api.recommend({ user: '1', k: 5, lang: 'zh' }));
    await page.getByLabel('Reason in').selectOption('zh');
    await expect.poll(() => explanation.locator('.reason').textContent()).toBe(zh.items[0].explanation.reason);
    await shot('explanation-zh');
    await page.getByLabel('Reason in').selectOption('en');
    await expect.poll(() => explanation.locator('.reason').textContent()).toBe(mine[0].explanation.reason);

    await page.getByRole('button', { name: 'Add to report' }).click();
    expect(await page.getByRole('button', { name: 'In the report' }).isDisabled()).toBe(true);
  });

  it('What-if: toggles a history item off and sees the rank change, accepts the explanation and finds the label', async () => {
    await openTab('Recommendations');
    await page.getByLabel('User id', { exact: true }).fill('1');
    await page.getByLabel('Top', { exact: true }).fill('5');
    await page.getByRole('button', { name: 'Recommend' }).click();
    const first = fixture.recommendations['1'][0];
    await expect.poll(() => page.locator('table.recs tbody tr').count()).toBe(5);
    await page.getByRole('button', { name: 'Why?' }).first().click();
    const whatIf = page.locator('.what-if');
    await whatIf.getByRole('button', { name: 'Ask what if' }).click();
    // the button fits the what-if model in its worker; whatIf answers once it is ready
    await expect.poll(async () => value(await api.whatIfModel({})).state, { timeout: 120_000 }).toBe('ready');
    const cited = first.explanation.history.map((h) => h.item);
    const ask = async (withoutHistory: string[]) => value(await api.whatIf({ user: '1', k: FIXTURE_K, item: first.item, cited, withoutHistory }));
    const th = (n: number): string => `${n}${n % 100 >= 11 && n % 100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th')}`;
    const line = (t: { rankAfter: number; rankBefore: number } | null): string => (t === null ? 'The item is not ranked for this user.' : `${first.title} now ranks ${th(t.rankAfter)} (was ${th(t.rankBefore)}).`);
    const target = whatIf.locator('.what-if-target');
    const base = await ask([]);
    await expect.poll(() => target.textContent(), { timeout: 120_000 }).toBe(line(base.target));
    expect(base.history.length).toBeGreaterThan(0);
    expect(await whatIf.locator('.what-if-list li').count()).toBe(base.items.length);

    // switch the top contributor off with the keyboard: the item moves, as whatIf says
    const top = base.history[0];
    const box = whatIf.locator(`input[type=checkbox][id="wi-h-${top.item}"]`);
    await box.focus();
    await page.keyboard.press('Space');
    expect(await box.isChecked()).toBe(false);
    const without = await ask([top.item]);
    expect(without.target?.rankAfter).not.toBe(without.target?.rankBefore);
    await expect.poll(() => target.textContent()).toBe(line(without.target));
    await shot('what-if');
    await page.keyboard.press('Space');
    await expect.poll(() => target.textContent()).toBe(line(base.target));

    // accept the explanation: a label with what it cited
    await whatIf.getByRole('button', { name: 'Accept explanation' }).click();
    await expect.poll(() => whatIf.getByRole('status').filter({ hasText: 'Accepted' }).count()).toBe(1);
    const labels = value(await api.listLabels({ offset: 0, limit: 10, kind: 'explanation' }));
    expect(labels.rows[0]).toMatchObject({ kind: 'explanation', user: '1', item: first.item, value: 1, provenance: { history: cited, facts: first.explanation.facts } });
    expect(await whatIf.getByRole('status').filter({ hasText: 'Accepted' }).textContent()).toContain(`label #${labels.rows[0].id}`);
  }, 180_000);

  it('Recommendations for a new user: a few picked items', async () => {
    await page.getByLabel('A few picked items (new user)').check();
    await page.getByLabel('Find items').last().fill('Toy Story');
    await page.getByRole('button', { name: 'Find', exact: true }).click();
    await page.getByRole('button', { name: 'Pick Toy Story (1995)' }).click();
    expect(await page.locator('.picks li').count()).toBe(1);
    await page.getByLabel('Top', { exact: true }).last().fill('5');
    await page.getByRole('button', { name: 'Recommend' }).click();
    const want = value(await api.recommendQuery({ items: ['1'], k: 5 }));
    await expect.poll(() => page.locator('table.recs tbody tr').count(), { timeout: 60_000 }).toBe(want.items.length);
    const titles = await page.locator('table.recs tbody tr td:nth-child(2)').allTextContents();
    expect(titles).toEqual(want.items.map((i) => i.title));
    expect(titles).not.toContain('Toy Story (1995)');
    await shot('recommendations-new-user');
  }, 120_000);

  it('Evaluation: runs pop and itemknn (one seed, no tuning) and shows the table and chart bars', async () => {
    await openTab('Evaluation');
    const scope = panel('evaluation');
    expect(await page.getByLabel('pop', { exact: true }).isChecked()).toBe(true);
    expect(await page.getByLabel('itemknn', { exact: true }).isChecked()).toBe(true);
    expect(await page.getByLabel('Tune on validation (slower)').isChecked()).toBe(false);
    await page.getByLabel('Seeds').fill('2020');
    await page.getByRole('button', { name: 'Evaluate', exact: true }).click();
    await waitJob(scope, 'Evaluation', 'Done', 180_000);

    const runs = value(await api.listRuns());
    expect(runs.length).toBe(1);
    const run = value(await api.getRun({ id: runs[0].id }));
    // aligned rows (the first model is the baseline of the differences), display names in the header
    const rows = scope.locator('.run-current table.comparison').first().locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(2);
    const marks = (m: string): string => `${m}${m === run.best ? ' (best)' : ''}${m === run.results[0].model ? ' (baseline)' : ''}`;
    expect(await rows.locator('th').allTextContents()).toEqual(run.results.map((r) => marks(r.model)));
    const ndcgCol = (await scope.locator('.run-current table.comparison').first().locator('thead th').allTextContents()).indexOf(`NDCG@${run.k}`);
    expect(ndcgCol).toBeGreaterThan(0);
    for (let i = 0; i < run.results.length; i++) {
      expect(await rows.nth(i).locator('th, td').nth(ndcgCol).locator('.value').textContent()).toBe(run.results[i].test.ndcg.mean.toFixed(4));
    }
    const testChart = scope.locator('.run-current .metric-chart').first();
    expect(await testChart.locator('figcaption').textContent()).toContain(`NDCG@${run.k} (test)`);
    expect(await testChart.locator('.recharts-bar-rectangle').count()).toBe(2);
    await shot('evaluation');

    await page.getByLabel('Left').selectOption(run.id);
    await page.getByLabel('Right').selectOption(run.id);
    // one table, rows aligned by model: left, right and the difference per metric
    await expect.poll(() => scope.locator('.compare table.runs-compare tbody tr').count()).toBe(2);
    await shot('evaluation-compare');
  }, 240_000);

  it('Report: exports the run and the chosen explanation, downloads a self-contained HTML file', async () => {
    await openTab('Report');
    const runs = value(await api.listRuns());
    await page.getByLabel('Run', { exact: true }).selectOption(runs[0].id);
    const first = fixture.recommendations['1'][0];
    expect(await page.locator('.report-picks li').first().textContent()).toContain(first.title);
    await page.getByRole('button', { name: 'Export report' }).click();
    const link = page.getByRole('link', { name: /^Download / });
    await expect.poll(() => link.count()).toBe(1);
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toMatch(/\.html$/);
    const html = readFileSync(await download.path(), 'utf8');
    expect(html).toMatch(/^<!doctype html>/i);
    for (const model of runs[0].models) expect(html).toContain(model);
    expect(html).toContain(first.title.replace(/&/g, '&amp;').replace(/'/g, '&#39;'));
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+stylesheet/i);
    await shot('report');
  });

  it('Labeling: judges five pairs with the keyboard, sees the counts, undoes one', async () => {
    await openTab('Labeling');
    const scope = panel('labeling');
    const queue = value(await api.labelQueue({ limit: 30 }));
    expect(queue.length).toBeGreaterThanOrEqual(5);
    const before = value(await api.labelStats());
    const stat = (name: string) => scope.locator(`[data-stat="${name}"]`);
    await expect.poll(() => stat('relevant').textContent()).toBe(String(before.relevant));
    await expect.poll(() => scope.locator('#proposal-title').textContent()).toBe(`User ${queue[0].user} — ${queue[0].title}`);
    expect(await scope.locator('.why').textContent()).toContain(queue[0].why);
    expect(await scope.getByLabel('Keyboard shortcuts').textContent()).toContain('relevant');
    // the pair in context: the user's highest-rated history with titles and ratings, the item's card
    const hist = value(await api.userHistory({ user: queue[0].user, limit: 10 }));
    const histList = scope.getByRole('list', { name: 'User history, highest rated first' }).locator('li');
    await expect.poll(() => histList.allTextContents()).toEqual(hist.items.map((h) => `${h.title} (${h.rating})`));
    for (let i = 1; i < hist.items.length; i++) expect(hist.items[i - 1].rating).toBeGreaterThanOrEqual(hist.items[i].rating);
    await expect.poll(() => scope.locator('.pair-item-name').textContent()).toBe(queue[0].title);
    // the queue is in the order of the priority it shows
    const shown = (await scope.locator('.queue .priority').allTextContents()).map(Number);
    expect(shown).toEqual(queue.map((q) => Number(q.priority.toFixed(3))));
    for (let i = 1; i < shown.length; i++) expect(shown[i - 1]).toBeGreaterThanOrEqual(shown[i]);
    await shot('labeling-history');

    await scope.locator('#label-title').click(); // focus in the view, not in a field
    const keys = ['r', 'n', 'r', 'r', 'n'];
    for (let i = 0; i < keys.length; i++) {
      await page.keyboard.press(keys[i]);
      await expect.poll(() => scope.locator('.label-last').textContent()).toContain(`${queue[i].title} for user ${queue[i].user}`);
    }
    const counts = async (): Promise<string> => `${await stat('relevant').textContent()} / ${await stat('not-relevant').textContent()}`;
    await expect.poll(counts).toBe(`${before.relevant + 3} / ${before.notRelevant + 2}`);
    const after = value(await api.labelStats());
    expect([after.relevant, after.notRelevant]).toEqual([before.relevant + 3, before.notRelevant + 2]);
    const labels = value(await api.listLabels({ offset: 0, limit: 10, kind: 'relevance' }));
    expect(labels.total).toBe(before.relevant + before.notRelevant + 5);
    await shot('labeling');

    // U undoes the last (not relevant), K / J move
    await page.keyboard.press('u');
    await expect.poll(counts).toBe(`${before.relevant + 3} / ${before.notRelevant + 1}`);
    expect(await scope.locator('.label-last').textContent()).toBe(`Undone: the label of ${queue[4].title} for user ${queue[4].user}`);
    expect(await scope.locator('#proposal-title').textContent()).toBe(`User ${queue[4].user} — ${queue[4].title}`);
    await page.keyboard.press('k');
    expect(await scope.locator('#proposal-title').textContent()).toBe(`User ${queue[3].user} — ${queue[3].title}`);
    await page.keyboard.press('j');
    expect(await scope.locator('#proposal-title').textContent()).toBe(`User ${queue[4].user} — ${queue[4].title}`);
    await page.keyboard.press('n');
    await expect.poll(counts).toBe(`${before.relevant + 3} / ${before.notRelevant + 2}`);

    // the strategy is named and switchable: uncertainty orders the queue as the Api does
    await scope.getByLabel('Order').selectOption('uncertainty');
    const byU = value(await api.labelQueue({ limit: 30, strategy: 'uncertainty' }));
    await expect.poll(() => scope.locator('#proposal-title').textContent()).toBe(`User ${byU[0].user} — ${byU[0].title}`);
    expect(await scope.locator('.proposal .muted').first().textContent()).toContain('(uncertainty)');
    await scope.getByLabel('Order').selectOption('mixed');
  });

  it('Fine-tune: starts, watches the curve, cancels, resumes, finishes, activates, compares semantic with semantic-ft', async () => {
    await openTab('Fine-tune');
    const scope = panel('finetune');
    expect(await page.getByLabel('Temperature').inputValue()).toBe('0.05');
    for (const [key, v] of Object.entries(FT)) await page.locator(`#ft-${key}`).fill(v);
    await page.getByRole('button', { name: 'Start fine-tuning' }).click();

    // the curve grows epoch by epoch from the job events
    const chart = scope.locator('.curve-chart');
    await waitJob(scope, 'Fine-tuning', 'Running', 120_000);
    await expect
      .poll(
        async () => {
          const now = await jobState(scope, 'Fine-tuning').textContent();
          if (now !== 'Running') throw new Error(`fine-tuning stopped before its first epoch: ${now}`);
          return (await chart.count()) === 0 ? 0 : Number(await chart.getAttribute('data-points'));
        },
        { timeout: 240_000, interval: 250 },
      )
      .toBeGreaterThanOrEqual(1);
    expect(await chart.locator('.recharts-line').count()).toBe(2);
    await shot('finetune-curve');
    await scope.getByRole('button', { name: 'Cancel' }).click();
    await waitJob(scope, 'Fine-tuning', 'Cancelled', 60_000);
    const cancelled = value(await api.listJobs()).find((j) => j.kind === 'finetune');
    const pointsAtCancel = cancelled?.curve.length ?? 0;

    // resume from the checkpoint when the job kept one, else start again
    if (cancelled?.resumable === true) await scope.getByRole('button', { name: 'Resume' }).click();
    else await page.getByRole('button', { name: 'Start again' }).click();
    await waitJob(scope, 'Fine-tuning', 'Done', 300_000);
    const points = Number((await chart.getAttribute('data-points')) ?? 0);
    // a resumed run shows the epochs before the cancel and those after it
    expect(points).toBeGreaterThan(cancelled?.resumable === true ? pointsAtCancel : 0);
    expect(await chart.locator('figcaption').textContent()).toMatch(/validation NDCG@10 \d\.\d{4}/);

    const versions = value(await api.listModelVersions());
    expect(versions.length).toBeGreaterThanOrEqual(1);
    const newest = versions.find((v) => !v.active) ?? versions[0];
    const row = scope.locator(`tr[data-version="${newest.id}"]`);
    await expect.poll(() => row.count()).toBe(1);
    if (!newest.active) await row.getByRole('button', { name: `Make ${newest.id} active` }).click();
    await expect.poll(() => row.locator('td').last().textContent()).toBe('active');
    expect(value(await api.listModelVersions()).find((v) => v.id === newest.id)?.active).toBe(true);
    await shot('finetune-versions');

    // semantic-ft must evaluate the active version: a retrained adapter would not finish here
    await scope.getByRole('button', { name: 'Evaluate semantic vs semantic-ft' }).click();
    await waitJob(scope, 'Comparison', 'Done', 240_000);
    const rows = scope.locator('table.comparison').first().locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(2);
    const names = (await rows.locator('th').allTextContents()).map((t) => t.replace(' (best)', '').replace(' (baseline)', ''));
    expect(names).toEqual(['semantic', 'semantic-ft']);
    const run = value(await api.getRun({ id: value(await api.listRuns())[0].id }));
    expect(run.models).toEqual(['semantic', 'semantic-ft']);
    expect(await scope.locator('.metric-chart').first().locator('.recharts-bar-rectangle').count()).toBe(2);
    await shot('finetune-compare');
  }, 600_000);

  it('raised no script errors or CSP violations in the page', () => {
    expect(problems).toEqual([]);
  });
});
