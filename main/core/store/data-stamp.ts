/**
 * What the workspace knows of the hash of its data (core/data/data-hash.ts, the `data_sha256` a
 * serving snapshot records), so that readers (the Api's Recommendations view) can tell whether a
 * snapshot was fitted on this data without loading and hashing 10M interactions.
 *
 * The data stamp is a mark of what the hash covers, from a few small queries: the dataset name
 * and import time (meta), the user and item counts and the last interaction's rowid. Every write
 * that changes the hashed data moves it: an import sets a new import time; forgetting a user
 * lowers the user count (no write adds a user between imports, so a stamp never comes back).
 *
 * Meta `data_hash` holds `{ stamp, sha256, differs_from? }`: an import records the hash of what
 * it stored (in its transaction); a forget cannot hash the data left, so it records the stamp
 * after it with `sha256: null` and `differs_from`: the hash before it (the user count is hashed,
 * so the data now differs from that one and from every state between). A reader that finds
 * neither answer hashes the loaded dataset once and records it (`record`).
 */
import { createHash } from 'node:crypto';
import type { Db } from './database';
import type { MetaStore } from './meta';

/** Meta key of the recorded data hash (JSON RecordedDataHash). */
export const DATA_HASH_META_KEY = 'data_hash';

interface RecordedDataHash {
  readonly stamp: string;
  readonly sha256: string | null;
  readonly differs_from?: string;
}

/** What is known of the hash of the data as it is now. */
export interface DataHashState {
  /** The current data stamp. */
  readonly stamp: string;
  /** The hash of the data now; null when no import or reader recorded it since the last change. */
  readonly sha256: string | null;
  /** A hash the data now certainly differs from (the one before a forget), else null. */
  readonly differsFrom: string | null;
}

export class DataStamps {
  constructor(
    private readonly db: Db,
    private readonly meta: MetaStore,
  ) {}

  /** The current data stamp (see the file comment): a few small queries. */
  stamp(): string {
    const one = (sql: string): unknown => this.db.prepare(sql).pluck().get();
    return createHash('sha256')
      .update(
        JSON.stringify([
          this.meta.get('dataset'),
          this.meta.get('imported_at'),
          one('SELECT COUNT(*) FROM users'),
          one('SELECT COUNT(*) FROM items'),
          one('SELECT MAX(rowid) FROM interactions'),
        ]),
      )
      .digest('hex');
  }

  /** The current stamp and what is recorded of its hash (one read transaction). */
  state(): DataHashState {
    return this.db.transaction((): DataHashState => {
      const stamp = this.stamp();
      const r = this.recorded();
      if (r === null || r.stamp !== stamp) return { stamp, sha256: null, differsFrom: null };
      return { stamp, sha256: r.sha256, differsFrom: r.differs_from ?? null };
    })();
  }

  /** Records `sha256` as the hash of the data at `stamp`, when that is still the current stamp. */
  record(stamp: string, sha256: string): boolean {
    // no waiting either: the reader goes on at once, the next one records it
    const wait = Number(this.db.pragma('busy_timeout', { simple: true }));
    this.db.pragma('busy_timeout = 0');
    try {
      return this.db.transaction((): boolean => {
        if (this.stamp() !== stamp) return false;
        this.write({ stamp, sha256 });
        return true;
      }).immediate();
    } catch (e) {
      // best effort: a read must not fail because another connection is writing (the next reader records it)
      if (isBusy(e)) return false;
      throw e;
    } finally {
      this.db.pragma(`busy_timeout = ${Number.isFinite(wait) ? wait : 5000}`);
    }
  }

  /**
   * Runs `change` (inside the caller's transaction), which removes users and their data, and
   * records that the data after it differs from the hash known before it.
   */
  afterRemoval<T>(change: () => T): T {
    const before = this.state();
    const out = change();
    const known = before.sha256 ?? before.differsFrom;
    if (known === null) this.meta.delete(DATA_HASH_META_KEY);
    else this.write({ stamp: this.stamp(), sha256: null, differs_from: known });
    return out;
  }

  private recorded(): RecordedDataHash | null {
    const v = this.meta.get(DATA_HASH_META_KEY);
    if (v === null) return null;
    try {
      const r = JSON.parse(v) as Partial<RecordedDataHash>;
      return typeof r.stamp === 'string' && (typeof r.sha256 === 'string' || r.sha256 === null) ? (r as RecordedDataHash) : null;
    } catch {
      return null;
    }
  }

  private write(r: RecordedDataHash): void {
    this.meta.set(DATA_HASH_META_KEY, JSON.stringify(r));
  }
}

/** SQLITE_BUSY / SQLITE_LOCKED (another connection holds the write lock). */
function isBusy(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}
