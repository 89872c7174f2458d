/**
 * Item sentences: title, catalog attributes and KG facts, e.g.
 * "Toy Story (1995). Animation, Children's, Comedy. Released in the 1990s. Directed by John
 * Lasseter." Parts are dropped least-informative first to fit a token budget; the title never.
 */
import { factKind, type FactKind } from '../kg';
import type { Dataset, ItemRecord } from '../types';
import { cleanLabel, containsRawMid } from './guard';
import {
  capitalize,
  checkIndex,
  fill,
  fitBudget,
  itemTitle,
  joinList,
  joinSentences,
  resolveOptions,
} from './render';
import { relationPhrase, type Templates } from './templates';
import type { ItemSentenceOptions, PartKind, TextFact, VerbalPart, Verbalized } from './types';

/** Part kinds in the order they are dropped to fit a budget (first = least informative). */
export const DEFAULT_ITEM_DROP_ORDER: readonly PartKind[] = [
  'fact:generic',
  'attribute',
  'fact:nomination',
  'fact:award',
  'fact:language',
  'fact:country',
  'fact:actor-extra',
  'year',
  'fact:genre',
  'fact:producer',
  'fact:writer',
  'description',
  'genres',
  'fact:actor',
  'fact:director',
];

/** Genre values that carry no information. */
const EMPTY_GENRES = new Set(['unknown', '(no genres listed)', '']);
/** Attributes printed by their own parts, or never printed. */
const SKIP_ATTRIBUTES = new Set(['genres', 'release_year', 'year', 'raw_title', 'title']);
/** Identifier-like and link attributes are noise in a sentence. */
const NOISE_ATTRIBUTE = /(^|_)(id|ids|url|uri|link|image|img|picture|pictureurl|thumbnail)$/i;
const URL_VALUE = /^[a-z]+:\/\//i;
const MAX_LIST = 5;

interface Draft {
  kind: PartKind;
  text: string;
  relations?: string[];
}

export function itemSentence(dataset: Dataset, item: number, opts: ItemSentenceOptions = {}): Verbalized {
  checkIndex('item', item, dataset.items.length);
  const { t, budget, count } = resolveOptions(opts, dataset);
  const record = dataset.items[item];
  const title = itemTitle(dataset, item, opts.rawTitles === true);

  const drafts: Draft[] = [];
  const push = (kind: PartKind, text: string, relations?: string[]): void => {
    drafts.push({ kind, text: capitalize(text, t), relations });
  };
  push('title', fill(t.item.title, { title }));

  const genres = catalogGenres(record, t);
  if (genres.length > 0) push('genres', fill(t.item.genres, { list: joinList(genres, t) }));

  const year = releaseYear(record);
  if (year !== null) {
    if (title.includes(String(year))) push('year', fill(t.item.decade, { decade: String(Math.floor(year / 10) * 10) }));
    else push('year', fill(t.item.year, { year: String(year) }));
  }

  for (const [name, value] of attributeEntries(record, opts.attributes, t)) {
    push('attribute', fill(t.item.attribute, { name, value }));
  }

  if (opts.facts !== undefined) {
    const facts = opts.facts.itemFacts(item);
    for (const d of factDrafts(facts, title, genres, record, t, opts)) push(d.kind, d.text, d.relations);
  }

  if (opts.description !== false) {
    const desc = description(record, opts.maxDescriptionChars ?? 300);
    if (desc !== null) push('description', fill(t.item.description, { text: desc }));
  }

  const dropOrder = opts.dropOrder ?? DEFAULT_ITEM_DROP_ORDER;
  const sequence: number[] = [];
  for (const kind of dropOrder) {
    if (kind === 'title') continue;
    for (let i = drafts.length - 1; i >= 0; i--) if (drafts[i].kind === kind) sequence.push(i);
  }
  const render = (kept: readonly boolean[]): string =>
    joinSentences(
      drafts.filter((_, i) => kept[i]).map((d) => d.text),
      t,
    );
  const fit = fitBudget(drafts.length, sequence, render, count, budget);
  const parts: VerbalPart[] = drafts.map((d, i) => ({
    kind: d.kind,
    text: d.text,
    kept: fit.kept[i],
    ...(d.relations !== undefined ? { relations: d.relations } : {}),
  }));
  return { text: fit.text, parts, tokens: fit.tokens, overBudget: fit.overBudget };
}

