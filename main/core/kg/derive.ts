/**
 * Catalog columns → KG triples. Genres and release years are facts too: turning them into
 * triples lets every item — also the ones without a linked KG entity — share entities with
 * others ("both are Comedies", "both from the 1990s").
 *
 * Each mapping reads one item attribute and makes, for each value, a triple
 * (item's entity) —relation→ `<prefix>:<value>` named "<value>". Items linked to KG entities
 * (itemEntities) get the triples on each linked entity; any other item with at least one
 * derived fact gets an entity of its own, `item:<id>`, named by its label.
 */
import type { Dataset, ItemRecord, KnowledgeGraph } from '../types';
import { KnowrecError } from '../errors';
import { itemLabel, parseYear } from './names';
import { DECADE_RELATION, GENRE_RELATION } from './relations';

export interface AttributeMapping {
  /** Item attribute (catalog column) to read. */
  readonly attribute: string;
  /** Relation name of the derived triples. */
  readonly relation: string;
  /** Entity-id prefix: value "Comedy" with prefix "genre" → entity `genre:Comedy`. */
  readonly prefix: string;
  /** 'value' (default): one entity per value; 'decade': a year becomes its decade ("1990s"). */
  readonly kind?: 'value' | 'decade';
  /** Splits string values into several (e.g. /\|/ for "Action|Comedy"). Arrays are never split. */
  readonly split?: RegExp;
}

const LIST_SPLIT = /[|,]/;

/** Genres (RecBole `class`, readers' `genres`) and release years. */
export const DEFAULT_MAPPINGS: readonly AttributeMapping[] = [
  { attribute: 'genres', relation: GENRE_RELATION, prefix: 'genre', split: LIST_SPLIT },
  { attribute: 'genre', relation: GENRE_RELATION, prefix: 'genre', split: LIST_SPLIT },
  { attribute: 'class', relation: GENRE_RELATION, prefix: 'genre', split: LIST_SPLIT },
  { attribute: 'release_year', relation: DECADE_RELATION, prefix: 'decade', kind: 'decade' },
  { attribute: 'year', relation: DECADE_RELATION, prefix: 'decade', kind: 'decade' },
];

/** Values read as "no value" (compared case-insensitively after trimming). */
export const DEFAULT_MISSING: readonly string[] = ['', 'unknown', 'unkonwn', 'none', 'n/a', 'na', 'null', '(no genres listed)'];

export interface DeriveOptions {
  readonly mappings?: readonly AttributeMapping[];
  /** Entity ids each item (by index) is linked to; items without any get `item:<id>`. */
  readonly itemEntityIds?: readonly (readonly string[])[];
  readonly missingValues?: readonly string[];
}

export interface DerivedTriple {
  readonly head: string;
  readonly relation: string;
  readonly tail: string;
}

export interface DerivedEntity {
  readonly id: string;
  readonly name: string;
  /** Set for the entity created for an item without a linked entity. */
  readonly item?: number;
}

export interface SkippedValues {
  readonly attribute: string;
  readonly reason: string;
  readonly count: number;
  /** Up to 5 examples as "item <id>: <value>". */
  readonly examples: readonly string[];
}

export interface DeriveReport {
  readonly items: number;
  /** Items that got at least one derived triple. */
  readonly itemsWithFacts: number;
  readonly itemEntitiesCreated: number;
  readonly triples: number;
  readonly byRelation: Readonly<Record<string, number>>;
  /** Values not turned into triples (missing markers, years that are not years). */
  readonly skipped: readonly SkippedValues[];
}

export interface DerivedCatalog {
  /** Entities the triples need: value entities (`genre:Comedy`) and created item entities. */
  readonly entities: readonly DerivedEntity[];
  readonly triples: readonly DerivedTriple[];
  /** For each item index, the entity ids its derived triples hang on (possibly none). */
  readonly itemEntityIds: readonly (readonly string[])[];
  readonly report: DeriveReport;
}

/** `item:<id>` — the entity created for an item that has no linked entity. */
export function itemEntityId(itemId: string): string {
  return `item:${itemId}`;
}

/** "1995" → "1990s". */
export function decadeOf(year: number): string {
  return `${Math.floor(year / 10) * 10}s`;
}

