/**
 * One measured step of the scale benchmark, run in its own process by benchmarks/scale.ts so it
 * can be given a time limit and its peak RSS is its own. Prints one JSON document on stdout.
 *
 *   tsx benchmarks/scale-task.ts '{"task":"import","dataset":"S","dir":"/tmp/x","seed":2020}'
 *   tsx benchmarks/scale-task.ts '{"task":"fit","dataset":"S","dir":"/tmp/x","model":"bpr","seed":2020}'
 *
 * import: synthetic data → analyst files (CSV + N-Triples) → today's readers → validate →
 * workspace (SQLite) → loadDataset; then KG index build and KG query latencies.
 * fit: workspace → split (recbole 8:1:1, seed) → fit one model (default hyper-parameters, no
 * grid) → NDCG@10 on a seeded sample of test users → recommend (+ explain) latency; for
 * semantic also the ANN index (build, save/load, recall@10 against exact, query latency).
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { dispatchApi, createApi } from '../main/api';
import { loadRegistryDataset, validateDataset } from '../main/core/data';
import { generateSynthetic, SYNTHETIC_SIZES, type SyntheticSize } from '../main/core/data/synthetic';
import { readAnalystFolder, writeAnalystFolder } from '../main/core/data/synthetic-files';
import { evaluateSplit, splitInteractions } from '../main/core/eval';
import { AnnIndex, ExactIndex, recallAtK } from '../main/core/index';
import { KgIndex } from '../main/core/kg';
import { loadKgIndexForApi, saveKgIndexCache } from '../main/jobs/kg-index-loader';
import { rowIndices } from '../main/core/matrix';
import { buildModel, type ModelEnvironment } from '../main/core/models';
import { isScaleMode, SCALE_MODE, SCALE_MODE_MIN_CELLS } from '../main/core/models/scale';
import { SemanticScorer } from '../main/core/models/semantic';
import { createRng } from '../main/core/random';
import { coInteractionCounter, explainRecommendation } from '../main/core/rank';
import { HybridScorer } from '../main/core/rank/hybrid';
import { Workspace } from '../main/core/store';
import { topK } from '../main/core/topk';
import type { Dataset, FitContext, Scorer, Split } from '../main/core/types';
import { fitContext } from '../main/jobs/evaluate';
import { bagOfWordsEncoder } from '../test/helpers/hash-encoder';

export interface TaskSpec {
  readonly task: 'import' | 'fit' | 'views';
  /** S, M, L or a registry dataset name (ml-latest-small). */
  readonly dataset: string;
  /** Work folder: files and workspace.sqlite. */
  readonly dir: string;
  readonly model?: string;
  readonly seed: number;
  /** Test users sampled (seeded) for NDCG@10. */
  readonly evalUsers?: number;
  /** Users sampled for latencies / queries for recall. */
  readonly latencyUsers?: number;
  /** The views task: the item and the search word its calls ask for (the import step's `views`). */
  readonly views?: { readonly item: string; readonly word: string };
}

/** Dimension of the stand-in text encoder (hashed bag of words, test/helpers/hash-encoder.ts). */
export const HASH_DIM = 256;

const secs = (t0: number): number => Math.round(performance.now() - t0) / 1000;
const ms = (t0: number): number => performance.now() - t0;

function quantiles(xs: number[]): { p50: number; p99: number; mean: number } {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number): number => s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? 0;
  const r = (x: number): number => Math.round(x * 1000) / 1000;
  return { p50: r(q(0.5)), p99: r(q(0.99)), mean: r(s.reduce((a, b) => a + b, 0) / Math.max(1, s.length)) };
}

const peakRssMb = (): number => Math.round(process.resourceUsage().maxRSS / 1024);

/** A progress line on stderr (the step's stdout carries only its JSON result). */
function say(line: string): void {
  process.stderr.write(`    ${line} (peak RSS ${peakRssMb()} MB)\n`);
}

/** Records a phase's seconds and says so on stderr, so a step stopped at its limit still shows how far it got. */
function mark(out: Record<string, unknown>, key: string, t0: number): void {
  out[key] = secs(t0);
  say(`${key} ${String(out[key])}`);
}

