/**
 * The KG the analysts see: the stored KG with the active KG edits replayed in id order (adds
 * create missing entities, relations and item links) and the facts labelled wrong hidden.
 * Pure: `Workspace.loadDataset()` passes the edits and wrong facts it read.
 */
import type { Dataset } from '../types';
import type { KgEditRecord } from './edits';
import type { WrongFact } from './labels';

export interface KgChangeReport {
  /** Triples the edits added. */
  readonly added: number;
  /** Stored triples the edits removed. */
  readonly removed: number;
  /** Triples hidden because a fact label says they are wrong. */
  readonly hidden: number;
  /** Edits or wrong-fact labels that matched nothing (unknown entity or relation). */
  readonly skipped: number;
}

type Triple = [number, number, number];

/** The vocabulary and item links being edited (copies of the stored ones). */
class KgDraft {
  readonly entityIds: string[];
  readonly entityNames: (string | null)[];
  readonly relationNames: string[];
  readonly entityIndex: Map<string, number>;
  readonly relationIndex: Map<string, number>;
  readonly itemIndex: Map<string, number>;
  readonly itemEntities: number[][];

  constructor(ds: Dataset) {
    this.entityIds = [...ds.kg.entityIds];
    this.entityNames = [...ds.kg.entityNames];
    this.relationNames = [...ds.kg.relationNames];
    this.entityIndex = new Map(this.entityIds.map((id, i) => [id, i]));
    this.relationIndex = new Map(this.relationNames.map((n, i) => [n, i]));
    this.itemIndex = new Map(ds.itemIds.map((id, i) => [id, i]));
    this.itemEntities = ds.itemEntities.map((a) => Array.from(a));
  }

  entity(id: string, name: string | null, create: boolean): number | undefined {
    let e = this.entityIndex.get(id);
    if (e === undefined && create) {
      e = this.entityIds.length;
      this.entityIds.push(id);
      this.entityNames.push(name);
      this.entityIndex.set(id, e);
    }
    return e;
  }

  relation(name: string, create: boolean): number | undefined {
    let r = this.relationIndex.get(name);
    if (r === undefined && create) {
      r = this.relationNames.length;
      this.relationNames.push(name);
      this.relationIndex.set(name, r);
    }
    return r;
  }

  link(item: string | null, e: number): void {
    const i = item === null ? undefined : this.itemIndex.get(item);
    if (i !== undefined && !this.itemEntities[i].includes(e)) this.itemEntities[i].push(e);
  }
}

/** What the edits and wrong facts do to the triples, by key "head relation tail". */
interface TripleChanges {
  readonly added: Map<string, Triple>;
  readonly removedStored: Set<string>;
  readonly hiddenKeys: Set<string>;
  /** Heads of every changed key: stored triples of other heads are kept without a look-up. */
  readonly touchedHeads: Set<number>;
  skipped: number;
}

const key = (h: number, r: number, t: number): string => `${h} ${r} ${t}`;

/**
 * `ds` (as stored) with `edits` (active, oldest first) replayed and the `wrong` facts hidden.
 * Returns `ds` itself when there is nothing to apply.
 */
export function applyKgChanges(ds: Dataset, edits: readonly KgEditRecord[], wrong: readonly WrongFact[]): { dataset: Dataset; report: KgChangeReport } {
  if (edits.length === 0 && wrong.length === 0) return { dataset: ds, report: { added: 0, removed: 0, hidden: 0, skipped: 0 } };
  const draft = new KgDraft(ds);
  const changes: TripleChanges = { added: new Map(), removedStored: new Set(), hiddenKeys: new Set(), touchedHeads: new Set(), skipped: 0 };
  replayEdits(draft, edits, changes);
  hideWrongFacts(draft, wrong, changes);
  const { keep, removed, hidden } = sortStored(ds.kg, changes);
  const extra = [...changes.added.entries()].filter(([k]) => !changes.hiddenKeys.has(k)).map(([, t]) => t);
  const triples = assemble(ds.kg, keep, extra);
  return {
    dataset: {
      ...ds,
      kg: { entityIds: draft.entityIds, entityNames: draft.entityNames, relationNames: draft.relationNames, ...triples },
      itemEntities: draft.itemEntities.map((a) => Int32Array.from(a)),
    },
    report: { added: extra.length, removed, hidden: hidden + changes.added.size - extra.length, skipped: changes.skipped },
  };
}

