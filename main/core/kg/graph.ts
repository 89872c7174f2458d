/**
 * KgIndex: an in-memory index over a Dataset's knowledge graph (with catalog-derived triples
 * merged in) for the KG queries: neighbours, item facts, shared entities, paths, explorer
 * subgraphs, readable entity labels and search.
 */
import type { Dataset, ItemRecord, KnowledgeGraph } from '../types';
import { KnowrecError } from '../errors';
import type { KgCore } from './core';
import type { DeriveReport } from './derive';
import { buildKgParts, type KgIndexOptions, type KgIndexParts, type PackedLists } from './parts';
import { isOpaqueId, itemLabel, readableId } from './names';
import { humanizeRelation, roleOf } from './relations';
import { EntitySearch } from './search';
import { paths, pathsBetween, sharedEntities } from './connections';
import { inverseRelations } from './inverse';
import { subgraph } from './subgraph';
import { bfs } from './traverse';
import {
  OUT, type Adjacency, type EntityDescription, type ItemFact, type KgPath, type Neighbour, type NeighbourOptions,
  type PathOptions, type RelationFilter, type SearchHit, type SharedEntity, type SharedOptions, type Subgraph, type SubgraphCenter, type SubgraphOptions,
} from './types';

export interface KgStats {
  readonly entities: number;
  readonly relations: number;
  readonly triples: number;
  readonly derivedTriples: number;
  /** Relations used only by derived triples. */
  readonly derivedRelations: readonly string[];
  readonly itemsWithEntity: number;
}

export class KgIndex implements KgCore {
  readonly kg: KnowledgeGraph;
  readonly adjacency: Adjacency;
  /** What derivation did; null when derive was false. */
  readonly deriveReport: DeriveReport | null;

  private readonly source: KgIndexParts;
  /** A restored index's strings, read one at a time (null: built here, or every list made). */
  private readonly packed: PackedLists | null;
  private readonly itemEntityOffsets: Int32Array;
  private readonly itemEntityList: Int32Array;
  private readonly entityItemOffsets: Int32Array;
  private readonly entityItemList: Int32Array;
  /** Interactions per item, used to pick the best-known item when naming an entity. */
  private readonly popularity: Int32Array;
  /** Triples per relation, to prefer distinctive relations when naming an entity. */
  private readonly relationFrequency: Int32Array;
  /** Id → index maps, made on first look-up (a restored index is ready sooner). */
  private entityIndexById: Map<string, number> | null = null;
  private itemIndexById: Map<string, number> | null = null;
  private readonly relationIndexByName = new Map<string, number>();
  private readonly labels: (string | undefined)[];
  private readonly descriptions = new Map<number, EntityDescription | null>();
  private readonly itemLabels: (string | undefined)[];
  private finder: EntitySearch | null = null;
  /** The search's lowercased labels, kept by a restored index. */
  private readonly searchText: { readonly items: string[]; readonly entities: string[] } | undefined;
  private inverse: Int32Array | null = null;

  /**
   * The index over `source`: a dataset (built here; see parts.ts for the options) or the parts
   * of an index built before (kg-cache.ts restores them without the dataset).
   */
  constructor(source: Dataset | KgIndexParts, options: KgIndexOptions = {}) {
    const p = 'adjacency' in source ? source : buildKgParts(source, options);
    this.source = p;
    this.packed = p.packed ?? null;
    this.kg = p.kg;
    this.adjacency = p.adjacency;
    this.deriveReport = p.deriveReport;
    this.itemEntityOffsets = p.itemEntityOffsets;
    this.itemEntityList = p.itemEntityList;
    this.entityItemOffsets = p.entityItemOffsets;
    this.entityItemList = p.entityItemList;
    this.popularity = p.popularity;
    this.relationFrequency = p.relationFrequency;
    const nE = this.adjacency.nEntities;
    const nI = this.itemEntityOffsets.length - 1;
    for (let r = 0; r < this.kg.relationNames.length; r++) this.relationIndexByName.set(this.kg.relationNames[r], r);
    this.labels = p.labels !== undefined && p.labels.length === nE ? [...p.labels] : new Array<string | undefined>(nE);
    this.searchText = p.searchText;
    this.inverse = p.inverse !== undefined && p.inverse.length === this.kg.relationNames.length ? p.inverse : null;
    this.itemLabels = p.itemLabels !== undefined && p.itemLabels.length === nI ? [...p.itemLabels] : new Array<string | undefined>(nI);
  }

