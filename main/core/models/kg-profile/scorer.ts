/** The kg-profile scorer: fit (structure, weights, optional tuning), score, explain. See index.ts. */
import { KnowrecError, throwIfAborted } from '../../errors';
import { KgIndex } from '../../kg';
import type { FitContext, Scorer } from '../../types';
import { checkContext, checkUser, notFitted, yieldToEventLoop } from '../scorer';
import { coordinateSearch, type SearchStep } from '../tune';
import type { HistoryAttribution, HistoryContribution, RemovedTies, RescoreAt } from '../attribution';
import { explainTerms, historyTerms, type KgProfileTerm } from './explain';
import { buildModel, type Model } from './model';
import { configError, initialSettings, KG_PROFILE_DEFAULTS, type KgProfileOptions, type KgSettings } from './options';
import { UserProfile } from './profile';
import { buildStructure, type Structure } from './structure';
import { tuningCoordinates } from './tuning';
import { captureBase, rescoreFromBase, scoresFromBase, type ProfileBase } from './without';

/** A group of relations that link the same item–entity pairs (e.g. a relation and its inverse). */
export interface KgRelationFamily {
  /** The member read most often from the item's side (the item is the head). */
  readonly name: string;
  readonly relations: readonly string[];
  /** Item–entity pairs assigned to this family under the current weights. */
  readonly slots: number;
  readonly weight: number;
}

export type KgTuneStep = SearchStep;

export class KgProfileScorer implements Scorer, HistoryAttribution {
  readonly name = 'kg-profile';
  readonly catalogShare: number;
  readonly ratingCenter: number;
  private readonly opts: KgProfileOptions;
  private readonly st: KgSettings;
  private fixedFamily: Uint8Array = new Uint8Array(0);
  private s: Structure | null = null;
  private m: Model | null = null;
  private tuned = false;
  private bestValid: number | null = null;
  private log: KgTuneStep[] = [];
  // scratch buffers, sized at fit; score() is synchronous, so one set is enough
  private profile = new UserProfile(0, 0);
  /** The last full scores' user state (without.ts), and the user prepared for re-scores (prepareWithout). */
  private base: ProfileBase | null = null;
  private prepared = -1;

  constructor(opts: KgProfileOptions = {}) {
    this.opts = opts;
    this.st = initialSettings(opts);
    this.catalogShare = this.st.catalogShare;
    this.ratingCenter = this.st.ratingCenter;
  }

  async fit(ctx: FitContext): Promise<void> {
    checkContext(ctx, this.name);
    throwIfAborted(ctx.signal);
    this.s = null;
    this.m = null;
    this.forgetBase();
    this.tuned = false;
    this.bestValid = null;
    this.log = [];
    const kg = this.opts.kg ?? new KgIndex(ctx.dataset, this.opts.kgOptions);
    if (kg.itemCount !== ctx.nItems) {
      throw new KnowrecError(
        'validation',
        `kg-profile: the KG index has ${kg.itemCount} items, the fit context ${ctx.nItems}`,
        {},
        'build the KgIndex from the same dataset as the fit context (or leave the kg option out)',
      );
    }
    const s = buildStructure(kg, ctx, this.opts.relations);
    this.profile = new UserProfile(s.nEntities, s.families.length);
    const { weights, fixed } = familyWeights(s, this.opts.relationWeights);
    this.s = s;
    this.st.familyWeight = weights;
    this.fixedFamily = fixed;
    this.rebuild();
    ctx.onProgress?.({ stage: 'kg-profile', fraction: 0.1, message: `${s.families.length} relation families, ${s.slotEntity.length} item–entity pairs`, code: 'kgFamilies', params: { families: s.families.length, pairs: s.slotEntity.length } });
    if (this.opts.validate !== undefined && this.opts.tune !== false) await this.tune(ctx, this.opts.validate);
    ctx.onProgress?.({ stage: 'kg-profile', fraction: 1 });
  }

  score(user: number, items?: Int32Array): Float32Array {
    return this.scoreFrom(user, items);
  }

