/**
 * "Why was this recommended?": the hybrid's per-signal contributions as shares, and ONE evidence
 * set that everything else is built from: the cited history items (citeEvidence over the score's
 * contributors, attribution.ts; each with its share), or, where the scorer cannot attribute, the
 * items the candidate relates to most (a KG triple joining the two, shared KG entities, then a
 * similar description as explain-similar.ts allows, then co-interaction). From that set only: `history[]` (largest share first), the counterfactual
 * (the rank without exactly the cited items), the KG facts quoted as support (paths between a
 * cited item and the candidate, or the candidate's own facts when nothing is cited; never raw
 * MIDs), and every history title the one-line reason names (English or Chinese, led by the signal
 * with the largest share, never one under 10%).
 */
import { KnowrecError } from '../errors';
import { dedupeRows, transpose } from '../models/csr';
import { canonicalRelation, humanizeRelation as kgHumanize, relationWords, type KgIndex, type KgPath } from '../kg';
import { catalogDomain, containsRawMid, getTemplates, readableTitle } from '../text';
import type { Csr, Dataset } from '../types';
import { citeEvidence, combineShares, type AttributionSource, type CitedEvidence, type HistoryAttributionResult, type HistoryShare } from './attribution';
import { citablePaths } from './explain-paths';
import { kgTied, leadReason, LEAD_MIN_SHARE, type Related, type Tie } from './explain-reason';
import { nearHistoryProfile, similarityTest } from './explain-similar';
import { makeTie, reachedFacts, renderTies, sortDirect, sortTies, type TieFact } from './explain-ties';
import { fillReason, reasonTemplates, type ReasonLang, type ReasonTemplates, type SignalPhrase } from './reason-templates';

/** What explain needs from the hybrid (HybridScorer fits; attribution and counterfactual are optional). */
export interface ContributionSource extends Partial<AttributionSource> {
  contributions(user: number, item: number): { readonly signals: Readonly<Record<string, number>> };
}

/** One term of a KG-profile explanation (KgProfileScorer.explain fits). */
export interface ProfileTermLike {
  readonly entity: number;
  readonly lift: number;
  readonly viaItems: readonly { readonly item: number }[];
}

export interface ExplainInput {
  readonly hybrid: ContributionSource;
  readonly user: number;
  readonly item: number;
  readonly dataset: Dataset;
  readonly kg?: KgIndex;
  /** The user's training history (items, optional ratings aligned with them). */
  readonly trainHistory: (user: number) => { readonly items: ArrayLike<number>; readonly ratings?: ArrayLike<number> };
  readonly lang: ReasonLang;
  readonly kgProfile?: { explain(user: number, item: number): readonly ProfileTermLike[] };
  /** Unit item vectors for "similar description" (claimed only as explain-similar.ts allows). */
  readonly itemVectors?: (item: number) => Float32Array;
  /** Users who interacted with both items in training (see coInteractionCounter). */
  readonly coLiked?: (a: number, b: number) => number;
  /** Signal name → phrase group for names explain does not know (default 'cf'). */
  readonly signalKinds?: Readonly<Record<string, SignalPhrase>>;
  /** Length of the list the item is in: the counterfactual asks for a drop below it. Default 10. */
  readonly k?: number;
  /** Items never ranked for the user (e.g. everything seen in any split), for the ranks. */
  readonly excluded?: Uint8Array;
  /** The hybrid's scores of the user, when already at hand. */
  readonly scores?: Float32Array;
  /** Attribution and counterfactual already computed (re-rendering a stored explanation). */
  readonly stored?: { readonly history: readonly HistoryShare[]; readonly notAttributable: readonly string[]; readonly counterfactual: StoredCounterfactual | null };
}

/** A counterfactual with dense item indices. */
export interface StoredCounterfactual {
  readonly removed: readonly number[];
  readonly rankBefore: number;
  readonly rankAfter: number;
}

