/**
 * The dataset tables of a workspace (users, items, interactions, entities, relations, triples,
 * item_links): written all at once by an import, read back dense-indexed. Ids are strings to
 * the user and dense integers (idx) inside.
 */
import { KnowrecError } from '../errors';
import type { Dataset, ItemRecord, UserRecord } from '../types';
import { catalogDataset } from '../data/catalog-dataset';
import type { DatasetCounts } from '../data/report';
import type { Db } from './database';

type Attrs = Record<string, string | number | string[]>;

/** Called after each written block with its stage and row count (progress, cancellation). */
export type WriteTick = (stage: string, rows: number) => void;

const PROGRESS_EVERY = 20_000;

/** SQLite's page cache while an import writes (KiB; a connection's is 16 MB in better-sqlite3's build): the tables' B-trees and the index sorts. */
export const IMPORT_CACHE_KIB = 256 * 1024;
const TABLES = ['item_links', 'triples', 'interactions', 'relations', 'entities', 'items', 'users'] as const;
type DatasetTable = (typeof TABLES)[number];

/** Rows `write` puts in each table. */
function tableRows(ds: Dataset): Record<DatasetTable, number> {
  return {
    users: ds.users.length,
    items: ds.items.length,
    interactions: ds.interactions.user.length,
    entities: ds.kg.entityIds.length,
    relations: ds.kg.relationNames.length,
    triples: ds.kg.head.length,
    item_links: ds.itemEntities.reduce((s, a) => s + a.length, 0),
  };
}

export class DatasetTables {
  constructor(
    private readonly db: Db,
    private readonly file: string,
  ) {}

  /** Rows `write` will insert, plus the rows its indexes are built over (the denominator of its progress). */
  rowCount(ds: Dataset): number {
    const rows = tableRows(ds);
    let n = 0;
    for (const t of TABLES) n += rows[t];
    for (const ix of this.secondaryIndexes()) n += rows[ix.table];
    return n;
  }

  /**
   * Replaces the tables' content with `ds`; the caller holds the transaction. The tables'
   * secondary indexes (as the schema made them, read from sqlite_master) are dropped before the
   * rows go in and made again after: one sort per index instead of a B-tree insert per row, which
   * on 10M interactions is most of the write. In the caller's transaction, so an error or a kill
   * leaves the old tables with their indexes. Progress and cancellation are checked between the
   * indexes, not within one (SQLite's progress handler is not in this build): at 10M interactions
   * a cancel can wait for up to about 10 s of one index's sort.
   */
  write(ds: Dataset, tick: WriteTick): void {
    for (const t of TABLES) this.db.exec(`DELETE FROM ${t}`);
    const rows = tableRows(ds);
    const indexes = this.secondaryIndexes();
    for (const ix of indexes) this.db.exec(`DROP INDEX "${ix.name.replaceAll('"', '""')}"`);
    tick('start', 0);
    this.writeRecords(ds, tick);
    this.writeInteractions(ds, tick);
    this.writeKg(ds, tick);
    const insLink = this.db.prepare('INSERT INTO item_links (item_idx, entity_idx) VALUES (?, ?)');
    ds.itemEntities.forEach((ents, i) => {
      for (const e of ents) insLink.run(i, e);
    });
    tick('links', rows.item_links);
    for (const ix of indexes) {
      this.db.exec(ix.sql);
      tick('indexes', rows[ix.table]);
    }
  }

  /** The indexes made by CREATE INDEX on the dataset tables (not those of their keys and UNIQUE constraints). */
  private secondaryIndexes(): { name: string; table: DatasetTable; sql: string }[] {
    return this.db.prepare(`SELECT name, tbl_name AS "table", sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (${TABLES.map(() => '?').join(', ')}) ORDER BY name`)
      .all(...TABLES) as { name: string; table: DatasetTable; sql: string }[];
  }

  /** The stored dataset named `name`, dense-indexed. */
  read(name: string): Dataset {
    const { users, items } = this.readRecords();
    const { entityIds, entityNames, relationNames } = this.readVocabulary();
    return {
      name,
      userIds: users.map((u) => u.id),
      itemIds: items.map((it) => it.id),
      users,
      items,
      interactions: this.readInteractions(),
      kg: { entityIds, entityNames, relationNames, ...this.readTriples() },
      itemEntities: this.readLinks(items.length),
    };
  }

  /**
   * The stored dataset without its users and interactions (empty), for what needs only the
   * items and the KG (the KG index): a fraction of the time of read() at 10M interactions.
   */
  readKg(name: string): Dataset {
    const items = this.readItems();
    const { entityIds, entityNames, relationNames } = this.readVocabulary();
    return catalogDataset(name, items, { entityIds, entityNames, relationNames, ...this.readTriples() }, this.readLinks(items.length));
  }

