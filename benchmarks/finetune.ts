/**
 * Fine-tuning benchmark on ml-100k: the frozen `semantic` scorer against `semantic-ft` (the same
 * vectors through a trained adapter), per seed: epochs, seconds per epoch, the validation curve,
 * peak memory, test NDCG@10 (and the cold-items recall with --cold; hybrid vs hybrid-ft with
 * --hybrid, which is slow: the hybrid fits every source). Written as JSON.
 *
 *   npx tsx benchmarks/finetune.ts [--out benchmarks/results/finetune.json] [--seeds 2020,2021,2022]
 *       [--epochs N] [--cold] [--hybrid]
 *
 * Protocol: recbole 8:1:1 per user, full ranking, seen items excluded, K = 10; the adapter is
 * trained on (history-before-target, next item) pairs of the train split, early-stopped on the
 * valid split; the test split is used only for the figures written here.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname } from 'node:path';
import { performance } from 'node:perf_hooks';
import { coldItemRecall, evaluateSplit, splitInteractions, type SplitProtocol } from '../main/core/eval';
import { SemanticScorer } from '../main/core/models/semantic';
import { SemanticFtScorer } from '../main/core/models/semantic-ft';
import { kgFactSource } from '../main/core/text';
import { TRAIN_DEFAULTS, type TrainParams } from '../main/core/train/trainer';
import { trainAdapterInWorker } from '../main/core/train/worker';
import type { Scorer } from '../main/core/types';
import { openDataset } from '../main/jobs/dataset';
import { fitContext, runEvaluation } from '../main/jobs/evaluate';
import { ModelEnv } from '../main/jobs/model-factory';
import { arg } from './common';

const flag = (name: string): boolean => process.argv.includes(name);
const r6 = (x: number): number => Math.round(x * 1e6) / 1e6;
const secs = (t0: number): number => Math.round(performance.now() - t0) / 1000;

let peakRss = 0;
const sampleRss = (): void => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
};

interface RunFigures {
  readonly seed: number;
  readonly protocol: SplitProtocol;
  readonly semantic: { test_ndcg10: number; test_recall10: number; valid_ndcg10: number; fit_seconds: number; cold_recall10?: number; cold_ndcg10?: number };
  readonly semantic_ft: {
    test_ndcg10: number;
    test_recall10: number;
    valid_ndcg10: number;
    cold_recall10?: number;
    cold_ndcg10?: number;
    pairs: number;
    prepare_seconds: number;
    train_seconds: number;
    epochs: number;
    best_epoch: number;
    stopped_early: boolean;
    seconds_per_epoch: number;
    valid_curve: { epoch: number; loss: number | null; valid_ndcg10: number; seconds: number }[];
  };
}

async function runOne(seed: number, protocol: SplitProtocol, params: Partial<TrainParams>): Promise<RunFigures> {
  const { dataset, workspace } = openDataset({ dataset: 'ml-100k', dataDir: process.env.KNOWREC_DATA_DIR });
  const split = splitInteractions(dataset.interactions, dataset.userIds.length, dataset.itemIds.length, protocol, seed);
  const ctx = fitContext(dataset, split, seed);
  const validNdcg = (s: Scorer): number => evaluateSplit(s, split, 'valid', [10]).metrics['ndcg@10'];
  const env = new ModelEnv({ workspace });
  try {
    const encoder = await env.getEncoder();
    const popularity = new Float32Array(ctx.nItems);
    for (let i = 0; i < ctx.train.item.length; i++) popularity[ctx.train.item[i]]++;
    let t0 = performance.now();
    const base = new SemanticScorer({ encoder, facts: kgFactSource(env.kgIndex(ctx), { popularity }), countTokens: env.countTokens(), validate: validNdcg });
    await base.fit(ctx);
    const baseFit = secs(t0);
    sampleRss();
    t0 = performance.now();
    let trainStart = 0;
    const ft = new SemanticFtScorer({
      base,
      encoder,
      countTokens: env.countTokens(),
      params,
      trainer: (data, o) => {
        trainStart = performance.now();
        sampleRss();
        return trainAdapterInWorker(data, o);
      },
      onEpoch: (e) => {
        sampleRss();
        process.stderr.write(`[seed ${seed} ${protocol}] epoch ${e.epoch} loss ${e.loss.toFixed(4)} valid ndcg@10 ${e.validNdcg.toFixed(4)} ${e.seconds.toFixed(1)} s\n`);
      },
    });
    await ft.fit(ctx);
    const total = secs(t0);
    const trainSeconds = secs(trainStart);
    sampleRss();
    const r = ft.trainResult();
    if (r === null) throw new Error('semantic-ft trained nothing');
    const tb = evaluateSplit(base, split, 'test', [10]).metrics;
    const tf = evaluateSplit(ft, split, 'test', [10]).metrics;
    const cold = protocol === 'cold-items';
    const cb = cold ? coldItemRecall(base, split, 'test', [10]).metrics : undefined;
    const cf = cold ? coldItemRecall(ft, split, 'test', [10]).metrics : undefined;
    return {
      seed,
      protocol,
      semantic: {
        test_ndcg10: r6(tb['ndcg@10']),
        test_recall10: r6(tb['recall@10']),
        valid_ndcg10: r6(validNdcg(base)),
        fit_seconds: baseFit,
        ...(cb !== undefined ? { cold_recall10: r6(cb['recall@10']), cold_ndcg10: r6(cb['ndcg@10']) } : {}),
      },
      semantic_ft: {
        test_ndcg10: r6(tf['ndcg@10']),
        test_recall10: r6(tf['recall@10']),
        valid_ndcg10: r6(validNdcg(ft)),
        ...(cf !== undefined ? { cold_recall10: r6(cf['recall@10']), cold_ndcg10: r6(cf['ndcg@10']) } : {}),
        pairs: r.pairs,
        prepare_seconds: Math.round((total - trainSeconds) * 10) / 10,
        train_seconds: trainSeconds,
        epochs: r.history.length,
        best_epoch: r.bestEpoch,
        stopped_early: r.stoppedEarly,
        seconds_per_epoch: r.history.length > 0 ? Math.round((10 * r.history.reduce((s, h) => s + h.seconds, 0)) / r.history.length) / 10 : 0,
        valid_curve: [
          { epoch: 0, loss: null, valid_ndcg10: r6(r.initialValidNdcg), seconds: 0 },
          ...r.history.map((h) => ({ epoch: h.epoch, loss: r6(h.loss), valid_ndcg10: r6(h.validNdcg), seconds: Math.round(h.seconds * 10) / 10 })),
        ],
      },
    };
  } finally {
    await env.close();
  }
}

function mean(xs: readonly number[]): number {
  return xs.reduce((s, x) => s + x, 0) / Math.max(1, xs.length);
}

async function main(): Promise<void> {
  const out = arg('--out') ?? 'benchmarks/results/finetune.json';
  const seeds = (arg('--seeds') ?? '2020').split(',').map((s) => Number(s.trim()));
  const epochs = arg('--epochs') !== undefined ? Number(arg('--epochs')) : undefined;
  const params: Partial<TrainParams> = epochs !== undefined ? { epochs } : {};
  const t0 = performance.now();
  const runs: RunFigures[] = [];
  for (const seed of seeds) runs.push(await runOne(seed, 'recbole', params));
  const coldRuns: RunFigures[] = [];
  if (flag('--cold')) for (const seed of seeds) coldRuns.push(await runOne(seed, 'cold-items', params));
  const hybrid: { seed: number; hybrid: number; hybrid_ft: number; seconds: number }[] = [];
  if (flag('--hybrid')) {
    for (const seed of seeds) {
      const h0 = performance.now();
      const res = await runEvaluation({ dataset: 'ml-100k', dataDir: process.env.KNOWREC_DATA_DIR, protocol: 'recbole', models: ['hybrid', 'hybrid-ft'], seed, k: 10 });
      sampleRss();
      hybrid.push({ seed, hybrid: res.results.hybrid.test['ndcg@10'], hybrid_ft: res.results['hybrid-ft'].test['ndcg@10'], seconds: secs(h0) });
    }
  }
  const sem = mean(runs.map((r) => r.semantic.test_ndcg10));
  const ft = mean(runs.map((r) => r.semantic_ft.test_ndcg10));
  const result = {
    benchmark: 'finetune',
    dataset: 'ml-100k',
    protocol: {
      name: 'recbole',
      seeds,
      k: 10,
      exclude_seen: true,
      candidates: 'all',
      training: 'adapter pairs = (user vector from the history strictly before each train interaction, that item) from the train split only; in-batch + labelled negatives, InfoNCE; early stopping on valid NDCG@10; test used only for these figures',
      cold: flag('--cold') ? 'cold-items: a seeded 10% of items held out entirely; recall@10 restricted to test interactions on those items' : 'not run',
    },
    params: { ...TRAIN_DEFAULTS, ...params },
    summary: {
      semantic_test_ndcg10_mean: r6(sem),
      semantic_ft_test_ndcg10_mean: r6(ft),
      ratio: r6(ft / sem),
      target_ratio: 1.3,
      seconds_per_epoch_mean: r6(mean(runs.map((r) => r.semantic_ft.seconds_per_epoch))),
      ...(coldRuns.length > 0
        ? { cold_recall10_semantic: r6(mean(coldRuns.map((r) => r.semantic.cold_recall10 ?? 0))), cold_recall10_semantic_ft: r6(mean(coldRuns.map((r) => r.semantic_ft.cold_recall10 ?? 0))) }
        : {}),
      ...(hybrid.length > 0 ? { hybrid_test_ndcg10_mean: r6(mean(hybrid.map((h) => h.hybrid))), hybrid_ft_test_ndcg10_mean: r6(mean(hybrid.map((h) => h.hybrid_ft))) } : {}),
    },
    per_seed: runs,
    cold_items: coldRuns,
    hybrid,
    peak_rss_mb: Math.round(peakRss / 2 ** 20),
    wall_seconds: secs(t0),
    machine: { cpus: cpus().length, cpu_model: cpus()[0]?.model ?? '', node: process.version, loadavg_at_end: loadavg().map((x) => Math.round(x * 100) / 100) },
    date: new Date().toISOString(),
  };
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(result.summary, null, 2)}\nwritten to ${out}\n`);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
