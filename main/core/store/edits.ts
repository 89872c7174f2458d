/**
 * KG edits with history and undo (table `kg_edits`). An edit adds or removes one triple; its
 * ends are stored as entity ids (an end given as an item id is resolved to the item's linked
 * entity, or to a new entity `item:<id>` when it has none; a tail given as a name becomes the
 * entity `edit:<name>`, created on the fly). Undo marks the newest active edit as undone; undone
 * edits stay in the history.
 *
 * The imported triples are never changed: `applyKgChanges` (kg-changes.ts) replays the active
 * edits in id order over the stored KG and hides the facts labelled wrong, and
 * `Workspace.loadDataset()` calls it, so the next fit and the KG explorer see the edited graph.
 */
import { KnowrecError } from '../errors';
import type { Db } from './database';
import { DEFAULT_AUTHOR } from './labels';

/** One end of a new fact: an existing entity, an item (its linked entity), or a new entity by name. */
export type FactEnd = { readonly entity: string } | { readonly item: string } | { readonly name: string };

export interface AddFactInput {
  readonly head: FactEnd;
  readonly relation: string;
  readonly tail: FactEnd;
  readonly author?: string;
}

export interface RemoveFactInput {
  /** Entity id, or an item id (matched through the item's linked entities). */
  readonly head: string;
  readonly relation: string;
  /** Entity id, or an item id. */
  readonly tail: string;
  readonly author?: string;
}

export interface KgEditRecord {
  readonly id: number;
  readonly op: 'add' | 'remove';
  /** Entity ids of both ends. */
  readonly head: string;
  readonly relation: string;
  readonly tail: string;
  /** Entity names where known (the given name, the entity's name, or the item's title). */
  readonly headName: string | null;
  readonly tailName: string | null;
  /** The item ids the ends were given as, else null. */
  readonly headItem: string | null;
  readonly tailItem: string | null;
  readonly author: string;
  readonly created: string;
  readonly undone: boolean;
  readonly undoneAt: string | null;
}

export interface KgEditPage {
  readonly offset: number;
  readonly limit: number;
  readonly total: number;
  /** Newest first. */
  readonly rows: readonly KgEditRecord[];
}

/** Prefix of entities created by name. */
export const NEW_ENTITY_PREFIX = 'edit:';

interface EditRow {
  id: number;
  op: 'add' | 'remove';
  head_id: string;
  relation: string;
  tail_id: string;
  head_name: string | null;
  tail_name: string | null;
  head_item: string | null;
  tail_item: string | null;
  author: string;
  created: string;
  undone: number;
  undone_at: string | null;
}

interface ResolvedEnd {
  readonly id: string;
  readonly name: string | null;
  readonly item: string | null;
}

const COLUMNS = 'id, op, head_id, relation, tail_id, head_name, tail_name, head_item, tail_item, author, created, undone, undone_at';

export class KgEditStore {
  constructor(
    private readonly db: Db,
    private readonly file: string,
  ) {}

  /** Adds a triple to the KG (recorded as an edit). Fails when the fact is already there. */
  add(input: AddFactInput): KgEditRecord {
    const relation = text(input.relation, 'relation', this.file);
    const author = text(input.author ?? DEFAULT_AUTHOR, 'author', this.file);
    const db = this.db;
    const id = db.transaction(() => {
      const head = this.resolveNew(input.head, 'head');
      const tail = this.resolveNew(input.tail, 'tail');
      if (this.present(head.id, relation, tail.id)) {
        throw new KnowrecError('validation', `the fact (${head.name ?? head.id}, ${relation}, ${tail.name ?? tail.id}) is already in the KG`, { file: this.file }, 'nothing to add; pick another relation or tail');
      }
      return this.record('add', head, relation, tail, author);
    })();
    return this.byId(id);
  }