async function importTask(spec: TaskSpec): Promise<Record<string, unknown>> {
  const wsPath = join(spec.dir, 'workspace.sqlite');
  const out: Record<string, unknown> = {};
  let dataset: Dataset;
  let t0 = performance.now();
  if (spec.dataset in SYNTHETIC_SIZES) {
    const size = SYNTHETIC_SIZES[spec.dataset as SyntheticSize];
    const d = generateSynthetic({ ...size, seed: spec.seed });
    mark(out, 'generate_seconds', t0);
    t0 = performance.now();
    writeAnalystFolder(d, join(spec.dir, 'files'));
    mark(out, 'write_files_seconds', t0);
    t0 = performance.now();
    const raw = readAnalystFolder(join(spec.dir, 'files'), `synthetic-${spec.dataset}`);
    mark(out, 'read_seconds', t0);
    t0 = performance.now();
    const v = validateDataset(raw);
    mark(out, 'validate_seconds', t0);
    t0 = performance.now();
    const ws = Workspace.create(wsPath);
    ws.importDataset(v.dataset, { report: v.report });
    mark(out, 'store_seconds', t0);
    ws.close();
    // what `knowrec import` and the Api's import job do last: the KG explorer's index saved beside the workspace
    t0 = performance.now();
    await saveKgIndexCache(wsPath);
    mark(out, 'kg_index_cache_seconds', t0);
    t0 = performance.now();
    const again = Workspace.open(wsPath);
    dataset = again.loadDataset();
    mark(out, 'load_seconds', t0);
    again.close();
    out.import_seconds = Math.round(((out.read_seconds as number) + (out.validate_seconds as number) + (out.store_seconds as number) + (out.kg_index_cache_seconds as number)) * 1000) / 1000;
  } else {
    const { dataset: loaded, report } = loadRegistryDataset(spec.dataset);
    const ws = Workspace.create(wsPath);
    ws.importDataset(loaded, { report });
    mark(out, 'import_seconds', t0);
    t0 = performance.now();
    dataset = ws.loadDataset();
    mark(out, 'load_seconds', t0);
    ws.close();
  }
  out.counts = { users: dataset.userIds.length, items: dataset.itemIds.length, interactions: dataset.interactions.user.length, triples: dataset.kg.head.length, entities: dataset.kg.entityIds.length };
  Object.assign(out, kgQueries(dataset, spec));
  // what the views step (viewsTask, its own process) asks for
  out.views = { item: dataset.itemIds[0], word: dataset.items[0].title.split(' ')[1] ?? 'a' };
  return out;
}

/**
 * The views' first calls (apiViews), a step of its own (benchmarks/scale.ts), as the app's or
 * `knowrec serve`'s Api meets them: the import step's process holds the whole generated dataset
 * (GBs of heap at L), which made every garbage collection during a first call slower (the first
 * kgSearch at L: 3.3 s there, 0.24 s in its own process, session 15).
 */
async function viewsTask(spec: TaskSpec): Promise<Record<string, unknown>> {
  if (spec.views === undefined) throw new Error('the views task needs spec.views');
  return { api_ms: await apiViews(join(spec.dir, 'workspace.sqlite'), spec.views.item, spec.views.word) };
}

/**
 * What each view asks the Api for on its first render, timed through dispatchApi (validation
 * included) on a fresh Api over the workspace, in a process of its own (viewsTask), with the KG index loader `knowrec serve` and the app
 * use: the lists read the tables (store catalog.ts), the first KG call reads the KG index the import
 * saved beside the workspace (kg-index-loader.ts); `again` is the same call
 * repeated. benchmarks/api-large.ts times each call alone on a fresh Api.
 */
async function apiViews(wsPath: string, item: string, word: string): Promise<Record<string, { first: number; again: number }>> {
  // the KG index as `knowrec serve` and the app get it: the file the import saved beside the workspace
  const api = createApi({ open: (p) => Workspace.open(p), workspacePath: wsPath, appVersion: 'bench', encoder: async () => bagOfWordsEncoder(HASH_DIM), loadKgIndex: loadKgIndexForApi });
  const calls: [string, unknown][] = [
    ['workspaceSummary', {}],
    ['listItems', { offset: 0, limit: 50 }],
    ['listItems', { offset: 0, limit: 50, query: word }],
    ['listUsers', { offset: 0, limit: 50 }],
    ['kgSearch', { query: word, limit: 20 }],
    ['kgSubgraph', { item, hops: 2, cap: 200 }],
    ['kgItem', { item }],
    ['kgEdits', { offset: 0, limit: 50 }],
    ['listRuns', {}],
    ['listLabels', { offset: 0, limit: 50 }],
  ];
  const out: Record<string, { first: number; again: number }> = {};
  try {
    for (const [method, req] of calls) {
      const key = out[method] === undefined ? method : `${method}(query)`;
      let t0 = performance.now();
      const r = await dispatchApi(api, method, req);
      const first = ms(t0);
      if (!r.result.ok) throw new Error(`${method}: ${r.result.error.message}`);
      t0 = performance.now();
      await dispatchApi(api, method, req);
      out[key] = { first: Math.round(first * 10) / 10, again: Math.round(ms(t0) * 10) / 10 };
    }
  } finally {
    await api.close();
  }
  return out;
}

