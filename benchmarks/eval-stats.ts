/**
 * Cost of what `evaluate` adds after scoring (main/jobs/evaluate-analysis.ts): list metrics, the
 * bootstrap intervals, slices and the pairwise Wilcoxon tests, on ml-100k's test split, for the
 * three fitted baselines pop, itemknn, ease (default hyper-parameters), and for ten models (the
 * three reports repeated under other names: 45 pairs × 5 metrics), written as JSON.
 *
 *   npx tsx benchmarks/eval-stats.ts [--out benchmarks/results/eval-stats.json] [--seed 2020]
 *
 * Data: $KNOWREC_DATA_DIR (e.g. ../shared/datasets).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadRegistryDataset } from '../main/core/data';
import { evaluateSplit, splitInteractions, type EvalReport } from '../main/core/eval';
import { createScorer } from '../main/core/models';
import { Workspace } from '../main/core/store';
import { analyseEvaluation } from '../main/jobs/evaluate-analysis';
import { fitContext } from '../main/jobs/evaluate';
import { arg, machineInfo, writeResults } from './common';

const seconds = (t0: number): number => Math.round(performance.now() - t0) / 1000;

async function main(): Promise<void> {
  const seed = Number(arg('--seed') ?? '2020');
  const tmp = mkdtempSync(join(tmpdir(), 'knowrec-bench-eval-stats-'));
  try {
    const { dataset: loaded, report } = loadRegistryDataset('ml-100k');
    const ws = Workspace.create(join(tmp, 'ws.sqlite'));
    ws.importDataset(loaded, { report });
    const dataset = ws.loadDataset();
    ws.close();
    const split = splitInteractions(dataset.interactions, dataset.userIds.length, dataset.itemIds.length, 'recbole', seed);
    const ctx = fitContext(dataset, split, seed);
    const reports = new Map<string, EvalReport>();
    const scoring: Record<string, number> = {};
    for (const name of ['pop', 'itemknn', 'ease']) {
      const s = createScorer(name, {}, {});
      await s.fit(ctx);
      const t0 = performance.now();
      reports.set(name, evaluateSplit(s, split, 'test', [10], { keepPerUser: true, keepLists: true }));
      scoring[name] = seconds(t0);
    }
    let t0 = performance.now();
    const three = analyseEvaluation({ dataset, split, k: 10, seed, reports });
    const threeSeconds = seconds(t0);
    const ten = new Map<string, EvalReport>();
    const base = [...reports.values()];
    for (let i = 0; i < 10; i++) ten.set(`model-${i}`, base[i % base.length]);
    t0 = performance.now();
    const tenResult = analyseEvaluation({ dataset, split, k: 10, seed, reports: ten });
    const tenSeconds = seconds(t0);
    writeResults(
      {
        benchmark: 'eval-stats',
        dataset: 'ml-100k',
        protocol: { name: 'recbole', seed, k: 10 },
        users: base[0].users,
        test_scoring_seconds: scoring,
        analysis_seconds: { three_models: threeSeconds, ten_models: tenSeconds },
        comparisons: { three_models: three.comparisons.length, ten_models: tenResult.comparisons.length },
        slices_per_model: Object.keys(three.models.ease.slices).length,
        ease_vs_pop_ndcg: three.comparisons.find((c) => c.a === 'pop' && c.b === 'ease' && c.metric === 'ndcg@10'),
        machine: { ...machineInfo(), note: 'shared 2-core machine (other jobs running)' },
      },
      arg('--out'),
    );
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

void main();