function catalogGenres(record: ItemRecord, t: Templates): string[] {
  const raw = record.attributes.genres;
  const values = Array.isArray(raw) ? raw : typeof raw === 'string' ? [raw] : [];
  const out: string[] = [];
  for (const g of values) {
    const clean = cleanLabel(g);
    if (clean === null || EMPTY_GENRES.has(clean.toLowerCase())) continue;
    const shown = Object.hasOwn(t.genres, clean) ? t.genres[clean] : clean;
    if (!out.includes(shown)) out.push(shown);
  }
  return out;
}

/** A 4-digit release year from attributes.release_year or attributes.year, else null. */
export function releaseYear(record: ItemRecord): number | null {
  for (const key of ['release_year', 'year']) {
    const v = record.attributes[key];
    const s = typeof v === 'number' ? String(v) : typeof v === 'string' ? v.trim() : '';
    if (/^\d{4}$/.test(s)) return Number(s);
  }
  return null;
}

function attributeEntries(
  record: ItemRecord,
  only: readonly string[] | undefined,
  t: Templates,
): [string, string][] {
  const out: [string, string][] = [];
  for (const [key, value] of Object.entries(record.attributes)) {
    if (only !== undefined ? !only.includes(key) : SKIP_ATTRIBUTES.has(key) || NOISE_ATTRIBUTE.test(key)) continue;
    let text: string | null = null;
    if (typeof value === 'number') {
      text = Number.isFinite(value) ? String(value) : null;
    } else if (typeof value === 'string') {
      text = URL_VALUE.test(value.trim()) ? null : cleanLabel(value);
    } else {
      const items = value
        .map((v) => cleanLabel(v))
        .filter((v): v is string => v !== null && !URL_VALUE.test(v))
        .slice(0, MAX_LIST);
      text = items.length > 0 ? joinList(items, t) : null;
    }
    if (text !== null) out.push([key.replace(/[_-]+/g, ' ').trim(), text]);
  }
  return out;
}

function description(record: ItemRecord, maxChars: number): string | null {
  const text = Object.values(record.text)
    .map((v) => v.replace(/\s+/g, ' ').trim())
    .filter((v) => v.length > 0)
    .join(' ');
  if (text.length === 0 || containsRawMid(text)) return null;
  if (text.length <= maxChars) return text;
  const cut = text.slice(0, maxChars);
  const space = cut.lastIndexOf(' ');
  return `${(space > maxChars / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:.]+$/, '')}…`;
}

interface Ranked {
  readonly label: string;
  readonly weight: number;
  readonly order: number;
}

const SHARED_KINDS = ['director', 'actor', 'writer', 'producer'] as const;
type SharedKind = (typeof SHARED_KINDS)[number];
const isSharedKind = (k: FactKind): k is SharedKind => (SHARED_KINDS as readonly string[]).includes(k);

/** Labels by weight (desc), then input order; duplicates removed. */
function ranked(list: readonly Ranked[], limit: number): string[] {
  const sorted = [...list].sort((a, b) => b.weight - a.weight || a.order - b.order);
  const out: string[] = [];
  for (const r of sorted) {
    if (out.length >= limit) break;
    if (!out.includes(r.label)) out.push(r.label);
  }
  return out;
}

interface FactGroup {
  readonly items: Ranked[];
  readonly relations: Set<string>;
}

interface GenericGroup extends FactGroup {
  readonly phrase: string;
  readonly known: boolean;
}

interface GroupedFacts {
  readonly byKind: Map<FactKind, FactGroup>;
  /** Items sharing an unnamed entity, by kind. */
  readonly shared: Map<SharedKind, FactGroup>;
  /** Generic facts grouped by their phrase, in order of first appearance. */
  readonly generic: Map<string, GenericGroup>;
}

const newGroup = (): FactGroup => ({ items: [], relations: new Set() });

/** Adds a fact's label to the group under `key`, made by `make` when new. */
function addToGroup<K, G extends FactGroup>(groups: Map<K, G>, key: K, make: () => G, entry: Ranked, relation: string): void {
  let g = groups.get(key);
  if (g === undefined) groups.set(key, (g = make()));
  g.items.push(entry);
  g.relations.add(relation);
}

