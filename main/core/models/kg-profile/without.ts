/**
 * kg-profile's scores without some history items as a change of the user's full scores, for the
 * explanations' repeated counterfactuals of one user (KgProfileScorer.prepareWithout). A full
 * score (scorer.ts scoreAll) is, per item i with facts,
 *     v_i = shift + offset_i + famDeltaAll + Σ_{e of i} q_{e,i}·δ(e) − Σ_{f present at i} π_f·famDelta_f
 * (the last sum only with `fill`), and an item without facts scores the floor, which moves with
 * shift alone. Removing history items changes c(e) only on their entities, so
 *     v_i(R) = v_i + Δshift + ΔfamDeltaAll + Σ_{e changed} q_{e,i}·Δδ(e) − Σ_f π_f·ΔfamDelta_f,
 * a walk over the changed entities' items and one pass over the items' families, instead of the
 * whole profile's entities again. Equal in exact arithmetic; in float64 before the scores are
 * rounded to float32, so the two paths give the same float32 scores but where a sum sits on a
 * rounding boundary (tested in test/unit/kg-profile-without.test.ts).
 */
import { KnowrecError } from '../../errors';
import { IntList } from '../../matrix';
import { scratch, type RescoreAt } from '../attribution';
import type { Model } from './model';
import type { UserProfile } from './profile';
import type { Structure } from './structure';

/** One user's full scores before rounding, and the profile they came from. */
export interface ProfileBase {
  readonly user: number;
  /** The scores in float64 (scoreAll's sums, before rounding). */
  readonly v: Float64Array;
  readonly shift: number;
  readonly famDeltaAll: number;
  /** The profile's entities and their δ. */
  readonly entities: Int32Array;
  readonly delta: Float64Array;
  readonly famDelta: Float64Array;
  /** Scratch for scoresFromBase, made on its first re-score (one call at a time: the scorers are synchronous). */
  work: Float64Array | null;
  /** rescoreFromBase's walked items: the call that walked each into `work` (its number), and the last call's number. */
  walked: Int32Array | null;
  walk: number;
}

/** The base of `user` from its full scores `v` and the profile still filled in `profile`. */
export function captureBase(user: number, v: Float64Array, shift: number, famDeltaAll: number, profile: UserProfile): ProfileBase {
  const entities = profile.touched.slice(0, profile.nTouched);
  const delta = Float64Array.from(entities, (e) => profile.delta[e]);
  return { user, v, shift, famDeltaAll, entities, delta, famDelta: Float64Array.from(profile.famDelta), work: null, walked: null, walk: 0 };
}

/**
 * The scores for the profile filled in `profile` (the base user's, without some history items:
 * a subset of the base's entities) with its shift and famDeltaAll; null where the family fill
 * was skipped on one side only (a famDeltaAll of 0), left to the straightforward path.
 */
export function scoresFromBase(s: Structure, m: Model, base: ProfileBase, profile: UserProfile, shift: number, famDeltaAll: number, into?: Float32Array): Float32Array | null {
  const ch = changeFromBase(m, base, profile, shift, famDeltaAll);
  if (ch === null) return null;
  // the same float64 operations per item, in the same order, as on a copy of base.v: shift,
  // then the changed entities' terms, then the families' (fused with the rounding to float32)
  const bv = base.v;
  const n = bv.length;
  const v = (base.work ??= new Float64Array(n));
  base.walk++; // work is overwritten: rescoreFromBase's earlier values are gone
  const { dShift, withFacts, fam } = ch;
  if (ch.shifted) {
    const hasFacts = m.hasFacts;
    for (let i = 0; i < n; i++) v[i] = bv[i] + (hasFacts[i] === 0 ? dShift : withFacts);
  } else v.set(bv);
  const { entPtr, entItem } = s;
  const entQ = m.entQ;
  for (let k = 0; k < base.entities.length; k++) {
    const e = base.entities[k];
    const d = profile.delta[e] - base.delta[k];
    if (d === 0) continue;
    for (let p = entPtr[e], end = entPtr[e + 1]; p < end; p++) v[entItem[p]] += entQ[p] * d;
  }
  const out = scratch(into, n);
  if (fam !== null) {
    const { presentPtr, present, hasFacts } = m;
    for (let i = 0; i < n; i++) {
      let x = v[i];
      if (hasFacts[i] !== 0) for (let k = presentPtr[i], end = presentPtr[i + 1]; k < end; k++) x -= fam[present[k]];
      out[i] = x;
    }
    return out;
  }
  out.set(v);
  return out;
}

/** What a re-score from the base changes for every item: the shifts and the families' terms (scoresFromBase, rescoreFromBase). */
interface BaseChange {
  /** The shift of items without facts, and of items with facts (the family total's change added). */
  readonly dShift: number;
  readonly withFacts: number;
  /** Whether either shift is non-zero (else the base's values are taken as they are). */
  readonly shifted: boolean;
  /** π_f·ΔfamDelta_f per family, subtracted from items with facts for each family present; null: none applies. */
  readonly fam: Float64Array | null;
}