/** Triples from catalog columns; see the module comment. Pure: the input is not changed. */
export function deriveCatalogTriples(items: readonly ItemRecord[], options: DeriveOptions = {}): DerivedCatalog {
  const mappings = options.mappings ?? DEFAULT_MAPPINGS;
  validateMappings(mappings);
  if (options.itemEntityIds !== undefined && options.itemEntityIds.length !== items.length) {
    throw new KnowrecError(
      'validation',
      `itemEntityIds has ${options.itemEntityIds.length} entries for ${items.length} items`,
      {},
      'pass one list of linked entity ids per item, in item order',
    );
  }
  const missing = new Set((options.missingValues ?? DEFAULT_MISSING).map((v) => v.trim().toLowerCase()));
  const entities: DerivedEntity[] = [];
  const entitySeen = new Set<string>();
  const triples: DerivedTriple[] = [];
  const itemEntityIds: string[][] = [];
  const byRelation: Record<string, number> = {};
  const skipped: SkipLog = new Map();
  let itemsWithFacts = 0;
  let created = 0;

  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    const facts = itemFacts(item, mappings, missing, skipped);
    const linked = options.itemEntityIds?.[i] ?? [];
    if (facts.size === 0) {
      itemEntityIds.push([...linked]);
      continue;
    }
    itemsWithFacts++;
    let heads: string[] = [...linked];
    if (heads.length === 0) {
      const id = itemEntityId(item.id);
      heads = [id];
      if (!entitySeen.has(id)) {
        entitySeen.add(id);
        entities.push({ id, name: itemLabel(item), item: i });
        created++;
      }
    }
    itemEntityIds.push(heads);
    for (const f of facts.values()) {
      if (!entitySeen.has(f.tail)) {
        entitySeen.add(f.tail);
        entities.push({ id: f.tail, name: f.name });
      }
      for (const head of heads) {
        triples.push({ head, relation: f.relation, tail: f.tail });
        byRelation[f.relation] = (byRelation[f.relation] ?? 0) + 1;
      }
    }
  }

  return {
    entities,
    triples,
    itemEntityIds,
    report: {
      items: items.length,
      itemsWithFacts,
      itemEntitiesCreated: created,
      triples: triples.length,
      byRelation,
      skipped: [...skipped.values()],
    },
  };
}

export interface WithDerived {
  readonly dataset: Dataset;
  readonly report: DeriveReport;
  /** Derived triples that were already in the KG (e.g. stored by an earlier run) and not added again. */
  readonly alreadyPresent: number;
}

/**
 * The dataset with derived triples merged into its KG (marked derived = 1) and created item
 * entities added to itemEntities. Entities and relations that already exist are reused;
 * triples already present are not duplicated, so applying it twice changes nothing more.
 */
export function withDerivedTriples(dataset: Dataset, options: Omit<DeriveOptions, 'itemEntityIds'> = {}): WithDerived {
  const kg = dataset.kg;
  if (dataset.itemEntities.length !== dataset.items.length) {
    throw new KnowrecError(
      'validation',
      `dataset "${dataset.name}" has ${dataset.itemEntities.length} itemEntities lists for ${dataset.items.length} items`,
      {},
      'build itemEntities with one (possibly empty) Int32Array per item',
    );
  }
  const linkedIds = dataset.itemEntities.map((ents) => Array.from(ents, (e) => kg.entityIds[e]));
  const derived = deriveCatalogTriples(dataset.items, { ...options, itemEntityIds: linkedIds });

  const { entityIds, entityNames, entityIndex } = mergeEntities(kg, derived.entities);
  const { relationNames, relationIndex, derivedRelations } = mergeRelations(kg, derived.triples);
  const { merged: triples, alreadyPresent } = appendTriples(kg, derived.triples, entityIndex, relationIndex, derivedRelations);
  const merged: KnowledgeGraph = { entityIds, entityNames, relationNames, ...triples };
  const itemEntities = dataset.itemEntities.map((ents, i) => {
    if (ents.length > 0) return ents;
    const ids = derived.itemEntityIds[i];
    return Int32Array.from(ids, (id) => entityIndex.get(id) as number);
  });
  return { dataset: { ...dataset, kg: merged, itemEntities }, report: derived.report, alreadyPresent };
}

interface Fact {
  readonly relation: string;
  readonly tail: string;
  readonly name: string;
}

/** Skipped values by attribute and reason. */
type SkipLog = Map<string, { attribute: string; reason: string; count: number; examples: string[] }>;

/** An item's (relation, tail id, tail name) facts, deduplicated; values not used are logged. */
function itemFacts(item: ItemRecord, mappings: readonly AttributeMapping[], missing: ReadonlySet<string>, skipped: SkipLog): Map<string, Fact> {
  const facts = new Map<string, Fact>();
  for (const m of mappings) {
    const raw = item.attributes[m.attribute];
    if (raw === undefined) continue;
    for (const value of valuesOf(raw, m)) {
      const v = value.trim();
      if (missing.has(v.toLowerCase())) {
        logSkip(skipped, m.attribute, 'missing value', item, value);
        continue;
      }
      let name = v;
      if (m.kind === 'decade') {
        const year = parseYear(v);
        if (year === null) {
          logSkip(skipped, m.attribute, 'not a 4-digit year', item, value);
          continue;
        }
        name = decadeOf(year);
      }
      const tail = `${m.prefix}:${name}`;
      facts.set(`${m.relation}\u0000${tail}`, { relation: m.relation, tail, name });
    }
  }
  return facts;
}