  /** The item records (a restored index makes the list on first use; item(i) reads one). */
  get items(): readonly ItemRecord[] {
    return this.source.items;
  }

  /** Item i's record. */
  item(i: number): ItemRecord {
    this.checkItem(i);
    return this.packed !== null ? this.packed.item(i) : this.source.items[i];
  }

  entityId(entity: number): string {
    this.checkEntity(entity);
    return this.packed !== null ? this.packed.entityIds.get(entity) : this.kg.entityIds[entity];
  }

  itemId(item: number): string {
    this.checkItem(item);
    return this.packed !== null ? this.packed.itemIds.get(item) : this.source.items[item].id;
  }

  /** The entity's name or null, likewise. */
  private entityName(entity: number): string | null {
    const p = this.packed;
    if (p === null) return this.kg.entityNames[entity];
    return p.entityNameIsNull[entity] === 1 ? null : p.entityNames.get(entity);
  }

  /** The arrays of this index, with every entity label computed (to save it: kg-cache.ts). */
  parts(): KgIndexParts {
    const labels = this.kg.entityIds.map((_, e) => this.entityLabel(e));
    const itemLabels = this.items.map((_, i) => this.itemLabel(i));
    return {
      kg: this.kg,
      adjacency: this.adjacency,
      items: this.items,
      deriveReport: this.deriveReport,
      itemEntityOffsets: this.itemEntityOffsets,
      itemEntityList: this.itemEntityList,
      entityItemOffsets: this.entityItemOffsets,
      entityItemList: this.entityItemList,
      popularity: this.popularity,
      relationFrequency: this.relationFrequency,
      labels,
      itemLabels,
      inverse: this.inverseRelations(),
      searchText: this.finder0().text(),
    };
  }

  /** Interactions with the item (counted when the index was built). */
  interactionCount(item: number): number {
    this.checkItem(item);
    return this.popularity[item];
  }

  get entityCount(): number {
    return this.adjacency.nEntities;
  }

  get relationCount(): number {
    return this.kg.relationNames.length;
  }

  get tripleCount(): number {
    return this.kg.head.length;
  }

  get itemCount(): number {
    return this.itemEntityOffsets.length - 1;
  }

  stats(): KgStats {
    let derivedTriples = 0;
    const usedImported = new Uint8Array(this.relationCount);
    const usedDerived = new Uint8Array(this.relationCount);
    for (let i = 0; i < this.tripleCount; i++) {
      if (this.kg.derived[i] === 1) {
        derivedTriples++;
        usedDerived[this.kg.relation[i]] = 1;
      } else {
        usedImported[this.kg.relation[i]] = 1;
      }
    }
    const derivedRelations = this.kg.relationNames.filter((_, r) => usedDerived[r] === 1 && usedImported[r] === 0);
    let itemsWithEntity = 0;
    for (let i = 0; i < this.itemCount; i++) if (this.itemEntityOffsets[i + 1] > this.itemEntityOffsets[i]) itemsWithEntity++;
    return {
      entities: this.entityCount,
      relations: this.relationCount,
      triples: this.tripleCount,
      derivedTriples,
      derivedRelations,
      itemsWithEntity,
    };
  }

  /** Entity index of an id, or undefined. */
  entityIndex(id: string): number | undefined {
    if (this.packed !== null) return this.packed.entityIds.indexOf(id);
    this.entityIndexById ??= new Map(this.kg.entityIds.map((v, e) => [v, e]));
    return this.entityIndexById.get(id);
  }

