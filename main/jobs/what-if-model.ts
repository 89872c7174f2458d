/**
 * The live model behind "what if" questions. The serving snapshot holds lists, not weights, so
 * the model is fitted once (per workspace data) the way the fit job fits it: the RecBole 8:1:1
 * split at the snapshot's seed, the sources on train, the hybrid's fusion on validation, through
 * the same model factory. Every question after that re-scores the user without the evidence left
 * out (core/rank/what-if.ts): no refit.
 *
 * The fit never runs in the Api's process: the what-if worker (what-if-worker.ts, started by
 * what-if-engine.ts when the analyst asks for it) fits and keeps the model, and answers each
 * question with answerWhatIf.
 *
 * By default the options are the registry's defaults (no tuning on validation), so the fit costs
 * one fit of each source, not the fit job's grid search; `tune: true` runs the grid as the fit
 * job does (then the ranks match the snapshot's model, at the fit job's cost).
 */
import { performance } from 'node:perf_hooks';
import { KnowrecError } from '../core/errors';
import { evaluateSplit, splitInteractions } from '../core/eval';
import { isAttributable } from '../core/models/attribution';
import { modelEntry } from '../core/models/registry';
import { rowIndices, rowValues } from '../core/matrix';
import { HybridScorer, combineShares, signalShares, tiesMap, whatIfRanking, type WhatIfRanking, type WhatIfSource } from '../core/rank';
import type { Csr, Dataset, Progress, Scorer } from '../core/types';
import { fitContext } from './evaluate';
import { fitModel, ModelEnv, type FittedModel } from './model-factory';

export interface WhatIfModelOptions {
  /** Registry model name (default 'hybrid'): the hybrids and every scorer that can leave history out. */
  readonly model?: string;
  /** Split seed (default: the snapshot's, else 2020). */
  readonly seed?: number;
  /** Tune each source on validation as the fit job does (default false: registry defaults). */
  readonly tune?: boolean;
  /** Workspace file (its embeddings cache serves the text sources). */
  readonly workspace: string | null;
  readonly lang?: string;
  readonly onProgress?: (p: Progress) => void;
  /** Aborts the fit at the sources' next check (the what-if worker's stop). */
  readonly signal?: AbortSignal;
}

/** A fitted model that can answer what-if questions. */
export interface WhatIfModel {
  readonly name: string;
  readonly seed: number;
  readonly tuned: boolean;
  readonly fitSeconds: number;
  readonly source: WhatIfSource;
  /** The training matrix: the history a what-if can leave out. */
  readonly train: Csr;
  /** Each history item's share of score(user, item), largest first (empty when the model cannot say). */
  shares(user: number, item: number): { item: number; share: number }[];
}

/** Models whose scores can be recomputed without history items. */
export function canAnswerWhatIf(scorer: Scorer): scorer is Scorer & WhatIfSource {
  return scorer instanceof HybridScorer || isAttributable(scorer);
}