  /**
   * The profile rebuilt without the removed history items and without the removed (history item,
   * entity) ties (no refit of the weights; the candidates' own entities are kept).
   */
  scoreWithout(user: number, removed: ReadonlySet<number>, ties?: RemovedTies, into?: Float32Array): Float32Array {
    return this.fromBase(user, removed, ties, into) ?? this.scoreFrom(user, undefined, removed, ties);
  }

  /**
   * The user is about to be re-scored without some of `items` (an explanation's counterfactuals):
   * from now on its re-scores change its full scores (without.ts) instead of rebuilding them.
   */
  prepareWithout(user: number, items: readonly number[]): void {
    void items; // any removal set changes the kept full scores the same way
    this.prepared = user;
    if (this.base?.user !== user) this.scoreFrom(user);
  }

  /**
   * scoreWithout item by item (attribution.ts RescoreAt), from the prepared user's kept full
   * scores (without.ts rescoreFromBase: the same float32 scores as its scoreWithout); null for a
   * user not prepared (scoreWithout then rebuilds the profile) and where rescoreFromBase is.
   */
  scoreWithoutAt(user: number, removed: ReadonlySet<number>, ties?: RemovedTies): RescoreAt | null {
    const { s, m } = this.fitted();
    checkUser(this.name, user, s.nUsers);
    const base = this.base;
    if (user !== this.prepared || base?.user !== user) return null;
    const shift = this.profile.prepare(s, m, this.st.alpha, user, removed, ties);
    const out = rescoreFromBase(s, m, base, this.profile, shift, familyTotal(m, this.profile));
    this.profile.clear();
    return out;
  }

  /** Re-scores of the prepared user from its kept full scores; null where the straightforward path is used. */
  private fromBase(user: number, removed: ReadonlySet<number>, ties?: RemovedTies, into?: Float32Array): Float32Array | null {
    const base = this.base;
    if (user !== this.prepared || base?.user !== user) return null;
    const { s, m } = this.fitted();
    const shift = this.profile.prepare(s, m, this.st.alpha, user, removed, ties);
    const out = scoresFromBase(s, m, base, this.profile, shift, familyTotal(m, this.profile), into);
    this.profile.clear();
    return out;
  }

  private forgetBase(): void {
    this.base = null;
    this.prepared = -1;
  }

  private scoreFrom(user: number, items?: Int32Array, removed?: ReadonlySet<number>, ties?: RemovedTies): Float32Array {
    const { s, m } = this.fitted();
    checkUser(this.name, user, s.nUsers);
    if (items !== undefined) {
      for (let j = 0; j < items.length; j++) {
        const i = items[j];
        if (i < 0 || i >= s.nItems) throw new KnowrecError('validation', `${this.name}: item ${i} is outside 0..${s.nItems - 1}`, {}, 'pass dense item indices');
      }
    }
    const shift = this.profile.prepare(s, m, this.st.alpha, user, removed, ties);
    const floor = this.st.backgroundWeight * m.logGMin + shift - 1;
    const famDeltaAll = familyTotal(m, this.profile);
    const base = { s, m, profile: this.profile, shift, floor, famDeltaAll };
    let out: Float32Array;
    if (items !== undefined && items.length * 8 < s.nItems) out = scoreFew(base, items);
    else {
      const v = scoreAll(base);
      // a user's full scores are kept for its re-scores (without.ts)
      if (removed === undefined && ties === undefined) this.base = captureBase(user, v, shift, famDeltaAll, this.profile);
      out = items === undefined ? new Float32Array(v) : Float32Array.from(items, (i) => v[i]);
    }
    this.profile.clear();
    return out;
  }

  /**
   * Each part of score(user, item), sorted by lift: one term per entity of the item, plus
   * (with `missing: 'average'`) one per family the item has no facts of. Σ term = score; an
   * item without facts has no terms (its score is the documented floor).
   */
  explain(user: number, item: number): KgProfileTerm[] {
    const { s, m } = this.fitted();
    checkUser(this.name, user, s.nUsers);
    if (!Number.isInteger(item) || item < 0 || item >= s.nItems) {
      throw new KnowrecError('validation', `${this.name}: item ${item} is outside 0..${s.nItems - 1}`, {}, 'pass a dense item index');
    }
    return explainTerms({ s, m, st: this.st, profile: this.profile }, user, item);
  }