export interface HistoryLink {
  /** Item id (as in the dataset). */
  readonly item: string;
  readonly title: string;
  /**
   * The ties in words: a triple joining the two items first ("Skye is a band member of
   * Morcheeba"), then shared entities ("same director", "shared hometown (London)"); else
   * "similar description" (explain-similar.ts) or "12 users chose both"; '' when the item is cited
   * for its share of the score alone.
   */
  readonly relation: string;
  /**
   * The item's share of the positive score (attribution.ts), or null when the score could not be
   * attributed to the history and the item is only related to the candidate.
   */
  readonly share: number | null;
}

export interface Counterfactual {
  /** The history items left out: exactly the cited ones (history[]), the one evidence set. */
  readonly removed: readonly { readonly item: string; readonly title: string }[];
  /** 1-based ranks among the user's candidates (items never ranked excluded). */
  readonly rankBefore: number;
  /** When ≤ the list length, even removing all those tried kept the item in the list. */
  readonly rankAfter: number;
}

export interface Explanation {
  /**
   * Shares of the positive signal contributions (non-negative, summing to 1). When no signal is
   * positive, the shares of how much less each held the item back than the weakest signal.
   */
  readonly signals: Readonly<Record<string, number>>;
  /** Shares of the negative contributions (summing to 1 when any, else {}). */
  readonly against: Readonly<Record<string, number>>;
  readonly history: readonly HistoryLink[];
  readonly facts: readonly string[];
  readonly reason: string;
  /** The signal the reason leads with (the largest share, never one under 10%); null when none. */
  readonly lead: string | null;
  /** Signals with a positive share that could not be split over the history (pop, bpr, …). */
  readonly notAttributable: readonly string[];
  /** Re-scored without the top contributors (no refit); null when the scorer cannot re-score. */
  readonly counterfactual: Counterfactual | null;
}

const SIGNAL_KIND: Readonly<Record<string, SignalPhrase>> = {
  itemknn: 'cf',
  ease: 'cf',
  bpr: 'latent',
  pop: 'pop',
  semantic: 'text',
  'semantic-ft': 'text',
  'history-similarity': 'text',
  'kg-profile': 'kg',
  'kg-embed': 'kg',
  'kg-overlap': 'overlap',
  'history-length': 'history',
};

/** Non-negative shares of the positive and of the negative signal contributions. */
export function signalShares(signals: Readonly<Record<string, number>>): {
  signals: Record<string, number>;
  against: Record<string, number>;
} {
  let pos = 0;
  let neg = 0;
  for (const v of Object.values(signals)) {
    if (v > 0) pos += v;
    else if (v < 0) neg -= v;
  }
  const forShares: Record<string, number> = {};
  const against: Record<string, number> = {};
  for (const [k, v] of Object.entries(signals)) {
    if (v > 0 && pos > 0) forShares[k] = v / pos;
    else if (v < 0 && neg > 0) against[k] = -v / neg;
  }
  if (pos === 0) {
    // Nothing pushed the item above the average candidate: credit the signals that held it
    // back least, relative to the one that held it back most (uniform when all are equal).
    const entries = Object.entries(signals);
    const min = Math.min(...entries.map(([, v]) => v));
    const lifted = entries.map(([k, v]) => [k, v - min] as const);
    const total = lifted.reduce((a, [, v]) => a + v, 0);
    for (const [k, v] of lifted) {
      if (total > 0 ? v > 0 : entries.length > 0) forShares[k] = total > 0 ? v / total : 1 / entries.length;
    }
  }
  return { signals: forShares, against };
}

