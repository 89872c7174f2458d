/**
 * Evaluation runs: the evaluate job (one evaluation per seed on the workspace's dataset), the
 * run it stores in the workspace's `runs` table (kind 'evaluation'), and reading runs back.
 *
 * A run holds, per model, every test metric @k as mean, std and per-seed values, and two slices
 * of the test split:
 * - 'cold': the cold items' targets (protocol cold-items only);
 * - 'long-tail': targets whose item is outside the head, the top 20% of items by training
 *   interactions (the head of the long-tail share metric); the ranking is unchanged.
 * std is the sample standard deviation over seeds (0 for one seed).
 * Metric names drop the "@k": ndcg, recall, mrr, hit, precision, coverage, novelty, and
 * long_tail_share (the share of recommended slots outside the head).
 */
import type { MetricSummary, RunDetail, RunModelResult, RunSummary, StartEvaluationRequest } from '../api/contract';
import { firstSeedStats, RENAME, runComparisons, userSliceBlocks } from './runs-stats';
import { KnowrecError } from '../core/errors';
import { Workspace, type RunStore } from '../core/store';
import { runEvaluation, type ModelResult, type ResultsFile } from './evaluate';
import { part, partsText, progressParts } from './job-message';
import type { TaskContext } from './job-worker-spec';

export const RUN_KIND = 'evaluation';

/** What the runs table holds for one run. */
export interface StoredRun {
  readonly detail: RunDetail;
  /** The results file of each seed (for the report). */
  readonly files: readonly ResultsFile[];
}


export function metricSummary(values: readonly number[]): MetricSummary {
  const n = values.length;
  const mean = n > 0 ? values.reduce((a, b) => a + b, 0) / n : 0;
  let ss = 0;
  for (const v of values) ss += (v - mean) * (v - mean);
  const std = n > 1 ? Math.sqrt(ss / (n - 1)) : 0;
  return { mean: round6(mean), std: round6(std), perSeed: values.map(round6) };
}

/** Metrics @k of one results block, named without the "@k". */
function atK(metrics: Readonly<Record<string, number>> | undefined, k: number): Record<string, number> {
  const out: Record<string, number> = {};
  if (metrics === undefined) return out;
  const suffix = `@${k}`;
  for (const [key, v] of Object.entries(metrics)) {
    if (!key.endsWith(suffix)) continue;
    const base = key.slice(0, -suffix.length);
    out[RENAME[base] ?? base] = v;
  }
  return out;
}

/** Mean/std/per-seed of each metric present in every seed's block. */
function summarize(blocks: readonly Record<string, number>[]): Record<string, MetricSummary> {
  const out: Record<string, MetricSummary> = {};
  if (blocks.length === 0) return out;
  for (const name of Object.keys(blocks[0])) {
    if (!blocks.every((b) => name in b)) continue;
    out[name] = metricSummary(blocks.map((b) => b[name]));
  }
  return out;
}

