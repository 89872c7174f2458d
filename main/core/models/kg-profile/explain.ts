/** kg-profile's score split into one term per entity of the item (and per family it lacks). */
import { relationPhrases } from '../../kg';
import { sortContributions, type HistoryContribution } from '../attribution';
import type { Model } from './model';
import type { KgSettings } from './options';
import type { UserProfile } from './profile';
import { findSlot, type Structure } from './structure';

export interface KgProfileVia {
  readonly item: number;
  readonly itemId: string;
  readonly label: string;
}

/** One entity's share of score(user, item). */
export interface KgProfileTerm {
  /** 'entity': one of the item's entities; 'average': a family the item has no facts of (entity −1). */
  readonly kind: 'entity' | 'average';
  readonly entity: number;
  readonly entityId: string;
  /** Readable name (never a raw Freebase MID): KgIndex.entityLabel. */
  readonly label: string;
  /** Relation linking the item to the entity (the slot's strongest). */
  readonly relation: string;
  /** The relation read from the item's side: "directed by", "has genre", … */
  readonly relationLabel: string;
  readonly family: string;
  /** q_i(e) log p_u(e) ('cross-entropy') or q_i(e)(log p_u(e) − log q_i(e)) ('neg-kl'); Σ term = score. */
  readonly term: number;
  /** q_i(e) log(p_u(e) / g(e)): > 0 when the user's profile holds e more than the average one. */
  readonly lift: number;
  /** p_u(e), smoothed. */
  readonly userMass: number;
  /** c_u(e) / C_u: the entity's share of the unsmoothed profile (0 when the history is empty). */
  readonly userShare: number;
  /** q_i(e). */
  readonly itemMass: number;
  /** Up to 3 of the user's training items having the entity, largest contribution first. */
  readonly viaItems: readonly KgProfileVia[];
}

interface Fitted {
  readonly s: Structure;
  readonly m: Model;
  readonly st: KgSettings;
  readonly profile: UserProfile;
}

/**
 * The terms of score(user, item) for valid indices, sorted by lift; Σ term = score. An item
 * without facts has none.
 */
export function explainTerms(f: Fitted, user: number, item: number): KgProfileTerm[] {
  const { s, m, profile } = f;
  if (m.hasFacts[item] === 0) return [];
  const shift = profile.prepare(s, m, f.st.alpha, user);
  const terms = [...entityTerms(f, user, item, shift), ...(m.fill ? averageTerms(f, item, shift) : [])];
  profile.clear();
  terms.sort((a, b) => b.lift - a.lift || b.term - a.term || a.entity - b.entity);
  return terms;
}

function entityTerms(f: Fitted, user: number, item: number, shift: number): KgProfileTerm[] {
  const { s, m, profile } = f;
  const { c, delta, total } = profile;
  const kg = s.kg;
  const beta = f.st.backgroundWeight;
  const terms: KgProfileTerm[] = [];
  for (let p = s.slotPtr[item]; p < s.slotPtr[item + 1]; p++) {
    const qi = m.q[p];
    if (!(qi > 0)) continue;
    const e = s.slotEntity[p];
    const logRatio = shift + delta[e]; // log(p_u(e) / g(e))
    const lift = qi * logRatio;
    const fact = m.slotFact[p];
    const r = s.factRelation[fact];
    const relation = kg.kg.relationNames[r];
    const phrases = relationPhrases(relation);
    terms.push({
      kind: 'entity',
      entity: e,
      entityId: kg.entityId(e),
      label: kg.entityLabel(e),
      relation,
      relationLabel: s.factDirection[fact] === 0 ? phrases.forward : phrases.inverse,
      family: s.families[s.relationFamily[r]].name,
      term: lift + qi * beta * Math.log(m.g[e]) - (f.st.score === 'neg-kl' ? qi * Math.log(qi) : 0),
      lift,
      userMass: m.g[e] * Math.exp(logRatio),
      userShare: total > 0 ? c[e] / total : 0,
      itemMass: qi,
      viaItems: c[e] > 0 ? via(f, user, e) : [],
    });
  }
  return terms;
}

/** One term per family the item has no facts of, scored as the family's background. */
function averageTerms(f: Fitted, item: number, shift: number): KgProfileTerm[] {
  const { s, m, profile } = f;
  const { c, delta, famDelta, total } = profile;
  const beta = f.st.backgroundWeight;
  const has = new Set<number>();
  for (let k = m.presentPtr[item]; k < m.presentPtr[item + 1]; k++) has.add(m.present[k]);
  const terms: KgProfileTerm[] = [];
  for (let fam = 0; fam < m.pi.length; fam++) {
    const pf = m.pi[fam];
    if (!(pf > 0) || has.has(fam)) continue;
    const lift = pf * (shift + famDelta[fam]);
    let userMass = 0;
    let userShare = 0;
    for (let k = m.famPtr[fam]; k < m.famPtr[fam + 1]; k++) {
      const e = m.famEntity[k];
      userMass += m.g[e] * Math.exp(shift + delta[e]);
      if (total > 0) userShare += c[e] / total;
    }
    const name = s.families[fam].name;
    const phrase = relationPhrases(name).forward;
    terms.push({
      kind: 'average',
      entity: -1,
      entityId: '',
      label: `no "${phrase}" facts: scored as an average item`,
      relation: name,
      relationLabel: phrase,
      family: name,
      term: lift + pf * beta * m.famBase[fam] + (f.st.score === 'neg-kl' ? pf * m.famEntropy[fam] : 0),
      lift,
      userMass,
      userShare,
      itemMass: pf,
      viaItems: [],
    });
  }
  return terms;
}

/**
 * Each training item's part of the item's positive lifts: an entity's lift split over the
 * user's items holding it by ω q_h(e) (the part of the score the history explains; the
 * background and the average-item terms are left unattributed).
 */
export function historyTerms(f: Fitted, user: number, item: number): HistoryContribution[] {
  const acc = new Map<number, number>();
  for (const t of explainTerms(f, user, item)) {
    if (t.kind !== 'entity' || !(t.lift > 0)) continue;
    const w = viaWeights(f, user, t.entity);
    let total = 0;
    for (const v of w.values()) total += v;
    if (!(total > 0)) continue;
    for (const [h, v] of w) acc.set(h, (acc.get(h) ?? 0) + (t.lift * v) / total);
  }
  return sortContributions([...acc].map(([h, weight]) => ({ item: h, weight })));
}

/** Up to 3 training items of `user` holding entity e, by contribution ω q_h(e). */
function via(f: Fitted, user: number, e: number): KgProfileVia[] {
  const { s } = f;
  const found = viaWeights(f, user, e);
  return [...found.entries()]
    .sort((a, b) => b[1] - a[1] || a[0] - b[0])
    .slice(0, 3)
    .map(([h]) => ({ item: h, itemId: s.kg.itemId(h), label: s.kg.itemLabel(h) }));
}

/** Training items of `user` holding entity e → ω q_h(e). */
function viaWeights(f: Fitted, user: number, e: number): Map<number, number> {
  const { s, m } = f;
  const found = new Map<number, number>();
  for (let p = s.userPtr[user]; p < s.userPtr[user + 1]; p++) {
    const h = s.histItem[p];
    const w = m.omega[p];
    if (!(w > 0)) continue;
    const k = findSlot(s, h, e);
    if (k < 0 || !(m.q[k] > 0)) continue;
    found.set(h, (found.get(h) ?? 0) + w * m.q[k]);
  }
  return found;
}
