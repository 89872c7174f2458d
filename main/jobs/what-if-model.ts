/**
 * The live model behind "what if" questions. The serving snapshot holds lists, not weights, so
 * the model is fitted once (per workspace data and snapshot) the way the fit job fits it: the
 * RecBole 8:1:1 split at the snapshot's seed, the sources on train, the hybrid's fusion on
 * validation, through the same model factory. Every question after that re-scores the user
 * without the evidence left out (core/rank/what-if.ts): no refit.
 *
 * By default the options are the registry's defaults (no tuning on validation), so the first
 * question costs one fit of each source, not the fit job's grid search; `tune: true` runs the
 * grid as the fit job does (then the ranks match the snapshot's model, at the fit job's cost).
 */
import { performance } from 'node:perf_hooks';
import { KnowrecError } from '../core/errors';
import { evaluateSplit, splitInteractions } from '../core/eval';
import { isAttributable } from '../core/models/attribution';
import { modelEntry } from '../core/models/registry';
import { rowIndices, rowValues } from '../core/matrix';
import { HybridScorer, combineShares, signalShares, type WhatIfSource } from '../core/rank';
import type { Csr, Dataset, Scorer } from '../core/types';
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
  const ctx = fitContext(dataset, split, seed);
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
    throw new KnowrecError('config', `model '${name}' cannot re-score a user without history items`, {}, 'use hybrid, ease, itemknn, semantic or kg-profile');
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
