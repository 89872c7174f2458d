/**
 * The workspace: one SQLite file (WAL mode) holding a dataset and the work done on it.
 * Ids are strings to the user and dense integers (idx) inside. Every write is a transaction:
 * an import that fails or is cancelled leaves the previous content as it was.
 */
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { KnowrecError, throwIfAborted } from '../errors';
import type { Dataset, ItemRecord, Progress, UserRecord } from '../types';
import type { ImportReport } from '../data/report';
import { MIGRATIONS, migrate, schemaVersion, type Migration } from './schema';
import { applyKgChanges } from './edits';
import { PSEUDONYMIZED_META_KEY, SALT_META_KEY, newSalt, pseudonymizeDataset } from './privacy';
import type { DatasetCounts } from '../data/report';

export interface WorkspaceSummary extends DatasetCounts {
  /** Name of the imported dataset, null before the first import. */
  readonly dataset: string | null;
  readonly schemaVersion: number;
}

export interface StoreImportOptions {
  /** Stored as meta 'import_report' (JSON). */
  readonly report?: ImportReport;
  readonly onProgress?: (p: Progress) => void;
  /** Cancels the import; the transaction is rolled back. */
  readonly signal?: AbortSignal;
  /**
   * Store salted-hash pseudonyms instead of the user ids (see privacy.ts). Labels and embedding
   * owners that name an original id are rewritten to its pseudonym in the same transaction.
   */
  readonly pseudonymize?: boolean;
}

export interface OpenOptions {
  /** Migration list (tests); default: the current schema. */
  readonly migrations?: readonly Migration[];
}

type Attrs = Record<string, string | number | string[]>;

const PROGRESS_EVERY = 20_000;

export class Workspace {
  private closed = false;

  private constructor(
    /** Absolute path of the workspace file. */
    readonly path: string,
    /** The open database, for modules that add their own queries (kg, labels, runs). */
    readonly db: Database.Database,
  ) {}

  /** Creates a new workspace file; fails if the path exists. */
  static create(path: string, opts: OpenOptions = {}): Workspace {
    const abs = resolve(path);
    if (existsSync(abs)) {
      throw new KnowrecError('config', 'a file already exists at this path', { file: abs }, 'open it with Workspace.open, or choose another path');
    }
    return Workspace.connect(abs, false, opts);
  }

  /** Opens an existing workspace, migrating it to the current schema if it is older. */
  static open(path: string, opts: OpenOptions = {}): Workspace {
    const abs = resolve(path);
    if (!existsSync(abs)) {
      throw new KnowrecError('not-found', 'no workspace file at this path', { file: abs }, 'check the path, or create a workspace there');
    }
    return Workspace.connect(abs, true, opts);
  }

  static openOrCreate(path: string, opts: OpenOptions = {}): Workspace {
    return existsSync(resolve(path)) ? Workspace.open(path, opts) : Workspace.create(path, opts);
  }

  private static connect(abs: string, mustExist: boolean, opts: OpenOptions): Workspace {
    let db: Database.Database;
    try {
      db = new Database(abs, { fileMustExist: mustExist });
    } catch (e) {
      throw new KnowrecError('not-found', `cannot open the workspace: ${(e as Error).message}`, { file: abs }, 'check that the folder exists and is writable');
    }
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.pragma('foreign_keys = ON');
      db.pragma('busy_timeout = 5000');
      migrate(db, abs, opts.migrations ?? MIGRATIONS);
    } catch (e) {
      db.close();
      if (e instanceof KnowrecError) throw e;
      const msg = (e as Error).message;
      if (/not a database|file is encrypted/i.test(msg)) {
        throw new KnowrecError('parse', 'this file is not a SQLite database', { file: abs }, 'open a .sqlite workspace file, or create a new workspace');
      }
      throw new KnowrecError('internal', `cannot open the workspace: ${msg}`, { file: abs });
    }
    return new Workspace(abs, db);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  get schemaVersion(): number {
    return schemaVersion(this.db);
  }

  getMeta(key: string): string | null {
    const row = this.db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
    return row?.value ?? null;
  }

