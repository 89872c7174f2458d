/**
 * One language at a time, in a real browser: the language switch set to 中文 changes the whole
 * workbench at once and is remembered across a reload; then the main views (datasets,
 * recommendations with the explanation, the KG explorer, evaluation, labeling, fine-tune,
 * report) are walked in Chinese, each saved as test-results/e2e/zh-<view>.png at 1440×900, and
 * the visible text (and the labels screen readers read) is checked for English left untranslated.
 *
 * What may stay in Latin letters (the allow-list):
 * - data, not interface: item titles, KG entity labels, user attributes and any text the Api
 *   returns from the dataset (file names, the workspace path, the TEST FIXTURE explanation's
 *   facts and history relations) — removed by value before the check (DATA below);
 * - internal keys shown as tooltips for the curious (`film.film.directed_by`, `has_genre`);
 * - names that read the same in Chinese: the models (pop, itemknn, EASE, BPR, semantic, hybrid …),
 *   protocols (recbole, loo, cold-items), metric abbreviations and formulas (NDCG, MRR, log2, Jaccard), the names of
 *   methods (Wilcoxon, Holm, TransE, CKE, Adam, softmax),
 *   file formats, the product name, key names on the keyboard, and the language's own name
 *   "English" in the switch (ALLOWED below).
 * ml-100k is imported through the Api; the serving snapshot is the TEST FIXTURE of fixture.ts;
 * the evaluation view shows one run of pop (one seed, no tuning) made through the Api.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi, type ApiImpl, type JobInfo } from '../../main/api';
import { startBridge, type Bridge } from '../../main/bridge/server';
import { Workspace } from '../../main/core/store';
import { saveSnapshot } from '../../main/jobs/snapshot';
import { fixtureSnapshot } from './fixture';
import { CHROMIUM, closeSession, settleJob, openPage, value } from './browser';

const ROOT = resolve(__dirname, '..', '..');
const DATA_DIR = process.env.KNOWREC_DATA_DIR ?? '/work/shared/datasets';
const HAVE_DATA = existsSync(join(DATA_DIR, 'ml-100k'));
const SHOTS = join(ROOT, 'test-results', 'e2e');

/** Words that read the same in a Chinese interface (see the header). Compared case-insensitively. */
const ALLOWED = new Set(
  [
    'KnowRec', 'English', 'pop', 'itemknn', 'ease', 'bpr', 'semantic', 'semantic-ft', 'hybrid', 'hybrid-ft', 'hybrid-no-kg', 'hybrid-no-text', 'hybrid-no-cf',
    'kg-profile', 'kg-embed', 'recbole', 'cold-items', 'NDCG', 'MRR', 'Wilcoxon', 'Holm', 'RecBole', 'CSV', 'TSV', 'Parquet', 'JSON', 'Lines', 'Turtle',
    'N-Triples', 'ttl', 'Adam', 'softmax', 'Transformer', 'knowrec', 'fit', 'Alt', 'Ctrl', 'Tab', 'userID', 'interactions', 'user', 'ml-100k', 'PN',
    'hybrid-stacked', 'loo', 'Jaccard', 'log', 'TransE', 'CKE', 'HTML',
  ].map((w) => w.toLowerCase()),
);

