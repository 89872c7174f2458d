/**
 * The fusion's training data (see hybrid.ts): candidates and features of every (stage, user with
 * targets), one group each, labelled by the stage's targets; and its split into fitting and
 * held-out users for the ranker choice.
 */
import { throwIfAborted } from '../errors';
import { toCsr } from '../matrix';
import { isScaleMode, SCALE_MODE, sampleUsers } from '../models/scale';
import { createRng } from '../random';
import type { Csr, FitContext, Interactions } from '../types';
import { FeatureBuilder, type FeatureFlags, type HybridSource, type KgFactIndex } from './features';
import { subsetGroups, type RankingData } from './ranker';

/** Top-N taken from each source by default. */
export const CANDIDATES_PER_SOURCE = 100;

/** The hybrid's candidate, KG, vector and feature settings (see HybridOptions). */
export interface FeatureBuilderSettings {
  /** Top-N taken from each source. Default 100. */
  readonly candidatesPerSource?: number;
  /** KG index for the kg-overlap features (KgIndex fits). */
  readonly kg?: KgFactIndex;
  /** Unit item vectors (e.g. SemanticScorer.itemVector) for history-similarity and MMR. */
  readonly itemVectors?: (item: number) => Float32Array;
  /** Switches for the non-source features (ablations). */
  readonly features?: FeatureFlags;
  /** Items the z-score and rank statistics are sampled over (FeatureConfig.statsItems); default all, SCALE_MODE.featureStatsItems in scale mode. */
  readonly statsItems?: number;
  /** Full-ranking items searched for a removal state's top-N (FeatureConfig.partialTop). */
  readonly partialTop?: number;
}

/**
 * The feature builder of `sources` fitted on `train` (history = train; candidates, pop and KG
 * overlap from it), with the hybrid's candidate, KG, vector and feature settings.
 */
export function makeFeatureBuilder(
  opts: FeatureBuilderSettings,
  sources: readonly HybridSource[],
  train: Interactions,
  nUsers: number,
  nItems: number,
  trainCsr: Csr = toCsr(train, nUsers, nItems),
): FeatureBuilder {
  const trainTimes = toCsr({ user: train.user, item: train.item, rating: Float32Array.from(train.timestamp), timestamp: train.timestamp }, nUsers, nItems).values;
  // recency order of the history (history-similarity); only when aligned with the train matrix
  const times = trainTimes.length === trainCsr.indices.length ? Float64Array.from(trainTimes) : undefined;
  return new FeatureBuilder({
    sources,
    nUsers,
    nItems,
    train: trainCsr,
    candidatesPerSource: opts.candidatesPerSource ?? CANDIDATES_PER_SOURCE,
    kg: opts.kg,
    itemVectors: opts.itemVectors,
    flags: opts.features,
    trainTimes: times,
    statsItems: opts.statsItems ?? (isScaleMode(nUsers, nItems) ? SCALE_MODE.featureStatsItems : undefined),
    partialTop: opts.partialTop,
  });
}

/** The validation targets the fusion learns on, and the user sample they were restricted to (null: every user). */
export interface ValidTargets {
  readonly targets: Csr;
  readonly sample: { readonly users: number; readonly of: number } | null;
}

/**
 * The validation split as the fusion's targets. `fusionUsers` (a number) restricts them to a
 * seeded sample of that many users among those with validation targets; undefined: all of them,
 * except in scale mode (models/scale.ts), where SCALE_MODE.fusionUsers are sampled. Only the
 * validation split is read, never test.
 */
export function validTargets(ctx: Pick<FitContext, 'valid' | 'nUsers' | 'nItems'>, fusionUsers: number | undefined, seed: number): ValidTargets {
  const m = fusionUsers ?? (isScaleMode(ctx.nUsers, ctx.nItems) ? SCALE_MODE.fusionUsers : undefined);
  const all = toCsr(ctx.valid, ctx.nUsers, ctx.nItems);
  if (m === undefined) return { targets: all, sample: null };
  const users = sampleUsers(ctx.valid.user, m, seed + 7);
  let of = 0;
  for (let u = 0; u < ctx.nUsers; u++) if (all.indptr[u + 1] > all.indptr[u]) of++;
  if (users.length >= of) return { targets: all, sample: null };
  const keep = new Uint8Array(ctx.nUsers);
  for (const u of users) keep[u] = 1;
  const idx: number[] = [];
  for (let p = 0; p < ctx.valid.user.length; p++) if (keep[ctx.valid.user[p]] === 1) idx.push(p);
  const pick = <A extends Int32Array | Float32Array | Float64Array>(a: A): A => {
    const out = new (a.constructor as new (n: number) => A)(idx.length);
    idx.forEach((p, j) => (out[j] = a[p]));
    return out;
  };
  const v = ctx.valid;
  const sub: Interactions = { user: pick(v.user), item: pick(v.item), rating: pick(v.rating), timestamp: pick(v.timestamp) };
  return { targets: toCsr(sub, ctx.nUsers, ctx.nItems), sample: { users: users.length, of } };
}