  /** Removes a triple from the KG (recorded as an edit). Fails when the fact is not there. */
  remove(input: RemoveFactInput): KgEditRecord {
    const relation = text(input.relation, 'relation', this.file);
    const author = text(input.author ?? DEFAULT_AUTHOR, 'author', this.file);
    const headKey = text(input.head, 'head', this.file);
    const tailKey = text(input.tail, 'tail', this.file);
    const db = this.db;
    const id = db.transaction(() => {
      for (const head of this.candidates(headKey)) {
        for (const tail of this.candidates(tailKey)) {
          if (this.present(head.id, relation, tail.id)) return this.record('remove', head, relation, tail, author);
        }
      }
      throw new KnowrecError('not-found', `no fact (${headKey}, ${relation}, ${tailKey}) in the KG`, { file: this.file }, 'give the head and tail as entity or item ids and the exact relation name');
    })();
    return this.byId(id);
  }

  /** Reverts the newest active edit (of `author` when given); null when there is none. */
  undo(author?: string): KgEditRecord | null {
    const db = this.db;
    const id = (
      author === undefined
        ? db.prepare('SELECT id FROM kg_edits WHERE undone = 0 ORDER BY id DESC LIMIT 1').pluck().get()
        : db.prepare('SELECT id FROM kg_edits WHERE undone = 0 AND author = ? ORDER BY id DESC LIMIT 1').pluck().get(author)
    ) as number | undefined;
    if (id === undefined) return null;
    db.prepare('UPDATE kg_edits SET undone = 1, undone_at = ? WHERE id = ?').run(new Date().toISOString(), id);
    return this.byId(id);
  }

  /** The history, newest first (undone edits included). */
  list(offset = 0, limit = 100): KgEditPage {
    if (!Number.isInteger(offset) || offset < 0 || !Number.isInteger(limit) || limit < 1) {
      throw new KnowrecError('config', `bad page: offset ${offset}, limit ${limit}`, {}, 'offset must be a whole number ≥ 0 and limit ≥ 1');
    }
    const db = this.db;
    const total = db.prepare('SELECT COUNT(*) FROM kg_edits').pluck().get() as number;
    const rows = db.prepare(`SELECT ${COLUMNS} FROM kg_edits ORDER BY id DESC LIMIT ? OFFSET ?`).all(limit, offset) as EditRow[];
    return { offset, limit, total, rows: rows.map(toRecord) };
  }

  /** Active (not undone) edits, oldest first: what loadDataset replays. */
  active(): KgEditRecord[] {
    return (this.db.prepare(`SELECT ${COLUMNS} FROM kg_edits WHERE undone = 0 ORDER BY id`).all() as EditRow[]).map(toRecord);
  }

  private byId(id: number): KgEditRecord {
    const row = this.db.prepare(`SELECT ${COLUMNS} FROM kg_edits WHERE id = ?`).get(id) as EditRow | undefined;
    if (row === undefined) throw new KnowrecError('internal', `kg edit ${id} not found`, { file: this.file });
    return toRecord(row);
  }