  /**
   * Makes what the first search and look-ups make (the id maps, the search), `chunk` ids at a
   * time with `pause()` between the chunks, so that a thread answering calls answers them
   * meanwhile (the Api's warm-up after a workspace opens). A restored index needs none of it
   * (its look-ups and search read the packed lists).
   */
  async prepare(pause: () => Promise<void>, chunk = 50_000): Promise<void> {
    if (this.packed !== null) return;
    const build = async (ids: readonly string[]): Promise<Map<string, number>> => {
      const m = new Map<string, number>();
      for (let a = 0; a < ids.length; a += chunk) {
        for (let i = a; i < Math.min(ids.length, a + chunk); i++) m.set(ids[i], i);
        await pause();
      }
      return m;
    };
    const finder = this.finder0();
    await pause();
    finder.text();
    await pause();
    if (this.entityIndexById === null) {
      const m = await build(this.kg.entityIds);
      this.entityIndexById ??= m;
    }
    if (this.itemIndexById === null) {
      const m = await build(this.items.map((it) => it.id));
      this.itemIndexById ??= m;
    }
  }

  /** Item index of an id, or undefined. */
  itemIndex(id: string): number | undefined {
    if (this.packed !== null) return this.packed.itemIds.indexOf(id);
    this.itemIndexById ??= new Map(this.items.map((it, i) => [it.id, i]));
    return this.itemIndexById.get(id);
  }

  relationIndex(name: string): number | undefined {
    return this.relationIndexByName.get(name);
  }

  itemEntities(item: number): Int32Array {
    this.checkItem(item);
    return this.itemEntityList.subarray(this.itemEntityOffsets[item], this.itemEntityOffsets[item + 1]);
  }

  entityItems(entity: number): Int32Array {
    this.checkEntity(entity);
    return this.entityItemList.subarray(this.entityItemOffsets[entity], this.entityItemOffsets[entity + 1]);
  }

  itemLabel(item: number): string {
    this.checkItem(item);
    let s = this.itemLabels[item];
    if (s === undefined) this.itemLabels[item] = s = this.packed?.itemLabels.get(item) ?? itemLabel(this.item(item));
    return s;
  }

  /**
   * A readable name, never a raw Freebase MID: the entity's name; else the label of the item
   * it stands for; else a readable id; else a description through a neighbouring item ("director
   * of Toy Story (1995)") or named entity; else "unnamed entity #<index>".
   */
  entityLabel(entity: number): string {
    this.checkEntity(entity);
    let s = this.labels[entity];
    if (s === undefined) this.labels[entity] = s = this.packed?.labels.get(entity) ?? this.computeLabel(entity);
    return s;
  }

  /**
   * What an entity's label says when it is a description through a neighbour (the label is
   * `${role} ${of}`): the relation, the role phrase and the other end's label, for a caller that
   * writes it in another language; null when the label is a name (its own, an item's, an id).
   */
  entityDescription(entity: number): EntityDescription | null {
    this.checkEntity(entity);
    let d = this.descriptions.get(entity);
    if (d === undefined) {
      d = this.hasOwnName(entity) || this.entityItems(entity).length > 0 ? null : this.describe(entity);
      this.descriptions.set(entity, d);
    }
    return d;
  }

  /** True when the entity has a printable name of its own (not a MID, not a description). */
  entityHasName(entity: number): boolean {
    this.checkEntity(entity);
    return this.hasOwnName(entity);
  }

  relationMask(relations?: readonly string[]): Uint8Array | null {
    if (relations === undefined) return null;
    const mask = new Uint8Array(this.relationCount);
    for (const name of relations) {
      const r = this.relationIndexByName.get(name);
      if (r === undefined) {
        const known = this.kg.relationNames.slice(0, 8).join(', ');
        throw new KnowrecError(
          'config',
          `unknown relation "${name}"`,
          {},
          `use one of the KG's ${this.relationCount} relations (${known}${this.relationCount > 8 ? ', …' : ''})`,
        );
      }
      mask[r] = 1;
    }
    return mask;
  }