  /** Interactions per item (by item index), counted in SQL over the item index. */
  itemPopularity(nItems: number): Int32Array {
    const out = new Int32Array(nItems);
    for (const row of this.db.prepare('SELECT item_idx, COUNT(*) FROM interactions GROUP BY item_idx').raw().iterate()) {
      const [i, n] = row as [number, number];
      if (i >= 0 && i < nItems) out[i] = n;
    }
    return out;
  }

  counts(): DatasetCounts {
    const count = (t: string): number => this.db.prepare(`SELECT COUNT(*) FROM ${t}`).pluck().get() as number;
    return {
      users: count('users'),
      items: count('items'),
      interactions: count('interactions'),
      entities: count('entities'),
      relations: count('relations'),
      triples: count('triples'),
      links: count('item_links'),
    };
  }

  private writeRecords(ds: Dataset, tick: WriteTick): void {
    const insUser = this.db.prepare('INSERT INTO users (idx, id, attributes) VALUES (?, ?, ?)');
    ds.users.forEach((u, i) => insUser.run(i, u.id, JSON.stringify(u.attributes)));
    tick('users', ds.users.length);
    const insItem = this.db.prepare('INSERT INTO items (idx, id, title, text, attributes) VALUES (?, ?, ?, ?, ?)');
    ds.items.forEach((it, i) => insItem.run(i, it.id, it.title, JSON.stringify(it.text), JSON.stringify(it.attributes)));
    tick('items', ds.items.length);
  }

  private writeInteractions(ds: Dataset, tick: WriteTick): void {
    const x = ds.interactions;
    const n = x.user.length;
    const ins = this.db.prepare('INSERT INTO interactions (user_idx, item_idx, rating, timestamp) VALUES (?, ?, ?, ?)');
    for (let a = 0; a < n; a += PROGRESS_EVERY) {
      const b = Math.min(n, a + PROGRESS_EVERY);
      for (let i = a; i < b; i++) ins.run(x.user[i], x.item[i], x.rating[i], x.timestamp[i]);
      tick('interactions', b - a);
    }
  }

  private writeKg(ds: Dataset, tick: WriteTick): void {
    const kg = ds.kg;
    const insEnt = this.db.prepare('INSERT INTO entities (idx, id, name) VALUES (?, ?, ?)');
    kg.entityIds.forEach((id, i) => insEnt.run(i, id, kg.entityNames[i] ?? null));
    tick('entities', kg.entityIds.length);
    const insRel = this.db.prepare('INSERT INTO relations (idx, name) VALUES (?, ?)');
    kg.relationNames.forEach((name, i) => insRel.run(i, name));
    tick('relations', kg.relationNames.length);
    const insTriple = this.db.prepare('INSERT INTO triples (head, relation, tail, derived) VALUES (?, ?, ?, ?)');
    const m = kg.head.length;
    for (let a = 0; a < m; a += PROGRESS_EVERY) {
      const b = Math.min(m, a + PROGRESS_EVERY);
      for (let i = a; i < b; i++) insTriple.run(kg.head[i], kg.relation[i], kg.tail[i], kg.derived[i] === 1 ? 1 : 0);
      tick('triples', b - a);
    }
  }

  private readRecords(): { users: UserRecord[]; items: ItemRecord[] } {
    const userRows = this.db.prepare('SELECT idx, id, attributes FROM users ORDER BY idx').raw().all() as [number, string, string][];
    const users: UserRecord[] = userRows.map(([idx, id, attrs], i) => {
      this.checkDense('users', idx, i);
      return { id, attributes: JSON.parse(attrs) as Attrs };
    });
    return { users, items: this.readItems() };
  }

  private readItems(): ItemRecord[] {
    const itemRows = this.db.prepare('SELECT idx, id, title, text, attributes FROM items ORDER BY idx').raw().all() as [number, string, string, string, string][];
    return itemRows.map(([idx, id, title, text, attrs], i) => {
      this.checkDense('items', idx, i);
      return { id, title, text: JSON.parse(text) as Record<string, string>, attributes: JSON.parse(attrs) as Attrs };
    });
  }

  private readInteractions(): Dataset['interactions'] {
    const n = (this.db.prepare('SELECT COUNT(*) FROM interactions').pluck().get() as number) ?? 0;
    const out = { user: new Int32Array(n), item: new Int32Array(n), rating: new Float32Array(n), timestamp: new Float64Array(n) };
    let k = 0;
    for (const row of this.db.prepare('SELECT user_idx, item_idx, rating, timestamp FROM interactions ORDER BY rowid').raw().iterate()) {
      const r = row as [number, number, number, number];
      out.user[k] = r[0];
      out.item[k] = r[1];
      out.rating[k] = r[2];
      out.timestamp[k] = r[3];
      k++;
    }
    return out;
  }