/**
 * The facts grouped by kind, with labels shown as the templates name them. Facts naming the
 * item itself, and genres the catalog already lists, are left out.
 */
function groupFacts(
  facts: readonly TextFact[],
  title: string,
  catalogGenreList: readonly string[],
  record: ItemRecord,
  t: Templates,
): GroupedFacts {
  const groups: GroupedFacts = { byKind: new Map(), shared: new Map(), generic: new Map() };
  const rawGenres = record.attributes.genres;
  const genreSeen = new Set(
    [...catalogGenreList, ...(Array.isArray(rawGenres) ? rawGenres : [])].map((g) => g.toLowerCase()),
  );
  const lowerTitle = title.toLowerCase();

  facts.forEach((f, order) => {
    // the kind only when the entity plays that role for the item (Film —director→ Item: 'generic', "director of Film")
    const kind = factKind(f.relation, f.direction ?? 'out');
    const weight = f.weight !== undefined && Number.isFinite(f.weight) ? f.weight : 0;
    const label = cleanLabel(f.entityLabel);
    if (label !== null) {
      if (label.toLowerCase() === lowerTitle) return;
      if (kind === 'genre' && genreSeen.has(label.toLowerCase())) return;
      const shown = kind === 'genre' && Object.hasOwn(t.genres, label) ? t.genres[label] : label;
      if (kind === 'genre' && genreSeen.has(shown.toLowerCase())) return;
      const entry = { label: shown, weight, order };
      if (kind === 'generic') {
        const { phrase, known } = relationPhrase(f.relation, t, f.direction ?? 'out');
        const make = (): GenericGroup => ({ phrase, known, ...newGroup() });
        addToGroup(groups.generic, `${known ? 'k' : 'u'}:${phrase}`, make, entry, f.relation);
      } else {
        addToGroup(groups.byKind, kind, newGroup, entry, f.relation);
      }
      return;
    }
    if (!isSharedKind(kind) || f.sharedWith === undefined) return;
    for (const other of f.sharedWith) {
      const o = cleanLabel(other);
      if (o === null || o.toLowerCase() === lowerTitle) continue;
      addToGroup(groups.shared, kind, newGroup, { label: o, weight, order }, f.relation);
    }
  });
  return groups;
}

function factDrafts(
  facts: readonly TextFact[],
  title: string,
  catalogGenreList: readonly string[],
  record: ItemRecord,
  t: Templates,
  opts: ItemSentenceOptions,
): Draft[] {
  const maxPer = opts.maxPerFact ?? 3;
  const lead = opts.leadActors ?? 3;
  const maxActors = opts.maxActors ?? 8;
  const { byKind, shared, generic } = groupFacts(facts, title, catalogGenreList, record, t);

  const out: Draft[] = [];
  const add = (kind: PartKind, phrase: string, labels: readonly string[], relations: Set<string>, vars: Record<string, string> = {}): void => {
    if (labels.length === 0) return;
    out.push({ kind, text: fill(phrase, { ...vars, list: joinList(labels, t) }), relations: [...relations].sort() });
  };
  const kindOrder: readonly Exclude<FactKind, 'generic'>[] = [
    'director',
    'actor',
    'writer',
    'producer',
    'language',
    'country',
    'genre',
    'award',
    'nomination',
  ];
  for (const kind of kindOrder) {
    const g = byKind.get(kind);
    if (g !== undefined) {
      if (kind === 'actor') {
        const actors = ranked(g.items, maxActors);
        const nLead = Math.min(lead, actors.length);
        add('fact:actor', t.facts.actor, actors.slice(0, nLead), g.relations);
        add('fact:actor-extra', t.facts.actorExtra, actors.slice(nLead), g.relations);
      } else {
        add(`fact:${kind}`, t.facts[kind], ranked(g.items, maxPer), g.relations);
      }
    }
    if (isSharedKind(kind)) {
      const s = shared.get(kind);
      if (s !== undefined) add(`fact:${kind}`, t.shared[kind], ranked(s.items, maxPer), s.relations);
    }
  }
  for (const g of generic.values()) {
    add('fact:generic', g.known ? t.facts.generic : t.facts.genericUnknown, ranked(g.items, maxPer), g.relations, {
      relation: g.phrase,
    });
  }
  return out;
}