/** KG index build, then per sampled item: facts, 2-hop neighbours (capped), subgraph (capped), paths, search. */
function kgQueries(dataset: Dataset, spec: TaskSpec): Record<string, unknown> {
  let t0 = performance.now();
  const kg = new KgIndex(dataset);
  const build = secs(t0);
  const rng = createRng(spec.seed + 1);
  const n = dataset.itemIds.length;
  const times: Record<string, number[]> = { facts: [], neighbours: [], subgraph: [], paths: [], search: [] };
  const words = dataset.items.slice(0, 50).map((x) => x.title.split(' ')[1] ?? 'a');
  for (let q = 0; q < (spec.latencyUsers ?? 200); q++) {
    const a = rng.int(n);
    const b = rng.int(n);
    const ent = kg.itemEntities(a)[0];
    t0 = performance.now();
    kg.itemFacts(a);
    times.facts.push(ms(t0));
    if (ent !== undefined) {
      t0 = performance.now();
      kg.neighbours(ent, 2, { limit: 200 });
      times.neighbours.push(ms(t0));
    }
    t0 = performance.now();
    kg.subgraph({ item: a }, { hops: 2, cap: 200 });
    times.subgraph.push(ms(t0));
    t0 = performance.now();
    kg.paths(a, b, { maxLen: 3, limit: 20 });
    times.paths.push(ms(t0));
    t0 = performance.now();
    kg.searchEntities(words[q % words.length], 20);
    times.search.push(ms(t0));
  }
  const all = Object.values(times).flat();
  return { kg_index_seconds: build, kg_query_ms: { all: quantiles(all), ...Object.fromEntries(Object.entries(times).map(([k, v]) => [k, quantiles(v)])) } };
}

/** Seeded sample of `m` users among those with a target in `phase`. */
export function sampleUsers(split: Split, phase: 'valid' | 'test', m: number, seed: number): Int32Array {
  const users = [...new Set(split[phase].user)].sort((a, b) => a - b);
  const rng = createRng(seed);
  rng.shuffle(users);
  return Int32Array.from(users.slice(0, m)).sort();
}

/**
 * The registry's environment in this process: the stand-in encoder, one KG index, no fine-tuning,
 * and `fitted` = a source built and fitted here with the same environment (default
 * hyper-parameters, once per name), kept with its fit seconds in `sources`; the hybrid's
 * sources come from it, so its semantic source uses the same stand-in encoder.
 */
export interface FittedSources {
  readonly seconds: Record<string, number>;
  readonly scorers: Map<string, Scorer>;
}

export function environment(ctx: FitContext, validate: (s: Scorer) => number, validationUsers: Int32Array | undefined, sources: FittedSources): ModelEnvironment {
  let kg: KgIndex | null = null;
  const encoder = bagOfWordsEncoder(HASH_DIM);
  const fitted = new Map<string, Promise<Scorer>>();
  const env: ModelEnvironment = {
    validate,
    ...(validationUsers !== undefined ? { validationUsers } : {}),
    tune: false,
    kgIndex: () => (kg ??= new KgIndex(ctx.dataset)),
    encoder: async () => encoder,
    countTokens: () => (text) => text.split(' ').length + 2,
    activeAdapter: () => null,
    trainAdapter: () => Promise.reject(new Error('no fine-tuning in the scale benchmark')),
    fitted: (name, c) => {
      if (c !== ctx) return Promise.reject(new Error('the scale benchmark fits sources on its one split only (no stacking)'));
      let p = fitted.get(name);
      if (p === undefined) {
        p = (async (): Promise<Scorer> => {
          const t0 = performance.now();
          const s = await buildModel(name, env, ctx);
          await s.fit(ctx);
          sources.seconds[name] = secs(t0);
          say(`source ${name} ${sources.seconds[name]} s`);
          sources.scorers.set(name, s);
          return s;
        })();
        fitted.set(name, p);
      }
      return p;
    },
  };
  return env;
}

/** The semantic source's fit split into the one-time item-text encoding (items) and the users. */
function semanticStages(s: Scorer | undefined): { items: number; users: number } | undefined {
  return s instanceof SemanticScorer ? (s.fitStageSeconds() ?? undefined) : undefined;
}