export async function fitWhatIfModel(dataset: Dataset, opts: WhatIfModelOptions): Promise<WhatIfModel> {
  const name = opts.model ?? 'hybrid';
  modelEntry(name); // throws the registry's error for an unknown name
  const seed = opts.seed ?? 2020;
  const tune = opts.tune === true;
  const t0 = performance.now();
  const split = splitInteractions(dataset.interactions, dataset.userIds.length, dataset.itemIds.length, 'recbole', seed);
  const ctx = fitContext(dataset, split, seed, opts.signal, opts.onProgress);
  const env = new ModelEnv({ workspace: opts.workspace, lang: opts.lang, split: { protocol: 'recbole', filtered: false } });
  const cache = new Map<string, Promise<FittedModel>>();
  const validate = (s: Scorer): number => evaluateSplit(s, split, 'valid', [10]).metrics['ndcg@10'];
  let scorer: Scorer;
  try {
    scorer = (await fitModel(name, ctx, { tune, validate, env, cache })).scorer;
  } finally {
    // the sources keep their item vectors; the encoder is needed only while fitting
    await env.close();
  }
  if (!canAnswerWhatIf(scorer)) {
    throw new KnowrecError('config', `model '${name}' cannot re-score a user without history items`, {}, 'use hybrid, ease, itemknn, semantic, kg-profile, bpr or kg-embed');
  }
  const s = scorer;
  const shares = (user: number, item: number): { item: number; share: number }[] => {
    if (s instanceof HybridScorer) {
      return [...combineShares(signalShares(s.contributions(user, item).signals).signals, s.historyParts(user, item)).history];
    }
    const parts = isAttributable(s) ? (s.attribute(user, item) ?? []) : [];
    const pos = parts.filter((p) => p.weight > 0);
    const total = pos.reduce((a, p) => a + p.weight, 0);
    return total > 0 ? pos.map((p) => ({ item: p.item, share: p.weight / total })).sort((a, b) => b.share - a.share || a.item - b.item) : [];
  };
  return { name, seed, tuned: tune, fitSeconds: (performance.now() - t0) / 1000, source: s, train: ctx.trainCsr, shares };
}

/** The user's training history (items, ratings). */
export function trainHistory(m: WhatIfModel, user: number): { items: Int32Array; ratings: Float32Array } {
  return { items: rowIndices(m.train, user), ratings: rowValues(m.train, user) };
}

/** A what-if question with dense indices (the Api maps ids and checks the KG facts). */
export interface WhatIfQuestion {
  readonly user: number;
  readonly k: number;
  /** History items to leave out; those outside the model's training history are ignored. */
  readonly items: readonly number[];
  /** (history item, entity) ties to leave out, each a fact the KG holds; ignored likewise. */
  readonly ties: readonly { readonly history: number; readonly entity: number }[];
  /** Items never ranked (everything the user interacted with in the workspace). */
  readonly excluded: Uint8Array;
  /** The explained item. */
  readonly target?: number;
  /** Items to list beside the target's top contributors (the explanation's cited ones). */
  readonly cited: readonly number[];
  /** How many top contributors to list. */
  readonly contributors: number;
}

export interface WhatIfAnswer {
  readonly ranking: WhatIfRanking;
  /** The target's top contributors, then the cited items the training history holds (empty without a target). */
  readonly listed: readonly { readonly item: number; readonly share: number }[];
  /** The history items and ties (indices into question.ties) that were left out. */
  readonly removedItems: readonly number[];
  readonly removedTies: readonly number[];
  readonly ignoredItems: readonly number[];
  readonly ignoredTies: readonly number[];
}

/** Answers a question with the fitted model (no refit); `before` gives the user's full scores. */
export function answerWhatIf(m: WhatIfModel, q: WhatIfQuestion, before: (user: number) => Float32Array): WhatIfAnswer {
  const history = new Set(rowIndices(m.train, q.user));
  const removedItems = q.items.filter((i) => history.has(i));
  const ignoredItems = q.items.filter((i) => !history.has(i));
  const removedTies: number[] = [];
  const ignoredTies: number[] = [];
  q.ties.forEach((t, j) => (history.has(t.history) ? removedTies : ignoredTies).push(j));
  const ties = tiesMap(removedTies.map((j) => q.ties[j]));
  const ranking = whatIfRanking(m.source, q.user, q.k, { items: new Set(removedItems), ties }, q.excluded, before(q.user), q.target);
  let listed: { item: number; share: number }[] = [];
  if (q.target !== undefined) {
    const shares = m.shares(q.user, q.target);
    listed = shares.slice(0, q.contributors);
    const byItem = new Map(shares.map((s) => [s.item, s.share]));
    for (const i of q.cited) if (history.has(i) && !listed.some((x) => x.item === i)) listed.push({ item: i, share: byItem.get(i) ?? 0 });
  }
  return { ranking, listed, removedItems, removedTies, ignoredItems, ignoredTies };
}