/** Where the fusion learns: features from `builder`, positives = `targets` (user × item). */
export interface FusionStage {
  readonly builder: FeatureBuilder;
  readonly targets: Csr;
}

/**
 * Candidates and features of every (stage, user with targets), one group each, labels from the
 * stage's targets; with each group's user and stage index.
 */
export async function buildRankingData(
  stages: readonly FusionStage[],
  ctx: Pick<FitContext, 'nUsers' | 'nItems' | 'signal' | 'onProgress'>,
): Promise<{ data: RankingData; groupUser: Int32Array; groupStage: Uint8Array }> {
  const parts: { x: Float64Array; label: Uint8Array; nTargets: number; user: number; stage: number }[] = [];
  const mark = new Uint8Array(ctx.nItems);
  let total = 0;
  for (const st of stages) for (let u = 0; u < ctx.nUsers; u++) if (st.targets.indptr[u + 1] > st.targets.indptr[u]) total++;
  let done = 0;
  for (let si = 0; si < stages.length; si++) {
    const st = stages[si];
    const t = st.targets;
    for (let u = 0; u < ctx.nUsers; u++) {
      const a = t.indptr[u];
      const b = t.indptr[u + 1];
      if (a === b) continue;
      if ((done & 63) === 0) {
        throwIfAborted(ctx.signal);
        ctx.onProgress?.({ stage: 'hybrid', fraction: (0.3 * done) / total, message: 'features', code: 'features' });
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      done++;
      let nTargets = 0;
      for (let p = a; p < b; p++) {
        if (mark[t.indices[p]] === 0) nTargets++;
        mark[t.indices[p]] = 1;
      }
      const uf = st.builder.userFeatures(u);
      const label = new Uint8Array(uf.items.length);
      for (let j = 0; j < uf.items.length; j++) label[j] = mark[uf.items[j]];
      for (let p = a; p < b; p++) mark[t.indices[p]] = 0;
      parts.push({ x: uf.x, label, nTargets, user: u, stage: si });
    }
  }
  const nF = stages[0].builder.nFeatures;
  let rows = 0;
  for (const p of parts) rows += p.label.length;
  const x = new Float64Array(rows * nF);
  const label = new Uint8Array(rows);
  const groupPtr = new Int32Array(parts.length + 1);
  const nTargets = new Int32Array(parts.length);
  const groupUser = new Int32Array(parts.length);
  const groupStage = new Uint8Array(parts.length);
  let o = 0;
  parts.forEach((p, g) => {
    x.set(p.x, o * nF);
    label.set(p.label, o);
    o += p.label.length;
    groupPtr[g + 1] = o;
    nTargets[g] = p.nTargets;
    groupUser[g] = p.user;
    groupStage[g] = p.stage;
  });
  return { data: { nFeatures: nF, x, label, groupPtr, nTargets }, groupUser, groupStage };
}

/**
 * Ranker choice: hold out a share of the users and score them on the FIRST stage (validation
 * when used: its features come from the sources that will score the test split); their groups
 * of the other stages stay in training (other targets, so nothing of the scored targets leaks).
 */
export function splitUsers(
  data: RankingData,
  groupUser: Int32Array,
  groupStage: Uint8Array,
  nUsers: number,
  seed: number,
  share: number,
): { fitData: RankingData; holdData: RankingData } {
  const nGroups = data.groupPtr.length - 1;
  const firstStageUsers = [...new Set(groupUser.filter((_, g) => groupStage[g] === 0))].sort((a, b) => a - b);
  const order = createRng(seed).shuffle(Int32Array.from(firstStageUsers));
  const nHoldUsers = Math.max(1, Math.round(order.length * share));
  const canHold = order.length >= 2;
  const holdUser = new Uint8Array(nUsers);
  if (canHold) for (let j = 0; j < nHoldUsers; j++) holdUser[order[j]] = 1;
  const holdG: number[] = [];
  const fitG: number[] = [];
  for (let g = 0; g < nGroups; g++) (canHold && holdUser[groupUser[g]] === 1 && groupStage[g] === 0 ? holdG : fitG).push(g);
  const fitData = subsetGroups(data, Int32Array.from(fitG));
  return { fitData, holdData: canHold ? subsetGroups(data, Int32Array.from(holdG)) : fitData };
}

/** Rows, mean candidates per group, and the share of targets among the candidates. */
export function candidateStats(data: RankingData): { rows: number; meanCandidates: number; candidateRecall: number } {
  const nGroups = data.groupPtr.length - 1;
  let pos = 0;
  let targets = 0;
  for (let g = 0; g < nGroups; g++) targets += data.nTargets[g];
  for (let r = 0; r < data.label.length; r++) pos += data.label[r];
  return {
    rows: data.label.length,
    meanCandidates: nGroups > 0 ? data.label.length / nGroups : 0,
    candidateRecall: targets > 0 ? pos / targets : 0,
  };
}