function logSkip(skipped: SkipLog, attribute: string, reason: string, item: ItemRecord, value: string): void {
  const key = `${attribute}\u0000${reason}`;
  let s = skipped.get(key);
  if (s === undefined) {
    s = { attribute, reason, count: 0, examples: [] };
    skipped.set(key, s);
  }
  s.count++;
  if (s.examples.length < 5) s.examples.push(`item ${item.id}: ${JSON.stringify(value)}`);
}

/** The KG's entities plus the derived ones; a derived name fills a missing one. */
function mergeEntities(
  kg: KnowledgeGraph,
  derived: readonly DerivedEntity[],
): { entityIds: string[]; entityNames: (string | null)[]; entityIndex: Map<string, number> } {
  const entityIds = [...kg.entityIds];
  const entityNames = [...kg.entityNames];
  const entityIndex = new Map<string, number>();
  for (let e = 0; e < entityIds.length; e++) entityIndex.set(entityIds[e], e);
  for (const ent of derived) {
    const e = entityIndex.get(ent.id);
    if (e === undefined) {
      entityIndex.set(ent.id, entityIds.length);
      entityIds.push(ent.id);
      entityNames.push(ent.name);
    } else if (entityNames[e] === null) {
      entityNames[e] = ent.name;
    }
  }
  return { entityIds, entityNames, entityIndex };
}

/** The KG's relations plus those of the derived triples, and which relations the latter use. */
function mergeRelations(
  kg: KnowledgeGraph,
  triples: readonly DerivedTriple[],
): { relationNames: string[]; relationIndex: Map<string, number>; derivedRelations: Set<number> } {
  const relationNames = [...kg.relationNames];
  const relationIndex = new Map<string, number>();
  for (let r = 0; r < relationNames.length; r++) relationIndex.set(relationNames[r], r);
  const derivedRelations = new Set<number>();
  for (const t of triples) {
    let r = relationIndex.get(t.relation);
    if (r === undefined) {
      r = relationNames.length;
      relationIndex.set(t.relation, r);
      relationNames.push(t.relation);
    }
    derivedRelations.add(r);
  }
  return { relationNames, relationIndex, derivedRelations };
}

/** The KG's triples followed by the derived ones not already present (flagged derived). */
function appendTriples(
  kg: KnowledgeGraph,
  triples: readonly DerivedTriple[],
  entityIndex: ReadonlyMap<string, number>,
  relationIndex: ReadonlyMap<string, number>,
  derivedRelations: ReadonlySet<number>,
): { merged: Pick<KnowledgeGraph, 'head' | 'relation' | 'tail' | 'derived'>; alreadyPresent: number } {
  // existing triples of the derived relations, to avoid duplicates
  const existing = new Set<string>();
  const nOld = kg.head.length;
  for (let i = 0; i < nOld; i++) {
    if (derivedRelations.has(kg.relation[i])) existing.add(`${kg.head[i]},${kg.relation[i]},${kg.tail[i]}`);
  }
  const nNewMax = triples.length;
  const head = new Int32Array(nOld + nNewMax);
  const relation = new Int32Array(nOld + nNewMax);
  const tail = new Int32Array(nOld + nNewMax);
  const flag = new Uint8Array(nOld + nNewMax);
  head.set(kg.head);
  relation.set(kg.relation);
  tail.set(kg.tail);
  flag.set(kg.derived);
  let n = nOld;
  let alreadyPresent = 0;
  for (const t of triples) {
    const h = entityIndex.get(t.head) as number;
    const r = relationIndex.get(t.relation) as number;
    const tl = entityIndex.get(t.tail) as number;
    const key = `${h},${r},${tl}`;
    if (existing.has(key)) {
      alreadyPresent++;
      continue;
    }
    existing.add(key);
    head[n] = h;
    relation[n] = r;
    tail[n] = tl;
    flag[n] = 1;
    n++;
  }
  const merged = { head: head.slice(0, n), relation: relation.slice(0, n), tail: tail.slice(0, n), derived: flag.slice(0, n) };
  return { merged, alreadyPresent };
}

function valuesOf(raw: string | number | string[], m: AttributeMapping): string[] {
  if (Array.isArray(raw)) return raw;
  if (typeof raw === 'number') return Number.isFinite(raw) ? [String(raw)] : [''];
  if (m.split !== undefined) return raw.split(m.split);
  return [raw];
}

function validateMappings(mappings: readonly AttributeMapping[]): void {
  for (const m of mappings) {
    for (const key of ['attribute', 'relation', 'prefix'] as const) {
      if (typeof m[key] !== 'string' || m[key].trim().length === 0) {
        throw new KnowrecError(
          'config',
          `attribute mapping ${JSON.stringify(m)} has an empty ${key}`,
          {},
          `give every mapping a non-empty ${key}`,
        );
      }
    }
  }
}