  /** The positive entity lifts split over the history items holding the entities (see historyTerms). */
  attribute(user: number, item: number): HistoryContribution[] {
    const { s, m } = this.fitted();
    checkUser(this.name, user, s.nUsers);
    if (!Number.isInteger(item) || item < 0 || item >= s.nItems) {
      throw new KnowrecError('validation', `${this.name}: item ${item} is outside 0..${s.nItems - 1}`, {}, 'pass a dense item index');
    }
    return historyTerms({ s, m, st: this.st, profile: this.profile }, user, item);
  }

  params(): Readonly<Record<string, number | string | boolean>> {
    const st = this.st;
    const out: Record<string, number | string | boolean> = {
      score: st.score,
      alpha: st.alpha,
      backgroundWeight: st.backgroundWeight,
      catalogShare: st.catalogShare,
      ratingWeight: st.ratingWeight,
      ratingCenter: st.ratingCenter,
      recencyDays: st.recencyDays,
      normalize: st.normalize,
      missing: st.missing,
      tuned: this.tuned,
    };
    if (this.bestValid !== null) out.valid = this.bestValid;
    const s = this.s;
    if (s !== null) for (let f = 0; f < s.families.length; f++) out[`w:${s.families[f].name}`] = st.familyWeight[f];
    return out;
  }

  /** Relation families of the fitted KG with their weights; empty before fit. */
  families(): KgRelationFamily[] {
    const s = this.s;
    const m = this.m;
    if (s === null || m === null) return [];
    const slots = new Int32Array(s.families.length);
    for (let p = 0; p < m.slotFact.length; p++) {
      const f = m.slotFact[p];
      if (f >= 0) slots[s.relationFamily[s.factRelation[f]]]++;
    }
    return s.families.map((fam, f) => ({ name: fam.name, relations: fam.relations, slots: slots[f], weight: this.st.familyWeight[f] }));
  }

  /** The coordinate search's steps (empty without tuning). */
  tuningLog(): readonly KgTuneStep[] {
    return this.log;
  }

  private fitted(): { s: Structure; m: Model } {
    if (this.s === null || this.m === null) throw notFitted(this.name);
    return { s: this.s, m: this.m };
  }

  private rebuild(): void {
    this.m = buildModel(this.s as Structure, this.st);
    this.forgetBase();
  }

  /** Coordinate search over the options not given explicitly; ends in the best state seen. */
  private async tune(ctx: FitContext, validate: (scorer: Scorer) => number | Promise<number>): Promise<void> {
    const s = this.s as Structure;
    const coordinates = tuningCoordinates({
      opts: this.opts,
      st: this.st,
      s,
      fixedFamily: this.fixedFamily,
      familySlots: this.families().map((f) => f.slots),
      rebuild: () => this.rebuild(),
    });
    const { best, steps } = await coordinateSearch({
      coordinates,
      rounds: this.opts.tuneRounds ?? KG_PROFILE_DEFAULTS.tuneRounds,
      minGain: 1e-9,
      evaluate: async () => {
        throwIfAborted(ctx.signal);
        const v = await validate(this);
        if (typeof v !== 'number' || Number.isNaN(v)) {
          throw new KnowrecError('internal', `kg-profile: validate returned ${String(v)}, expected a number`, {}, 'return a validation metric such as NDCG@10');
        }
        await yieldToEventLoop();
        return v;
      },
      onCoordinate: (c, kept, valid, done, total) =>
        ctx.onProgress?.({ stage: 'kg-profile', fraction: 0.1 + (0.9 * done) / Math.max(total, 1), message: `tuned ${c.name} = ${String(kept)}`, code: 'tuned', params: { name: c.name, value: String(kept) }, metrics: { valid } }),
    });
    this.log = steps;
    this.tuned = true;
    this.bestValid = best;
  }
}