  /** Entities within `hops` of `entity` (BFS over both directions), nearest first. */
  neighbours(entity: number, hops: number, options: NeighbourOptions = {}): Neighbour[] {
    this.checkEntity(entity);
    if (!Number.isInteger(hops) || hops < 0) {
      throw new KnowrecError('config', `hops must be a whole number ≥ 0, got ${String(hops)}`, {}, 'use 1 or 2');
    }
    const limit = options.limit ?? Number.POSITIVE_INFINITY;
    if (limit !== Number.POSITIVE_INFINITY && (!Number.isInteger(limit) || limit < 0)) {
      throw new KnowrecError('config', `limit must be a whole number ≥ 0, got ${String(limit)}`, {}, 'leave it out for no limit');
    }
    const mask = this.relationMask(options.relations);
    if (hops === 1) {
      // one hop: the adjacency row itself, in the order BFS would visit it, without BFS's two
      // arrays of nEntities (the verbalizer asks this for every unnamed fact of every item)
      const { offsets, neighbour, relation } = this.adjacency;
      const seen = new Set<number>([entity]);
      const one: Neighbour[] = [];
      for (let p = offsets[entity], end = offsets[entity + 1]; p < end && one.length < limit; p++) {
        if (mask !== null && mask[relation[p]] === 0) continue;
        const v = neighbour[p];
        if (seen.has(v)) continue;
        seen.add(v);
        one.push({ entity: v, distance: 1 });
      }
      return one;
    }
    const { order, dist } = bfs(this.adjacency, [entity], hops, mask, limit + 1);
    const out: Neighbour[] = [];
    for (let k = 1; k < order.length && out.length < limit; k++) out.push({ entity: order[k], distance: dist[order[k]] });
    return out;
  }

  /** One-hop facts of an item: every triple touching its entities. */
  itemFacts(item: number, options: RelationFilter = {}): ItemFact[] {
    const mask = this.relationMask(options.relations);
    const adj = this.adjacency;
    const out: ItemFact[] = [];
    for (const e of this.itemEntities(item)) {
      for (let p = adj.offsets[e], end = adj.offsets[e + 1]; p < end; p++) {
        const r = adj.relation[p];
        if (mask !== null && mask[r] === 0) continue;
        out.push({
          from: e,
          relation: this.kg.relationNames[r],
          relationIndex: r,
          entity: adj.neighbour[p],
          direction: adj.direction[p] === OUT ? 'out' : 'in',
          derived: this.kg.derived[adj.triple[p]] === 1,
        });
      }
    }
    return out;
  }

  sharedEntities(itemA: number, itemB: number, options: SharedOptions = {}): SharedEntity[] {
    this.checkItem(itemA);
    this.checkItem(itemB);
    return sharedEntities(this, itemA, itemB, options);
  }

  paths(itemA: number, itemB: number, options: PathOptions = {}): KgPath[] {
    this.checkItem(itemA);
    this.checkItem(itemB);
    return paths(this, itemA, itemB, options);
  }

  /** Paths between any of the entities `from` and any of `to` (explorer nodes). */
  pathsBetween(from: Int32Array, to: Int32Array, options: PathOptions = {}): KgPath[] {
    return pathsBetween(this, from, to, options);
  }

  /** Relation index → its inverse relation index in this KG, or -1 (computed once). */
  inverseRelations(): Int32Array {
    this.inverse ??= inverseRelations(this);
    return this.inverse;
  }

  /** "Toy Story (1995) —directed by→ director of Toy Story (1995) ←directed by— …". */
  formatPath(path: KgPath): string {
    let s = this.entityLabel(path.start);
    for (const step of path.steps) {
      const r = humanizeRelation(step.relation);
      s += step.direction === 'out' ? ` —${r}→ ` : ` ←${r}— `;
      s += this.entityLabel(step.entity);
    }
    return s;
  }

  subgraph(center: SubgraphCenter, options: SubgraphOptions = {}): Subgraph {
    if ('item' in center) this.checkItem(center.item);
    else this.checkEntity(center.entity);
    return subgraph(this, center, options);
  }

  searchEntities(query: string, limit = 20): SearchHit[] {
    return this.finder0().search(query, limit);
  }