export function explainRecommendation(input: ExplainInput): Explanation {
  const { dataset, kg, user, item, lang } = input;
  const nItems = dataset.itemIds.length;
  if (!Number.isInteger(item) || item < 0 || item >= nItems) {
    throw new KnowrecError('not-found', `explain: item ${item} is outside 0..${nItems - 1}`, {}, 'pass a dense item index');
  }
  if (lang !== 'en' && lang !== 'zh') {
    throw new KnowrecError('config', `explain: language must be 'en' or 'zh', got '${String(lang)}'`);
  }
  const t = reasonTemplates(lang, catalogDomain(dataset));
  const { signals, against } = signalShares(input.hybrid.contributions(user, item).signals);
  const popular = isPopular(dataset, item);
  const title = (i: number): string => itemTitle(dataset, kg, i);
  const related = relatedHistory(input);
  // "similar in content to your history" only where it holds against the catalog (explain-similar.ts)
  let textHolds: boolean | undefined;
  const similarContent = (): boolean => (textHolds ??= related.some((r) => r.similar) || (input.itemVectors !== undefined && nearHistoryProfile(nItems, input.itemVectors, input.trainHistory(user).items, item)));
  const kindOf = (s: string): SignalPhrase => {
    const kind = input.signalKinds?.[s] ?? SIGNAL_KIND[s] ?? 'cf';
    if (kind === 'text' && !similarContent()) return 'textScore';
    return kind === 'pop' && !popular ? 'count' : kind;
  };
  const attr = attribution(input, signals);
  const evidence = input.stored === undefined && attr !== null ? evidenceOf(input.hybrid, input, attr) : null;
  const top = attr !== null ? citedFromShares(attr.history, related, evidence?.cited) : related.slice(0, 3).map((r) => ({ ...r, share: null }));
  const q = (i: number): string => fillReason(t.title, { title: title(i) });
  const linksOf = (r: Related): string => renderTies(r, t, lang, kg, { candidate: q(item), history: q(r.item) });
  const history: HistoryLink[] = top.map((r) => ({ item: dataset.itemIds[r.item], title: title(r.item), relation: linksOf(r), share: r.share }));
  const facts = supportFacts(input, top);
  const ranked = Object.entries(signals).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const lead = ranked[0] !== undefined && ranked[0][1] >= LEAD_MIN_SHARE ? ranked[0][0] : null;
  const cf = input.stored !== undefined ? input.stored.counterfactual : (evidence?.counterfactual ?? null);
  // removed is the cited set (citeEvidence): listed in history[]'s order
  const pos = new Map(top.map((r, j) => [r.item, j]));
  const removed = cf === null ? [] : [...cf.removed].sort((a, b) => (pos.get(a) ?? top.length) - (pos.get(b) ?? top.length));
  // the cited items left out, the item still in the list: the reason says so where it names them
  const still = cf !== null && cf.rankAfter <= (input.k ?? 10) ? { removed, rank: cf.rankAfter } : null;
  const reason = leadReason({ t, lead, ranked, kindOf, cited: top, bySignal: attr?.bySignal ?? {}, title, linksOf, still });
  if (top.length === 0 && facts.length === 0 && lead !== null) {
    addFact(facts, fillReason(t.signalFact, { title: fillReason(t.title, { title: title(item) }), phrase: t.signals[kindOf(lead)] }));
  }
  const counterfactual = cf === null ? null : { ...cf, removed: removed.map((i) => ({ item: dataset.itemIds[i], title: title(i) })) };
  return { signals, against, history, facts, reason, lead, notAttributable: attr?.notAttributable ?? [], counterfactual };
}

/** Share of the catalog that "popular overall" may describe: the most-chosen 10% of items. */
export const POPULAR_TOP_SHARE = 0.1;

/** Per dataset: the interaction count an item needs to be among the most-chosen POPULAR_TOP_SHARE. */
const popularCutoffs = new WeakMap<Dataset, { counts: Int32Array; cutoff: number }>();

/**
 * Whether fewer than POPULAR_TOP_SHARE of the catalog's items have more interactions than `item`
 * (counted over the dataset's interactions): only then does a reason call it "popular overall".
 */
export function isPopular(dataset: Dataset, item: number): boolean {
  let p = popularCutoffs.get(dataset);
  if (p === undefined) {
    const counts = new Int32Array(dataset.itemIds.length);
    for (const i of dataset.interactions.item) counts[i]++;
    const sorted = Int32Array.from(counts).sort().reverse();
    // the count of the last item inside the top share (at least the most chosen one)
    const cutoff = sorted.length === 0 ? 0 : sorted[Math.max(0, Math.floor(POPULAR_TOP_SHARE * sorted.length) - 1)];
    popularCutoffs.set(dataset, (p = { counts, cutoff }));
  }
  return p.counts[item] > 0 && p.counts[item] >= p.cutoff;
}

