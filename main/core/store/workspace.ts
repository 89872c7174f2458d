/**
 * The workspace: one SQLite file (WAL mode) holding a dataset and the work done on it. Every
 * write is a transaction: an import that fails or is cancelled leaves the previous content as
 * it was. The connection stays inside; callers go through the methods and the repositories
 * (labels, edits, users, runs, embeddings, jobs) that the workspace hands out.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { KnowrecError, throwIfAborted } from '../errors';
import type { Dataset, Progress } from '../types';
import type { DatasetCounts, ImportReport } from '../data/report';
import { dataHash } from '../data/data-hash';
import { eraseFreedSpace, openDatabase, type Db } from './database';
import { DataStamps, type DataHashState } from './data-stamp';
import { CatalogQueries, type CatalogHistory, type CatalogItem, type CatalogPage, type CatalogUser } from './catalog';
import { DatasetTables, IMPORT_CACHE_KIB, checkDataset } from './dataset-tables';
import { KgEditStore } from './edits';
import { appendKg, type KgAddResult, type KgAddition } from './kg-append';
import { SqliteEmbeddingCache } from './embeddings';
import { JobRepository } from './jobs';
import { applyKgChanges } from './kg-changes';
import { LabelStore } from './labels';
import { MetaStore } from './meta';
import { UserStore } from './privacy';
import type { PseudonymKey } from './pseudonym-key';
import type { AttributePolicy } from './quasi-identifiers';
import { RunStore } from './runs';
import { schemaVersion, type Migration } from './schema';

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
   * Store keyed-hash pseudonyms instead of the user ids (see privacy.ts; needs the key given at
   * open). Labels and embedding owners that name an original id are rewritten to its pseudonym
   * in the same transaction. Default: as the workspace already does.
   */
  readonly pseudonymize?: boolean;
  /** Quasi-identifiers to drop or generalize (quasi-identifiers.ts); default: the workspace's policy. */
  readonly attributes?: AttributePolicy;
}

export interface OpenOptions {
  /** Migration list (tests); default: the current schema. */
  readonly migrations?: readonly Migration[];
  /** The pseudonym key (kept outside the workspace); another key than the workspace's is an error. */
  readonly pseudonymKey?: PseudonymKey;
}

export class Workspace {
  private closed = false;
  private readonly meta: MetaStore;
  private readonly tables: DatasetTables;
  private readonly catalog: CatalogQueries;
  private readonly stamps: DataStamps;
  private embeddingCache: SqliteEmbeddingCache | null = null;
  /** Analysts' relevance and fact labels. */
  readonly labels: LabelStore;
  /** KG edits with history and undo. */
  readonly edits: KgEditStore;
  /** Stored users: pseudonyms, look-up, forgetting. */
  readonly users: UserStore;
  /** Stored runs (evaluations). */
  readonly runs: RunStore;

  private constructor(
    /** Absolute path of the workspace file. */
    readonly path: string,
    private readonly db: Db,
  ) {
    this.meta = new MetaStore(db);
    this.tables = new DatasetTables(db, path);
    this.catalog = new CatalogQueries(db);
    this.stamps = new DataStamps(db, this.meta);
    this.users = new UserStore(db, path, this.meta, this.stamps);
    this.labels = new LabelStore(db, path, this.users);
    this.edits = new KgEditStore(db, path);
    this.runs = new RunStore(db);
  }

  /** Creates a new workspace file; fails if the path exists. */
  static create(path: string, opts: OpenOptions = {}): Workspace {
    const abs = resolve(path);
    if (existsSync(abs)) {
      throw new KnowrecError('config', 'a file already exists at this path', { file: abs }, 'open it with Workspace.open, or choose another path');
    }
    return Workspace.withKey(new Workspace(abs, openDatabase(abs, false, opts.migrations)), opts);
  }

