/**
 * Hybrid recommend + explain latency on one fitted hybrid (issue 11), quicker than the whole
 * scale benchmark: the dataset is built as benchmarks/scale.ts builds it (synthetic S/M through the
 * analyst files, or a registry dataset), split recbole 8:1:1, the hybrid fitted once with its
 * seven sources (default hyper-parameters, as scale-task.ts), then on a seeded sample of test
 * users (the same sample as scale-task.ts) each explain path is timed in turn on the same fit:
 *
 *   reference  the straightforward path: every call recomputes every source
 *              (HybridScorer.reuseUserState = false)
 *   fast       the default: the last user's state kept between calls (rank/user-cache.ts)
 *   fast-whole as fast, with every removal state re-scored over the whole catalog (the sources'
 *              item-by-item re-scores hidden, rank/partial-rescore.ts)
 *   fast-js    as fast, with the native item products paused (models/native-products.ts): the
 *              JavaScript loops that catalogs below the size switch use, timed on the same fit
 *
 * and the explanations are compared (they must be identical). Per source, the time spent in
 * its score / scoreWithout / scoreWithoutAt / prepareWithout / attribute during the explains, and
 * the calls, are reported too.
 *
 *   npx tsx benchmarks/explain-latency.ts --dataset S --out benchmarks/results/scale-explain.json
 *   --ranker linear|gbdt   fit that ranker only (skips trying both; 'auto', the default, is the scale benchmark's hybrid)
 *   --users 200 --seed 2020 --paths reference,fast --profile /tmp/explain.cpuprofile (CPU profile of the first path's loop)
 *   --warmup 3  explain the first 3 sampled users untimed first (the JIT's compilation; their times are reported apart), then time all
 *   --native-min-floats N  native item products from N floats (n·dim) instead of NATIVE_PRODUCTS_MIN_FLOATS (models/native-products.ts)
 *   --stats-items N  the hybrid's z-score / rank statistics over a seeded sample of N items (FeatureConfig.statsItems; scale mode's default
 *           SCALE_MODE.featureStatsItems); with --ranker linear|gbdt only
 *   --ndcg-users N  also NDCG@10 on test over a seeded sample of N test users (every unseen item ranked; default 0: not measured;
 *           scored before the timed loop, so it also warms the JIT: compare timings with and without it apart)
 *   --list  explain every item of each user's top-10 (as `knowrec fit` does, main/jobs/fit.ts explainTopK): explain_ms is then per user, all ten
 *           (explain_first_item_ms: the list's first explanation alone, the cost of a single one)
 */
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadRegistryDataset, validateDataset } from '../main/core/data';
import { generateSynthetic, SYNTHETIC_SIZES, type SyntheticSize } from '../main/core/data/synthetic';
import { readAnalystFolder, writeAnalystFolder } from '../main/core/data/synthetic-files';
import { evaluateSplit, splitInteractions } from '../main/core/eval';
import { KgIndex } from '../main/core/kg';
import { rowIndices } from '../main/core/matrix';
import { buildModel } from '../main/core/models';
import { NATIVE_PRODUCTS_MIN_FLOATS, pauseNativeProducts, setNativeProductsMinFloats } from '../main/core/models/native-products';
import { SemanticScorer } from '../main/core/models/semantic';
import { coInteractionCounter, explainRecommendation, type ContributionSource, type Explanation } from '../main/core/rank';
import { HybridScorer } from '../main/core/rank/hybrid';
import { topK } from '../main/core/topk';
import type { Dataset, FitContext, Scorer } from '../main/core/types';
import { fitContext } from '../main/jobs/evaluate';
import { arg, machineInfo, writeResults } from './common';
import { environment, itemVectorsOf, sampleUsers, type FittedSources } from './scale-task';

const secs = (t0: number): number => Math.round(performance.now() - t0) / 1000;
const say = (s: string): boolean => process.stderr.write(`${s}\n`);

function quantiles(xs: number[]): { p50: number; p99: number; max: number; mean: number } {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number): number => s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? 0;
  const r = (x: number): number => Math.round(x * 1000) / 1000;
  return { p50: r(q(0.5)), p99: r(q(0.99)), max: r(s[s.length - 1] ?? 0), mean: r(s.reduce((a, b) => a + b, 0) / Math.max(1, s.length)) };
}