/** The hybrid's history attribution (or the stored one); null when the source has none. */
function attribution(input: ExplainInput, signals: Readonly<Record<string, number>>): HistoryAttributionResult | null {
  if (input.stored !== undefined) {
    // stored: the attributed signals are taken to name the cited items, in their order
    const cited = input.stored.history.slice(0, 3).map((h) => h.item);
    const bySignal = Object.fromEntries(Object.keys(signals).filter((s) => !input.stored?.notAttributable.includes(s)).map((s) => [s, cited]));
    return { ...input.stored, bySignal };
  }
  const h = input.hybrid;
  if (h.historyParts === undefined) return null;
  return combineShares(signals, h.historyParts(input.user, input.item));
}

/**
 * The cited history items and the counterfactual (citeEvidence over the contributors by share);
 * null when the source cannot re-score without history items.
 */
function evidenceOf(h: ContributionSource, at: EvidenceAt, attr: { history: readonly HistoryShare[] }): CitedEvidence | null {
  if (h.score === undefined || h.scoreWithout === undefined) return null;
  const source = {
    score: h.score.bind(h),
    scoreWithout: h.scoreWithout.bind(h),
    ...(h.prepareWithout !== undefined ? { prepareWithout: h.prepareWithout.bind(h) } : {}),
    ...(h.scoreWithoutSparse !== undefined ? { scoreWithoutSparse: h.scoreWithoutSparse.bind(h) } : {}),
  };
  return citeEvidence(source, at.user, at.item, attr.history.map((x) => x.item), at.k ?? 10, at.excluded, at.scores);
}

/** Where an explanation's evidence is looked for: the user, the item, its list and the user's scores. */
export interface EvidenceAt {
  readonly user: number;
  readonly item: number;
  /** List length (default 10). */
  readonly k?: number;
  readonly excluded?: Uint8Array;
  readonly scores?: Float32Array;
}

/**
 * The history items an explanation of `at.item` cites (the same rule as explainRecommendation):
 * the hybrid's contributors by share, then citeEvidence; the top 3 contributors when the source
 * cannot re-score; [] when it cannot attribute.
 */
export function explanationEvidence(h: ContributionSource, at: EvidenceAt): readonly number[] {
  if (h.historyParts === undefined) return [];
  const { signals } = signalShares(h.contributions(at.user, at.item).signals);
  const attr = combineShares(signals, h.historyParts(at.user, at.item));
  return evidenceOf(h, at, attr)?.cited ?? attr.history.slice(0, 3).map((x) => x.item);
}

/**
 * The history items the explanations cited before attribution (the post-hoc rule, kept to
 * measure it): the 3 items the candidate relates to most — shared KG entities (weighted by
 * specificity and the kg-profile lift), then item-vector similarity, then co-interaction —
 * whatever produced the score.
 */
export function posthocEvidence(input: RelatedInput): number[] {
  return relatedHistory(input).slice(0, 3).map((r) => r.item);
}

/**
 * The cited contributors (or the top 3), largest share first, with their KG ties and similarity
 * where the candidate relates to them.
 */
function citedFromShares(shares: readonly HistoryShare[], related: readonly Related[], cited?: readonly number[]): (Related & { share: number })[] {
  const byItem = new Map(related.map((r) => [r.item, r]));
  const shareOf = new Map(shares.map((s) => [s.item, s.share]));
  const chosen = cited !== undefined ? cited.map((item) => ({ item, share: shareOf.get(item) ?? 0 })).sort((a, b) => b.share - a.share || a.item - b.item) : shares.slice(0, 3);
  return chosen.map((s) => ({ ...(byItem.get(s.item) ?? { item: s.item, direct: [], ties: [], kgScore: 0, sim: 0, similar: false, co: 0 }), share: s.share }));
}

function addFact(facts: string[], f: string): void {
  if (!containsRawMid(f) && !facts.includes(f)) facts.push(f);
}