function replayEdits(draft: KgDraft, edits: readonly KgEditRecord[], changes: TripleChanges): void {
  for (const ed of edits) {
    const create = ed.op === 'add';
    const h = draft.entity(ed.head, ed.headName, create);
    const t = draft.entity(ed.tail, ed.tailName, create);
    const r = draft.relation(ed.relation, create);
    if (h === undefined || t === undefined || r === undefined) {
      changes.skipped++;
      continue;
    }
    const k = key(h, r, t);
    changes.touchedHeads.add(h);
    if (ed.op === 'add') {
      draft.link(ed.headItem, h);
      draft.link(ed.tailItem, t);
      changes.removedStored.delete(k);
      changes.added.set(k, [h, r, t]);
    } else {
      changes.added.delete(k);
      changes.removedStored.add(k);
    }
  }
}

/** A wrong fact's head is an entity id or an item id (then every entity the item links to). */
function hideWrongFacts(draft: KgDraft, wrong: readonly WrongFact[], changes: TripleChanges): void {
  for (const f of wrong) {
    const r = draft.relationIndex.get(f.relation);
    const t = draft.entityIndex.get(f.tail);
    const heads = new Set<number>();
    const direct = f.byItem ? undefined : draft.entityIndex.get(f.head);
    if (direct !== undefined) heads.add(direct);
    const item = draft.itemIndex.get(f.head);
    if (item !== undefined) for (const e of draft.itemEntities[item]) heads.add(e);
    if (r === undefined || t === undefined || heads.size === 0) {
      changes.skipped++;
      continue;
    }
    for (const h of heads) {
      changes.hiddenKeys.add(key(h, r, t));
      changes.touchedHeads.add(h);
    }
  }
}

/**
 * Which stored triples stay (removed and hidden ones go). An added triple that is already
 * stored is dropped from `changes.added`: the stored one is kept.
 */
function sortStored(kg: Dataset['kg'], changes: TripleChanges): { keep: Uint8Array; removed: number; hidden: number } {
  const m = kg.head.length;
  const keep = new Uint8Array(m).fill(1);
  let removed = 0;
  let hidden = 0;
  for (let i = 0; i < m; i++) {
    if (!changes.touchedHeads.has(kg.head[i])) continue;
    const k = key(kg.head[i], kg.relation[i], kg.tail[i]);
    if (changes.removedStored.has(k)) {
      keep[i] = 0;
      removed++;
    } else if (changes.hiddenKeys.has(k)) {
      keep[i] = 0;
      hidden++;
    } else {
      changes.added.delete(k);
    }
  }
  return { keep, removed, hidden };
}

/** The kept stored triples, in order, then the added ones (not derived). */
function assemble(kg: Dataset['kg'], keep: Uint8Array, extra: readonly Triple[]): { head: Int32Array; relation: Int32Array; tail: Int32Array; derived: Uint8Array } {
  const m = kg.head.length;
  let n = 0;
  for (let i = 0; i < m; i++) n += keep[i];
  const total = n + extra.length;
  const head = new Int32Array(total);
  const relation = new Int32Array(total);
  const tail = new Int32Array(total);
  const derived = new Uint8Array(total);
  let j = 0;
  for (let i = 0; i < m; i++) {
    if (keep[i] === 0) continue;
    head[j] = kg.head[i];
    relation[j] = kg.relation[i];
    tail[j] = kg.tail[i];
    derived[j] = kg.derived[i];
    j++;
  }
  for (const [h, r, t] of extra) {
    head[j] = h;
    relation[j] = r;
    tail[j] = t;
    j++;
  }
  return { head, relation, tail, derived };
}