  /** Opens an existing workspace, migrating it to the current schema if it is older. */
  static open(path: string, opts: OpenOptions = {}): Workspace {
    const abs = resolve(path);
    if (!existsSync(abs)) {
      throw new KnowrecError('not-found', 'no workspace file at this path', { file: abs }, 'check the path, or create a workspace there');
    }
    return Workspace.withKey(new Workspace(abs, openDatabase(abs, true, opts.migrations)), opts);
  }

  private static withKey(ws: Workspace, opts: OpenOptions): Workspace {
    if (opts.pseudonymKey === undefined) return ws;
    try {
      ws.users.useKey(opts.pseudonymKey);
    } catch (e) {
      ws.close();
      throw e;
    }
    return ws;
  }

  static openOrCreate(path: string, opts: OpenOptions = {}): Workspace {
    return existsSync(resolve(path)) ? Workspace.open(path, opts) : Workspace.create(path, opts);
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

  /** The cached text vectors (on this connection). */
  get embeddings(): SqliteEmbeddingCache {
    this.embeddingCache ??= new SqliteEmbeddingCache(this.db);
    return this.embeddingCache;
  }

  /** The jobs table on a connection of its own (see jobs.ts); the caller closes it. */
  openJobs(): JobRepository {
    return JobRepository.open(this.path);
  }

  getMeta(key: string): string | null {
    return this.meta.get(key);
  }

  setMeta(key: string, value: string): void {
    this.meta.set(key, value);
  }

  /** The report of the last import, or null. */
  importReport(): ImportReport | null {
    const v = this.getMeta('import_report');
    return v === null ? null : (JSON.parse(v) as ImportReport);
  }

  /**
   * Replaces the dataset tables with `ds` in ONE transaction (prepared statements). Labels,
   * embeddings, runs and jobs are kept (they refer to string ids or are content-addressed).
   * When data was replaced, the freed space is overwritten and the WAL emptied (database.ts).
   */
  importDataset(original: Dataset, opts: StoreImportOptions = {}): void {
    checkDataset(original);
    const prepared = this.users.prepareImport(original, { pseudonymize: opts.pseudonymize, attributes: opts.attributes });
    const ds = prepared.dataset;
    const replaces = this.getMeta('dataset') !== null;
    const { onProgress, signal } = opts;
    const total = this.tables.rowCount(ds);
    let done = 0;
    const tick = (stage: string, rows: number): void => {
      done += rows;
      throwIfAborted(signal);
      onProgress?.({ stage: 'store', fraction: total > 0 ? done / total : 1, message: stage, code: 'table', params: { table: stage } });
    };
    const run = this.db.transaction(() => {
      this.tables.write(ds, tick);
      this.users.commitImport(prepared, (pairs) => {
        this.labels.renameUsers(pairs);
        this.embeddings.renameOwners(pairs);
      });
      this.meta.set('dataset', ds.name);
      this.meta.set('imported_at', new Date().toISOString());
      if (opts.report !== undefined) this.meta.set('import_report', JSON.stringify(opts.report));
      else this.meta.delete('import_report');
      // a KG added beside the previous dataset went with it
      this.meta.delete('kg_imports');
      // what loadDataset() will read back: the same rows in the same order (a test checks it)
      this.stamps.record(this.stamps.stamp(), dataHash(ds));
    });
    // the bulk write's settings (outside the transaction: foreign_keys is fixed within one), put back after:
    // - the foreign keys unchecked: checkDataset has checked every index against its table's size,
    //   the keys a row insert would look up (every other write still checks them);
    // - a larger page cache for the B-trees and the index sorts (the connection's is 16 MB);
    // - the index sorts' overflow kept in memory, not in files of the system's temp folder
    //   (the rows are the users' interactions: as VACUUM's, docs/security.md)
    const fk = this.db.pragma('foreign_keys', { simple: true }) as number;
    const cache = this.db.pragma('cache_size', { simple: true }) as number;
    const temp = this.db.pragma('temp_store', { simple: true }) as number;
    try {
      this.db.pragma('foreign_keys = OFF');
      this.db.pragma(`cache_size = ${-IMPORT_CACHE_KIB}`);
      this.db.pragma('temp_store = MEMORY');
      run();
    } catch (e) {
      if (e instanceof KnowrecError) throw e;
      throw new KnowrecError('internal', `import into the workspace failed and was rolled back: ${(e as Error).message}`, { file: this.path });
    } finally {
      this.db.pragma(`temp_store = ${temp}`);
      this.db.pragma(`cache_size = ${cache}`);
      this.db.pragma(`foreign_keys = ${fk === 1 ? 'ON' : 'OFF'}`);
    }
    if (replaces) eraseFreedSpace(this.db);
  }

  /**
   * Adds a KG beside the stored one (kg-append.ts) in ONE transaction: on an error or a cancel
   * nothing of it is written. Records the result (and `report`, e.g. the files read and the link
   * rate) in meta 'kg_imports' (a JSON list, newest last). Throws 'not-found' before the first
   * import.
   */
  addKnowledgeGraph(kg: KgAddition, opts: { readonly report?: unknown; readonly onProgress?: (p: Progress) => void; readonly signal?: AbortSignal } = {}): KgAddResult {
    if (this.getMeta('dataset') === null) {
      throw new KnowrecError('not-found', 'the workspace holds no dataset to add a KG to', { file: this.path }, 'import the interactions and items first');
    }
    const total = kg.head.length + kg.links.item.length;
    let done = 0;
    const tick = (stage: string, rows: number): void => {
      done += rows;
      throwIfAborted(opts.signal);
      opts.onProgress?.({ stage: 'store', fraction: total > 0 ? done / total : 1, message: stage, code: 'table', params: { table: stage } });
    };
    const run = this.db.transaction((): KgAddResult => {
      const result = { ...appendKg(this.db, kg, this.tables.counts(), tick), after: this.tables.counts() };
      const previous = this.getMeta('kg_imports');
      const list = previous === null ? [] : (JSON.parse(previous) as unknown[]);
      list.push({ ...result, created: new Date().toISOString(), ...(opts.report !== undefined ? { report: opts.report } : {}) });
      this.meta.set('kg_imports', JSON.stringify(list));
      return result;
    });
    try {
      return run();
    } catch (e) {
      if (e instanceof KnowrecError) throw e;
      throw new KnowrecError('internal', `adding the KG failed and was rolled back: ${(e as Error).message}`, { file: this.path });
    }
  }

  /** The KG imports added beside the dataset's own KG (meta 'kg_imports'), oldest first. */
  kgImports(): (KgAddResult & { readonly created: string; readonly report?: unknown })[] {
    const v = this.getMeta('kg_imports');
    return v === null ? [] : (JSON.parse(v) as (KgAddResult & { created: string; report?: unknown })[]);
  }

  /**
   * The dataset to work on: the stored one with the KG edits replayed and the facts labelled
   * wrong hidden (kg-changes.ts), so fits and the KG explorer see the analysts' changes.
   */
  loadDataset(): Dataset {
    return applyKgChanges(this.loadStoredDataset(), this.edits.active(), this.labels.wrongFacts()).dataset;
  }

  /**
   * What the KG index needs, without the users and the 10M interactions: the dataset with the KG
   * changes applied as loadDataset() has it, but no users and no interactions, and the
   * interactions per item counted in SQL (the index's `popularity` option).
   */
  loadKgDataset(): { dataset: Dataset; popularity: Int32Array } {
    const stored = this.tables.readKg(this.datasetName());
    const dataset = applyKgChanges(stored, this.edits.active(), this.labels.wrongFacts()).dataset;
    return { dataset, popularity: this.tables.itemPopularity(dataset.items.length) };
  }

  /**
   * A mark of what the KG index is built from: the import (dataset, time, KGs added beside it),
   * the active KG edits, the facts labelled wrong, and the users and interactions (forgetting a
   * user changes the counts per item). Equal marks: the same index. A few small queries.
   */
  kgStamp(): string {
    const one = (sql: string): unknown => this.db.prepare(sql).pluck().get();
    return createHash('sha256')
      .update(
        JSON.stringify([
          this.getMeta('dataset'),
          this.getMeta('imported_at'),
          this.getMeta('kg_imports'),
          one('SELECT group_concat(id) FROM (SELECT id FROM kg_edits WHERE undone = 0 ORDER BY id)'),
          this.labels.wrongFacts(),
          one('SELECT COUNT(*) FROM users'),
          one('SELECT MAX(rowid) FROM interactions'),
        ]),
      )
      .digest('hex');
  }

  /**
   * kgStamp and what `read` reads, from one snapshot (one read transaction): an edit made and
   * undone while the KG index is built can then not end up in an index saved under the older stamp.
   */
  withKgStamp<T>(read: (stamp: string) => T): T {
    return this.db.transaction(() => read(this.kgStamp()))();
  }

  /**
   * The data stamp and what the workspace knows of its data's hash (data-stamp.ts): recorded by
   * the import, or by a reader after a forget; a few small queries, no dataset load.
   */
  dataHashState(): DataHashState {
    return this.stamps.state();
  }

  /**
   * loadDataset(), recording the data's hash when the workspace does not know it (after a forget,
   * or imported before hashes were recorded): what fits read, so the views need not hash it.
   */
  loadDatasetRecordingHash(): Dataset {
    const { stamp, sha256 } = this.stamps.state();
    const ds = this.loadDataset();
    // refused when the data changed during the read (the stamp moved)
    if (sha256 === null) this.stamps.record(stamp, dataHash(ds));
    return ds;
  }

  /** Records the hash of the data read at `stamp` (dataHash of loadDataset()); false when the data changed since. */
  recordDataHash(stamp: string, sha256: string): boolean {
    return this.stamps.record(stamp, sha256);
  }

  /** The stored dataset as imported, dense-indexed. Throws 'not-found' before the first import. */
  loadStoredDataset(): Dataset {
    return this.tables.read(this.datasetName());
  }

  /** Items in catalog order, `query` keeping those whose id or title contains it (catalog.ts); read from the tables, without loading the dataset. */
  itemPage(offset: number, limit: number, query?: string): CatalogPage<CatalogItem> {
    this.datasetName();
    return this.catalog.itemPage(offset, limit, query);
  }

  /** Titles of the items with these ids (catalog.ts); unknown ids are left out. */
  itemTitles(ids: readonly string[]): Map<string, string> {
    return this.catalog.itemTitles(ids);
  }

  /** Users in stored order (catalog.ts), without loading the dataset. */
  userPage(offset: number, limit: number): CatalogPage<CatalogUser> {
    this.datasetName();
    return this.catalog.userPage(offset, limit);
  }

  /** A user's first `limit` interactions, best rated first (catalog.ts); null for an unknown user. */
  userHistory(user: string, limit: number): CatalogHistory | null {
    this.datasetName();
    return this.catalog.userHistory(user, limit);
  }

  /** Ids of the user's `limit` best-rated items, then catalog order (catalog.ts); null for an unknown user. */
  userTopItems(user: string, limit: number): string[] | null {
    this.datasetName();
    return this.catalog.userTopItems(user, limit);
  }

  /** The imported dataset's name; throws 'not-found' before the first import. */
  private datasetName(): string {
    const name = this.getMeta('dataset');
    if (name === null) {
      throw new KnowrecError('not-found', 'the workspace holds no dataset yet', { file: this.path }, 'import one first, e.g. `knowrec import --dataset ml-100k`');
    }
    return name;
  }

  /** Dataset name, table counts (kept until the file changes) and schema version. */
  summary(): WorkspaceSummary {
    return { dataset: this.getMeta('dataset'), ...this.catalog.counts(), schemaVersion: this.schemaVersion };
  }
}
