/**
 * The workbench Api on the real ml-100k: import it as a job in a worker thread (registry name,
 * SHA-256 verified) and see the summary through a 'workspace' event; then a small evaluation job
 * (pop and itemknn, no tuning) stored as a run whose charts data and report are complete.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApi, type ApiEvent, type JobInfo, type Result, type ApiImpl } from '../../main/api';
import type { ImportReport } from '../../main/core/data/report';
import { Workspace } from '../../main/core/store';
import { workerExecutor } from '../../main/jobs/job-worker-host';

const DATA = process.env.KNOWREC_DATA_DIR ?? '/work/shared/datasets';
const present = existsSync(join(DATA, 'ml-100k', 'ml-100k.inter'));
if (!present) console.warn(`skipping the Api ml-100k tests: ${join(DATA, 'ml-100k')} not found (set KNOWREC_DATA_DIR)`);

function value<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}

describe.skipIf(!present)('Api on ml-100k', () => {
  let dir: string;
  let api: ApiImpl;
  const events: ApiEvent[] = [];

  beforeAll(() => {
    vi.stubEnv('KNOWREC_DATA_DIR', DATA);
    dir = mkdtempSync(join(tmpdir(), 'knowrec-api-ml100k-'));
    const path = join(dir, 'w.sqlite');
    Workspace.create(path).close();
    api = createApi({ open: (p) => Workspace.open(p), workspacePath: path, appVersion: 't', executor: workerExecutor(), modelDir: join(dir, 'model') });
    api.onEvent((e) => events.push(e));
  });

  afterAll(() => {
    api.close();
    vi.unstubAllEnvs();
    rmSync(dir, { recursive: true, force: true });
  });

  async function settle(job: JobInfo): Promise<JobInfo> {
    for (;;) {
      const j = value(await api.getJob({ id: job.id }));
      if (j.state === 'done' || j.state === 'failed' || j.state === 'cancelled') return j;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it('imports ml-100k as a job and shows the summary', async () => {
    const t0 = performance.now();
    const started = value(await api.startImport({ dataset: 'ml-100k' }));
    // the Api answers while the worker imports: round trips stay short
    let slowest = 0;
    let calls = 0;
    for (;;) {
      const c0 = performance.now();
      value(await api.workspaceSummary());
      const state = value(await api.getJob({ id: started.id })).state;
      slowest = Math.max(slowest, performance.now() - c0);
      calls++;
      if (state !== 'queued' && state !== 'running') break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const job = await settle(started);
    const seconds = (performance.now() - t0) / 1000;
    expect(calls).toBeGreaterThan(5);
    expect(slowest).toBeLessThan(1000);
    console.log(`Api round trips during the import: ${calls}, slowest ${slowest.toFixed(1)} ms`);
    expect(job.error).toBeNull();
    const report = job.result as ImportReport;
    expect(report.counts).toEqual({ users: 943, items: 1682, interactions: 100000, entities: 34628, relations: 24, triples: 91631, links: 1598 });
    expect(report.files.map((f) => f.kind).sort()).toEqual(['inter', 'item', 'kg', 'link', 'user']);
    await new Promise((r) => setTimeout(r, 50));
    const ws = events.find((e): e is Extract<ApiEvent, { type: 'workspace' }> => e.type === 'workspace');
    expect(ws?.summary).toMatchObject({ dataset: 'ml-100k', users: 943, items: 1682, interactions: 100000 });
    // progress reached the listeners while the worker wrote
    expect(events.some((e) => e.type === 'job' && e.job.state === 'running' && (e.job.progress ?? 0) > 0 && (e.job.progress ?? 0) < 1)).toBe(true);
    const hits = value(await api.kgSearch({ query: 'Toy Story', limit: 5 }));
    expect(hits[0].label).toContain('Toy Story');
    console.log(`import job: ${seconds.toFixed(1)} s`);
  }, 120_000);

  it('runs a small evaluation job into a run with charts data and a report', async () => {
    const t0 = performance.now();
    const job = await settle(value(await api.startEvaluation({ protocol: 'recbole', models: ['pop', 'itemknn'], seeds: [2020], k: 10, tune: false })));
    const seconds = (performance.now() - t0) / 1000;
    expect(job.error).toBeNull();
    const run = value(await api.getRun({ id: (job.result as { run: string }).run }));
    expect(run.dataset).toBe('ml-100k');
    const byModel = new Map(run.results.map((r) => [r.model, r]));
    const pop = byModel.get('pop');
    const knn = byModel.get('itemknn');
    expect(pop?.test.ndcg.mean).toBeGreaterThan(0.05);
    expect(knn?.test.ndcg.mean).toBeGreaterThan(pop?.test.ndcg.mean ?? 1);
    expect(knn?.slices['long-tail'].recall.mean).toBeGreaterThanOrEqual(0);
    expect(pop?.test.long_tail_share.mean).toBeLessThan(knn?.test.long_tail_share.mean ?? 0);
    const report = value(await api.exportReport({ run: run.id }));
    expect(report.html).toContain('NDCG@10 (test)');
    expect((report.html.match(/<svg/g) ?? []).length).toBeGreaterThanOrEqual(3);
    console.log(`evaluation job (pop, itemknn; 1 seed): ${seconds.toFixed(1)} s; ndcg@10 pop ${pop?.test.ndcg.mean}, itemknn ${knn?.test.ndcg.mean}`);
  }, 300_000);
});
