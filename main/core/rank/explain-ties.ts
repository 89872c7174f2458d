/**
 * KG ties between a history item and the candidate, and their words. A tie is an entity both
 * items reach; each side reaches it through its own fact (relation and direction). When both
 * facts state the same relation (the same name and direction, a relation and its inverse, or
 * the same kind of fact such as "director" or "genre"), one phrase says it: "same director",
 * "shared hometown (London)". When they differ, the words name both sides, so the text never
 * claims a relation an item does not have: Skye Edwards' birth place is London and Morcheeba's
 * hometown is London → "both tied to London (birth place of Skye, hometown of Morcheeba)",
 * never "shared birth place (London)".
 */
import { canonicalRelation, factKind, humanizeRelation, relationWords, roleOf, type ItemFact, type KgIndex } from '../kg';
import { cleanLabel, getTemplates } from '../text';
import type { Related, Tie } from './explain-reason';
import { fillReason, type LinkKind, type ReasonLang, type ReasonTemplates } from './reason-templates';

/** One item's fact to an entity. */
export type TieFact = Pick<ItemFact, 'relation' | 'relationIndex' | 'direction' | 'derived'>;

/** Order in which tie kinds are shown (most specific first). */
const KIND_ORDER: readonly LinkKind[] = [
  'director',
  'writer',
  'actor',
  'producer',
  'award',
  'nomination',
  'generic',
  'language',
  'country',
  'genre',
  'decade',
];

function isDerivedRelation(relation: string): boolean {
  return relation === 'has_genre' || relation === 'released_in_decade';
}

/** The kind of an item's fact read from the item (kg factKind): 'generic' when the item, not the entity, plays the role. */
export function linkKind(relation: string, direction: 'out' | 'in' = 'out'): LinkKind {
  if (relation === 'released_in_decade') return direction === 'out' ? 'decade' : 'generic';
  return factKind(relation, direction);
}

/**
 * Entity → the item's facts reaching it (its own entities left out), facts from the KG before
 * those derived from catalog columns, otherwise in the KG's order.
 */
export function reachedFacts(kg: KgIndex, item: number): Map<number, TieFact[]> {
  const own = new Set(kg.itemEntities(item));
  const out = new Map<number, TieFact[]>();
  for (const f of kg.itemFacts(item)) {
    if (own.has(f.entity)) continue;
    let list = out.get(f.entity);
    if (list === undefined) out.set(f.entity, (list = []));
    list.push({ relation: f.relation, relationIndex: f.relationIndex, direction: f.direction, derived: f.derived });
  }
  const derived = (f: TieFact): number => (f.derived || isDerivedRelation(f.relation) ? 1 : 0);
  for (const list of out.values()) if (list.length > 1) list.sort((a, b) => derived(a) - derived(b));
  return out;
}

/**
 * Whether two facts to one entity state the same relation: the same name (canonical) in the same
 * direction, a relation and its inverse (`inverse`, KgIndex.inverseRelations) in opposite
 * directions, or the same kind of fact other than 'generic' ("director", "genre").
 */
export function sameRelation(a: TieFact, b: TieFact, inverse: Int32Array): boolean {
  if (canonicalRelation(a.relation) === canonicalRelation(b.relation) && a.direction === b.direction) return true;
  if (inverse[a.relationIndex] === b.relationIndex && a.direction !== b.direction) return true;
  const kind = linkKind(a.relation, a.direction);
  return kind !== 'generic' && kind === linkKind(b.relation, b.direction);
}

/**
 * The tie of one entity both items reach: the first pair of facts stating the same relation
 * (candidate's facts in order, then the history item's), else the first fact of each side.
 */
export function makeTie(entity: number, weight: number, cand: readonly TieFact[], hist: readonly TieFact[], inverse: Int32Array): Tie {
  let c = cand[0];
  let h = hist[0];
  let same = false;
  outer: for (const x of cand) {
    for (const y of hist) {
      if (sameRelation(x, y, inverse)) {
        [c, h, same] = [x, y, true];
        break outer;
      }
    }
  }
  return { entity, kind: linkKind(c.relation, c.direction), relation: c.relation, direction: c.direction, historyRelation: h.relation, historyDirection: h.direction, sameRelation: same, weight };
}

/** Ties by weight, then the most specific kind first, then entity. */
export function sortTies(ties: Tie[]): void {
  ties.sort((a, b) => b.weight - a.weight || KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || a.entity - b.entity);
}

