/**
 * The evaluation view as an analyst reads it: three models on ml-100k (pop, itemknn, ease; one
 * seed, no tuning) evaluated through the UI, then the comparison table (aligned rows, differences
 * against a baseline, significance marks from the per-user Wilcoxon test after Holm), the chart's
 * bootstrap error bars, the slice view with its best–worst gap, the sortable runs table, and the
 * chosen run still shown after a reload. Screenshots go to test-results/e2e/.
 * ml-100k is imported through the Api (the UI import is workbench.e2e.ts's job).
 *
 * Then the analyst's task list of docs/ui.md ("Where each job is") walked from the landing page by
 * visible navigation only (tabs, buttons, fields by their names), reusing this workspace and the
 * run just made; screenshots task-*.png at 1440×900. Recommendations and the labeling queue read
 * the TEST FIXTURE serving snapshot (fixture.ts) so nothing here fits the hybrid.
 */
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
import { analystTasks } from './analyst-tasks';
import { CHROMIUM, closeSession, settleJob, openPage, value } from './browser';

const ROOT = resolve(__dirname, '..', '..');
const DATA_DIR = process.env.KNOWREC_DATA_DIR ?? '/work/shared/datasets';
const HAVE_DATA = existsSync(join(DATA_DIR, 'ml-100k'));
const SHOTS = join(ROOT, 'test-results', 'e2e');