/** The unit item vectors of a semantic scorer, else of the semantic source fitted for a hybrid (for explanations). */
export function itemVectorsOf(scorer: Scorer, semanticSource: Scorer | undefined): ((item: number) => Float32Array) | undefined {
  const sem = scorer instanceof SemanticScorer ? scorer : semanticSource instanceof SemanticScorer ? semanticSource : null;
  return sem === null ? undefined : (j) => sem.itemVector(j);
}

async function fitTask(spec: TaskSpec): Promise<Record<string, unknown>> {
  const model = spec.model ?? 'pop';
  let t0 = performance.now();
  const ws = Workspace.open(join(spec.dir, 'workspace.sqlite'));
  const dataset = ws.loadDataset();
  ws.close();
  const load = secs(t0);
  const split = splitInteractions(dataset.interactions, dataset.userIds.length, dataset.itemIds.length, 'recbole', spec.seed);
  const ctx = fitContext(dataset, split, spec.seed);
  const validUsers = sampleUsers(split, 'valid', 500, spec.seed);
  const validate = (s: Scorer): number => evaluateSplit(s, split, 'valid', [10], { users: validUsers }).metrics['ndcg@10'];
  const sources: FittedSources = { seconds: {}, scorers: new Map() };
  // timed from the build: a hybrid's build fits its sources
  t0 = performance.now();
  const scorer = await buildModel(model, environment(ctx, validate, validUsers, sources), ctx);
  await scorer.fit(ctx);
  const fit = secs(t0);
  say(`fit ${fit} s`);
  const sourceTotal = Object.values(sources.seconds).reduce((a, b) => a + b, 0);
  const evalUsers = sampleUsers(split, 'test', spec.evalUsers ?? 1000, spec.seed + 2);
  t0 = performance.now();
  const test = evaluateSplit(scorer, split, 'test', [10], { users: evalUsers });
  const evalSeconds = secs(t0);
  say(`eval ${evalSeconds} s`);
  const out: Record<string, unknown> = {
    load_seconds: load,
    fit_seconds: fit,
    eval_seconds: evalSeconds,
    eval_users: test.users,
    ndcg10: Math.round(test.metrics['ndcg@10'] * 1e4) / 1e4,
    recall10: Math.round(test.metrics['recall@10'] * 1e4) / 1e4,
    params: scorer.params(),
    scale_mode: isScaleMode(ctx.nUsers, ctx.nItems) ? { ...SCALE_MODE, threshold_cells: SCALE_MODE_MIN_CELLS } : false,
    ...(scorer instanceof HybridScorer ? {
      source_fit_seconds: sources.seconds,
      source_params: Object.fromEntries([...sources.scorers].map(([k, s]) => [k, s.params()])),
      fusion_seconds: Math.round((fit - sourceTotal) * 1000) / 1000,
      fusion_stage_seconds: scorer.fitReport()?.stageSeconds,
      semantic_stage_seconds: semanticStages(sources.scorers.get('semantic')),
    } : {}),
    ...latencies(scorer, ctx, split, spec, itemVectorsOf(scorer, sources.scorers.get('semantic'))),
  };
  say('latencies done');
  if (scorer instanceof SemanticScorer) out.ann = annMeasures(scorer, ctx, spec);
  return out;
}

/** Users recommended and explained untimed before the timed ones (the JIT, the matrices' first copy to the native products worker): their times are reported as the cold start. */
const WARMUP_USERS = 2;

/**
 * recommend = score all items + mask seen + top-10; explain = explainRecommendation of the top item.
 * The timed users are the seeded sample of latencyUsers (the same as before warm-up users were
 * added); WARMUP_USERS more of the same seeded draw go first, their times kept apart (cold_ms).
 */