/** KG paths between the cited items and the candidate (or, when none is cited, the candidate's own facts). */
function supportFacts(input: ExplainInput, top: readonly Related[]): string[] {
  const { kg, item, lang } = input;
  const facts: string[] = [];
  if (kg === undefined) return facts;
  for (const r of top) {
    if (!kgTied(r)) continue;
    const paths = citablePaths(kg, kg.paths(r.item, item, { maxLen: 2, limit: 24 }));
    // the triple the reason says first (paths run from the history item: its direction is the candidate's reversed)
    const d = r.direct[0];
    const said = d === undefined ? -1 : paths.findIndex((p) => p.steps.length === 1 && p.steps[0].relation === d.relation && (p.steps[0].direction === 'out') === (d.direction === 'in'));
    const ordered = said > 0 ? [paths[said], ...paths.filter((_, j) => j !== said)] : paths;
    for (const p of ordered.slice(0, 2)) addFact(facts, formatPath(kg, p, lang));
    if (facts.length >= 5) break;
  }
  if (facts.length === 0 && top.length === 0) {
    const own = new Set(kg.itemEntities(item));
    const one = kg
      .itemFacts(item)
      .filter((f) => !own.has(f.entity))
      .map((f): KgPath => ({ start: f.from, steps: [{ relation: f.relation, direction: f.direction, entity: f.entity, derived: f.derived }] }));
    for (const p of citablePaths(kg, one)) {
      addFact(facts, formatPath(kg, p, lang));
      if (facts.length >= 2) break;
    }
  }
  return facts;
}

/** What relatedHistory reads. */
export type RelatedInput = Pick<ExplainInput, 'user' | 'item' | 'dataset' | 'kg' | 'trainHistory' | 'kgProfile' | 'itemVectors' | 'coLiked'>;

/**
 * History items ranked by KG ties (a triple joining the two items first, then shared entities),
 * then "similar description" (explain-similar.ts), then co-interaction. Items with none of these
 * are left out.
 */
function relatedHistory(input: RelatedInput): Related[] {
  const { kg, item, user } = input;
  const hist = input.trainHistory(user);
  let maxRating = 0;
  if (hist.ratings !== undefined) for (let j = 0; j < hist.ratings.length; j++) maxRating = Math.max(maxRating, hist.ratings[j]);
  const cand = candidateEntities(input);
  const inverse = kg !== undefined && cand.size > 0 ? kg.inverseRelations() : new Int32Array(0);
  const vectors = input.itemVectors;
  const v = vectors?.(item);
  const similar = vectors !== undefined ? similarityTest(input.dataset.itemIds.length, vectors) : null;
  const out: Related[] = [];
  const seen = new Set<number>([item]);
  for (let j = 0; j < hist.items.length; j++) {
    const h = hist.items[j];
    if (seen.has(h)) continue;
    seen.add(h);
    const r = hist.ratings !== undefined && maxRating > 0 ? hist.ratings[j] / maxRating : 1;
    const ties: Tie[] = [];
    const direct: TieFact[] = [];
    let kgScore = 0;
    if (kg !== undefined && cand.size > 0) {
      // the candidate's facts to the history item's own entities: triples joining the two
      for (const e of kg.itemEntities(h)) {
        const c = cand.get(e);
        if (c === undefined) continue;
        direct.push(...c.facts);
        kgScore += c.weight;
      }
      for (const [entity, facts] of reachedFacts(kg, h)) {
        const c = cand.get(entity);
        if (c === undefined) continue;
        ties.push(makeTie(entity, c.weight, c.facts, facts, inverse));
        kgScore += c.weight;
      }
      kgScore *= 0.5 + 0.5 * r;
    }
    let sim = 0;
    if (v !== undefined && vectors !== undefined) {
      const w = vectors(h);
      for (let k = 0; k < Math.min(v.length, w.length); k++) sim += v[k] * w[k];
    }
    const isSimilar = similar !== null && sim > 0 && similar(item, h, sim);
    const co = input.coLiked?.(item, h) ?? 0;
    if (direct.length > 0 || kgScore > 0 || isSimilar || co > 0) {
      sortTies(ties);
      if (kg !== undefined) sortDirect(kg, direct);
      out.push({ item: h, direct, ties, kgScore, sim, similar: isSimilar, co });
    }
  }
  out.sort(byRelation);
  return out;
}