  private record(op: 'add' | 'remove', head: ResolvedEnd, relation: string, tail: ResolvedEnd, author: string): number {
    const r = this.db
      .prepare(
        `INSERT INTO kg_edits (op, head_id, relation, tail_id, head_name, tail_name, head_item, tail_item, author, created)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(op, head.id, relation, tail.id, head.name, tail.name, head.item, tail.item, author, new Date().toISOString());
    return Number(r.lastInsertRowid);
  }

  /** An end of a new fact, creating nothing yet (the entity appears when the edit is replayed). */
  private resolveNew(end: FactEnd, what: string): ResolvedEnd {
    if ('entity' in end) {
      const id = text(end.entity, `${what}.entity`, this.file);
      const name = this.entityName(id);
      if (name === undefined) {
        throw new KnowrecError('not-found', `no entity "${id}" in the KG`, { file: this.file }, `search the KG for the ${what}, or give it as an item id or a new name`);
      }
      return { id, name, item: null };
    }
    if ('item' in end) {
      const item = text(end.item, `${what}.item`, this.file);
      const found = this.itemEnds(item);
      if (found === null) {
        throw new KnowrecError('not-found', `no item "${item}" in the workspace`, { file: this.file }, `give the ${what} as an item id listed by the workspace`);
      }
      return found[0];
    }
    const name = text(end.name, `${what}.name`, this.file);
    return { id: `${NEW_ENTITY_PREFIX}${name}`, name, item: null };
  }

  /** The entity ends `key` may stand for: the entity itself and/or the item's linked entities. */
  private candidates(key: string): ResolvedEnd[] {
    const out: ResolvedEnd[] = [];
    const name = this.entityName(key);
    if (name !== undefined) out.push({ id: key, name, item: null });
    for (const e of this.itemEnds(key) ?? []) if (e.id !== key) out.push(e);
    return out;
  }

  /** Name of an entity (stored, or created by an active edit): null when unnamed, undefined when unknown. */
  private entityName(id: string): string | null | undefined {
    const db = this.db;
    const row = db.prepare('SELECT name FROM entities WHERE id = ?').get(id) as { name: string | null } | undefined;
    if (row !== undefined) return row.name;
    const e = db
      .prepare(
        `SELECT CASE WHEN head_id = ? THEN head_name ELSE tail_name END AS name FROM kg_edits
         WHERE undone = 0 AND op = 'add' AND (head_id = ? OR tail_id = ?) ORDER BY id LIMIT 1`,
      )
      .get(id, id, id) as { name: string | null } | undefined;
    return e === undefined ? undefined : e.name;
  }

  /** The entity ends of an item (linked entities, else one created by an edit, else `item:<id>`); null for an unknown item. */
  private itemEnds(item: string): ResolvedEnd[] | null {
    const db = this.db;
    const it = db.prepare('SELECT idx, title FROM items WHERE id = ?').get(item) as { idx: number; title: string } | undefined;
    if (it === undefined) return null;
    const title = it.title.trim().length > 0 ? it.title : null;
    const linked = db
      .prepare('SELECT e.id, e.name FROM item_links l JOIN entities e ON e.idx = l.entity_idx WHERE l.item_idx = ? ORDER BY l.rowid')
      .all(it.idx) as { id: string; name: string | null }[];
    if (linked.length > 0) return linked.map((e) => ({ id: e.id, name: e.name ?? title, item }));
    const edited = db
      .prepare(
        `SELECT CASE WHEN head_item = ? THEN head_id ELSE tail_id END FROM kg_edits
         WHERE undone = 0 AND op = 'add' AND (head_item = ? OR tail_item = ?) ORDER BY id LIMIT 1`,
      )
      .pluck()
      .get(item, item, item) as string | undefined;
    return [{ id: edited ?? `item:${item}`, name: title, item }];
  }

  /** Whether (head, relation, tail) is in the KG after the active edits (hidden facts aside). */
  private present(head: string, relation: string, tail: string): boolean {
    const db = this.db;
    const last = db
      .prepare('SELECT op FROM kg_edits WHERE undone = 0 AND head_id = ? AND relation = ? AND tail_id = ? ORDER BY id DESC LIMIT 1')
      .pluck()
      .get(head, relation, tail) as 'add' | 'remove' | undefined;
    if (last !== undefined) return last === 'add';
    const stored = db
      .prepare(
        `SELECT 1 FROM triples t JOIN entities h ON h.idx = t.head JOIN relations r ON r.idx = t.relation JOIN entities e ON e.idx = t.tail
         WHERE h.id = ? AND r.name = ? AND e.id = ?`,
      )
      .get(head, relation, tail);
    return stored !== undefined;
  }
}

function text(v: string, what: string, file: string): string {
  if (typeof v !== 'string' || v.trim().length === 0) {
    throw new KnowrecError('validation', `${what} must be a non-empty string`, { file }, `give the ${what}`);
  }
  return v.trim();
}

function toRecord(r: EditRow): KgEditRecord {
  return {
    id: r.id,
    op: r.op,
    head: r.head_id,
    relation: r.relation,
    tail: r.tail_id,
    headName: r.head_name,
    tailName: r.tail_name,
    headItem: r.head_item,
    tailItem: r.tail_item,
    author: r.author,
    created: r.created,
    undone: r.undone === 1,
    undoneAt: r.undone_at,
  };
}
