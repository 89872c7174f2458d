/**
 * What kg-profile's coordinate search walks: the options not given explicitly, in the order of
 * TUNE_KNOBS — β, α, the score form, the normalisation, the missing-family rule, each family's
 * weight (largest families first), the rating weight and the recency τ.
 */
import type { Coordinate } from '../tune';
import {
  KG_PROFILE_DEFAULTS,
  MISSING_MODES,
  NORMALIZATIONS,
  RATING_WEIGHTS,
  SCORE_FORMS,
  TUNE_KNOBS,
  type KgMissing,
  type KgNormalize,
  type KgProfileOptions,
  type KgProfileScoreForm,
  type KgRatingWeight,
  type KgSettings,
  type KgTuneKnob,
} from './options';
import type { Structure } from './structure';

export interface TuningTarget {
  readonly opts: KgProfileOptions;
  readonly st: KgSettings;
  readonly s: Structure;
  /** Families whose weight was given explicitly (1) and so is never tuned. */
  readonly fixedFamily: Uint8Array;
  /** Item–entity pairs per family under the current weights. */
  readonly familySlots: readonly number[];
  /** Brings the scorer into the state of the current settings. */
  readonly rebuild: () => void;
}

type Scalar = 'backgroundWeight' | 'alpha' | 'score' | 'normalize' | 'missing' | 'ratingWeight' | 'recencyDays';

export function tuningCoordinates(t: TuningTarget): Coordinate[] {
  const o = t.opts;
  const want = new Set<KgTuneKnob>(o.tuneKnobs ?? TUNE_KNOBS);
  const use = (k: KgTuneKnob, given: unknown): boolean => want.has(k) && given === undefined;
  const out: Coordinate[] = [];
  if (use('backgroundWeight', o.backgroundWeight)) out.push(scalar(t, 'backgroundWeight'));
  if (use('alpha', o.alpha)) out.push(scalar(t, 'alpha'));
  if (use('score', o.score)) out.push(scalar(t, 'score'));
  if (use('normalize', o.normalize)) out.push(scalar(t, 'normalize'));
  if (use('missing', o.missing)) out.push(scalar(t, 'missing'));
  if (want.has('relationWeights')) {
    // families with most slots first
    const order = t.familySlots.map((slots, i) => ({ i, slots }));
    order.sort((a, b) => b.slots - a.slots || a.i - b.i);
    for (const { i } of order) if (t.fixedFamily[i] === 0) out.push(familyWeight(t, i));
  }
  if (use('ratingWeight', o.ratingWeight)) out.push(scalar(t, 'ratingWeight'));
  if (use('recencyDays', o.recencyDays) && t.s.histAge.some((a) => a > 0)) out.push(scalar(t, 'recencyDays'));
  return out;
}

function familyWeight(t: TuningTarget, family: number): Coordinate {
  return {
    name: `w:${t.s.families[family].name}`,
    values: t.opts.weightGrid ?? KG_PROFILE_DEFAULTS.weightGrid,
    get: () => t.st.familyWeight[family],
    set: (v) => {
      t.st.familyWeight[family] = v as number;
      t.rebuild();
    },
  };
}

function scalar(t: TuningTarget, knob: Scalar): Coordinate {
  return {
    name: knob,
    values: scalarValues(t.opts, knob),
    get: () => t.st[knob],
    set: (v) => {
      setScalar(t.st, knob, v);
      t.rebuild();
    },
  };
}

function scalarValues(o: KgProfileOptions, knob: Scalar): readonly (number | string)[] {
  const d = KG_PROFILE_DEFAULTS;
  switch (knob) {
    case 'alpha':
      return o.alphaGrid ?? d.alphaGrid;
    case 'backgroundWeight':
      return o.backgroundGrid ?? d.backgroundGrid;
    case 'recencyDays':
      return o.recencyGrid ?? d.recencyGrid;
    case 'ratingWeight':
      return RATING_WEIGHTS;
    case 'normalize':
      return NORMALIZATIONS;
    case 'missing':
      return MISSING_MODES;
    case 'score':
      return SCORE_FORMS;
  }
}

function setScalar(st: KgSettings, knob: Scalar, v: number | string): void {
  switch (knob) {
    case 'alpha':
    case 'backgroundWeight':
    case 'recencyDays':
      st[knob] = v as number;
      break;
    case 'ratingWeight':
      st.ratingWeight = v as KgRatingWeight;
      break;
    case 'normalize':
      st.normalize = v as KgNormalize;
      break;
    case 'missing':
      st.missing = v as KgMissing;
      break;
    case 'score':
      st.score = v as KgProfileScoreForm;
      break;
  }
}
