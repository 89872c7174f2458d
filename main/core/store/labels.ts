/**
 * Analysts' labels, stored in the workspace's `labels` table by string id (so they survive a
 * re-import): relevance labels on (user, item) pairs and fact labels on KG triples (head given
 * as an item id or an entity id, relation name, tail entity id).
 *
 * Relabeling the same pair (or fact) replaces the older label: the older row stays with
 * `superseded = 1` and no longer counts anywhere; undoing the newer label brings it back.
 * Undo deletes the newest active label (overall or of one author) and returns it.
 * Fact labels with value 0 (wrong) hide their triple from `Workspace.loadDataset()`.
 *
 * Explanation labels (schema 4) judge an explanation of a (user, item) recommendation: 1 accepted,
 * 0 rejected, with what it cited (history items, facts, KG ties, reason) as JSON provenance. How
 * they feed training (relevanceLabels): an accepted explanation is a positive (user, item) pair,
 * like a "relevant" label, unless an active relevance label judges the same pair (that one wins);
 * a rejected explanation is excluded (it judges the reason, not whether the item is relevant).
 */
import { KnowrecError } from '../errors';
import type { Dataset } from '../types';
import type { Db } from './database';
import type { UserStore } from './privacy';

export type LabelValue = 0 | 1;
export type LabelKind = 'relevance' | 'fact' | 'explanation';

/** Author recorded when none is given. */
export const DEFAULT_AUTHOR = 'analyst';

interface LabelMeta {
  /** Who judged; default DEFAULT_AUTHOR. */
  readonly author?: string;
  /** The model version that proposed the pair; null or absent when labelled by hand. */
  readonly modelVersion?: string | null;
  readonly note?: string;
}

export interface RelevanceLabelInput extends LabelMeta {
  readonly kind: 'relevance';
  readonly user: string;
  readonly item: string;
  /** 1 relevant, 0 not relevant. */
  readonly value: LabelValue;
}

export interface FactLabelInput extends LabelMeta {
  readonly kind: 'fact';
  /** The fact's head as an item id (its linked entities) … */
  readonly item?: string;
  /** … or as an entity id: exactly one of item and head. */
  readonly head?: string;
  readonly relation: string;
  readonly tail: string;
  /** 1 correct, 0 wrong (hidden from the KG). */
  readonly value: LabelValue;
}

/** What an explanation cited, stored with its label. */
export interface ExplanationProvenance {
  /** History item ids. */
  readonly history: readonly string[];
  /** The facts as shown. */
  readonly facts: readonly string[];
  /** KG ties (history item id, relation, entity id). */
  readonly ties: readonly { readonly item: string; readonly relation: string; readonly entity: string }[];
  readonly reason: string | null;
}

export interface ExplanationLabelInput extends LabelMeta {
  readonly kind: 'explanation';
  readonly user: string;
  readonly item: string;
  /** 1 accepted, 0 rejected. */
  readonly value: LabelValue;
  readonly provenance: ExplanationProvenance;
}

export type LabelInput = RelevanceLabelInput | FactLabelInput | ExplanationLabelInput;

export interface StoredLabel {
  readonly id: number;
  readonly kind: LabelKind;
  readonly user: string | null;
  readonly item: string | null;
  readonly head: string | null;
  readonly relation: string | null;
  readonly tail: string | null;
  readonly value: LabelValue;
  readonly author: string;
  /** ISO time of the judgement. */
  readonly created: string;
  readonly modelVersion: string | null;
  readonly note: string | null;
  /** Explanation labels: what the explanation cited; null for the other kinds. */
  readonly provenance: ExplanationProvenance | null;
}

export interface LabelFilter {
  readonly kind?: LabelKind;
  readonly author?: string;
  readonly user?: string;
  readonly item?: string;
  readonly value?: LabelValue;
  /** Default 0. */
  readonly offset?: number;
  /** Default 100. */
  readonly limit?: number;
}

export interface LabelPage {
  readonly offset: number;
  readonly limit: number;
  /** Labels matching the filter (all pages). */
  readonly total: number;
  /** Newest first. */
  readonly rows: readonly StoredLabel[];
}

export interface LabelCounts {
  readonly relevant: number;
  readonly notRelevant: number;
  readonly factCorrect: number;
  readonly factWrong: number;
  readonly explanationsAccepted: number;
  readonly explanationsRejected: number;
  readonly total: number;
  readonly byAuthor: Readonly<Record<string, number>>;
}