/** Latin words (3 letters or more) left after the data strings are taken out. */
export function englishLeft(texts: readonly string[], data: readonly string[]): string[] {
  const longestFirst = [...new Set(data.filter((d) => d.trim().length > 0))].sort((a, b) => b.length - a.length);
  const found = new Set<string>();
  for (const raw of texts) {
    let text = raw;
    // whole words only: taking "items" out of "cold-items" would leave a fragment behind
    for (const d of longestFirst) if (text.includes(d)) text = text.replace(new RegExp(`(?<![A-Za-z-])${d.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![A-Za-z-])`, 'g'), ' ');
    text = text.replace(/[\w-]*[._][\w.-]*/g, ' '); // internal keys (film.film.directed_by, has_genre), file names, numbers
    for (const w of text.match(/[A-Za-z][A-Za-z'-]{2,}/g) ?? []) if (!ALLOWED.has(w.toLowerCase())) found.add(w);
  }
  return [...found].sort();
}

describe.skipIf(!HAVE_DATA)('the workbench in Chinese', () => {
  let dir: string;
  let api: ApiImpl;
  let bridge: Bridge;
  let context: BrowserContext;
  let page: Page;
  const data: string[] = [];
  /** The English labels of the entities described through Toy Story's neighbours (must not show). */
  const described: string[] = [];
  const problems: string[] = [];

  const settle = (job: JobInfo): Promise<JobInfo> => settleJob(api, job);

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: install it (apt-get install chromium) or set KNOWREC_CHROMIUM`);
    const fonts = execFileSync('fc-list', [':lang=zh', 'family'], { encoding: 'utf8' }).trim();
    if (fonts === '') throw new Error("no CJK font: the screenshots would show boxes. Install Debian's fonts-noto-cjk (npm test's set-up does it as root: apt-get install fonts-noto-cjk)");
    mkdirSync(SHOTS, { recursive: true });
    dir = mkdtempSync(join(tmpdir(), 'knowrec-e2e-zh-'));
    const wsPath = join(dir, 'workspace.sqlite');
    Workspace.create(wsPath).close();
    process.env.KNOWREC_DATA_DIR = DATA_DIR;
    api = createApi({ open: (p) => Workspace.open(p), workspacePath: wsPath, appVersion: 'e2e', modelDir: join(dir, 'model'), adapterDir: join(dir, 'adapters'), whatIf: { model: 'ease' } });
    expect((await settle(value(await api.startImport({ dataset: 'ml-100k' })))).state).toBe('done');
    const ws = Workspace.open(wsPath);
    try {
      saveSnapshot(join(dir, 'model'), fixtureSnapshot(ws.loadDataset()));
    } finally {
      ws.close();
    }
    expect((await settle(value(await api.startEvaluation({ protocol: 'recbole', models: ['pop'], seeds: [2020], k: 10, tune: false })))).state).toBe('done');

    // what comes from the data, not from the interface
    const items = value(await api.listItems({ offset: 0, limit: 5000 }));
    data.push(...items.rows.map((r) => r.title), 'ml-100k', wsPath, dir);
    const report = value(await api.importReport());
    if (report !== null) data.push(report.source, ...report.files.map((f) => f.file), ...report.files.map((f) => f.kind), ...(report.link?.unmatchedItems ?? []), report.link?.by ?? '');
    // entity labels are data when they are names; a description ("actor in Toy Story (1995)") is
    // interface text, written by the renderer in Chinese: only the name it is made from is data
    const toy = value(await api.kgSubgraph({ item: '1', hops: 1, cap: 200 }));
    data.push(...toy.nodes.map((n) => n.described?.of ?? n.label));
    described.push(...toy.nodes.filter((n) => n.described !== undefined).map((n) => n.label));
    const card = value(await api.kgItem({ item: '1' }));
    data.push(...card.facts.map((f) => f.entityDescribed?.of ?? f.entityLabel), ...Object.keys(card.attributes), ...Object.values(card.attributes).flat().map(String));
    const recs = value(await api.recommend({ user: '1', k: 10, lang: 'zh' }));
    for (const r of recs.items) data.push(r.explanation.reason, ...r.explanation.facts, ...r.explanation.history.map((h) => h.relation), ...r.explanation.history.map((h) => h.title));
    for (const p of value(await api.labelQueue({ limit: 30 }))) {
      data.push(p.user, p.title);
      const h = value(await api.userHistory({ user: p.user, limit: 10 }));
      data.push(...Object.keys(h.attributes), ...Object.values(h.attributes).flat().map(String), ...h.items.map((x) => x.title));
      const c = value(await api.kgItem({ item: p.item }));
      data.push(...c.facts.map((f) => f.entityDescribed?.of ?? f.entityLabel), ...Object.keys(c.attributes), ...Object.values(c.attributes).flat().map(String));
    }
    // a run's notes are written by the evaluation in English (results file), like the import report's warnings
    for (const r of value(await api.listRuns())) data.push(r.id, ...(value(await api.getRun({ id: r.id })).notes ?? []));

    bridge = await startBridge({ api, staticDir: join(ROOT, 'out', 'renderer'), log: () => undefined });
    ({ context, page } = await openPage(join(dir, 'chromium-profile'), { width: 1440, onPageError: (msg) => problems.push(msg) }));
  }, 300_000);

  afterAll(() => closeSession({ context, bridge, api, dir }));

  /** The visible text of the header, the tabs and the open view, and the labels read by screen readers there. */
  const visibleTexts = (): Promise<string[]> =>
    // a string, so that this file type-checks without the DOM library (it runs in the page)
    page.evaluate(`(() => {
      const out = [];
      const header = document.querySelector('.app-header');
      const tabs = document.querySelector('[role="tablist"]');
      const panel = document.querySelector('[role="tabpanel"]:not([hidden])');
      for (const el of [header, tabs, panel]) if (el !== null) out.push(el.innerText);
      if (panel !== null) {
        for (const el of panel.querySelectorAll('[aria-label], [placeholder], [title]')) {
          if (el.offsetParent === null && el.getAttribute('role') !== 'img') continue;
          for (const a of ['aria-label', 'placeholder', 'title']) {
            const v = el.getAttribute(a);
            if (v !== null) out.push(v);
          }
        }
      }
      return out;
    })()`);

  const walk = async (tab: string, shot: string): Promise<void> => {
    await page.getByRole('tab', { name: tab, exact: true }).click();
    await page.screenshot({ path: join(SHOTS, `${shot}.png`), fullPage: false });
    expect(englishLeft(await visibleTexts(), data), `${shot}: English left in the Chinese interface`).toEqual([]);
  };

  it('switches everything to Chinese at once and remembers it across a reload', async () => {
    await page.goto(bridge.url);
    expect(await page.getByRole('tab', { name: 'Datasets', exact: true }).count()).toBe(1);
    await page.locator('#app-lang').selectOption('zh');
    // one switch: the tabs, headings and the page's language change together
    await expect.poll(() => page.getByRole('tab', { name: '数据集', exact: true }).count()).toBe(1);
    expect(await page.locator('h1').textContent()).toBe('KnowRec 工作台');
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    await page.reload();
    await expect.poll(() => page.getByRole('tab', { name: '知识图谱', exact: true }).count()).toBe(1);
    expect(await page.locator('#app-lang').inputValue()).toBe('zh');
  });

  it('Datasets in Chinese', async () => {
    await page.getByRole('tab', { name: '数据集', exact: true }).click();
    await expect.poll(() => page.locator('table.summary caption').textContent()).toContain('ml-100k');
    await expect.poll(() => page.locator('table.items tbody tr').count()).toBeGreaterThan(0);
    expect(await page.locator('table.summary th').first().textContent()).toBe('用户');
    await walk('数据集', 'zh-datasets');
  });

  it('Recommendations with the explanation in Chinese: signal names and the reason too', async () => {
    await page.getByRole('tab', { name: '推荐', exact: true }).click();
    const scope = page.locator('#panel-recommendations');
    await scope.getByLabel('用户编号').fill('1');
    await scope.getByRole('button', { name: '推荐', exact: true }).click();
    await expect.poll(() => scope.locator('table.recs tbody tr').count()).toBe(10);
    await scope.getByRole('button', { name: '为什么？' }).first().click();
    const explanation = scope.locator('.explanation');
    await expect.poll(() => explanation.locator('.legend dt').count()).toBe(3);
    expect(await explanation.locator('.legend dt').allTextContents()).toContain('知识图谱画像');
    const zh = value(await api.recommend({ user: '1', k: 10, lang: 'zh' }));
    await expect.poll(() => explanation.locator('.reason').textContent()).toBe(zh.items[0].explanation.reason);
    await walk('推荐', 'zh-recommendations');
  });

  it('the KG explorer in Chinese: relation names and node types translated', async () => {
    await page.getByRole('tab', { name: '知识图谱', exact: true }).click();
    await page.getByLabel('搜索知识图谱').fill('Toy Story');
    await page.getByLabel('搜索知识图谱').press('Enter');
    await page.getByRole('button', { name: 'Toy Story (1995)', exact: true }).first().click();
    const graph = page.locator('[data-testid="kg-graph"]');
    await expect.poll(async () => Number(await graph.getAttribute('data-node-count'))).toBeGreaterThan(0);
    const relations = await page.locator('fieldset.relations label').allTextContents();
    expect(relations.some((r) => r.startsWith('导演'))).toBe(true);
    // entities without a name are described in Chinese ("Toy Story (1995) 的演员"), in the node list and the item's facts
    expect(described.length).toBeGreaterThan(0);
    const options = await page.locator('#kg-node option').allTextContents();
    expect(options.some((o) => /^Toy Story \(1995\) 的(演员|导演|编剧|制片人)/.test(o))).toBe(true);
    // the item's facts come from their own call (kgItem), which may answer after the graph's
    await expect.poll(async () => (await page.locator('ul.facts li').allTextContents()).some((f) => / 的(演员|导演|编剧|制片人)/.test(f))).toBe(true);
    const facts = await page.locator('ul.facts li').allTextContents();
    const shown = [...options, ...facts].join('\n');
    for (const english of described) expect(shown).not.toContain(english);
    await walk('知识图谱', 'zh-kg');
  });

  it('Evaluation in Chinese: the run table, comparison and slices', async () => {
    await page.getByRole('tab', { name: '评测', exact: true }).click();
    const scope = page.locator('#panel-evaluation');
    await scope.locator('table.runs tbody button').first().click();
    await expect.poll(() => scope.locator('.run-current table.comparison:not(.beyond) tbody tr').count()).toBe(1);
    expect(await scope.locator('.run-current table.comparison thead th').first().textContent()).toBe('模型');
    expect(await scope.locator('.run-current table.beyond thead th').allTextContents()).toContain('长尾占比@10');
    await walk('评测', 'zh-evaluation');
  });

  it('Labeling in Chinese', async () => {
    await page.getByRole('tab', { name: '标注', exact: true }).click();
    const scope = page.locator('#panel-labeling');
    await expect.poll(() => scope.locator('#proposal-title').count()).toBe(1);
    await expect.poll(() => scope.locator('.pair-history li').count()).toBeGreaterThan(0);
    await walk('标注', 'zh-labeling');
  });

  it('Fine-tune and Report in Chinese, and the report exported in Chinese', async () => {
    await page.getByRole('tab', { name: '微调', exact: true }).click();
    await expect.poll(() => page.locator('#ft-title').textContent()).toBe('微调文本适配器');
    await walk('微调', 'zh-finetune');
    await page.getByRole('tab', { name: '报告', exact: true }).click();
    expect(await page.locator('#report-lang').inputValue()).toBe('zh');
    await walk('报告', 'zh-report');
    const run = value(await api.listRuns())[0].id;
    const html = value(await api.exportReport({ run, lang: 'zh' })).html;
    expect(html).toContain('<html lang="zh-CN">');
    expect(html).toContain('图例');
    expect(problems).toEqual([]);
  });

  it("a job's progress in Chinese: every line the evaluation job shows while it runs", async () => {
    await page.getByRole('tab', { name: '评测', exact: true }).click();
    const scope = page.locator('#panel-evaluation');
    // every text the job line takes, recorded in the page as it changes (a job on ml-100k takes seconds)
    await page.evaluate(`(() => {
      const seen = (window.__jobLines = []);
      const record = () => {
        for (const el of document.querySelectorAll('#panel-evaluation .job-message')) {
          const s = el.textContent.replace(/^ · /, '');
          if (s !== '' && seen[seen.length - 1] !== s) seen.push(s);
        }
      };
      new MutationObserver(record).observe(document.body, { subtree: true, childList: true, characterData: true });
    })()`);
    const before = value(await api.listRuns()).length;
    await scope.getByRole('button', { name: '评测', exact: true }).click();
    await expect.poll(async () => value(await api.listRuns()).length, { timeout: 120_000 }).toBe(before + 1);
    await expect.poll(() => scope.locator('.job-state').textContent()).toBe('已完成');
    const lines = (await page.evaluate('window.__jobLines')) as string[];
    // the job's lines: its seed, stages and steps ("随机种子 2020（1/1）：正在评测 pop（1/2）")
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.some((l) => /^随机种子 2020（1\/1）：/.test(l))).toBe(true);
    for (const l of lines) expect(l, l).toMatch(/[\u4e00-\u9fff]/);
    expect(englishLeft(lines, data), `job lines: ${lines.join(' | ')}`).toEqual([]);
  }, 180_000);
});