  setMeta(key: string, value: string): void {
    this.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  /** The report of the last import, or null. */
  importReport(): ImportReport | null {
    const v = this.getMeta('import_report');
    return v === null ? null : (JSON.parse(v) as ImportReport);
  }

  /**
   * Replaces the dataset tables with `ds` in ONE transaction (prepared statements). Labels,
   * embeddings, runs and jobs are kept (they refer to string ids or are content-addressed).
   */
  importDataset(original: Dataset, opts: StoreImportOptions = {}): void {
    checkDataset(original);
    const salt = opts.pseudonymize === true ? (this.getMeta(SALT_META_KEY) ?? newSalt()) : null;
    const ds = salt === null ? original : pseudonymizeDataset(original, salt);
    const { onProgress, signal } = opts;
    const nInter = ds.interactions.user.length;
    const nLinks = ds.itemEntities.reduce((s, a) => s + a.length, 0);
    const total = ds.users.length + ds.items.length + nInter + ds.kg.entityIds.length + ds.kg.relationNames.length + ds.kg.head.length + nLinks;
    let done = 0;
    const tick = (stage: string, rows: number): void => {
      done += rows;
      throwIfAborted(signal);
      onProgress?.({ stage: 'store', fraction: total > 0 ? done / total : 1, message: stage });
    };
    const db = this.db;
    const run = db.transaction(() => {
      for (const t of ['item_links', 'triples', 'interactions', 'relations', 'entities', 'items', 'users']) db.exec(`DELETE FROM ${t}`);
      tick('start', 0);

      const insUser = db.prepare('INSERT INTO users (idx, id, attributes) VALUES (?, ?, ?)');
      ds.users.forEach((u, i) => insUser.run(i, u.id, JSON.stringify(u.attributes)));
      tick('users', ds.users.length);

      const insItem = db.prepare('INSERT INTO items (idx, id, title, text, attributes) VALUES (?, ?, ?, ?, ?)');
      ds.items.forEach((it, i) => insItem.run(i, it.id, it.title, JSON.stringify(it.text), JSON.stringify(it.attributes)));
      tick('items', ds.items.length);

      const x = ds.interactions;
      const insInter = db.prepare('INSERT INTO interactions (user_idx, item_idx, rating, timestamp) VALUES (?, ?, ?, ?)');
      for (let a = 0; a < nInter; a += PROGRESS_EVERY) {
        const b = Math.min(nInter, a + PROGRESS_EVERY);
        for (let i = a; i < b; i++) insInter.run(x.user[i], x.item[i], x.rating[i], x.timestamp[i]);
        tick('interactions', b - a);
      }

      const kg = ds.kg;
      const insEnt = db.prepare('INSERT INTO entities (idx, id, name) VALUES (?, ?, ?)');
      kg.entityIds.forEach((id, i) => insEnt.run(i, id, kg.entityNames[i] ?? null));
      tick('entities', kg.entityIds.length);
      const insRel = db.prepare('INSERT INTO relations (idx, name) VALUES (?, ?)');
      kg.relationNames.forEach((name, i) => insRel.run(i, name));
      tick('relations', kg.relationNames.length);
      const insTriple = db.prepare('INSERT INTO triples (head, relation, tail, derived) VALUES (?, ?, ?, ?)');
      const m = kg.head.length;
      for (let a = 0; a < m; a += PROGRESS_EVERY) {
        const b = Math.min(m, a + PROGRESS_EVERY);
        for (let i = a; i < b; i++) insTriple.run(kg.head[i], kg.relation[i], kg.tail[i], kg.derived[i] === 1 ? 1 : 0);
        tick('triples', b - a);
      }

      const insLink = db.prepare('INSERT INTO item_links (item_idx, entity_idx) VALUES (?, ?)');
      ds.itemEntities.forEach((ents, i) => {
        for (const e of ents) insLink.run(i, e);
      });
      tick('links', nLinks);

      if (salt !== null) {
        this.setMeta(SALT_META_KEY, salt);
        this.setMeta(PSEUDONYMIZED_META_KEY, 'true');
        const relabel = db.prepare('UPDATE labels SET user_id = ? WHERE user_id = ?');
        const reown = db.prepare('UPDATE OR IGNORE embedding_owners SET user_id = ? WHERE user_id = ?');
        const unown = db.prepare('DELETE FROM embedding_owners WHERE user_id = ?');
        original.userIds.forEach((id, i) => {
          relabel.run(ds.userIds[i], id);
          reown.run(ds.userIds[i], id);
          unown.run(id);
        });
      } else {
        db.prepare('DELETE FROM meta WHERE key = ?').run(PSEUDONYMIZED_META_KEY);
      }
      this.setMeta('dataset', ds.name);
      this.setMeta('imported_at', new Date().toISOString());
      if (opts.report !== undefined) this.setMeta('import_report', JSON.stringify(opts.report));
      else db.prepare("DELETE FROM meta WHERE key = 'import_report'").run();
    });
    try {
      run();
    } catch (e) {
      if (e instanceof KnowrecError) throw e;
      throw new KnowrecError('internal', `import into the workspace failed and was rolled back: ${(e as Error).message}`, { file: this.path });
    }
  }

  /**
   * The dataset to work on: the stored one with the KG edits replayed and the facts labelled
   * wrong hidden (edits.ts), so fits and the KG explorer see the analysts' changes.
   */
  loadDataset(): Dataset {
    return applyKgChanges(this, this.loadStoredDataset()).dataset;
  }

  /** The stored dataset as imported, dense-indexed. Throws 'not-found' before the first import. */
  loadStoredDataset(): Dataset {
    const name = this.getMeta('dataset');
    if (name === null) {
      throw new KnowrecError('not-found', 'the workspace holds no dataset yet', { file: this.path }, 'import one first, e.g. `knowrec import --dataset ml-100k`');
    }
    const db = this.db;
    const userRows = db.prepare('SELECT idx, id, attributes FROM users ORDER BY idx').raw().all() as [number, string, string][];
    const users: UserRecord[] = userRows.map(([idx, id, attrs], i) => {
      this.checkDense('users', idx, i);
      return { id, attributes: JSON.parse(attrs) as Attrs };
    });
    const itemRows = db.prepare('SELECT idx, id, title, text, attributes FROM items ORDER BY idx').raw().all() as [number, string, string, string, string][];
    const items: ItemRecord[] = itemRows.map(([idx, id, title, text, attrs], i) => {
      this.checkDense('items', idx, i);
      return { id, title, text: JSON.parse(text) as Record<string, string>, attributes: JSON.parse(attrs) as Attrs };
    });

    const nInter = (db.prepare('SELECT COUNT(*) FROM interactions').pluck().get() as number) ?? 0;
    const interactions = {
      user: new Int32Array(nInter),
      item: new Int32Array(nInter),
      rating: new Float32Array(nInter),
      timestamp: new Float64Array(nInter),
    };
    let k = 0;
    for (const row of db.prepare('SELECT user_idx, item_idx, rating, timestamp FROM interactions ORDER BY rowid').raw().iterate()) {
      const r = row as [number, number, number, number];
      interactions.user[k] = r[0];
      interactions.item[k] = r[1];
      interactions.rating[k] = r[2];
      interactions.timestamp[k] = r[3];
      k++;
    }

    const entRows = db.prepare('SELECT idx, id, name FROM entities ORDER BY idx').raw().all() as [number, string, string | null][];
    const entityIds = entRows.map(([idx, id], i) => {
      this.checkDense('entities', idx, i);
      return id;
    });
    const entityNames = entRows.map((r) => r[2]);
    const relRows = db.prepare('SELECT idx, name FROM relations ORDER BY idx').raw().all() as [number, string][];
    const relationNames = relRows.map(([idx, name], i) => {
      this.checkDense('relations', idx, i);
      return name;
    });
    const nTriples = db.prepare('SELECT COUNT(*) FROM triples').pluck().get() as number;
    const head = new Int32Array(nTriples);
    const relation = new Int32Array(nTriples);
    const tail = new Int32Array(nTriples);
    const derived = new Uint8Array(nTriples);
    k = 0;
    for (const row of db.prepare('SELECT head, relation, tail, derived FROM triples ORDER BY rowid').raw().iterate()) {
      const r = row as [number, number, number, number];
      head[k] = r[0];
      relation[k] = r[1];
      tail[k] = r[2];
      derived[k] = r[3];
      k++;
    }

    const perItem: number[][] = items.map(() => []);
    for (const row of db.prepare('SELECT item_idx, entity_idx FROM item_links ORDER BY rowid').raw().iterate()) {
      const r = row as [number, number];
      perItem[r[0]].push(r[1]);
    }

    return {
      name,
      userIds: users.map((u) => u.id),
      itemIds: items.map((it) => it.id),
      users,
      items,
      interactions,
      kg: { entityIds, entityNames, relationNames, head, relation, tail, derived },
      itemEntities: perItem.map((a) => Int32Array.from(a)),
    };
  }

  summary(): WorkspaceSummary {
    const count = (t: string): number => this.db.prepare(`SELECT COUNT(*) FROM ${t}`).pluck().get() as number;
    return {
      dataset: this.getMeta('dataset'),
      users: count('users'),
      items: count('items'),
      interactions: count('interactions'),
      entities: count('entities'),
      relations: count('relations'),
      triples: count('triples'),
      links: count('item_links'),
      schemaVersion: this.schemaVersion,
    };
  }

  private checkDense(table: string, idx: number, expected: number): void {
    if (idx !== expected) {
      throw new KnowrecError(
        'internal',
        `table ${table} is not densely indexed (found idx ${idx} where ${expected} was expected)`,
        { file: this.path },
        're-import the dataset',
      );
    }
  }
}

/** Cheap consistency checks so that a bad Dataset fails with a clear message, not a SQL error. */
function checkDataset(ds: Dataset): void {
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
}
