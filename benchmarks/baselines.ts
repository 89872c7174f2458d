/**
 * Baseline benchmark on ml-100k: import, split, fit and full-ranking evaluation times for each
 * baseline (pop, itemknn, ease, bpr) at the hyper-parameters validation tuning chose (see the
 * models' defaults), plus the test metrics, written as JSON.
 *
 *   npx tsx benchmarks/baselines.ts [--out benchmarks/results/baselines.json] [--seed 2020]
 *
 * Data: $KNOWREC_DATA_DIR (e.g. ../shared/datasets). Protocol: recbole 8:1:1, full ranking,
 * seen items excluded (train for valid; train+valid for test), K = 10.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadRegistryDataset } from '../main/core/data';
import { evaluateSplit, splitInteractions } from '../main/core/eval';
import { createScorer } from '../main/core/models';
import { Workspace } from '../main/core/store';
import type { Scorer } from '../main/core/types';
import { fitContext } from '../main/jobs/evaluate';
import { arg, machineInfo, writeResults } from './common';

const seconds = (t0: number): number => Math.round((performance.now() - t0)) / 1000;

async function main(): Promise<void> {
  const seed = Number(arg('--seed') ?? '2020');
  const tmp = mkdtempSync(join(tmpdir(), 'knowrec-bench-baselines-'));
  try {
    let t0 = performance.now();
    const { dataset: loaded, report } = loadRegistryDataset('ml-100k');
    const ws = Workspace.create(join(tmp, 'ws.sqlite'));
    ws.importDataset(loaded, { report });
    const dataset = ws.loadDataset();
    ws.close();
    const importSeconds = seconds(t0);
    t0 = performance.now();
    const split = splitInteractions(dataset.interactions, dataset.userIds.length, dataset.itemIds.length, 'recbole', seed);
    const splitSeconds = seconds(t0);
    const ctx = fitContext(dataset, split, seed);
    const validate = (s: Scorer): number => evaluateSplit(s, split, 'valid', [10]).metrics['ndcg@10'];
    const configs: [string, Record<string, unknown>][] = [
      ['pop', {}],
      ['itemknn', { k: 200 }],
      ['ease', { lambda: 500 }],
      ['bpr', { reg: 0.01 }],
    ];
    const models: Record<string, unknown> = {};
    for (const [name, opts] of configs) {
      const s = createScorer(name, opts, { validate });
      t0 = performance.now();
      await s.fit(ctx);
      const fit = seconds(t0);
      t0 = performance.now();
      const test = evaluateSplit(s, split, 'test', [10]);
      const evalSeconds = seconds(t0);
      models[name] = {
        params: s.params(),
        fit_seconds: fit,
        full_ranking_eval_seconds: evalSeconds,
        eval_users: test.users,
        ms_per_user: Math.round((evalSeconds * 1e6) / test.users) / 1000,
        test: test.metrics,
      };
      process.stderr.write(`${name}: fit ${fit}s, eval ${evalSeconds}s, ndcg@10 ${test.metrics['ndcg@10'].toFixed(4)}\n`);
    }
    const result = {
      benchmark: 'baselines',
      dataset: 'ml-100k',
      protocol: { name: 'recbole', seed, k: 10, exclude_seen: true, candidates: 'all', note: 'hyper-parameters as chosen by validation tuning (knowrec evaluate); BPR early-stops on valid NDCG@10' },
      data: { users: split.nUsers, items: split.nItems, train: split.train.user.length, valid: split.valid.user.length, test: split.test.user.length },
      seconds: { import: importSeconds, split: splitSeconds },
      models,
      machine: machineInfo(),
      date: new Date().toISOString(),
    };
    writeResults(result, arg('--out'));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

void main();
