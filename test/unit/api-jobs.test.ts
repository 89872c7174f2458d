/**
 * Jobs through the Api (in-process executor, real workspace files, tiny RecBole folders written
 * here): import with a per-file report and a workspace event, a parse error as the job's error
 * with file, line and column, an evaluation stored as a run with mean/std over seeds and slices,
 * the report, cancel, and bad requests answered with typed errors. One import also runs in a
 * real worker thread.
 *
 * The evaluation data has two user groups with disjoint tastes (group A rates items a0..a11,
 * group B items b0..b11), so item-kNN must beat popularity by construction.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dispatchApi, createApi, type ApiEvent, type JobInfo, type Result, type RunDetail, type ApiImpl } from '../../main/api';
import type { ImportReport } from '../../main/core/data/report';
import { Workspace } from '../../main/core/store';
import { inProcessExecutor, workerExecutor } from '../../main/jobs/job-worker-host';

let dir: string;
let api: ApiImpl;
let events: ApiEvent[];

function value<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}

/** Two groups of 10 users; each user rated 10 of their group's 12 items (ratings 3..5). */
function writeGroups(folder: string, name: string): void {
  mkdirSync(folder, { recursive: true });
  const lines = ['user_id:token\titem_id:token\trating:float\ttimestamp:float'];
  let t = 1;
  for (const g of ['a', 'b']) {
    for (let u = 0; u < 10; u++) {
      for (let k = 0; k < 10; k++) lines.push(`${g}u${u}\t${g}${(u + k) % 12}\t${3 + ((u + k) % 3)}\t${t++}`);
    }
  }
  writeFileSync(join(folder, `${name}.inter`), `${lines.join('\n')}\n`);
  const items = ['item_id:token\tmovie_title:token_seq\tclass:token_seq'];
  for (const g of ['a', 'b']) for (let i = 0; i < 12; i++) items.push(`${g}${i}\t${g === 'a' ? 'Animated' : 'Crime'} Film ${i}\t${g === 'a' ? 'Animation' : 'Crime'}`);
  writeFileSync(join(folder, `${name}.item`), `${items.join('\n')}\n`);
}

async function settle(job: JobInfo): Promise<JobInfo> {
  for (let i = 0; i < 2000; i++) {
    const j = value(await api.getJob({ id: job.id }));
    if (j.state === 'done' || j.state === 'failed' || j.state === 'cancelled') return j;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`job ${job.id} did not finish`);
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'knowrec-api-jobs-'));
  Workspace.create(join(dir, 'w.sqlite')).close();
  api = createApi({ open: (p) => Workspace.open(p), workspacePath: join(dir, 'w.sqlite'), appVersion: 't', executor: inProcessExecutor(), modelDir: join(dir, 'model') });
  events = [];
  api.onEvent((e) => events.push(e));
});