/**
 * What the entity is to an item, as a noun: `inverted` false — the entity is the item's
 * {noun} ("birth place", "出生地"); true — the item is the entity's {noun} ("band member").
 */
export interface Role {
  readonly noun: string;
  readonly inverted: boolean;
}

/** "birth place of" → "birth place"; null for a phrase of another form ("with band member", "directed by"). */
function ofNoun(phrase: string): string | null {
  const m = /^(.+) (?:of|in|to|for)$/.exec(phrase);
  return m === null || m[1].startsWith('with ') ? null : m[1];
}

/**
 * The role of the entity an item reaches through `relation` in `direction`. English derives it
 * from the relation's role phrases; Chinese uses the verbalizer's phrases, then the reason
 * templates' words, then the relation's own words.
 */
export function roleIn(relation: string, direction: 'out' | 'in', lang: ReasonLang, t: ReasonTemplates): Role {
  const name = canonicalRelation(relation);
  if (direction === 'out' && Object.hasOwn(t.relationWords, relation)) return { noun: t.relationWords[relation], inverted: false };
  if (lang === 'zh') {
    const tpl = getTemplates('zh');
    const table = direction === 'out' ? tpl.relations : tpl.inverseRelations;
    // a relation the reason templates name (the tail's noun) reads as "the item is the entity's {noun}"
    if (direction === 'in' && Object.hasOwn(t.relationWords, name)) return { noun: t.relationWords[name], inverted: true };
    if (Object.hasOwn(table, name)) return { noun: table[name], inverted: false };
    const noun = Object.hasOwn(t.relationWords, name) ? t.relationWords[name] : relationWords(name);
    return { noun, inverted: direction === 'in' };
  }
  // the entity's role to the item; else the item's role to the entity
  const entityRole = roleOf(relation, direction === 'in');
  const forward = ofNoun(entityRole);
  if (forward !== null) return { noun: forward, inverted: false };
  const itemRole = ofNoun(roleOf(relation, direction === 'out'));
  if (itemRole !== null) return { noun: itemRole, inverted: true };
  return { noun: entityRole.replace(/^with /, '').replace(/ (of|in|to|by|for)$/, ''), inverted: false };
}

/** Titles of the two items a tie joins, as quoted in text. */
export interface TieTitles {
  readonly candidate: string;
  readonly history: string;
}

interface Group {
  readonly key: string;
  readonly kind: LinkKind;
  readonly labels: string[];
  /** Same relation: its role; else null. */
  readonly role: Role | null;
  /** Different relations: each side in words. */
  readonly sides: string | null;
}

/** One side of a tie in words: "birth place of Skye", "with band member Morcheeba". */
function side(role: Role, title: string, t: ReasonTemplates): string {
  return fillReason(role.inverted ? t.tieSideInverted : t.tieSide, { relation: role.noun, title });
}

/** Where a tie goes: its group key, and the words of its relation. */
function groupOf(tie: Tie, lang: ReasonLang, t: ReasonTemplates, titles: TieTitles): Omit<Group, 'labels'> {
  const mine = roleIn(tie.relation, tie.direction, lang, t);
  if (tie.sameRelation) {
    const key = tie.kind === 'generic' ? `generic:${mine.noun}:${String(mine.inverted)}` : tie.kind;
    return { key, kind: tie.kind, role: mine, sides: null };
  }
  const theirs = roleIn(tie.historyRelation, tie.historyDirection, lang, t);
  const sides = side(mine, titles.candidate, t) + t.tieSideJoiner + side(theirs, titles.history, t);
  return { key: `both:${sides}`, kind: tie.kind, role: null, sides };
}

function groupText(g: Group, t: ReasonTemplates): string {
  const named = g.labels.length > 0;
  const label = named ? g.labels.join(t.listJoiner) : t.someEntity;
  if (g.sides !== null) return fillReason(t.tiedBoth, { label, sides: g.sides });
  const role = g.role ?? { noun: '', inverted: false };
  if (g.kind === 'generic' && role.inverted) return fillReason(t.eachOf, { label, relation: role.noun });
  return named ? fillReason(t.namedLinks[g.kind], { label, relation: role.noun }) : fillReason(t.links[g.kind], { relation: role.noun });
}