/** Family weights from `relationWeights` (1 for the rest), and which families were given. */
function familyWeights(s: Structure, relationWeights: Readonly<Record<string, number>> | undefined): { weights: Float64Array; fixed: Uint8Array } {
  const kg = s.kg;
  const weights = new Float64Array(s.families.length).fill(1);
  const fixed = new Uint8Array(s.families.length);
  for (const [name, w] of Object.entries(relationWeights ?? {})) {
    const r = kg.relationIndex(name);
    if (r === undefined) {
      throw configError(`relationWeights names an unknown relation "${name}"`, `use one of: ${kg.kg.relationNames.slice(0, 8).join(', ')}…`);
    }
    const f = s.relationFamily[r];
    if (f < 0) continue; // the relation touches no item
    if (fixed[f] === 1 && weights[f] !== w) {
      throw configError(
        `relationWeights gives the family "${s.families[f].name}" two weights (${weights[f]} and ${w})`,
        `its relations ${s.families[f].relations.join(', ')} share one weight`,
      );
    }
    weights[f] = w;
    fixed[f] = 1;
  }
  return { weights, fixed };
}

/** Σ_f π_f·famDelta_f of the filled profile (0 without `fill`): every item's family-average term before its own families are taken out. */
function familyTotal(m: Model, profile: UserProfile): number {
  let t = 0;
  if (m.fill) for (let f = 0; f < m.pi.length; f++) t += m.pi[f] * profile.famDelta[f];
  return t;
}

interface ScoreBase {
  readonly s: Structure;
  readonly m: Model;
  readonly profile: UserProfile;
  readonly shift: number;
  /** Score of an item without facts. */
  readonly floor: number;
  /** Σ_f π_f Σ g_f δ over all families (missing families filled). */
  readonly famDeltaAll: number;
}

/** Few items: walk each item's slots. */
function scoreFew(b: ScoreBase, items: Int32Array): Float32Array {
  const { m, shift, floor, famDeltaAll } = b;
  const { delta, famDelta } = b.profile;
  const { pi, presentPtr, present } = m;
  const out = new Float32Array(items.length);
  for (let j = 0; j < items.length; j++) {
    const i = items[j];
    if (m.hasFacts[i] === 0) {
      out[j] = floor;
      continue;
    }
    let v = shift + m.offset[i];
    for (let p = m.qPtr[i], end = m.qPtr[i + 1]; p < end; p++) v += m.qValue[p] * delta[m.qEntity[p]];
    if (m.fill) {
      v += famDeltaAll;
      for (let k = presentPtr[i], end = presentPtr[i + 1]; k < end; k++) v -= pi[present[k]] * famDelta[present[k]];
    }
    out[j] = v;
  }
  return out;
}

/** All items (float64, before rounding): start from the user-independent part, then add the profile's entities. */
function scoreAll(b: ScoreBase): Float64Array {
  const { s, m, shift, floor, famDeltaAll } = b;
  const { delta, famDelta, touched, nTouched } = b.profile;
  const { pi, presentPtr, present } = m;
  const v = new Float64Array(s.nItems);
  for (let i = 0; i < s.nItems; i++) v[i] = m.hasFacts[i] === 0 ? floor : shift + m.offset[i] + famDeltaAll;
  const { entPtr, entItem } = s;
  const entQ = m.entQ;
  for (let k = 0; k < nTouched; k++) {
    const e = touched[k];
    const d = delta[e];
    for (let p = entPtr[e], end = entPtr[e + 1]; p < end; p++) v[entItem[p]] += entQ[p] * d;
  }
  if (m.fill && famDeltaAll !== 0) {
    for (let i = 0; i < s.nItems; i++) {
      if (m.hasFacts[i] === 0) continue;
      let x = v[i];
      for (let k = presentPtr[i], end = presentPtr[i + 1]; k < end; k++) x -= pi[present[k]] * famDelta[present[k]];
      v[i] = x;
    }
  }
  return v;
}
