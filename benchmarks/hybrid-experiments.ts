/**
 * Fusion experiments on ml-100k without refitting the sources every time. The sources (fitted on
 * train, and on train minus the hybrid's inner holdout) are fitted once per seed through the
 * model factory, exactly as `knowrec evaluate` fits them, and their full score matrices are cached
 * under --cache (default /tmp/knowrec-hybrid-cache). Each variant then learns only the fusion.
 *
 * Only VALIDATION figures are printed: variants that learn from the inner holdout alone
 * (useValid: false) are measured out of sample on the validation split; every variant also
 * reports its ranker's NDCG@10 on the held-out 20 % of users. The test split is never scored here.
 *
 *   nice -n 10 npx tsx benchmarks/hybrid-experiments.ts --seed 2020 [--variants a,b] [--protocol recbole]
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { evaluateSplit, splitInteractions, type SplitProtocol } from '../main/core/eval';
import { KgIndex } from '../main/core/kg';
import { fitGbdt, fitLinear, HybridScorer, Standardizer, type GbdtOptions, type HybridOptions } from '../main/core/rank';
import { buildRankingData, makeFeatureBuilder } from '../main/core/rank/hybrid';
import { carveHoldout } from '../main/core/rank/holdout';
import { perGroupNdcg, predictAll, subsetGroups, type RankingData } from '../main/core/rank/ranker';
import { createRng } from '../main/core/random';
import { toCsr } from '../main/core/matrix';
import type { FeatureFlags } from '../main/core/rank/features';
import type { HybridSource } from '../main/core/rank/features';
import type { FitContext, Scorer } from '../main/core/types';
import { openDataset } from '../main/jobs/dataset';
import { fitContext } from '../main/jobs/evaluate';
import { ModelEnv } from '../main/jobs/model-factory';
import { cachedSources } from './source-cache';
import { arg } from './common';

interface InnerSpec {
  readonly share?: number;
  readonly coldItemShare?: number | 'auto';
}
type Variant = Partial<Omit<HybridOptions, 'inner'>> & { readonly inner?: boolean | InnerSpec };

const VARIANTS: Record<string, Variant> = {
  'valid-only': {},
  'valid-only-noboost': { boostFromBestSource: false },
  'inner-only': { inner: true, useValid: false },
  'inner-only-linear': { inner: true, useValid: false, ranker: 'linear' },
  'inner-only-gbdt': { inner: true, useValid: false, ranker: 'gbdt' },
  'inner-only-gbdt-grid': {
    inner: true,
    useValid: false,
    ranker: 'gbdt',
    gbdt: { trees: 300 },
    gbdtGrid: [{ depth: 3, learningRate: 0.1 }, { depth: 4, learningRate: 0.05 }, { depth: 5, learningRate: 0.05 }, { depth: 6, learningRate: 0.05 }],
  },
  'inner-only-gbdt-d5': { inner: true, useValid: false, ranker: 'gbdt', gbdt: { trees: 300, depth: 5, learningRate: 0.05 } },
  'inner-only-gbdt-d6': { inner: true, useValid: false, ranker: 'gbdt', gbdt: { trees: 400, depth: 6, learningRate: 0.05 } },
  'inner-only-c50': { inner: true, useValid: false, candidatesPerSource: 50 },
  'inner-only-c200': { inner: true, useValid: false, candidatesPerSource: 200 },
  'inner-both': { inner: true },
  cold: { inner: true },
  'cold-linear': { inner: true, ranker: 'linear' },
  'cold-noboost': { inner: true, boostFromBestSource: false },
  'valid-gaps': { features: { scoreGaps: true } },
  'inner-both-gaps': { inner: true, features: { scoreGaps: true } },
  'inner-both-gbdt': { inner: true, ranker: 'gbdt' },
  'inner-both-grid': {
    inner: true,
    gbdt: { trees: 300 },
    gbdtGrid: [{ depth: 3, learningRate: 0.1 }, { depth: 4, learningRate: 0.05 }, { depth: 6, learningRate: 0.05 }],
  },
  'inner-both-c50': { inner: true, candidatesPerSource: 50 },
  'inner-both-c200': { inner: true, candidatesPerSource: 200 },
  'inner-both-softmax': { inner: true, ranker: 'linear', linear: { objective: 'softmax' } },
  'inner-only-noext': { inner: true, useValid: false, features: { kgOverlap: false, historySimilarity: false } },
};

async function main(): Promise<void> {
  const seed = Number(arg('--seed') ?? '2020');
  const protocol = (arg('--protocol') ?? 'recbole') as SplitProtocol;
  const cacheDir = join(arg('--cache') ?? '/tmp/knowrec-hybrid-cache', `${protocol}-${seed}`);
  const names = (arg('--variants') ?? 'inner-only').split(',');
  const { dataset, workspace } = openDataset({ dataset: 'ml-100k' });
  const nUsers = dataset.userIds.length;
  const nItems = dataset.itemIds.length;
  const split = splitInteractions(dataset.interactions, nUsers, nItems, protocol, seed);
  const ctx = fitContext(dataset, split, seed);
  const validate = (s: Scorer): number => evaluateSplit(s, split, 'valid', [10]).metrics['ndcg@10'];
  const env = new ModelEnv({ workspace });
  const kg = new KgIndex(dataset);
  try {
    const full = await cachedSources(join(cacheDir, 'full'), ctx, validate, env);
    for (const s of full.sources) {
      const m = evaluateSplit(s.scorer, split, 'valid', [10]).metrics;
      process.stderr.write(`${s.name}: valid NDCG@10 ${m['ndcg@10'].toFixed(4)} recall@10 ${m['recall@10'].toFixed(4)}\n`);
    }
    const vec = full.vectors;
    const dim = full.dim;
    const itemVectors = vec !== null ? (i: number): Float32Array => vec.subarray(i * dim, (i + 1) * dim) : undefined;
    if (process.argv.includes('--cv')) {
      const h = carveHoldout(split.train, nUsers, nItems, { share: 0.1, coldItemShare: 0, seed: seed + 1 });
      const ictx: FitContext = { ...ctx, train: h.rest, trainCsr: toCsr(h.rest, nUsers, nItems) };
      const inner = await cachedSources(join(cacheDir, 'inner-0.1-auto'), ictx, validate, env);
      const featureSets: Record<string, FeatureFlags> = { base: {}, gaps: { scoreGaps: true } };
      for (const fs of (arg('--features') ?? 'base').split(',')) {
        await crossValidate(fs, featureSets[fs], { kg, itemVectors }, full.sources, inner.sources, ctx, h, seed);
      }
      return;
    }
    for (const vname of names) {
      const v = VARIANTS[vname];
      if (v === undefined) throw new Error(`unknown variant ${vname}; known: ${Object.keys(VARIANTS).join(', ')}`);
      const innerOpt: InnerSpec | undefined = v.inner === undefined || v.inner === false ? undefined : v.inner === true ? {} : v.inner;
      const t0 = performance.now();
      const h = new HybridScorer({
        ...v,
        sources: full.sources,
        kg,
        itemVectors,
        seed,
        inner:
          innerOpt === undefined
            ? undefined
            : {
                ...innerOpt,
                use: 'always',
                refit: async (ictx: FitContext): Promise<HybridSource[]> => {
                  const tag = `inner-${innerOpt.share ?? 0.1}-${String(innerOpt.coldItemShare ?? 'auto')}`;
                  return (await cachedSources(join(cacheDir, tag), ictx, validate, env)).sources;
                },
              },
      });
      await h.fit(ctx);
      const secs = (performance.now() - t0) / 1000;
      const r = h.fitReport();
      const valid = evaluateSplit(h, split, 'valid', [10]).metrics;
      const oos = r !== null && !r.stages.includes('valid');
      console.log(
        JSON.stringify({
          variant: vname,
          seed,
          protocol,
          valid_ndcg10: Math.round(valid['ndcg@10'] * 1e4) / 1e4,
          valid_recall10: Math.round(valid['recall@10'] * 1e4) / 1e4,
          stages: r?.stages,
          valid_is_out_of_sample: oos,
          ranker: r?.ranker,
          holdout_linear: r?.holdoutNdcgLinear,
          holdout_gbdt: r?.holdoutNdcgGbdt,
          holdout_ease: r?.holdoutNdcgSources.ease,
          base: r?.base,
          trees: r?.trees,
          gbdt: r?.gbdt,
          groups: r?.groups,
          candidateRecall: r?.candidateRecall,
          fusion_seconds: Math.round(secs),
          model: h.params()['model.weights'] ?? h.params()['model.splits'],
        }),
      );
    }
  } finally {
    await env.close();
  }
}

interface Cfg {
  readonly name: string;
  readonly train: 'valid' | 'valid+inner' | 'inner';
  readonly linear?: boolean;
  readonly gbdt?: GbdtOptions;
  /** Boost from c · (standardized ease:z) instead of 0. */
  readonly initEase?: number;
}