describe.skipIf(!HAVE_DATA)('evaluation comparison in Chromium on ml-100k', () => {
  let dir: string;
  let api: ApiImpl;
  let bridge: Bridge;
  let context: BrowserContext;
  let page: Page;

  const settle = (job: JobInfo): Promise<JobInfo> => settleJob(api, job);

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: install it (apt-get install chromium) or set KNOWREC_CHROMIUM`);
    mkdirSync(SHOTS, { recursive: true });
    dir = mkdtempSync(join(tmpdir(), 'knowrec-e2e-eval-'));
    const wsPath = join(dir, 'workspace.sqlite');
    Workspace.create(wsPath).close();
    process.env.KNOWREC_DATA_DIR = DATA_DIR;
    // what-if questions use EASE (fitted once on the first question) so the walk never fits the hybrid
    api = createApi({ open: (p) => Workspace.open(p), workspacePath: wsPath, appVersion: 'e2e', modelDir: join(dir, 'model'), adapterDir: join(dir, 'adapters'), whatIf: { model: 'ease' } });
    const imported = await settle(value(await api.startImport({ dataset: 'ml-100k' })));
    expect(imported.state).toBe('done');
    const ws = Workspace.open(wsPath);
    try {
      saveSnapshot(join(dir, 'model'), fixtureSnapshot(ws.loadDataset()));
    } finally {
      ws.close();
    }
    bridge = await startBridge({ api, staticDir: join(ROOT, 'out', 'renderer'), log: () => undefined });
    ({ context, page } = await openPage(join(dir, 'chromium-profile'), { width: 1440 }));
  }, 180_000);

  afterAll(() => closeSession({ context, bridge, api, dir }));

  it('compares three models with significance marks, error bars and slices, and remembers the run', async () => {
    await page.goto(bridge.url);
    await page.getByRole('tab', { name: 'Evaluation', exact: true }).click();
    const scope = page.locator('#panel-evaluation');
    await page.getByLabel('ease', { exact: true }).check();
    await page.getByLabel('Seeds').fill('2020');
    await page.getByRole('button', { name: 'Evaluate', exact: true }).click();
    const state = scope.getByRole('group', { name: 'Evaluation job' }).locator('.job-state');
    await expect.poll(async () => ((await state.count()) === 0 ? '' : await state.textContent()), { timeout: 240_000, interval: 250 }).toBe('Done');
    // the finished job says "Done" once, not "Done · done"
    expect(await scope.getByRole('group', { name: 'Evaluation job' }).locator('.job-message').count()).toBe(0);

    const run = value(await api.getRun({ id: value(await api.listRuns())[0].id }));
    expect(run.models).toEqual(['pop', 'itemknn', 'ease']);

    // aligned rows, display names, a difference against the baseline (pop) with a mark in every other row
    const table = scope.locator('.run-current table.comparison').first();
    await expect.poll(() => table.locator('tbody tr').count()).toBe(3);
    const heads = await table.locator('thead th').allTextContents();
    expect(heads).toEqual(['Model', 'NDCG@10', 'Recall@10', 'MRR@10', 'Hit rate@10', 'Precision@10']);
    const ndcgCell = (model: string) => table.locator(`tr[data-model="${model}"] td`).first();
    expect(await ndcgCell('pop').locator('.delta').count()).toBe(0);
    const ease = run.results.find((r) => r.model === 'ease');
    const pop = run.results.find((r) => r.model === 'pop');
    expect(await ndcgCell('ease').locator('.value').textContent()).toBe(ease?.test.ndcg.mean.toFixed(4));
    const cmp = run.comparisons?.find((c) => c.a === 'pop' && c.b === 'ease' && c.metric === 'ndcg');
    expect(cmp?.pHolm).toBeLessThan(0.001);
    expect(await ndcgCell('ease').locator('.delta').textContent()).toBe(`+${((ease?.test.ndcg.mean ?? 0) - (pop?.test.ndcg.mean ?? 0)).toFixed(4)}***`);
    expect(await table.locator('.sig-mark').count()).toBe(2 * 5);
    // the interval is in the tooltip
    expect(await ndcgCell('ease').getAttribute('title')).toMatch(/^95% interval 0\.\d{4} – 0\.\d{4}$/);

    // the beyond-accuracy table uses one name for the long-tail metric
    const beyond = scope.locator('.run-current table.beyond thead th');
    expect(await beyond.allTextContents()).toEqual(expect.arrayContaining(['Coverage@10', 'Long-tail share@10', 'Gini@10', 'Average popularity@10', 'Diversity (knowledge graph)@10']));

    // error bars on the chart: one per model
    const chart = scope.locator('.run-current .metric-chart').first();
    expect(await chart.getAttribute('data-error-bars')).toBe('3');
    await expect.poll(() => chart.locator('.recharts-errorBar').count()).toBe(3);
    await chart.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOTS, 'evaluation-significance.png'), fullPage: true });

    // slices by gender: a row per gender, the gap row equal to best − worst
    await page.getByLabel('Slice by').selectOption('gender');
    const slices = scope.locator('.run-current table.slices');
    await expect.poll(() => slices.locator('tbody tr').count()).toBe(2);
    expect(await slices.locator('tbody th').allTextContents()).toEqual(['F', 'M']);
    const f = ease?.slices['gender=F']?.ndcg.mean ?? NaN;
    const m = ease?.slices['gender=M']?.ndcg.mean ?? NaN;
    expect(await slices.locator('tfoot td').last().textContent()).toBe(Math.abs(m - f).toFixed(4));
    await page.getByLabel('Slice by').selectOption('age');
    await expect.poll(() => slices.locator('tbody tr').count()).toBe(7);
    await slices.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOTS, 'evaluation-slices.png'), fullPage: true });

    // two runs in one table with aligned rows: left, right and the difference per metric
    await page.getByLabel('Left').selectOption(run.id);
    await page.getByLabel('Right').selectOption(run.id);
    const compare = scope.locator('.compare table.runs-compare');
    await expect.poll(() => compare.locator('tbody tr').count()).toBe(3);
    expect(await compare.locator('tbody tr[data-model="ease"] td').nth(2).textContent()).toBe('+0.0000');

    // the runs table sorts, and the shown run survives a reload
    const runs = scope.locator('table.runs');
    await runs.getByRole('button', { name: /^Models/ }).click();
    expect(await runs.locator('th[aria-sort="ascending"]').textContent()).toContain('Models');
    await page.reload();
    await page.getByRole('tab', { name: 'Evaluation', exact: true }).click();
    await expect.poll(() => page.locator('#panel-evaluation table.runs tr.selected').getAttribute('data-run')).toBe(run.id);
    await expect.poll(() => page.locator('#panel-evaluation .run-current article').getAttribute('data-run')).toBe(run.id);
  }, 300_000);

  it("walks the analyst's task list of docs/ui.md from the landing page (screenshots task-*.png)", async () => {
    await analystTasks(page, api, bridge.url, SHOTS);
  }, 300_000);
});