afterEach(() => {
  api.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('import job', () => {
  it('imports a RecBole folder, reports per file, and tells listeners the workspace changed', async () => {
    writeGroups(join(dir, 'groups'), 'groups');
    const started = value(await api.startImport({ folder: join(dir, 'groups') }));
    expect(started.kind).toBe('import');
    const job = await settle(started);
    expect(job.state).toBe('done');
    const report = job.result as ImportReport;
    expect(report.dataset).toBe('groups');
    expect(report.files.map((f) => [f.kind, f.rows])).toEqual(expect.arrayContaining([['inter', 200], ['item', 24]]));
    expect(value(await api.importReport())?.counts.interactions).toBe(200);
    const summary = value(await api.workspaceSummary());
    expect([summary.dataset, summary.users, summary.items, summary.interactions]).toEqual(['groups', 20, 24, 200]);
    // events: queued/running/done for the job, then the new summary
    const jobStates = events.filter((e): e is Extract<ApiEvent, { type: 'job' }> => e.type === 'job').map((e) => e.job.state);
    expect(jobStates[0]).toBe('queued');
    expect(jobStates).toContain('running');
    expect(jobStates.at(-1)).toBe('done');
    await new Promise((r) => setTimeout(r, 20));
    const ws = events.find((e): e is Extract<ApiEvent, { type: 'workspace' }> => e.type === 'workspace');
    expect(ws?.summary.interactions).toBe(200);
    // the Api reads the new data (no stale cache)
    expect(value(await api.listItems({ offset: 0, limit: 5, query: 'crime film 11' })).rows).toEqual([{ id: 'b11', title: 'Crime Film 11' }]);
    expect(value(await api.listJobs()).map((j) => j.id)).toEqual([job.id]);
  });

  it('a parse error fails the job with file, line and column, and keeps the old data', async () => {
    const bad = join(dir, 'bad');
    mkdirSync(bad);
    writeFileSync(join(bad, 'bad.inter'), 'user_id:token\titem_id:token\trating:float\n1\t10\t4\n2\t11\tfive\n');
    const job = await settle(value(await api.startImport({ folder: bad })));
    expect(job.state).toBe('failed');
    expect(job.error?.code).toBe('parse');
    expect(job.error?.message).toMatch(/bad\.inter, line 3, column 3/);
    expect(value(await api.workspaceSummary()).interactions).toBe(0);
  });

  it('answers a bad request at once with a typed error, never as a job', async () => {
    const unknown = await dispatchApi(api, 'startImport', { dataset: 'no-such-dataset' });
    expect(unknown.status).toBe('done');
    expect(!unknown.result.ok && unknown.result.error.code).toBe('not-found');
    const missing = await api.startImport({ folder: join(dir, 'nope') });
    expect(!missing.ok && missing.error.message).toContain('no folder at this path');
    const both = await dispatchApi(api, 'startImport', { dataset: 'ml-100k', folder: '/x' });
    expect(both.status).toBe('invalid-input');
    expect(value(await api.listJobs())).toEqual([]);
    const nojob = await api.getJob({ id: 'job-nope' });
    expect(!nojob.ok && nojob.error.code).toBe('not-found');
  });

  it('runs in a worker thread too', async () => {
    api.close();
    api = createApi({ open: (p) => Workspace.open(p), workspacePath: join(dir, 'w.sqlite'), appVersion: 't', executor: workerExecutor() });
    writeGroups(join(dir, 'groups'), 'groups');
    const job = await settle(value(await api.startImport({ folder: join(dir, 'groups') })));
    expect(job.error).toBeNull();
    expect(job.state).toBe('done');
    expect(value(await api.workspaceSummary()).interactions).toBe(200);
  }, 30_000);
});

describe('evaluation job and runs', () => {
  beforeEach(async () => {
    writeGroups(join(dir, 'groups'), 'groups');
    await settle(value(await api.startImport({ folder: join(dir, 'groups') })));
  });

  it('stores a run with mean, std and per-seed values, a long-tail slice, and a report', async () => {
    const job = await settle(value(await api.startEvaluation({ protocol: 'recbole', models: ['pop', 'itemknn'], seeds: [1, 2], k: 5, tune: false })));
    expect(job.error).toBeNull();
    const runId = (job.result as { run: string }).run;
    const runs = value(await api.listRuns());
    expect(runs.map((r) => r.id)).toEqual([runId]);
    const run: RunDetail = value(await api.getRun({ id: runId }));
    expect(run.seeds).toEqual([1, 2]);
    expect(run.models).toEqual(['pop', 'itemknn']);
    const [pop, knn] = run.results;
    expect(knn.test.ndcg.perSeed).toHaveLength(2);
    const m = knn.test.ndcg;
    expect(m.mean).toBeCloseTo((m.perSeed[0] + m.perSeed[1]) / 2, 5);
    expect(m.std).toBeCloseTo(Math.abs(m.perSeed[0] - m.perSeed[1]) / Math.SQRT2, 5);
    expect(Object.keys(knn.test)).toEqual(expect.arrayContaining(['ndcg', 'recall', 'mrr', 'hit', 'precision', 'coverage', 'novelty', 'long_tail_share']));
    // disjoint tastes: neighbours beat popularity
    expect(knn.test.ndcg.mean).toBeGreaterThan(pop.test.ndcg.mean);
    expect(run.best).toBe('itemknn');
    // the long-tail slice, and user slices by activity quartile and item popularity (no user attributes in this data)
    expect(Object.keys(knn.slices)).toEqual(['long-tail', 'activity=q1', 'activity=q2', 'activity=q3', 'activity=q4', 'popularity=head']);
    expect(knn.slices['long-tail'].recall.perSeed).toHaveLength(2);
    expect(knn.slices['activity=q1'].ndcg.perSeed).toHaveLength(2);
    expect(knn.sliceGaps?.activity.gap).toBeGreaterThanOrEqual(0);
    // bootstrap intervals bracket the first seed's value; one paired test per accuracy metric
    const ci = knn.ci95?.ndcg ?? [NaN, NaN];
    expect(ci[0]).toBeLessThanOrEqual(m.perSeed[0] + 1e-6);
    expect(ci[1]).toBeGreaterThanOrEqual(m.perSeed[0] - 1e-6);
    expect(run.comparisons?.map((c) => [c.a, c.b, c.metric])).toEqual(['recall', 'precision', 'hit', 'mrr', 'ndcg'].map((x) => ['pop', 'itemknn', x]));
    const nd = run.comparisons?.find((c) => c.metric === 'ndcg');
    expect(nd?.delta).toBeCloseTo(knn.test.ndcg.perSeed[0] - pop.test.ndcg.perSeed[0], 5);
    expect(nd?.pHolm).toBeGreaterThanOrEqual(nd?.p ?? 1);
    expect(run.protocolText).toMatchObject({ name: 'recbole', seeds: [1, 2] });

    const report = value(await api.exportReport({ run: runId }));
    expect(report.filename).toBe(`knowrec-report-${runId}.html`);
    expect(report.html).toContain('<svg');
    expect(report.html).toContain('itemknn');
    expect(report.html).not.toMatch(/<script/i);
    expect(report.html).toContain('mean ± std over 2 seeds');
  });

  it('reports the cold slice under the cold-items protocol', async () => {
    const job = await settle(value(await api.startEvaluation({ protocol: 'cold-items', models: ['pop'], seeds: [3], k: 5, tune: false })));
    expect(job.error).toBeNull();
    const run = value(await api.getRun({ id: (job.result as { run: string }).run }));
    expect(Object.keys(run.results[0].slices).filter((x) => !x.includes('=')).sort()).toEqual(['cold', 'long-tail']);
    expect(run.results[0].test.ndcg.std).toBe(0);
  });

  it('cancels an evaluation', async () => {
    const started = value(await api.startEvaluation({ protocol: 'recbole', models: ['itemknn', 'pop', 'ease'], seeds: [1, 2, 3, 4, 5], k: 5, tune: true }));
    // another workspace cannot be opened while a job runs on this one
    const other = await api.openWorkspace({ path: join(dir, 'other.sqlite') });
    expect(!other.ok && other.error.code).toBe('config');
    value(await api.cancelJob({ id: started.id }));
    const job = await settle(started);
    expect(job.state).toBe('cancelled');
    expect(value(await api.listRuns())).toEqual([]);
  });

  it('lists the registry\'s models, each of which startEvaluation accepts', async () => {
    const models = value(await api.listModels());
    const names = models.map((m) => m.name);
    expect(names).toEqual(expect.arrayContaining(['pop', 'itemknn', 'ease', 'bpr', 'semantic', 'kg-profile', 'hybrid', 'hybrid-no-kg']));
    expect(new Set(names).size).toBe(names.length);
    for (const m of models) expect(m.description.length, m.name).toBeGreaterThan(10);
    const hybrid = models.find((m) => m.name === 'hybrid');
    expect(hybrid?.sources).toEqual(expect.arrayContaining(['ease', 'semantic', 'kg-profile']));
    expect(models.find((m) => m.name === 'hybrid-no-kg')?.sources).not.toContain('kg-profile');
    expect(Object.keys(models.find((m) => m.name === 'ease')?.options ?? {})).toContain('lambda');
    const bad = await api.startEvaluation({ protocol: 'recbole', models: ['magic'], seeds: [1], k: 5 });
    expect(!bad.ok && bad.error.hint).toBe(`known models: ${names.join(', ')}`);
  });

  it('refuses unknown models, repeated seeds and unknown runs with typed errors', async () => {
    const bad = await api.startEvaluation({ protocol: 'recbole', models: ['pop', 'magic'], seeds: [1], k: 5 });
    expect(!bad.ok && bad.error.code).toBe('config');
    expect(!bad.ok && bad.error.hint).toContain('itemknn');
    const twice = await api.startEvaluation({ protocol: 'recbole', models: ['pop'], seeds: [1, 1], k: 5 });
    expect(!twice.ok && twice.error.message).toContain('seed');
    const invalid = await dispatchApi(api, 'startEvaluation', { protocol: 'random', models: ['pop'], seeds: [1], k: 5 });
    expect(invalid.status).toBe('invalid-input');
    const none = await api.getRun({ id: 'run-nope' });
    expect(!none.ok && none.error.code).toBe('not-found');
    const noReport = await api.exportReport({ run: 'run-nope' });
    expect(!noReport.ok && noReport.error.code).toBe('not-found');
  });
});

describe('jobs on an empty workspace', () => {
  it('says to import a dataset first', async () => {
    const ev = await api.startEvaluation({ protocol: 'recbole', models: ['pop'], seeds: [1], k: 5 });
    expect(!ev.ok && ev.error.hint).toContain('import');
    const fit = await api.startFit({});
    expect(!fit.ok && fit.error.code).toBe('not-found');
  });
});