/** A relevance label on the dataset's dense indices (training data). */
export interface IndexedRelevanceLabel {
  readonly user: number;
  readonly item: number;
  readonly value: LabelValue;
}

/** A wrong fact as labelled: `head` is an item id when `byItem`, else an entity id. */
export interface WrongFact {
  readonly head: string;
  readonly byItem: boolean;
  readonly relation: string;
  readonly tail: string;
}

interface LabelRow {
  id: number;
  kind: LabelKind;
  user_id: string | null;
  item_id: string | null;
  head_id: string | null;
  relation: string | null;
  tail_id: string | null;
  value: number;
  author: string | null;
  note: string | null;
  created: string;
  model_version: string | null;
  provenance: string | null;
}

const COLUMNS = 'id, kind, user_id, item_id, head_id, relation, tail_id, value, author, note, created, model_version, provenance';
/** The columns that identify what a label judges (NULL-safe comparison with IS). */
const SAME_TARGET = 'kind = ? AND user_id IS ? AND item_id IS ? AND head_id IS ? AND relation IS ? AND tail_id IS ?';

export class LabelStore {
  constructor(
    private readonly db: Db,
    private readonly file: string,
    private readonly users: UserStore,
  ) {}

  /** Records a label (replacing an older label of the same target) and returns it. */
  add(input: LabelInput): StoredLabel {
    const target = this.target(input);
    const author = checkText(input.author ?? DEFAULT_AUTHOR, 'author');
    const modelVersion = input.modelVersion ?? null;
    const provenance = input.kind === 'explanation' ? JSON.stringify(checkProvenance(input.provenance)) : null;
    if (input.value !== 0 && input.value !== 1) {
      throw new KnowrecError('validation', `label value must be 0 or 1, got ${String(input.value)}`, { file: this.file }, 'use 1 for relevant/correct and 0 for not relevant/wrong');
    }
    const db = this.db;
    const id = db.transaction(() => {
      db.prepare(`UPDATE labels SET superseded = 1 WHERE superseded = 0 AND ${SAME_TARGET}`).run(...target);
      const r = db
        .prepare(
          `INSERT INTO labels (kind, user_id, item_id, head_id, relation, tail_id, value, author, note, created, model_version, provenance)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(...target, input.value, author, input.note ?? null, new Date().toISOString(), modelVersion, provenance);
      return Number(r.lastInsertRowid);
    })();
    const label = this.get(id);
    if (label === null) throw new KnowrecError('internal', `label ${id} vanished after insert`, { file: this.file });
    return label;
  }

  /** An active label by id, or null. */
  get(id: number): StoredLabel | null {
    const row = this.db.prepare(`SELECT ${COLUMNS} FROM labels WHERE id = ? AND superseded = 0`).get(id) as LabelRow | undefined;
    return row === undefined ? null : toLabel(row);
  }

  /** Active labels matching `filter`, newest first, one page. */
  list(filter: LabelFilter = {}): LabelPage {
    const offset = filter.offset ?? 0;
    const limit = filter.limit ?? 100;
    if (!Number.isInteger(offset) || offset < 0 || !Number.isInteger(limit) || limit < 1) {
      throw new KnowrecError('config', `bad page: offset ${offset}, limit ${limit}`, {}, 'offset must be a whole number ≥ 0 and limit ≥ 1');
    }
    const where: string[] = ['superseded = 0'];
    const args: (string | number)[] = [];
    const add = (sql: string, v: string | number | undefined): void => {
      if (v === undefined) return;
      where.push(sql);
      args.push(v);
    };
    add('kind = ?', filter.kind);
    add('author = ?', filter.author);
    add('user_id = ?', filter.user === undefined ? undefined : this.users.storedId(filter.user));
    add('(item_id = ? OR (item_id IS NULL AND head_id = ?))', filter.item);
    if (filter.item !== undefined) args.push(filter.item);
    add('value = ?', filter.value);
    const w = where.join(' AND ');
    const db = this.db;
    const total = db.prepare(`SELECT COUNT(*) FROM labels WHERE ${w}`).pluck().get(...args) as number;
    const rows = db.prepare(`SELECT ${COLUMNS} FROM labels WHERE ${w} ORDER BY id DESC LIMIT ? OFFSET ?`).all(...args, limit, offset) as LabelRow[];
    return { offset, limit, total, rows: rows.map(toLabel) };
  }

  /** Counts of the active labels per kind and value, and per author. */
  stats(): LabelCounts {
    const db = this.db;
    const rows = db.prepare('SELECT kind, value, COUNT(*) AS n FROM labels WHERE superseded = 0 GROUP BY kind, value').all() as { kind: LabelKind; value: number; n: number }[];
    const count = (kind: LabelKind, value: number): number => rows.find((r) => r.kind === kind && r.value === value)?.n ?? 0;
    const byAuthor: Record<string, number> = {};
    for (const r of db.prepare('SELECT author, COUNT(*) AS n FROM labels WHERE superseded = 0 GROUP BY author ORDER BY author').all() as { author: string | null; n: number }[]) {
      byAuthor[r.author ?? DEFAULT_AUTHOR] = r.n;
    }
    return {
      relevant: count('relevance', 1),
      notRelevant: count('relevance', 0),
      factCorrect: count('fact', 1),
      factWrong: count('fact', 0),
      explanationsAccepted: count('explanation', 1),
      explanationsRejected: count('explanation', 0),
      total: rows.reduce((s, r) => s + r.n, 0),
      byAuthor,
    };
  }

  /**
   * Deletes the newest active label (of `author` when given) and returns it; the label it had
   * replaced, if any, becomes active again. Null when there is nothing to undo.
   */
  undo(author?: string): StoredLabel | null {
    const db = this.db;
    return db.transaction((): StoredLabel | null => {
      const row = (
        author === undefined
          ? db.prepare(`SELECT ${COLUMNS} FROM labels WHERE superseded = 0 ORDER BY id DESC LIMIT 1`).get()
          : db.prepare(`SELECT ${COLUMNS} FROM labels WHERE superseded = 0 AND author = ? ORDER BY id DESC LIMIT 1`).get(author)
      ) as LabelRow | undefined;
      if (row === undefined) return null;
      db.prepare('DELETE FROM labels WHERE id = ?').run(row.id);
      const target = [row.kind, row.user_id, row.item_id, row.head_id, row.relation, row.tail_id];
      const prev = db.prepare(`SELECT id FROM labels WHERE superseded = 1 AND ${SAME_TARGET} ORDER BY id DESC LIMIT 1`).pluck().get(...target) as number | undefined;
      if (prev !== undefined) db.prepare('UPDATE labels SET superseded = 0 WHERE id = ?').run(prev);
      return toLabel(row);
    })();
  }

  /** The (user, item) pairs with an active relevance label (stored ids). */
  labelledPairs(): { user: string; item: string }[] {
    const rows = this.db
      .prepare("SELECT user_id, item_id FROM labels WHERE superseded = 0 AND kind = 'relevance' ORDER BY id")
      .raw()
      .all() as [string, string][];
    return rows.map(([user, item]) => ({ user, item }));
  }

  /**
   * The training labels on `ds`'s dense indices, oldest first: active relevance labels, then
   * accepted explanations as positives on the pairs no relevance label judges (rejected
   * explanations are excluded; see the header). Labels whose user or item is not in `ds` are
   * skipped and counted.
   */
  relevanceLabels(ds: Dataset): { labels: IndexedRelevanceLabel[]; skipped: number; fromExplanations: number } {
    const users = new Map(ds.userIds.map((id, i) => [id, i]));
    const items = new Map(ds.itemIds.map((id, i) => [id, i]));
    const rows = this.db
      .prepare("SELECT user_id, item_id, value FROM labels WHERE superseded = 0 AND kind = 'relevance' ORDER BY id")
      .raw()
      .all() as [string, string, number][];
    const judged = new Set(rows.map(([u, i]) => `${u}\u0000${i}`));
    const accepted = (
      this.db
        .prepare("SELECT user_id, item_id, value FROM labels WHERE superseded = 0 AND kind = 'explanation' AND value = 1 ORDER BY id")
        .raw()
        .all() as [string, string, number][]
    ).filter(([u, i]) => !judged.has(`${u}\u0000${i}`));
    const labels: IndexedRelevanceLabel[] = [];
    let skipped = 0;
    for (const [u, i, v] of [...rows, ...accepted]) {
      const ui = users.get(u);
      const ii = items.get(i);
      if (ui === undefined || ii === undefined) skipped++;
      else labels.push({ user: ui, item: ii, value: v === 1 ? 1 : 0 });
    }
    return { labels, skipped, fromExplanations: accepted.length };
  }

  /** Active fact labels with value 0 (wrong), oldest first. */
  wrongFacts(): WrongFact[] {
    const rows = this.db
      .prepare("SELECT item_id, head_id, relation, tail_id FROM labels WHERE superseded = 0 AND kind = 'fact' AND value = 0 ORDER BY id")
      .raw()
      .all() as [string | null, string | null, string, string][];
    return rows.map(([item, head, relation, tail]) => ({ head: item ?? head ?? '', byItem: item !== null, relation, tail }));
  }

  /** Rewrites the user id of every label (superseded ones too) from each pair's first id to its second. */
  renameUsers(pairs: readonly (readonly [from: string, to: string])[]): void {
    const relabel = this.db.prepare('UPDATE labels SET user_id = ? WHERE user_id = ?');
    for (const [from, to] of pairs) relabel.run(to, from);
  }

  /** [kind, user_id, item_id, head_id, relation, tail_id] of what `input` judges, validated. */
  private target(input: LabelInput): [LabelKind, string | null, string | null, string | null, string | null, string | null] {
    const db = this.db;
    if (input.kind === 'relevance') {
      const user = this.users.storedId(checkText(input.user, 'user'));
      const item = checkText(input.item, 'item');
      if (db.prepare('SELECT 1 FROM users WHERE id = ?').get(user) === undefined) {
        throw new KnowrecError('not-found', `no user "${input.user}" in the workspace`, { file: this.file }, 'label users listed by the workspace');
      }
      if (db.prepare('SELECT 1 FROM items WHERE id = ?').get(item) === undefined) {
        throw new KnowrecError('not-found', `no item "${item}" in the workspace`, { file: this.file }, 'label items listed by the workspace');
      }
      return ['relevance', user, item, null, null, null];
    }
    if (input.kind === 'explanation') {
      const [, user, item] = this.target({ kind: 'relevance', user: input.user, item: input.item, value: input.value });
      return ['explanation', user, item, null, null, null];
    }
    if (input.kind !== 'fact') {
      throw new KnowrecError('validation', `label kind must be 'relevance', 'fact' or 'explanation'`, { file: this.file });
    }
    if ((input.item === undefined) === (input.head === undefined)) {
      throw new KnowrecError('validation', 'a fact label needs exactly one of item and head', { file: this.file }, 'give the item id, or the head entity id');
    }
    const relation = checkText(input.relation, 'relation');
    const tail = checkText(input.tail, 'tail');
    if (input.item !== undefined) return ['fact', null, checkText(input.item, 'item'), null, relation, tail];
    return ['fact', null, null, checkText(input.head ?? '', 'head'), relation, tail];
  }
}

function checkText(v: string, what: string): string {
  if (typeof v !== 'string' || v.trim().length === 0) {
    throw new KnowrecError('validation', `label ${what} must be a non-empty string`, {}, `give the ${what}`);
  }
  return v.trim();
}

function checkProvenance(p: ExplanationProvenance): ExplanationProvenance {
  if (typeof p !== 'object' || p === null || !Array.isArray(p.history) || !Array.isArray(p.facts)) {
    throw new KnowrecError('validation', 'an explanation label needs its provenance: the cited history items and facts', {}, 'give {history: [item ids], facts: [text]}');
  }
  return { history: [...p.history], facts: [...p.facts], ties: [...(p.ties ?? [])], reason: p.reason ?? null };
}

function parseProvenance(text: string | null): ExplanationProvenance | null {
  if (text === null) return null;
  const p = JSON.parse(text) as Partial<ExplanationProvenance>;
  return { history: p.history ?? [], facts: p.facts ?? [], ties: p.ties ?? [], reason: p.reason ?? null };
}

function toLabel(r: LabelRow): StoredLabel {
  return {
    id: r.id,
    kind: r.kind,
    user: r.user_id,
    item: r.item_id,
    head: r.head_id,
    relation: r.relation,
    tail: r.tail_id,
    value: r.value === 1 ? 1 : 0,
    author: r.author ?? DEFAULT_AUTHOR,
    created: r.created,
    modelVersion: r.model_version,
    note: r.note,
    provenance: parseProvenance(r.provenance),
  };
}
