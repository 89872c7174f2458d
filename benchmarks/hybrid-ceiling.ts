/**
 * How far can any blend get above EASE on ml-100k (RecBole protocol)? A study on the VALIDATION
 * split only (the test split is never scored here), to size the hybrid's headroom.
 *
 * Signals, each built from the training split alone (timestamps of training interactions only):
 *   - the hybrid's sources (itemknn, bpr, semantic, kg-profile, kg-embed), cached as in hybrid-experiments.ts;
 *   - ease+kg: EASE whose Gram matrix also counts each KG entity as a pseudo-user who "interacted"
 *     with every item having that entity (collective EASE; α² = 1);
 *   - seq: co-occurrence within 3 positions of each user's time-ordered training history,
 *     weighted 1/distance, normalised by √(pop·pop);
 *   - user-ease: EASE on the user side (λ = 200): a user's score is a learned mix of other users' rows;
 *   - time-pop: training interactions of the item weighted by exp(−|day − user's day|/30);
 *   - not-yet-rated: −1 for items whose first training interaction is after the user's last one.
 *
 * Each signal is z-scored per user and blended with EASE (score = z(ease) + w·z(signal)); w is
 * picked on one half of the validation users (by a fixed hash) and measured on the other half,
 * both ways (2-fold user cross-validation). "all" blends every signal at once by greedy
 * coordinate search, cross-validated the same way.
 *
 *   nice npx tsx benchmarks/hybrid-ceiling.ts [--seeds 2020,2021,2022] [--out benchmarks/results/hybrid-ceiling.json]
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { evaluateSplit, splitInteractions } from '../main/core/eval';
import { KgIndex } from '../main/core/kg';
import { invertSpd } from '../main/core/models/linalg';
import type { Scorer } from '../main/core/types';
import { openDataset } from '../main/jobs/dataset';
import { fitContext } from '../main/jobs/evaluate';
import { ModelEnv } from '../main/jobs/model-factory';
import { cachedSources } from './source-cache';
import { arg, machineInfo, matrixScorer, rowScorer, writeResults } from './common';

const round = (v: number): number => Math.round(v * 1e4) / 1e4;
const DAY = 86_400;

async function runSeed(seed: number): Promise<SeedResult> {
  const t0 = performance.now();
  const { dataset, workspace } = openDataset({ dataset: 'ml-100k' });
  const nU = dataset.userIds.length;
  const nI = dataset.itemIds.length;
  const split = splitInteractions(dataset.interactions, nU, nI, 'recbole', seed);
  const ctx = fitContext(dataset, split, seed);
  const validate = (s: Scorer): number => evaluateSplit(s, split, 'valid', [10]).metrics['ndcg@10'];
  const env = new ModelEnv({ workspace });
  const signals = new Map<string, Float32Array>();
  let easeLambda = 500;
  try {
    const cache = join(arg('--cache') ?? '/tmp/knowrec-hybrid-cache', `recbole-${seed}`, 'full');
    const { sources } = await cachedSources(cache, ctx, validate, env);
    for (const s of sources) {
      if (!['ease', 'itemknn', 'bpr', 'semantic', 'kg-profile', 'kg-embed'].includes(s.name)) continue;
      const m = new Float32Array(nU * nI);
      for (let u = 0; u < nU; u++) m.set(s.scorer.score(u), u * nI);
      signals.set(s.name, m);
      if (s.name === 'ease') easeLambda = Number(s.scorer.params().lambda);
    }
  } finally {
    await env.close();
  }
  const tr = split.train;
  const rows: number[][] = Array.from({ length: nU }, () => []);
  const order = Array.from({ length: tr.item.length }, (_, p) => p).sort((a, b) => tr.timestamp[a] - tr.timestamp[b] || a - b);
  for (const p of order) if (!rows[tr.user[p]].includes(tr.item[p])) rows[tr.user[p]].push(tr.item[p]);
  const pop = new Float32Array(nI);
  for (const r of rows) for (const i of r) pop[i]++;

  // ease+kg
  {
    const kg = new KgIndex(dataset);
    const g = new Float64Array(nI * nI);
    for (const r of rows) for (const a of r) for (const b of r) g[a * nI + b] += 1;
    const byEntity = new Map<number, Set<number>>();
    for (let i = 0; i < nI; i++) {
      for (const f of kg.itemFacts(i)) {
        let s = byEntity.get(f.entity);
        if (s === undefined) byEntity.set(f.entity, (s = new Set()));
        s.add(i);
      }
    }
    for (const s of byEntity.values()) {
      if (s.size < 2) continue;
      const items = [...s];
      for (const a of items) for (const b of items) g[a * nI + b] += 1;
    }
    for (let i = 0; i < nI; i++) g[i * nI + i] += easeLambda;
    const p = invertSpd(g, nI);
    const m = new Float32Array(nU * nI);
    for (let u = 0; u < nU; u++) {
      for (const a of rows[u]) {
        for (let j = 0; j < nI; j++) if (j !== a) m[u * nI + j] -= p[a * nI + j] / p[j * nI + j];
      }
    }
    signals.set('ease+kg', m);
  }
  // seq
  {
    const s = new Float32Array(nI * nI);
    for (const r of rows) {
      for (let a = 0; a < r.length; a++) {
        for (let b = Math.max(0, a - 3); b <= Math.min(r.length - 1, a + 3); b++) if (b !== a) s[r[a] * nI + r[b]] += 1 / Math.abs(a - b);
      }
    }
    for (let i = 0; i < nI; i++) for (let j = 0; j < nI; j++) s[i * nI + j] /= Math.sqrt((pop[i] + 1) * (pop[j] + 1));
    const m = new Float32Array(nU * nI);
    for (let u = 0; u < nU; u++) for (const a of rows[u]) for (let j = 0; j < nI; j++) m[u * nI + j] += s[a * nI + j];
    signals.set('seq', m);
  }
  // user-ease
  {
    const x = new Uint8Array(nU * nI);
    for (let u = 0; u < nU; u++) for (const i of rows[u]) x[u * nI + i] = 1;
    const g = new Float64Array(nU * nU);
    for (let u = 0; u < nU; u++) {
      for (let v = 0; v <= u; v++) {
        let s = 0;
        for (const i of rows[u]) s += x[v * nI + i];
        g[u * nU + v] = s;
        g[v * nU + u] = s;
      }
    }
    for (let u = 0; u < nU; u++) g[u * nU + u] += 200;
    const p = invertSpd(g, nU);
    const m = new Float32Array(nU * nI);
    for (let u = 0; u < nU; u++) {
      for (let v = 0; v < nU; v++) {
        if (v === u) continue;
        const c = -p[u * nU + v] / p[u * nU + u];
        for (const i of rows[v]) m[u * nI + i] += c;
      }
    }
    signals.set('user-ease', m);
  }
  // time-pop and not-yet-rated
  {
    let tMin = Infinity;
    let tMax = -Infinity;
    for (const t of tr.timestamp) {
      tMin = Math.min(tMin, t);
      tMax = Math.max(tMax, t);
    }
    const nD = Math.floor((tMax - tMin) / DAY) + 1;
    const itemDay = new Float32Array(nI * nD);
    const userDay = new Float32Array(nU * nD);
    const first = new Float64Array(nI).fill(Infinity);
    const last = new Float64Array(nU).fill(-Infinity);
    for (let p = 0; p < tr.item.length; p++) {
      const d = Math.floor((tr.timestamp[p] - tMin) / DAY);
      itemDay[tr.item[p] * nD + d]++;
      userDay[tr.user[p] * nD + d]++;
      first[tr.item[p]] = Math.min(first[tr.item[p]], tr.timestamp[p]);
      last[tr.user[p]] = Math.max(last[tr.user[p]], tr.timestamp[p]);
    }
    const tp = new Float32Array(nU * nI);
    const ny = new Float32Array(nU * nI);
    const k = new Float32Array(nD);
    for (let u = 0; u < nU; u++) {
      k.fill(0);
      for (let d = 0; d < nD; d++) {
        const w = userDay[u * nD + d];
        if (w !== 0) for (let e = 0; e < nD; e++) k[e] += w * Math.exp(-Math.abs(e - d) / 30);
      }
      for (let i = 0; i < nI; i++) {
        let s = 0;
        for (let d = 0; d < nD; d++) s += itemDay[i * nD + d] * k[d];
        tp[u * nI + i] = Math.log1p(s);
        ny[u * nI + i] = first[i] > last[u] ? -1 : 0;
      }
    }
    signals.set('time-pop', tp);
    signals.set('not-yet-rated', ny);
  }
  const buildSeconds = (performance.now() - t0) / 1000;

  // per-user z-scores
  const z = new Map<string, Float32Array>();
  for (const [name, m] of signals) {
    const out = new Float32Array(nU * nI);
    for (let u = 0; u < nU; u++) {
      const r = m.subarray(u * nI, (u + 1) * nI);
      let mu = 0;
      for (const v of r) mu += v;
      mu /= nI;
      let sd = 0;
      for (const v of r) sd += (v - mu) ** 2;
      sd = Math.sqrt(sd / nI) || 1;
      for (let i = 0; i < nI; i++) out[u * nI + i] = (r[i] - mu) / sd;
    }
    z.set(name, out);
  }
  const folds = [0, 1].map((f) => Int32Array.from({ length: nU }, (_, u) => u).filter((u) => ((u * 7919 + 13) % 2) === f));
  const blend = (w: ReadonlyMap<string, number>, users: Int32Array): number => {
    const scorer = rowScorer('blend', (u) => {
      const r = new Float32Array(nI);
      for (const [name, c] of w) {
        if (c === 0) continue;
        const m = z.get(name);
        if (m === undefined) throw new Error(`no signal ${name}`);
        for (let i = 0; i < nI; i++) r[i] += c * m[u * nI + i];
      }
      return r;
    });
    return evaluateSplit(scorer, split, 'valid', [10], { users }).metrics['ndcg@10'];
  };
  const easeOnly = new Map([['ease', 1]]);
  const easeFold = folds.map((f) => blend(easeOnly, f));
  const nOf = folds.map((f) => f.length);
  const pooled = (v: number[]): number => (v[0] * nOf[0] + v[1] * nOf[1]) / (nOf[0] + nOf[1]);
  const easeValid = pooled(easeFold);
  const grid = [0.05, 0.1, 0.2, 0.4, 0.8];
  const results: Record<string, unknown>[] = [];
  const others = [...signals.keys()].filter((s) => s !== 'ease');
  for (const name of others) {
    const alone = validate(matrixScorer(name, signals.get(name) as Float32Array, nI));
    const cv: number[] = [];
    const picked: number[] = [];
    for (const f of [0, 1]) {
      let best = { w: 0, v: easeFold[f] };
      for (const w of grid) {
        const v = blend(new Map([['ease', 1], [name, w]]), folds[f]);
        if (v > best.v) best = { w, v };
      }
      picked.push(best.w);
      cv.push(blend(new Map([['ease', 1], [name, best.w]]), folds[1 - f]));
    }
    const v = pooled([cv[1], cv[0]]); // cv[f] was measured on the other fold
    results.push({ signal: name, alone_valid_ndcg10: round(alone), blend_weights_picked: picked, blend_cv_valid_ndcg10: round(v), over_ease: round(v / easeValid) });
    process.stderr.write(`seed ${seed}: ${name}: alone ${alone.toFixed(4)}, ease + w·${name} (cv) ${v.toFixed(4)} (${(v / easeValid).toFixed(4)}×)\n`);
  }
  // everything at once, greedy coordinate search per fold
  const allCv: number[] = [];
  const allWeights: Record<string, number>[] = [];
  for (const f of [0, 1]) {
    const w = new Map([['ease', 1]]);
    let best = easeFold[f];
    for (let pass = 0; pass < 2; pass++) {
      for (const name of others) {
        for (const c of [0, ...grid]) {
          const t = new Map(w).set(name, c);
          const v = blend(t, folds[f]);
          if (v > best) {
            best = v;
            w.set(name, c);
          }
        }
      }
    }
    allWeights.push(Object.fromEntries(w));
    allCv.push(blend(w, folds[1 - f]));
  }
  const all = pooled([allCv[1], allCv[0]]);
  process.stderr.write(`seed ${seed}: all signals (cv) ${all.toFixed(4)} (${(all / easeValid).toFixed(4)}×)\n`);
  return {
    seed,
    ease: { lambda: easeLambda, valid_ndcg10: round(easeValid) },
    signals: results,
    all_signals: { cv_valid_ndcg10: round(all), over_ease: round(all / easeValid), weights_per_fold: allWeights },
    needed_for_target: round(easeValid * 1.05),
    build_seconds: Math.round(buildSeconds),
    seconds: Math.round((performance.now() - t0) / 1000),
  };
}

interface SeedResult {
  readonly seed: number;
  readonly ease: { readonly lambda: number; readonly valid_ndcg10: number };
  readonly signals: readonly Record<string, unknown>[];
  readonly all_signals: { readonly cv_valid_ndcg10: number; readonly over_ease: number; readonly weights_per_fold: Record<string, number>[] };
  readonly needed_for_target: number;
  readonly build_seconds: number;
  readonly seconds: number;
}

async function main(): Promise<void> {
  const seeds = (arg('--seeds') ?? '2020,2021,2022').split(',').map(Number);
  const perSeed: SeedResult[] = [];
  for (const seed of seeds) perSeed.push(await runSeed(seed));
  const mean = (xs: number[]): number => round(xs.reduce((a, b) => a + b, 0) / xs.length);
  const names = perSeed[0].signals.map((r) => String(r.signal));
  const summary: Record<string, number> = {};
  for (const n of names) summary[`ease + ${n}`] = mean(perSeed.map((p) => Number(p.signals.find((r) => r.signal === n)?.over_ease)));
  summary['all signals'] = mean(perSeed.map((p) => p.all_signals.over_ease));
  const out = {
    benchmark: 'hybrid-ceiling',
    dataset: 'ml-100k',
    protocol: {
      name: 'recbole',
      seeds,
      split: 'random 8:1:1 per user',
      metric: 'NDCG@10 on the VALIDATION split (train items excluded, full ranking); the test split is not scored',
      blend: 'z(ease) + Σ w·z(signal), z per user over all items; weights picked on one half of the users, measured on the other (2-fold, both ways, pooled)',
    },
    summary_over_ease_mean: summary,
    per_seed: perSeed,
    machine: machineInfo(),
    date: new Date().toISOString(),
  };
  writeResults(out, arg('--out'));
}

void main();