/**
 * "same director, same genre (Romance, Comedy)", "shared hometown (London)", "both tied to
 * London (birth place of Skye, hometown of Morcheeba)": ties grouped by kind (generic ties by
 * relation, ties through different relations by both), most specific first, at most 3 groups;
 * or the non-KG tie.
 */
export function renderTies(r: Related, t: ReasonTemplates, lang: ReasonLang, kg: KgIndex | undefined, titles: TieTitles): string {
  const direct = kg !== undefined && r.direct.length > 0 ? directText(r.direct[0], lang, t, titles) : null;
  if (r.ties.length === 0 || kg === undefined) return direct ?? (r.similar ? t.links.similar : coChosen(r.co, t));
  const groups: Group[] = [];
  for (const tie of r.ties) {
    const at = groupOf(tie, lang, t, titles);
    let g = groups.find((x) => x.key === at.key);
    if (g === undefined) {
      if (groups.length >= 3) continue;
      g = { ...at, labels: [] };
      groups.push(g);
    }
    const label = kg.entityHasName(tie.entity) ? cleanLabel(kg.entityLabel(tie.entity)) : null;
    if (label !== null && !g.labels.includes(label) && g.labels.length < 3) g.labels.push(label);
  }
  const tied = groups.map((g) => groupText(g, t)).join(t.listJoiner);
  return direct !== null ? direct + t.directJoiner + tied : tied;
}

/** "12 users chose both", "1 user chose both"; '' for none. */
function coChosen(count: number, t: ReasonTemplates): string {
  if (count <= 0) return '';
  return count === 1 ? t.coLikedOne : fillReason(t.links.coLiked, { count: String(count) });
}

/** Triples per relation of the KG, by KgIndex (the most specific direct link is shown). */
const relationSizes = new WeakMap<KgIndex, Int32Array>();

function relationSize(kg: KgIndex, relation: number): number {
  let sizes = relationSizes.get(kg);
  if (sizes === undefined) {
    sizes = new Int32Array(kg.relationCount);
    for (const r of kg.kg.relation) sizes[r]++;
    relationSizes.set(kg, sizes);
  }
  return sizes[relation] ?? 0;
}

/**
 * The candidate's facts to a history item's own entity (a triple joining the two items),
 * strongest first: facts from the KG before derived ones, then the most specific relation (the
 * fewest triples in the KG: "band member" before "associated band").
 */
export function sortDirect(kg: KgIndex, facts: TieFact[]): void {
  const derived = (f: TieFact): number => (f.derived || isDerivedRelation(f.relation) ? 1 : 0);
  facts.sort((a, b) => derived(a) - derived(b) || relationSize(kg, a.relationIndex) - relationSize(kg, b.relationIndex) || a.relationIndex - b.relationIndex);
}

/** "a band member of", "an actor in": a role phrase ending in a preposition, else null. */
function rolePhrase(phrase: string): string | null {
  if (phrase.startsWith('with ') || !/^.+ (?:of|in|to|for)$/.test(phrase)) return null;
  return `${/^[aeiou]/i.test(phrase) ? 'an' : 'a'} ${phrase}`;
}

/**
 * A triple joining the two items in words, its direction exact: the candidate's `fact` reaches
 * the history item's entity ('out': the candidate's entity is the head). "Skye is a band member
 * of Morcheeba" (Morcheeba —bandMember→ Skye), zh "《Skye》是《Morcheeba》的乐队成员".
 */
export function directText(fact: TieFact, lang: ReasonLang, t: ReasonTemplates, titles: TieTitles): string {
  const [head, tail] = fact.direction === 'out' ? [titles.candidate, titles.history] : [titles.history, titles.candidate];
  if (lang === 'zh') {
    // the tail's role to the head (inverted: the head's role to the tail)
    const role = roleIn(fact.relation, 'out', lang, t);
    const [subject, object] = role.inverted ? [head, tail] : [tail, head];
    return fillReason(t.directLink, { subject, object, role: role.noun });
  }
  const tailRole = rolePhrase(roleOf(fact.relation, false));
  if (tailRole !== null) return fillReason(t.directLink, { subject: tail, object: head, role: tailRole });
  const headRole = rolePhrase(roleOf(fact.relation, true));
  if (headRole !== null) return fillReason(t.directLink, { subject: head, object: tail, role: headRole });
  return fillReason(t.directFact, { head, tail, relation: humanizeRelation(fact.relation) });
}