  private readVocabulary(): { entityIds: string[]; entityNames: (string | null)[]; relationNames: string[] } {
    const entRows = this.db.prepare('SELECT idx, id, name FROM entities ORDER BY idx').raw().all() as [number, string, string | null][];
    const entityIds = entRows.map(([idx, id], i) => {
      this.checkDense('entities', idx, i);
      return id;
    });
    const relRows = this.db.prepare('SELECT idx, name FROM relations ORDER BY idx').raw().all() as [number, string][];
    const relationNames = relRows.map(([idx, name], i) => {
      this.checkDense('relations', idx, i);
      return name;
    });
    return { entityIds, entityNames: entRows.map((r) => r[2]), relationNames };
  }

  private readTriples(): { head: Int32Array; relation: Int32Array; tail: Int32Array; derived: Uint8Array } {
    const n = this.db.prepare('SELECT COUNT(*) FROM triples').pluck().get() as number;
    const out = { head: new Int32Array(n), relation: new Int32Array(n), tail: new Int32Array(n), derived: new Uint8Array(n) };
    let k = 0;
    for (const row of this.db.prepare('SELECT head, relation, tail, derived FROM triples ORDER BY rowid').raw().iterate()) {
      const r = row as [number, number, number, number];
      out.head[k] = r[0];
      out.relation[k] = r[1];
      out.tail[k] = r[2];
      out.derived[k] = r[3];
      k++;
    }
    return out;
  }

  private readLinks(nItems: number): Int32Array[] {
    const perItem: number[][] = Array.from({ length: nItems }, () => []);
    for (const row of this.db.prepare('SELECT item_idx, entity_idx FROM item_links ORDER BY rowid').raw().iterate()) {
      const r = row as [number, number];
      perItem[r[0]].push(r[1]);
    }
    return perItem.map((a) => Int32Array.from(a));
  }

  private checkDense(table: string, idx: number, expected: number): void {
    if (idx !== expected) {
      throw new KnowrecError(
        'internal',
        `table ${table} is not densely indexed (found idx ${idx} where ${expected} was expected)`,
        { file: this.file },
        're-import the dataset',
      );
    }
  }
}

/** Cheap consistency checks so that a bad Dataset fails with a clear message, not a SQL error. */
export function checkDataset(ds: Dataset): void {
  const bad = (msg: string): never => {
    throw new KnowrecError('validation', `cannot store dataset "${ds.name}": ${msg}`);
  };
  if (ds.userIds.length !== ds.users.length) bad('userIds and users differ in length');
  if (ds.itemIds.length !== ds.items.length) bad('itemIds and items differ in length');
  if (ds.itemEntities.length !== ds.items.length) bad('itemEntities must have one entry per item');
  ds.users.forEach((u, i) => u.id !== ds.userIds[i] && bad(`users[${i}].id is not userIds[${i}]`));
  ds.items.forEach((it, i) => it.id !== ds.itemIds[i] && bad(`items[${i}].id is not itemIds[${i}]`));
  const x = ds.interactions;
  const n = x.user.length;
  if (x.item.length !== n || x.rating.length !== n || x.timestamp.length !== n) bad('interaction arrays differ in length');
  const nu = ds.users.length;
  const ni = ds.items.length;
  for (let i = 0; i < n; i++) {
    if (x.user[i] < 0 || x.user[i] >= nu) bad(`interaction ${i} has user index ${x.user[i]} outside 0..${nu - 1}`);
    if (x.item[i] < 0 || x.item[i] >= ni) bad(`interaction ${i} has item index ${x.item[i]} outside 0..${ni - 1}`);
  }
  const kg = ds.kg;
  const m = kg.head.length;
  if (kg.relation.length !== m || kg.tail.length !== m || kg.derived.length !== m) bad('triple arrays differ in length');
  if (kg.entityNames.length !== kg.entityIds.length) bad('entityNames and entityIds differ in length');
  // every key a stored row refers to (the import writes without the foreign-key checks: Workspace.importDataset)
  const ne = kg.entityIds.length;
  const nr = kg.relationNames.length;
  for (let t = 0; t < m; t++) {
    if (kg.head[t] < 0 || kg.head[t] >= ne) bad(`triple ${t} has head entity index ${kg.head[t]} outside 0..${ne - 1}`);
    if (kg.tail[t] < 0 || kg.tail[t] >= ne) bad(`triple ${t} has tail entity index ${kg.tail[t]} outside 0..${ne - 1}`);
    if (kg.relation[t] < 0 || kg.relation[t] >= nr) bad(`triple ${t} has relation index ${kg.relation[t]} outside 0..${nr - 1}`);
  }
  ds.itemEntities.forEach((ents, i) => {
    for (const e of ents) if (e < 0 || e >= ne) bad(`item ${i} links to entity index ${e} outside 0..${ne - 1}`);
  });
}