  private finder0(): EntitySearch {
    const p = this.packed;
    const packed = p === null ? null : { items: p.itemSearch, entities: p.entitySearch, itemLabels: p.itemLabels, entityLabels: p.labels, entityNamed: p.entityNamed, entityItemOffsets: this.entityItemOffsets };
    this.finder ??= new EntitySearch(this, this.searchText, packed);
    return this.finder;
  }

  private computeLabel(e: number): string {
    const name = this.entityName(e);
    if (name !== null && name.trim().length > 0 && !isOpaqueId(name)) return name;
    const items = this.entityItems(e);
    if (items.length > 0) return this.itemLabel(this.bestItem(items));
    const id = this.entityId(e);
    if (!isOpaqueId(id)) {
      const r = readableId(id);
      if (!isOpaqueId(r)) return r;
    }
    const d = this.entityDescription(e);
    if (d !== null) return `${d.role} ${d.of}`;
    return `unnamed entity #${e}`;
  }

  /**
   * Describes an unnamed entity through a neighbouring item: the best-known one; on ties the
   * rarest relation (writer of … before actor in …), then the lowest relation index; else
   * through a neighbour with a name of its own; null when it has neither.
   */
  private describe(e: number): EntityDescription | null {
    const adj = this.adjacency;
    let bestP = -1;
    let bestItem = -1;
    let bestNamedP = -1;
    for (let p = adj.offsets[e], end = adj.offsets[e + 1]; p < end; p++) {
      const n = adj.neighbour[p];
      if (n === e) continue;
      const its = this.entityItems(n);
      if (its.length > 0) {
        const it = this.bestItem(its);
        if (bestP < 0 || this.betterItem(it, bestItem) || (it === bestItem && this.rarerRelation(adj.relation[p], adj.relation[bestP]))) {
          bestP = p;
          bestItem = it;
        }
      } else if (bestNamedP < 0 && this.hasOwnName(n)) {
        bestNamedP = p;
      }
    }
    const p = bestP >= 0 ? bestP : bestNamedP;
    if (p < 0) return null;
    const relation = this.kg.relationNames[adj.relation[p]];
    const entityIsHead = adj.direction[p] === OUT;
    return { relation, entityIsHead, role: roleOf(relation, entityIsHead), of: bestP >= 0 ? this.itemLabel(bestItem) : this.ownName(adj.neighbour[p]) };
  }

  private hasOwnName(e: number): boolean {
    const name = this.entityName(e);
    if (name !== null && name.trim().length > 0 && !isOpaqueId(name)) return true;
    const id = this.entityId(e);
    return !isOpaqueId(id) && !isOpaqueId(readableId(id));
  }

  private ownName(e: number): string {
    const name = this.entityName(e);
    if (name !== null && name.trim().length > 0 && !isOpaqueId(name)) return name;
    return readableId(this.entityId(e));
  }

  /** The most interacted-with item of a list; lowest index on ties. */
  private bestItem(items: Int32Array): number {
    let best = items[0];
    for (let k = 1; k < items.length; k++) if (this.betterItem(items[k], best)) best = items[k];
    return best;
  }

  private rarerRelation(a: number, b: number): boolean {
    const fa = this.relationFrequency[a];
    const fb = this.relationFrequency[b];
    return fa < fb || (fa === fb && a < b);
  }

  private betterItem(a: number, b: number): boolean {
    return this.popularity[a] > this.popularity[b] || (this.popularity[a] === this.popularity[b] && a < b);
  }

  private checkItem(item: number): void {
    if (!Number.isInteger(item) || item < 0 || item >= this.itemCount) {
      throw new KnowrecError('not-found', `item index ${item} is out of range (0..${this.itemCount - 1})`, {}, 'look the item up with itemIndex(id)');
    }
  }

  private checkEntity(entity: number): void {
    if (!Number.isInteger(entity) || entity < 0 || entity >= this.entityCount) {
      throw new KnowrecError(
        'not-found',
        `entity index ${entity} is out of range (0..${this.entityCount - 1})`,
        {},
        'look the entity up with entityIndex(id)',
      );
    }
  }
}