/** The candidate's one-hop entities → its facts to each and the entity's weight. */
function candidateEntities(input: RelatedInput): Map<number, { facts: TieFact[]; weight: number }> {
  const { kg, item, user } = input;
  const cand = new Map<number, { facts: TieFact[]; weight: number }>();
  if (kg === undefined) return cand;
  const nItems = input.dataset.itemIds.length;
  const bonus = new Map<number, number>();
  if (input.kgProfile !== undefined) {
    for (const term of input.kgProfile.explain(user, item)) if (term.lift > 0) bonus.set(term.entity, term.lift);
  }
  const adj = kg.adjacency;
  for (const [entity, facts] of reachedFacts(kg, item)) {
    // specificity: an entity few items reach (a director) counts more than a language
    const degree = adj.offsets[entity + 1] - adj.offsets[entity];
    const weight = Math.max(0, Math.log((2 + nItems) / (1 + degree))) * (1 + (bonus.get(entity) ?? 0));
    cand.set(entity, { facts, weight });
  }
  return cand;
}

/** A direct triple first, then KG ties by weight, then similar descriptions by cosine, then co-interaction by count. */
function byRelation(a: Related, b: Related): number {
  const tier = (r: Related): number => (r.direct.length > 0 ? 3 : r.kgScore > 0 ? 2 : r.similar ? 1 : 0);
  const ta = tier(a);
  const tb = tier(b);
  if (ta !== tb) return tb - ta;
  if (ta >= 2) return b.kgScore - a.kgScore || b.sim - a.sim || a.item - b.item;
  if (ta === 1) return b.sim - a.sim || b.co - a.co || a.item - b.item;
  return b.co - a.co || b.sim - a.sim || a.item - b.item;
}

/** A relation in a path, read from the head: the language's phrase, else humanized. */
function pathRelation(relation: string, lang: ReasonLang, t: ReasonTemplates): string {
  const name = canonicalRelation(relation);
  if (lang === 'en') return kgHumanize(relation);
  const table = getTemplates(lang).relations;
  if (Object.hasOwn(table, name)) return table[name];
  if (Object.hasOwn(t.relationWords, relation)) return t.relationWords[relation];
  if (Object.hasOwn(t.relationWords, name)) return t.relationWords[name];
  return relationWords(name);
}

function itemTitle(dataset: Dataset, kg: KgIndex | undefined, i: number): string {
  const raw = kg !== undefined ? kg.itemLabel(i) : (dataset.items[i]?.title ?? '');
  const t = readableTitle(raw.trim());
  return t.length > 0 && !containsRawMid(t) ? t : `#${dataset.itemIds[i] ?? i}`;
}

/**
 * A KG path in words, like KgIndex.formatPath but with readable item titles ("A Bug's Life
 * (1998)") and, in Chinese, the verbalizer's relation phrases.
 */
function formatPath(kg: KgIndex, p: KgPath, lang: ReasonLang): string {
  const t = reasonTemplates(lang);
  const label = (e: number): string => readableLabel(kg.entityLabel(e), kg.entityItems(e).length > 0);
  let s = label(p.start);
  for (const step of p.steps) {
    const r = pathRelation(step.relation, lang, t);
    s += step.direction === 'out' ? ` —${r}→ ` : ` ←${r}— `;
    s += label(step.entity);
  }
  return s;
}

/**
 * Item titles inside entity labels read naturally: "Sting, The (1973)" → "The Sting (1973)", also
 * in descriptions such as "director of Sting, The (1973)".
 */
function readableLabel(label: string, isItem: boolean): string {
  if (isItem) return readableTitle(label);
  const m = /^(.+? (?:of|in|to|by|with|for)) (.+)$/.exec(label);
  return m !== null ? `${m[1]} ${readableTitle(m[2])}` : label;
}

/**
 * Users who interacted with both items in training, from the training matrix: a callback for
 * explainRecommendation's `coLiked`.
 */
export function coInteractionCounter(train: Csr): (a: number, b: number) => number {
  const byItem = transpose(dedupeRows(train, true));
  return (a: number, b: number): number => {
    let p = byItem.indptr[a];
    let q = byItem.indptr[b];
    const pe = byItem.indptr[a + 1];
    const qe = byItem.indptr[b + 1];
    let n = 0;
    while (p < pe && q < qe) {
      const x = byItem.indices[p];
      const y = byItem.indices[q];
      if (x === y) {
        n++;
        p++;
        q++;
      } else if (x < y) p++;
      else q++;
    }
    return n;
  };
}
