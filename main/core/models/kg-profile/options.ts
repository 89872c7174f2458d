/** kg-profile options, their defaults and checks, and the settings fit() may tune. */
import { KnowrecError } from '../../errors';
import type { KgIndex, KgIndexOptions } from '../../kg';
import type { Scorer } from '../../types';

export type KgProfileScoreForm = 'cross-entropy' | 'neg-kl';
/** 'binary': 1; 'linear': rating / max training rating; 'centered': max(rating − ratingCenter, 0). */
export type KgRatingWeight = 'binary' | 'linear' | 'centered';
export type KgNormalize = 'per-family' | 'per-fact';
/** Per-family normalisation only: 'average' fills a family the item lacks with the family's background; 'skip' renormalises over the families it has. */
export type KgMissing = 'average' | 'skip';

/** What fit() may tune with a `validate` callback, in the order it tunes them. */
export type KgTuneKnob = 'backgroundWeight' | 'alpha' | 'score' | 'normalize' | 'missing' | 'relationWeights' | 'ratingWeight' | 'recencyDays';
export const TUNE_KNOBS: readonly KgTuneKnob[] = ['backgroundWeight', 'alpha', 'score', 'normalize', 'missing', 'relationWeights', 'ratingWeight', 'recencyDays'];

export const SCORE_FORMS: readonly KgProfileScoreForm[] = ['cross-entropy', 'neg-kl'];
export const RATING_WEIGHTS: readonly KgRatingWeight[] = ['linear', 'binary', 'centered'];
export const NORMALIZATIONS: readonly KgNormalize[] = ['per-family', 'per-fact'];
export const MISSING_MODES: readonly KgMissing[] = ['average', 'skip'];

export interface KgProfileOptions {
  /** Default 'cross-entropy'. */
  readonly score?: KgProfileScoreForm;
  /** Dirichlet pseudo-count α (in items) of the smoothing towards the background; > 0. Default 100. */
  readonly alpha?: number;
  /**
   * β ≥ 0: weight of the item's score under the background, Σ_e q_i(e) log g(e). 1 (default) is
   * the plain cross-entropy / −KL; 0 keeps only the lift Σ_e q_i(e) log(p_u(e) / g(e)).
   */
  readonly backgroundWeight?: number;
  /** Share of the catalog's mean q in the background g; in (0, 1]. Default 0.1. */
  readonly catalogShare?: number;
  /** Default 'linear'. */
  readonly ratingWeight?: KgRatingWeight;
  /** Rating subtracted by 'centered'. Default 2.5. */
  readonly ratingCenter?: number;
  /** Recency time constant τ in days (> 0); 0 turns recency off (default). */
  readonly recencyDays?: number;
  /** Default 'per-family'. */
  readonly normalize?: KgNormalize;
  /** Default 'average'. */
  readonly missing?: KgMissing;
  /**
   * Weights by relation name (≥ 0; 0 drops the relation); a weight applies to the relation's
   * whole family. Relations not named keep weight 1 (or are tuned with `validate`).
   */
  readonly relationWeights?: Readonly<Record<string, number>>;
  /** Only these relations count as facts (default: all). */
  readonly relations?: readonly string[];
  /** A KgIndex built from the fit context's dataset, to avoid building another one. */
  readonly kg?: KgIndex;
  /** Options for the KgIndex built at fit() when `kg` is absent (default: derive genres/decades). */
  readonly kgOptions?: KgIndexOptions;
  /** Validation metric of the scorer in its current state (higher is better); enables tuning. */
  readonly validate?: (scorer: Scorer) => number | Promise<number>;
  /** Tune when `validate` is given. Default true. */
  readonly tune?: boolean;
  /** What to tune (default TUNE_KNOBS: all); options given explicitly are never tuned. */
  readonly tuneKnobs?: readonly KgTuneKnob[];
  /** Coordinate-search passes over all options. Default 1. */
  readonly tuneRounds?: number;
  /** Candidate family weights. Default [0, 0.5, 1, 2]. */
  readonly weightGrid?: readonly number[];
  /** Candidate α values. Default [1, 10, 100, 1000]. */
  readonly alphaGrid?: readonly number[];
  /** Candidate β values. Default [0, 0.25, 0.5, 1, 2, 4]. */
  readonly backgroundGrid?: readonly number[];
  /** Candidate recency τ values in days (0 = off). Default [0, 30, 120]. */
  readonly recencyGrid?: readonly number[];
}

export const KG_PROFILE_DEFAULTS = {
  score: 'cross-entropy',
  alpha: 100,
  backgroundWeight: 1,
  catalogShare: 0.1,
  ratingWeight: 'linear',
  ratingCenter: 2.5,
  recencyDays: 0,
  normalize: 'per-family',
  missing: 'average',
  tuneRounds: 1,
  weightGrid: [0, 0.5, 1, 2],
  alphaGrid: [1, 10, 100, 1000],
  backgroundGrid: [0, 0.25, 0.5, 1, 2, 4],
  recencyGrid: [0, 30, 120],
} as const;