/** The base change to the profile filled in `profile`; null where the family fill was skipped on one side only. */
function changeFromBase(m: Model, base: ProfileBase, profile: UserProfile, shift: number, famDeltaAll: number): BaseChange | null {
  if (m.fill && (base.famDeltaAll === 0) !== (famDeltaAll === 0)) return null;
  const dShift = shift - base.shift;
  const dAll = famDeltaAll - base.famDeltaAll; // both 0 without fill
  const dFam = m.fill && famDeltaAll !== 0 ? Float64Array.from(profile.famDelta, (x, f) => m.pi[f] * (x - base.famDelta[f])) : null;
  return { dShift, withFacts: dShift + dAll, shifted: dShift !== 0 || dAll !== 0, fam: dFam !== null && dFam.some((x) => x !== 0) ? dFam : null };
}

/** rescoreFromBase walks at most this share of the catalog (item–entity pairs of changed entities), or MIN_WALK pairs. */
export const MAX_WALK_SHARE = 0.2;
const MIN_WALK = 4096;

/**
 * scoresFromBase item by item (attribution.ts RescoreAt), for the same profile, shift and
 * famDeltaAll: the changed entities' items are walked now (they are `exact`), every other item
 * moves by its group's shift (items with and without facts) less its families' terms, so by at
 * most the shifts' half range plus Σ_f |π_f·ΔfamDelta_f| around their mid-point. The same float64
 * operations per item, in the same order, as scoresFromBase: the same float32 scores. Null where
 * scoresFromBase is, and where the changed entities' items (with repeats) are more than
 * MAX_WALK_SHARE of the catalog and MIN_WALK (a large history whose every entity moves).
 */
export function rescoreFromBase(s: Structure, m: Model, base: ProfileBase, profile: UserProfile, shift: number, famDeltaAll: number): RescoreAt | null {
  const ch = changeFromBase(m, base, profile, shift, famDeltaAll);
  if (ch === null) return null;
  const bv = base.v;
  const { hasFacts } = m;
  const { dShift, withFacts, shifted, fam } = ch;
  const start = (i: number): number => (shifted ? bv[i] + (hasFacts[i] === 0 ? dShift : withFacts) : bv[i]);
  const n = bv.length;
  const { entPtr, entItem } = s;
  // where the changed entities reach a large part of the catalog, re-scoring every item is cheaper
  let reach = 0;
  for (let k = 0; k < base.entities.length; k++) {
    const e = base.entities[k];
    if (profile.delta[e] !== base.delta[k]) reach += entPtr[e + 1] - entPtr[e];
  }
  if (reach > Math.max(n * MAX_WALK_SHARE, MIN_WALK)) return null;
  // the changed entities' terms, entity by entity as scoresFromBase adds them, into base.work
  // (shared with it: this call's values live until the next re-score of the base)
  const v = (base.work ??= new Float64Array(n));
  const mark = (base.walked ??= new Int32Array(n));
  if (base.walk >= 0x7fffffff) {
    mark.fill(0);
    base.walk = 0;
  }
  const walk = ++base.walk;
  const exact = new IntList(1024);
  for (let k = 0; k < base.entities.length; k++) {
    const e = base.entities[k];
    const d = profile.delta[e] - base.delta[k];
    if (d === 0) continue;
    for (let p = entPtr[e], end = entPtr[e + 1]; p < end; p++) {
      const i = entItem[p];
      if (mark[i] !== walk) {
        mark[i] = walk;
        v[i] = start(i);
        exact.push(i);
      }
      v[i] += m.entQ[p] * d;
    }
  }
  // an unwalked item's move: its shift less some of the families' terms
  let famUp = 0;
  let famDown = 0;
  for (const x of fam ?? []) if (x < 0) famUp -= x;
  else famDown += x;
  const hi = Math.max(dShift, withFacts + famUp);
  const lo = Math.min(dShift, withFacts - famDown);
  const { presentPtr, present } = m;
  return {
    offset: (hi + lo) / 2,
    bound: ((hi - lo) / 2) * (1 + 1e-9),
    exact: exact.view(),
    write: (items, into) => {
      if (base.walk !== walk) throw new KnowrecError('internal', 'kg-profile: a re-score was written after a later one of the same user', {}, 'write each removal state before the next');
      for (let t = 0; t < items.length; t++) {
        const i = items[t];
        let x = mark[i] === walk ? v[i] : start(i);
        if (fam !== null && hasFacts[i] !== 0) for (let k = presentPtr[i], end = presentPtr[i + 1]; k < end; k++) x -= fam[present[k]];
        into[i] = x;
      }
    },
  };
}