/** S, M, L, a registry dataset, or synthetic:USERS,ITEMS,INTERACTIONS,TRIPLES (a quick look). */
function loadData(name: string, seed: number): Dataset {
  const custom = /^synthetic:(\d+),(\d+),(\d+),(\d+)$/.exec(name);
  if (!(name in SYNTHETIC_SIZES) && custom === null) return loadRegistryDataset(name).dataset;
  const [users, items, interactions, triples] = custom !== null ? custom.slice(1).map(Number) : [];
  const size = custom !== null ? { users, items, interactions, triples } : SYNTHETIC_SIZES[name as SyntheticSize];
  const dir = mkdtempSync(join(tmpdir(), 'explain-latency-'));
  try {
    writeAnalystFolder(generateSynthetic({ ...size, seed }), join(dir, 'files'));
    return validateDataset(readAnalystFolder(join(dir, 'files'), `synthetic-${name}`)).dataset;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function fitHybrid(ctx: FitContext, ranker: string, sources: FittedSources, validate: (s: Scorer) => number, statsItems?: number): Promise<{ scorer: HybridScorer; semantic: Scorer | undefined }> {
  const env = environment(ctx, validate, undefined, sources);
  let scorer: Scorer;
  if (ranker === 'auto') scorer = await buildModel('hybrid', env, ctx);
  else {
    // the registry's hybrid (models/registry.ts buildHybrid) with the ranker fixed
    const names = ['semantic', 'itemknn', 'ease', 'bpr', 'kg-profile', 'kg-embed', 'pop'];
    const srcs = [];
    for (const name of names) srcs.push({ name, scorer: await env.fitted(name, ctx) });
    const sem = srcs[0].scorer;
    const vec = itemVectorsOf(sem, sem);
    scorer = new HybridScorer({ name: 'hybrid', sources: srcs, kg: env.kgIndex(ctx), ...(vec !== undefined ? { itemVectors: vec } : {}), features: {}, seed: ctx.seed, ranker: ranker as 'linear' | 'gbdt', ...(statsItems !== undefined ? { statsItems } : {}) });
  }
  await scorer.fit(ctx);
  if (!(scorer instanceof HybridScorer)) throw new Error('not a hybrid');
  return { scorer, semantic: sources.scorers.get('semantic') };
}

/** Wraps each source's score / scoreWithout / attribute with a timer (ms per source and method). */
/**
 * Times (and counts the calls of) each source's score / scoreWithout / scoreWithoutAt (with the
 * writes of what it returns) / prepareWithout / attribute. `itemByItem(false)` hides the sources'
 * scoreWithoutAt (the fast-whole path: removal states re-scored over every item).
 */
function timeSources(sources: FittedSources): { totals: Record<string, number>; calls: Record<string, number>; reset: () => void; itemByItem: (on: boolean) => void } {
  const totals: Record<string, number> = {};
  const calls: Record<string, number> = {};
  const timed = <T>(key: string, f: () => T): T => {
    const t = performance.now();
    try {
      return f();
    } finally {
      totals[key] = (totals[key] ?? 0) + performance.now() - t;
    }
  };
  const hidden: (() => void)[] = [];
  const shown: (() => void)[] = [];
  for (const [name, s] of sources.scorers) {
    const obj = s as unknown as Record<string, unknown>;
    for (const m of ['score', 'scoreWithout', 'scoreWithoutAt', 'prepareWithout', 'attribute']) {
      const f = obj[m];
      if (typeof f !== 'function') continue;
      const key = `${name}.${m}`;
      const wrapped = (...a: unknown[]): unknown => {
        calls[key] = (calls[key] ?? 0) + 1;
        const r = timed(key, () => (f as (...x: unknown[]) => unknown).apply(s, a));
        if (m !== 'scoreWithoutAt' || r === null) return r;
        const at = r as { write: (...x: unknown[]) => void };
        return { ...at, write: (...w: unknown[]) => timed(key, () => at.write(...w)) };
      };
      obj[m] = wrapped;
      if (m === 'scoreWithoutAt') {
        hidden.push(() => { obj[m] = undefined; });
        shown.push(() => { obj[m] = wrapped; });
      }
    }
  }
  return {
    totals, calls,
    reset: () => { for (const t of [totals, calls]) for (const k of Object.keys(t)) delete t[k]; },
    itemByItem: (on) => { for (const f of on ? shown : hidden) f(); },
  };
}

async function main(): Promise<void> {
  const name = arg('--dataset') ?? 'S';
  const seed = Number(arg('--seed') ?? '2020');
  const nUsers = Number(arg('--users') ?? '200');
  const ranker = arg('--ranker') ?? 'auto';
  const paths = (arg('--paths') ?? 'reference,fast').split(',');
  const profile = arg('--profile');
  const list = process.argv.includes('--list');
  const warmup = Number(arg('--warmup') ?? '3');
  const nativeMin = arg('--native-min-floats');
  if (nativeMin !== undefined) setNativeProductsMinFloats(Number(nativeMin));
  const load0 = loadavg();
  let t0 = performance.now();
  const dataset = loadData(name, seed);
  const split = splitInteractions(dataset.interactions, dataset.userIds.length, dataset.itemIds.length, 'recbole', seed);
  const ctx = fitContext(dataset, split, seed);
  const validUsers = sampleUsers(split, 'valid', 500, seed);
  const validate = (s: Scorer): number => evaluateSplit(s, split, 'valid', [10], { users: validUsers }).metrics['ndcg@10'];
  const sources: FittedSources = { seconds: {}, scorers: new Map() };
  say(`data ${secs(t0)} s`);
  t0 = performance.now();
  const statsItems = arg('--stats-items');
  if (statsItems !== undefined && (ranker === 'auto' || !(Number(statsItems) >= 1))) throw new Error('--stats-items N takes a positive N, and --ranker linear or gbdt');
  const { scorer, semantic } = await fitHybrid(ctx, ranker, sources, validate, statsItems !== undefined ? Number(statsItems) : undefined);
  const fitSeconds = secs(t0);
  say(`fit ${fitSeconds} s (${String(scorer.params().ranker)})`);
  // quality on test (never tuned on): NDCG@10 over a seeded sample of test users, all unseen items ranked
  const ndcgUsers = Number(arg('--ndcg-users') ?? '0');
  const testNdcg = ndcgUsers > 0 ? evaluateSplit(scorer, split, 'test', [10], { users: sampleUsers(split, 'test', ndcgUsers, seed + 5) }).metrics['ndcg@10'] : null;
  if (testNdcg !== null) say(`test NDCG@10 ${testNdcg.toFixed(4)} (${ndcgUsers} sampled test users)`);
  const users = sampleUsers(split, 'test', nUsers, seed + 3);
  const kg = new KgIndex(ctx.dataset);
  const coLiked = coInteractionCounter(ctx.trainCsr);
  const itemVectors = itemVectorsOf(scorer, semantic);
  const timers = timeSources(sources);
  const results: Record<string, unknown> = {};
  const explanations: Record<string, Explanation[]> = {};
  // the first timed user's first explanation, to read (the same on every path)
  let example: { user: string; item: string; title: string } | null = null;
  for (const [n, path] of paths.entries()) {
    const session = profile !== undefined && n === 0 ? new Session() : null;
    if (session !== null) {
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.start');
    }
    timers.reset();
    // fast-whole: as fast, every removal state re-scored over the whole catalog (no scoreWithoutAt)
    timers.itemByItem(path !== 'fast-whole');
    const rec: number[] = [];
    const exp: number[] = [];
    // --list: the first item's explain alone (a single explanation, as without --list), to compare with the whole list
    const expFirst: number[] = [];
    // CPU time of this process per explain (ms): less moved by other jobs on a shared machine than the wall time
    const expCpu: number[] = [];
    const out: Explanation[] = [];
    const mask = new Uint8Array(ctx.nItems);
    // reference: nothing kept between calls; fast: the last user's state kept (the default)
    scorer.reuseUserState = path !== 'reference';
    if (path !== 'reference' && path !== 'fast' && path !== 'fast-js' && path !== 'fast-whole') throw new Error(`unknown path '${path}'`);
    // fast-js: native products paused; every path starts without semantic columns kept by the one before
    pauseNativeProducts(path === 'fast-js');
    if (semantic instanceof SemanticScorer) semantic.forgetRemovals();
    const hybrid: ContributionSource = scorer;
    // untimed: the first explains of a path pay the JIT's compilation (reported apart)
    const warm: number[] = [];
    for (const u of users.slice(0, warmup)) {
      t0 = performance.now();
      const seen = rowIndices(ctx.trainCsr, u);
      for (const i of seen) mask[i] = 1;
      const scores = scorer.score(u);
      explainRecommendation({ hybrid, user: u, item: topK(scores, 1, mask)[0], dataset: ctx.dataset, kg, trainHistory: (v) => ({ items: rowIndices(ctx.trainCsr, v) }), lang: 'en', k: 10, excluded: mask, scores, coLiked, ...(itemVectors !== undefined ? { itemVectors } : {}) });
      for (const i of seen) mask[i] = 0;
      warm.push(Math.round(performance.now() - t0));
    }
    timers.reset();
    for (const u of users) {
      t0 = performance.now();
      const seen = rowIndices(ctx.trainCsr, u);
      for (const i of seen) mask[i] = 1;
      const scores = scorer.score(u);
      const top = topK(scores, 10, mask);
      rec.push(performance.now() - t0);
      t0 = performance.now();
      const c0 = process.cpuUsage();
      // as scale-task.ts (and the fit job): the list's length, the seen items and the scores already computed;
      // --list: every item of the top-10, as the fit job's explainTopK
      for (const [j, item] of (list ? Array.from(top) : [top[0]]).entries()) {
        if (j === 1) expFirst.push(performance.now() - t0);
        example ??= { user: ctx.dataset.userIds[u], item: ctx.dataset.itemIds[item], title: ctx.dataset.items[item]?.title ?? '' };
        out.push(explainRecommendation({
          hybrid, user: u, item, dataset: ctx.dataset, kg, trainHistory: (v) => ({ items: rowIndices(ctx.trainCsr, v) }),
          lang: 'en', k: 10, excluded: mask, scores, coLiked, ...(itemVectors !== undefined ? { itemVectors } : {}),
        }));
      }
      exp.push(performance.now() - t0);
      const c1 = process.cpuUsage(c0);
      expCpu.push((c1.user + c1.system) / 1000);
      for (const i of seen) mask[i] = 0;
    }
    if (session !== null && profile !== undefined) {
      const { profile: p } = await session.post('Profiler.stop');
      writeFileSync(profile, JSON.stringify(p));
      session.disconnect();
    }
    explanations[path] = out;
    const perUser = (t: Record<string, number>): Record<string, number> => Object.fromEntries(Object.entries(t).sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, Math.round((v / users.length) * 100) / 100]));
    const perSource = perUser(timers.totals);
    // the slowest users, in the loop's order (the first ones also pay the JIT's warm-up)
    const slowest = exp.map((ms, j) => ({ at: j, user: users[j], ms: Math.round(ms * 10) / 10, history: rowIndices(ctx.trainCsr, users[j]).length })).sort((x, y) => y.ms - x.ms).slice(0, 3);
    const columns = semantic instanceof SemanticScorer ? semantic.columnCounts : null;
    results[path] = { ...(columns !== null ? { semantic_columns_so_far: columns } : {}), warmup_recommend_explain_ms: warm, recommend_ms: quantiles(rec), explain_ms: quantiles(exp), ...(list ? { explain_first_item_ms: quantiles(expFirst) } : {}), explain_cpu_ms: quantiles(expCpu), slowest_explains: slowest, recommend_explain_ms: quantiles(rec.map((r, j) => r + exp[j])), source_ms_per_explain: perSource, source_calls_per_explain: perUser(timers.calls) };
    say(`${path}: ${JSON.stringify(results[path])}`);
  }
  const [a, b] = paths;
  const differ = (x: string, y: string): number => explanations[x].filter((e, j) => JSON.stringify(e) !== JSON.stringify(explanations[y][j])).length;
  const differing = a !== undefined && b !== undefined ? differ(a, b) : null;
  const fromFirst = a !== undefined ? Object.fromEntries(paths.slice(1).map((p) => [p, differ(a, p)])) : {};
  writeResults({
    benchmark: 'explain-latency',
    command: `npx tsx benchmarks/explain-latency.ts ${process.argv.slice(2).join(' ')}`,
    note: 'hybrid fitted once (default hyper-parameters, sources as in scale-task.ts); each path timed on the same fit and users, after warmup untimed explains of its first users (the JIT; their times in warmup_recommend_explain_ms); explanations compared exactly (JSON); machine shared (2 cores, other jobs running)',
    warmup,
    dataset: name, seed, users: users.length, explained_per_user: list ? 'the top-10 (--list; explain_ms is all ten together)' : 'the top item', counts: { users: ctx.nUsers, items: ctx.nItems, train: ctx.train.user.length },
    fit_seconds: fitSeconds, source_fit_seconds: sources.seconds, params: scorer.params(),
    ...(testNdcg !== null ? { test_ndcg_at_10: { value: Math.round(testNdcg * 1e4) / 1e4, users: ndcgUsers, protocol: 'recbole 8:1:1 split (seed), full ranking of unseen items, seeded sample of test users (seed + 5)' } } : {}),
    paths: results, example: example !== null && a !== undefined ? { ...example, explanation: explanations[a][0] } : null, explanations_differing: differing, explanations_differing_from_first: fromFirst, native_products_min_floats: nativeMin !== undefined ? Number(nativeMin) : NATIVE_PRODUCTS_MIN_FLOATS,
    loadavg_at_start: load0, ...machineInfo(),
  }, arg('--out'));
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