/** The run of a finished evaluation: one results file per seed, in seed order. */
export function buildRun(id: string, files: readonly ResultsFile[], request: StartEvaluationRequest, created: string): RunDetail {
  if (files.length === 0) throw new KnowrecError('internal', 'an evaluation run needs at least one results file');
  const k = request.k;
  const results: RunModelResult[] = request.models.map((model) => {
    const per: ModelResult[] = files.map((f) => {
      const r = f.results[model];
      if (r === undefined) throw new KnowrecError('internal', `results file of seed ${f.protocol.seed} lacks model ${model}`);
      return r;
    });
    const slices: Record<string, Record<string, MetricSummary>> = {};
    if (per.every((r) => r.cold_test !== undefined)) slices.cold = summarize(per.map((r) => atK(r.cold_test, k)));
    if (per.every((r) => r.long_tail_test !== undefined)) slices['long-tail'] = summarize(per.map((r) => atK(r.long_tail_test, k)));
    for (const [name, blocks] of Object.entries(userSliceBlocks(per, slices['long-tail'] !== undefined, k))) slices[name] = summarize(blocks.map((b) => atK(b, k)));
    return {
      model,
      test: summarize(per.map((r) => atK(r.test, k))),
      slices,
      fitSeconds: round6(per.reduce((a, r) => a + r.fit_seconds, 0) / per.length),
      ...firstSeedStats(per[0], k),
    };
  });
  let best: string | null = null;
  let bestNdcg = -Infinity;
  for (const r of results) {
    const v = r.test.ndcg?.mean;
    if (v !== undefined && v > bestNdcg) {
      bestNdcg = v;
      best = r.model;
    }
  }
  const { seed: _seed, ...protocol } = files[0].protocol;
  void _seed;
  return {
    id,
    created,
    dataset: files[0].dataset,
    protocol: request.protocol,
    models: [...request.models],
    seeds: files.map((f) => f.protocol.seed),
    k,
    best,
    results,
    comparisons: runComparisons(files[0], k),
    ...(files[0].notes !== undefined ? { notes: files[0].notes } : {}),
    protocolText: { ...protocol, seeds: files.map((f) => f.protocol.seed), data: files[0].data, environment: files[0].environment },
  };
}

/** The evaluate job: one evaluation per seed, then the run stored in the workspace. */
export async function runEvaluationTask(workspace: string, id: string, request: StartEvaluationRequest, ctx: TaskContext, adapterRoot?: string): Promise<{ run: string }> {
  const files: ResultsFile[] = [];
  const nSeeds = request.seeds.length;
  const nModels = request.models.length;
  for (let s = 0; s < nSeeds; s++) {
    const seed = request.seeds[s];
    let model = -1;
    const file = await runEvaluation({
      workspace,
      protocol: request.protocol,
      models: request.models,
      seed,
      k: request.k,
      tune: request.tune,
      longTailSlice: true,
      adapterRoot,
      signal: ctx.signal,
      onProgress: (p) => {
        if (p.stage === 'model') model++;
        const within = model < 0 ? 0 : (model + (p.stage === 'model' ? 0 : (p.fraction ?? 0) * 0.9)) / nModels;
        const what =
          p.stage === 'model' ? [part('evaluating', `evaluating ${p.message ?? ''} (${model + 1}/${nModels})`, { model: p.message ?? '', i: model + 1, n: nModels })] : progressParts(p);
        const parts = [part('seed', `seed ${seed} (${s + 1}/${nSeeds})`, { seed, i: s + 1, n: nSeeds }), ...what];
        ctx.progress((s + Math.min(1, within)) / nSeeds, partsText(parts), parts);
      },
    });
    files.push(file);
  }
  const created = new Date().toISOString();
  const runId = `run-${id.replace(/^job-/, '')}`;
  const detail = buildRun(runId, files, request, created);
  const ws = Workspace.open(workspace);
  try {
    saveRun(ws.runs, { detail, files });
  } finally {
    ws.close();
  }
  return { run: runId };
}

export function saveRun(runs: RunStore, run: StoredRun): void {
  runs.save({ id: run.detail.id, created: run.detail.created, kind: RUN_KIND, json: JSON.stringify(run) });
}

export function readRun(runs: RunStore, id: string): StoredRun {
  const json = runs.get(id, RUN_KIND);
  if (json === null) throw new KnowrecError('not-found', `no evaluation run with id "${id}" in this workspace`, {}, 'list the runs to see their ids');
  return JSON.parse(json) as StoredRun;
}

export function listRuns(runs: RunStore): RunSummary[] {
  return runs.list(RUN_KIND).map((json) => {
    const d = (JSON.parse(json) as StoredRun).detail;
    return { id: d.id, created: d.created, dataset: d.dataset, protocol: d.protocol, models: d.models, seeds: d.seeds, k: d.k, best: d.best };
  });
}

function round6(v: number): number {
  return Math.round(v * 1e6) / 1e6;
}