const CV_CONFIGS: Cfg[] = [
  { name: 'linear', train: 'valid', linear: true },
  { name: 'linear', train: 'valid+inner', linear: true },
  { name: 'gbdt-d3', train: 'valid', gbdt: { trees: 200, depth: 3, learningRate: 0.1 } },
  { name: 'gbdt-d3', train: 'valid+inner', gbdt: { trees: 200, depth: 3, learningRate: 0.1 } },
  { name: 'gbdt-d5', train: 'valid+inner', gbdt: { trees: 300, depth: 5, learningRate: 0.05 } },
  { name: 'gbdt-ease1', train: 'valid', gbdt: { trees: 100, depth: 3, learningRate: 0.05 }, initEase: 1 },
  { name: 'gbdt-ease1', train: 'valid+inner', gbdt: { trees: 100, depth: 3, learningRate: 0.05 }, initEase: 1 },
  { name: 'gbdt-ease3', train: 'valid+inner', gbdt: { trees: 100, depth: 3, learningRate: 0.05 }, initEase: 3 },
];

/**
 * 5-fold cross-validation over users on the VALIDATION targets: each fold's users are scored on
 * their validation items by a ranker fitted without them (other users' validation groups and/or
 * every user's inner-holdout groups, whose targets are training items). EASE alone is scored on
 * the same groups.
 */