/** The options in effect; tuning changes them in place. */
export interface KgSettings {
  score: KgProfileScoreForm;
  alpha: number;
  backgroundWeight: number;
  ratingWeight: KgRatingWeight;
  recencyDays: number;
  normalize: KgNormalize;
  missing: KgMissing;
  readonly catalogShare: number;
  readonly ratingCenter: number;
  /** Weight per relation family (set at fit, once the families are known). */
  familyWeight: Float64Array;
}

/** The settings `opts` ask for, checked (config errors name the option and a valid example). */
export function initialSettings(opts: KgProfileOptions): KgSettings {
  const d = KG_PROFILE_DEFAULTS;
  const st: KgSettings = {
    score: opts.score ?? d.score,
    alpha: opts.alpha ?? d.alpha,
    backgroundWeight: opts.backgroundWeight ?? d.backgroundWeight,
    catalogShare: opts.catalogShare ?? d.catalogShare,
    ratingWeight: opts.ratingWeight ?? d.ratingWeight,
    ratingCenter: opts.ratingCenter ?? d.ratingCenter,
    recencyDays: opts.recencyDays ?? d.recencyDays,
    normalize: opts.normalize ?? d.normalize,
    missing: opts.missing ?? d.missing,
    familyWeight: new Float64Array(0),
  };
  checkSettings(st, opts);
  checkGrids(opts);
  checkTuning(opts);
  return st;
}

function checkSettings(st: KgSettings, opts: KgProfileOptions): void {
  oneOf('score', st.score, SCORE_FORMS);
  oneOf('ratingWeight', st.ratingWeight, RATING_WEIGHTS);
  oneOf('normalize', st.normalize, NORMALIZATIONS);
  oneOf('missing', st.missing, MISSING_MODES);
  positive('alpha', st.alpha, 'e.g. alpha: 100');
  nonNegative('backgroundWeight', st.backgroundWeight, 'e.g. backgroundWeight: 1 (cross-entropy); 0 keeps only the lift');
  if (typeof st.catalogShare !== 'number' || !(st.catalogShare > 0 && st.catalogShare <= 1)) {
    throw configError(`catalogShare must be in (0, 1], got ${String(st.catalogShare)}`, 'e.g. catalogShare: 0.1');
  }
  finite('ratingCenter', st.ratingCenter, 'e.g. ratingCenter: 2.5');
  nonNegative('recencyDays', st.recencyDays, 'e.g. recencyDays: 30; 0 turns recency off');
  for (const [name, w] of Object.entries(opts.relationWeights ?? {})) nonNegative(`relationWeights["${name}"]`, w, 'use a weight ≥ 0');
}

function checkGrids(opts: KgProfileOptions): void {
  const grids: [string, readonly number[] | undefined, (v: number) => boolean][] = [
    ['weightGrid', opts.weightGrid, (v) => v >= 0],
    ['alphaGrid', opts.alphaGrid, (v) => v > 0],
    ['backgroundGrid', opts.backgroundGrid, (v) => v >= 0],
    ['recencyGrid', opts.recencyGrid, (v) => v >= 0],
  ];
  for (const [name, grid, ok] of grids) {
    if (grid !== undefined && (grid.length === 0 || !grid.every((v) => Number.isFinite(v) && ok(v)))) {
      throw configError(`${name} must be a non-empty list of valid values, got ${JSON.stringify(grid)}`, `see KG_PROFILE_DEFAULTS.${name}`);
    }
  }
}

function checkTuning(opts: KgProfileOptions): void {
  for (const k of opts.tuneKnobs ?? []) oneOf('tuneKnobs', k, TUNE_KNOBS);
  const rounds = opts.tuneRounds ?? KG_PROFILE_DEFAULTS.tuneRounds;
  if (!Number.isInteger(rounds) || rounds < 1) throw configError(`tuneRounds must be an integer ≥ 1, got ${String(rounds)}`, 'e.g. tuneRounds: 1');
  if (opts.validate !== undefined && typeof opts.validate !== 'function') {
    throw configError('validate must be a function (scorer) => number', 'pass e.g. (s) => evaluateSplit(s, split, "valid", [10]).metrics["ndcg@10"]');
  }
}

export function configError(message: string, hint: string): KnowrecError {
  return new KnowrecError('config', `kg-profile: ${message}`, {}, hint);
}

function oneOf(name: string, v: string, values: readonly string[]): void {
  if (!values.includes(v)) throw configError(`${name} must be one of ${values.join(', ')}, got ${JSON.stringify(v)}`, `e.g. ${name}: '${values[0]}'`);
}

function positive(name: string, v: number, hint: string): void {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw configError(`${name} must be a number > 0, got ${String(v)}`, hint);
}

function nonNegative(name: string, v: number, hint: string): void {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw configError(`${name} must be a number ≥ 0, got ${String(v)}`, hint);
}

function finite(name: string, v: number, hint: string): void {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw configError(`${name} must be a finite number, got ${String(v)}`, hint);
}
