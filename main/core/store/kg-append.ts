/**
 * Adding a KG beside the one a workspace already holds (a KG-only import): new entities and
 * relations get the next free indices, an entity id already present is reused (and gets the
 * new name when it had none), triples already present are kept once, links to item ids the
 * workspace does not hold are left out (counted). The caller holds the transaction, so an error
 * or a cancel leaves the workspace as it was.
 */
import type { DatasetCounts } from '../data/report';
import type { Db } from './database';
import type { WriteTick } from './dataset-tables';

/** A KG to add, with string ids (entities are URIs or any ids; items are catalog item ids). */
export interface KgAddition {
  /** Short name of the source (e.g. "movielens-dbpedia"), recorded in meta 'kg_imports'. */
  readonly name: string;
  readonly head: readonly string[];
  readonly relation: readonly string[];
  readonly tail: readonly string[];
  /** Readable entity names (labels or names derived from URIs). */
  readonly entityNames: ReadonlyMap<string, string>;
  /** Item → entity links (item ids of the workspace's catalog). */
  readonly links: { readonly item: readonly string[]; readonly entity: readonly string[] };
}

export interface KgAddResult {
  readonly name: string;
  readonly before: DatasetCounts;
  readonly after: DatasetCounts;
  readonly added: { readonly entities: number; readonly relations: number; readonly triples: number; readonly links: number; readonly names: number };
  /** Triples (or links) already in the workspace or given twice: kept once. */
  readonly duplicateTriples: number;
  readonly duplicateLinks: number;
  /** Links whose item id the workspace does not hold: left out. */
  readonly unknownItemLinks: number;
}

const BLOCK = 20_000;

/** Writes `kg` into the open transaction on `db` (see the module comment). */
export function appendKg(db: Db, kg: KgAddition, before: DatasetCounts, tick: WriteTick): Omit<KgAddResult, 'after'> {
  const entityIdx = new Map<string, number>();
  for (const [idx, id] of db.prepare('SELECT idx, id FROM entities').raw().iterate() as IterableIterator<[number, string]>) entityIdx.set(id, idx);
  const relationIdx = new Map<string, number>();
  for (const [idx, name] of db.prepare('SELECT idx, name FROM relations').raw().iterate() as IterableIterator<[number, string]>) relationIdx.set(name, idx);
  const insEnt = db.prepare('INSERT INTO entities (idx, id, name) VALUES (?, ?, ?)');
  const nameEnt = db.prepare('UPDATE entities SET name = ? WHERE idx = ? AND name IS NULL');
  let newEntities = 0;
  let names = 0;
  const entity = (id: string): number => {
    let i = entityIdx.get(id);
    if (i === undefined) {
      i = before.entities + newEntities++;
      const name = kg.entityNames.get(id) ?? null;
      insEnt.run(i, id, name);
      if (name !== null) names++;
      entityIdx.set(id, i);
    } else {
      const name = kg.entityNames.get(id);
      if (name !== undefined) names += nameEnt.run(name, i).changes;
    }
    return i;
  };
  const insRel = db.prepare('INSERT INTO relations (idx, name) VALUES (?, ?)');
  let newRelations = 0;
  const relation = (name: string): number => {
    let r = relationIdx.get(name);
    if (r === undefined) {
      r = before.relations + newRelations++;
      insRel.run(r, name);
      relationIdx.set(name, r);
    }
    return r;
  };
  const insTriple = db.prepare('INSERT OR IGNORE INTO triples (head, relation, tail, derived) VALUES (?, ?, ?, 0)');
  let triples = 0;
  const m = kg.head.length;
  for (let a = 0; a < m; a += BLOCK) {
    const b = Math.min(m, a + BLOCK);
    for (let i = a; i < b; i++) triples += insTriple.run(entity(kg.head[i]), relation(kg.relation[i]), entity(kg.tail[i])).changes;
    tick('triples', b - a);
  }
  const itemIdx = new Map<string, number>();
  for (const [idx, id] of db.prepare('SELECT idx, id FROM items').raw().iterate() as IterableIterator<[number, string]>) itemIdx.set(id, idx);
  const insLink = db.prepare('INSERT OR IGNORE INTO item_links (item_idx, entity_idx) VALUES (?, ?)');
  let links = 0;
  let unknown = 0;
  kg.links.item.forEach((id, k) => {
    const it = itemIdx.get(id);
    if (it === undefined) {
      unknown++;
      return;
    }
    links += insLink.run(it, entity(kg.links.entity[k])).changes;
  });
  tick('links', kg.links.item.length);
  return {
    name: kg.name,
    before,
    added: { entities: newEntities, relations: newRelations, triples, links, names },
    duplicateTriples: m - triples,
    duplicateLinks: kg.links.item.length - unknown - links,
    unknownItemLinks: unknown,
  };
}
