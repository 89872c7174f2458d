/**
 * The views' reads of the dataset tables, straight from SQLite with LIMIT and the tables'
 * indexes: a page of items (optionally those whose id or title contains a text, any case), a
 * page of users, one user's history, and the table counts. They answer on a workspace of 300k
 * items / 10M interactions without loading the dataset into memory, and give exactly what the
 * same read over the loaded dataset gives (catalog order, JavaScript's toLowerCase matching).
 * Items and users are not touched by KG edits, so the stored rows are what loadDataset returns.
 */
import type { DatasetCounts } from '../data/report';
import type { Db } from './database';

type Attrs = Record<string, string | number | string[]>;

/** One page of rows and the count of every row the filter keeps. */
export interface CatalogPage<T> {
  readonly total: number;
  readonly rows: readonly T[];
}

export interface CatalogItem {
  readonly id: string;
  readonly title: string;
}

export interface CatalogUser {
  readonly id: string;
  readonly attributes: Attrs;
}

/** A user's interactions, highest rating first, then newest, then catalog order, then as stored. */
export interface CatalogHistory {
  readonly user: string;
  readonly attributes: Attrs;
  readonly total: number;
  readonly items: readonly { readonly item: string; readonly title: string; readonly rating: number; readonly timestamp: number }[];
}

/** SQL function: 1 when id or title, lowercased by JavaScript, contains the (lowercased) needle. */
const CONTAINS_FN = 'knowrec_contains';

/**
 * Rows whose id or title contains @needle (already lowercased). A row of ASCII only (as many
 * bytes as characters) is matched by SQLite's lower() + instr(), the same as JavaScript's for
 * ASCII; any other row goes through the JavaScript function, so that e.g. 'É' or the Kelvin
 * sign match as toLowerCase says.
 */
const MATCH = `CASE WHEN octet_length(id) = length(id) AND octet_length(title) = length(title)
  THEN instr(lower(id), @needle) > 0 OR instr(lower(title), @needle) > 0
  ELSE ${CONTAINS_FN}(id, title, @needle) END`;

const COUNTED = ['users', 'items', 'interactions', 'entities', 'relations', 'triples', 'item_links'] as const;

export class CatalogQueries {
  /** Table counts and the change marks they were taken at (see counts()). */
  private cached: { readonly mark: string; readonly counts: DatasetCounts } | null = null;

  constructor(private readonly db: Db) {
    db.function(CONTAINS_FN, { deterministic: true }, (id: unknown, title: unknown, needle: unknown) =>
      String(id).toLowerCase().includes(String(needle)) || String(title).toLowerCase().includes(String(needle)) ? 1 : 0,
    );
  }

  /**
   * Items offset..offset+limit in catalog order; `query` (trimmed, any case) keeps those whose id
   * or title contains it. An empty query keeps every item.
   */
  itemPage(offset: number, limit: number, query = ''): CatalogPage<CatalogItem> {
    const needle = query.trim().toLowerCase();
    if (needle === '') {
      const total = this.db.prepare('SELECT COUNT(*) FROM items').pluck().get() as number;
      const rows = this.db.prepare('SELECT id, title FROM items WHERE idx >= ? ORDER BY idx LIMIT ?').all(offset, limit) as CatalogItem[];
      return { total, rows };
    }
    const total = this.db.prepare(`SELECT COUNT(*) FROM items WHERE ${MATCH}`).pluck().get({ needle }) as number;
    const rows = offset >= total ? [] : (this.db.prepare(`SELECT id, title FROM items WHERE ${MATCH} ORDER BY idx LIMIT @limit OFFSET @offset`).all({ needle, limit, offset }) as CatalogItem[]);
    return { total, rows };
  }

  /** Titles of the items with these ids; ids not in the catalog are left out. */
  itemTitles(ids: readonly string[]): Map<string, string> {
    const out = new Map<string, string>();
    if (ids.length === 0) return out;
    const rows = this.db.prepare('SELECT id, title FROM items WHERE id IN (SELECT value FROM json_each(?))').raw().all(JSON.stringify([...new Set(ids)])) as [string, string][];
    for (const [id, title] of rows) out.set(id, title);
    return out;
  }

  /** Users offset..offset+limit in stored order, with their attributes. */
  userPage(offset: number, limit: number): CatalogPage<CatalogUser> {
    const total = this.db.prepare('SELECT COUNT(*) FROM users').pluck().get() as number;
    const raw = this.db.prepare('SELECT id, attributes FROM users WHERE idx >= ? ORDER BY idx LIMIT ?').raw().all(offset, limit) as [string, string][];
    return { total, rows: raw.map(([id, attrs]) => ({ id, attributes: JSON.parse(attrs) as Attrs })) };
  }

  /** The user's first `limit` interactions (see CatalogHistory) and their count; null for an unknown user. */
  userHistory(user: string, limit: number): CatalogHistory | null {
    const found = this.db.prepare('SELECT idx, attributes FROM users WHERE id = ?').raw().get(user) as [number, string] | undefined;
    if (found === undefined) return null;
    const [idx, attrs] = found;
    const total = this.db.prepare('SELECT COUNT(*) FROM interactions WHERE user_idx = ?').pluck().get(idx) as number;
    const rows = this.db
      .prepare(
        `SELECT i.id, i.title, x.rating, x.timestamp FROM interactions x JOIN items i ON i.idx = x.item_idx
         WHERE x.user_idx = ? ORDER BY x.rating DESC, x.timestamp DESC, x.item_idx, x.rowid LIMIT ?`,
      )
      .raw()
      .all(idx, limit) as [string, string, number, number][];
    return { user, attributes: JSON.parse(attrs) as Attrs, total, items: rows.map(([item, title, rating, timestamp]) => ({ item, title, rating, timestamp })) };
  }

  /**
   * Ids of the user's first `limit` interacted items, highest rating first, then catalog order
   * (an item interacted with twice comes twice), the order a sort of the user's row of the
   * interaction matrix by rating gives; null for an unknown user. Reads the user's rows through
   * the index on interactions(user_idx).
   */
  userTopItems(user: string, limit: number): string[] | null {
    const idx = this.db.prepare('SELECT idx FROM users WHERE id = ?').pluck().get(user) as number | undefined;
    if (idx === undefined) return null;
    return this.db
      .prepare('SELECT i.id FROM interactions x JOIN items i ON i.idx = x.item_idx WHERE x.user_idx = ? ORDER BY x.rating DESC, x.item_idx LIMIT ?')
      .pluck()
      .all(idx, limit) as string[];
  }

  /**
   * Rows per dataset table. Counting 10M interactions takes a while, so the counts are kept until
   * the file changes: `PRAGMA data_version` moves when another connection (a job's worker)
   * commits, `total_changes()` when this one writes.
   */
  counts(): DatasetCounts {
    const version = this.db.pragma('data_version', { simple: true }) as number;
    const own = this.db.prepare('SELECT total_changes()').pluck().get() as number;
    const mark = `${version}:${own}`;
    if (this.cached?.mark === mark) return this.cached.counts;
    const n = Object.fromEntries(COUNTED.map((t) => [t, this.db.prepare(`SELECT COUNT(*) FROM ${t}`).pluck().get() as number]));
    const counts: DatasetCounts = {
      users: n.users,
      items: n.items,
      interactions: n.interactions,
      entities: n.entities,
      relations: n.relations,
      triples: n.triples,
      links: n.item_links,
    };
    this.cached = { mark, counts };
    return counts;
  }
}