function latencies(
  scorer: Scorer,
  ctx: FitContext,
  split: Split,
  spec: TaskSpec,
  itemVectors: ((item: number) => Float32Array) | undefined,
): Record<string, unknown> {
  const timed = sampleUsers(split, 'test', spec.latencyUsers ?? 200, spec.seed + 3);
  const inTimed = new Set(timed);
  const warmup = sampleUsers(split, 'test', (spec.latencyUsers ?? 200) + WARMUP_USERS, spec.seed + 3).filter((u) => !inTimed.has(u));
  let t0 = performance.now();
  const kg = new KgIndex(ctx.dataset);
  const coLiked = coInteractionCounter(ctx.trainCsr);
  const explainSetup = secs(t0);
  const rec: number[] = [];
  const exp: number[] = [];
  const cold: { user: number; recommend_ms: number; explain_ms: number }[] = [];
  const mask = new Uint8Array(ctx.nItems);
  for (const u of [...warmup, ...timed]) {
    t0 = performance.now();
    const seen = rowIndices(ctx.trainCsr, u);
    for (const i of seen) mask[i] = 1;
    const scores = scorer.score(u);
    const top = topK(scores, 10, mask);
    const recMs = ms(t0);
    t0 = performance.now();
    explainRecommendation({
      // the hybrid explains through its own per-signal contributions; a single model is its one signal
      hybrid: scorer instanceof HybridScorer ? scorer : { contributions: (_u, i) => ({ signals: { [scorer.name]: scores[i] } }) },
      user: u,
      item: top[0],
      dataset: ctx.dataset,
      kg,
      trainHistory: (v) => ({ items: rowIndices(ctx.trainCsr, v) }),
      lang: 'en',
      // as the fit job does: the list's length, the seen items and the scores already computed
      k: 10,
      excluded: mask,
      scores,
      coLiked,
      ...(itemVectors !== undefined ? { itemVectors } : {}),
    });
    const expMs = ms(t0);
    for (const i of seen) mask[i] = 0;
    if (cold.length < warmup.length) cold.push({ user: u, recommend_ms: Math.round(recMs * 10) / 10, explain_ms: Math.round(expMs * 10) / 10 });
    else {
      rec.push(recMs);
      exp.push(expMs);
    }
  }
  return {
    explain_setup_seconds: explainSetup,
    latency_users: { timed: timed.length, warmup: warmup.length },
    cold_ms: cold,
    recommend_ms: quantiles(rec),
    explain_ms: quantiles(exp),
    recommend_explain_ms: quantiles(rec.map((r, j) => r + exp[j])),
  };
}

/** ANN over the item vectors: build, save + load, recall@10 against exact, query latencies. */
function annMeasures(sem: SemanticScorer, ctx: FitContext, spec: TaskSpec): Record<string, unknown> {
  const { dim, items, users } = sem.vectors();
  const ids = Int32Array.from({ length: ctx.nItems }, (_, i) => i);
  let t0 = performance.now();
  const exact = new ExactIndex(dim, { initialCapacity: ctx.nItems });
  exact.add(ids, items);
  const exactBuild = secs(t0);
  t0 = performance.now();
  const ann = new AnnIndex(dim);
  ann.add(ids, items);
  const annBuild = secs(t0);
  say(`ann build ${annBuild} s`);
  const file = join(spec.dir, `items-${dim}.usearch`);
  t0 = performance.now();
  ann.save(file);
  const save = secs(t0);
  t0 = performance.now();
  const loaded = AnnIndex.load(file, dim);
  const load = secs(t0);
  const rng = createRng(spec.seed + 4);
  const qs = Array.from({ length: spec.latencyUsers ?? 200 }, () => {
    const u = rng.int(ctx.nUsers);
    return users.slice(u * dim, (u + 1) * dim);
  });
  const time = (ix: ExactIndex | AnnIndex): number[] =>
    qs.map((q) => {
      const t = performance.now();
      ix.search([q], 10);
      return ms(t);
    });
  return {
    index_threshold_note: 'auto picks ANN from core/index ANN_MIN_VECTORS items; measured here at every size',
    vectors: ctx.nItems,
    dim,
    exact_build_seconds: exactBuild,
    ann_build_seconds: annBuild,
    ann_save_seconds: save,
    ann_load_seconds: load,
    recall_at_10: Math.round(recallAtK(loaded, exact, qs, 10) * 1e4) / 1e4,
    exact_query_ms: quantiles(time(exact)),
    ann_query_ms: quantiles(time(loaded)),
  };
}

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2] ?? '{}') as TaskSpec;
  const t0 = performance.now();
  const result = spec.task === 'import' ? await importTask(spec) : spec.task === 'views' ? await viewsTask(spec) : await fitTask(spec);
  process.stdout.write(`${JSON.stringify({ ok: true, ...result, wall_seconds: secs(t0), peak_rss_mb: peakRssMb() })}\n`);
}

if (require.main === module) {
  main().catch((e: unknown) => {
    process.stdout.write(`${JSON.stringify({ ok: false, error: e instanceof Error ? e.message : String(e), peak_rss_mb: peakRssMb() })}\n`);
    process.exitCode = 1;
  });
}