async function crossValidate(
  label: string,
  features: FeatureFlags,
  extra: Pick<HybridOptions, 'kg' | 'itemVectors'>,
  fullSources: HybridSource[],
  innerSources: HybridSource[],
  ctx: FitContext,
  h: { rest: FitContext['train']; holdout: FitContext['train'] },
  seed: number,
): Promise<void> {
  const t0 = performance.now();
  const only = arg('--configs')?.split(',');
  const opts = { ...extra, features };
  const fb = makeFeatureBuilder(opts, fullSources, ctx.train, ctx.nUsers, ctx.nItems, ctx.trainCsr);
  const ib = makeFeatureBuilder(opts, innerSources, h.rest, ctx.nUsers, ctx.nItems);
  const { data, groupUser, groupStage } = await buildRankingData(
    [
      { builder: fb, targets: toCsr(ctx.valid, ctx.nUsers, ctx.nItems) },
      { builder: ib, targets: toCsr(h.holdout, ctx.nUsers, ctx.nItems) },
    ],
    ctx,
  );
  Standardizer.fit(data.x, data.nFeatures).apply(data.x);
  const names = fb.specs.map((s) => s.name);
  process.stderr.write(`[${label}] features built in ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
  const K = 5;
  const users = Int32Array.from(new Set(groupUser.filter((_, g) => groupStage[g] === 0)));
  createRng(seed + 7).shuffle(users);
  const fold = new Int8Array(ctx.nUsers).fill(-1);
  users.forEach((u, j) => (fold[u] = j % K));
  const nG = groupUser.length;
  const evalOf = (k: number): RankingData => subsetGroups(data, Int32Array.from({ length: nG }, (_, g) => g).filter((g) => groupStage[g] === 0 && fold[groupUser[g]] === k));
  const evals = Array.from({ length: K }, (_, k) => evalOf(k));
  const easeF = names.indexOf('ease:z');
  const ease: number[] = [];
  for (const ev of evals) {
    const pred = new Float64Array(ev.label.length);
    for (let r = 0; r < pred.length; r++) pred[r] = ev.x[r * ev.nFeatures + easeF];
    ease.push(...perGroupNdcg(ev, pred, 10));
  }
  const easeMean = ease.reduce((a, b) => a + b, 0) / ease.length;
  console.log(JSON.stringify({ features: label, config: 'ease alone', cv_valid_ndcg10: round(easeMean), groups: ease.length }));
  for (const c of CV_CONFIGS) {
    if (only !== undefined && !only.includes(`${c.name}/${c.train}`)) continue;
    const t1 = performance.now();
    const per: number[] = [];
    const curveSum = new Map<number, number>();
    for (let k = 0; k < K; k++) {
      const trainG = Int32Array.from({ length: nG }, (_, g) => g).filter((g) =>
        groupStage[g] === 0 ? c.train !== 'inner' && fold[groupUser[g]] !== k : c.train !== 'valid',
      );
      const tr = subsetGroups(data, trainG);
      const ev = evals[k];
      if (c.linear === true) {
        per.push(...perGroupNdcg(ev, predictAll(fitLinear(tr, names, seed), ev), 10));
      } else {
        const initOf = (d: RankingData): Float64Array => {
          const out = new Float64Array(d.label.length);
          for (let r = 0; r < out.length; r++) out[r] = (c.initEase ?? 0) * d.x[r * d.nFeatures + easeF];
          return out;
        };
        const fit = fitGbdt(tr, names, seed, c.gbdt, ev, 10, c.initEase !== undefined ? { train: initOf(tr), eval: initOf(ev) } : undefined);
        const nEv = perGroupNdcg(ev, new Float64Array(ev.label.length), 10).length;
        for (const p of fit.curve) curveSum.set(p.trees, (curveSum.get(p.trees) ?? 0) + p.ndcg * nEv);
      }
    }
    let best = { trees: 0, ndcg: 0 };
    if (c.linear === true) best = { trees: 0, ndcg: per.reduce((a, b) => a + b, 0) / per.length };
    for (const [t, sum] of curveSum) if (sum / ease.length > best.ndcg) best = { trees: t, ndcg: sum / ease.length };
    const curve = [...curveSum].filter(([t]) => t % 50 === 0).map(([t, v]) => `${t}:${round(v / ease.length)}`).join(' ');
    let se = 0;
    if (per.length === ease.length) {
      const d = per.map((v, i) => v - ease[i]);
      const m = d.reduce((a, b) => a + b, 0) / d.length;
      se = Math.sqrt(d.reduce((a, b) => a + (b - m) ** 2, 0) / (d.length - 1) / d.length);
    }
    console.log(
      JSON.stringify({
        features: label,
        config: `${c.name}/${c.train}`,
        cv_valid_ndcg10: round(best.ndcg),
        over_ease: round(best.ndcg / easeMean),
        paired_se: se > 0 ? round(se) : undefined,
        best_trees: best.trees > 0 ? best.trees : undefined,
        curve: curve !== '' ? curve : undefined,
        seconds: Math.round((performance.now() - t1) / 1000),
      }),
    );
  }
}

function round(v: number): number {
  return Math.round(v * 1e4) / 1e4;
}

void main();
