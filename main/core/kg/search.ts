/**
 * In-memory, case-insensitive substring search over item labels and entity labels.
 * Ranking: exact match, then prefix, then word start, then anywhere; items before named
 * entities before entities described through items; shorter labels first.
 * (The workspace's FTS5 index replaces this for large catalogs.)
 *
 * The labels are searched as strings, or, in an index restored from its cache file, as the
 * file's UTF-8 runs (no string made but the hits'): the same ranks, since a lowercased query
 * matches the UTF-8 bytes of a label where it matches its characters, and a byte before it that
 * is not an ASCII letter or digit belongs to a character that is not one either.
 */
import { KnowrecError } from '../errors';
import type { KgCore } from './core';
import { isOpaqueId } from './names';
import { LONE_SURROGATE, type PackedStrings } from './packed-strings';
import type { SearchHit } from './types';

/** The lowercased labels of a restored index, with what the ranking reads. */
export interface PackedSearchText {
  readonly items: PackedStrings;
  readonly entities: PackedStrings;
  /** The labels themselves (their lengths rank the hits). */
  readonly itemLabels: PackedStrings;
  readonly entityLabels: PackedStrings;
  /** 1 where an entity has a name or a readable id (ranked before those described through items). */
  readonly entityNamed: Uint8Array;
  /** Entity → items (CSR offsets): an entity with items is found as an item. */
  readonly entityItemOffsets: Int32Array;
}

/** A hit's rank as one number, smaller first: match, group, label length, index (see KEY). */
const LENGTHS = 2 ** 20;
const INDICES = 2 ** 27;

const keyOf = (match: number, group: number, length: number, index: number): number => ((match * 3 + group) * LENGTHS + Math.min(length, LENGTHS - 1)) * INDICES + index;

export class EntitySearch {
  private itemText: string[] | null = null;
  private entityText: string[] | null = null;

  /** `text`: the lowercased item and entity labels when known (a restored index keeps them). */
  constructor(
    private readonly core: KgCore,
    text?: { readonly items: string[]; readonly entities: string[] },
    private readonly packed: PackedSearchText | null = null,
  ) {
    if (text !== undefined && text.items.length === core.itemCount && text.entities.length === core.adjacency.nEntities) {
      this.itemText = text.items;
      this.entityText = text.entities;
    }
    if (core.itemCount >= INDICES || core.adjacency.nEntities >= INDICES) {
      throw new KnowrecError('config', `the KG search ranks at most ${INDICES} items and entities`, {}, 'use a smaller catalog or KG');
    }
  }

  /** The lowercased labels searched (made on first use). */
  text(): { items: string[]; entities: string[] } {
    const core = this.core;
    this.itemText ??= this.packed?.items.all() ?? core.items.map((_, i) => core.itemLabel(i).toLowerCase());
    this.entityText ??= this.packed?.entities.all() ?? core.kg.entityIds.map((_, e) => core.entityLabel(e).toLowerCase());
    return { items: this.itemText, entities: this.entityText };
  }

  search(query: string, limit = 20): SearchHit[] {
    if (!Number.isInteger(limit) || limit < 0) {
      throw new KnowrecError('config', `limit must be a whole number ≥ 0, got ${String(limit)}`, {}, 'pass e.g. 20');
    }
    const q = query.trim().toLowerCase();
    if (q.length === 0 || limit === 0) return [];
    const best = new Smallest(limit);
    if (this.packed !== null && this.itemText === null) this.scanPacked(this.packed, q, best);
    else this.scanText(q, best);
    return best.sorted().map((key) => this.hit(key));
  }

  private scanText(q: string, best: Smallest): void {
    const core = this.core;
    const { items: itemText, entities: entityText } = this.text();
    for (let i = 0; i < itemText.length; i++) {
      const m = matchRank(itemText[i], q);
      if (m >= 0) best.add(keyOf(m, 0, core.itemLabel(i).length, i));
    }
    for (let e = 0; e < entityText.length; e++) {
      if (core.entityItems(e).length > 0) continue; // found as an item above
      const m = matchRank(entityText[e], q);
      if (m < 0) continue;
      const named = core.kg.entityNames[e] !== null || !isOpaqueId(core.entityId(e));
      best.add(keyOf(m, named ? 1 : 2, core.entityLabel(e).length, e));
    }
  }

  private scanPacked(p: PackedSearchText, query: string, best: Smallest): void {
    // a lone surrogate is stored as U+FFFD: such a query matches no stored label
    if (LONE_SURROGATE.test(query)) return;
    const q = Buffer.from(query, 'utf8');
    const itemBytes = p.items.bytes;
    const itemStarts = p.items.starts;
    for (let i = 0; i < itemStarts.length - 1; i++) {
      const m = matchRankBytes(itemBytes, itemStarts[i], itemStarts[i + 1], q);
      // the label's length is counted only when the hit may rank among the kept ones
      if (m >= 0 && best.mayTake(keyOf(m, 0, 0, 0))) best.add(keyOf(m, 0, p.itemLabels.utf16Length(i), i));
    }
    const entityBytes = p.entities.bytes;
    const entityStarts = p.entities.starts;
    const withItems = p.entityItemOffsets;
    for (let e = 0; e < entityStarts.length - 1; e++) {
      if (withItems[e + 1] > withItems[e]) continue; // found as an item above
      const m = matchRankBytes(entityBytes, entityStarts[e], entityStarts[e + 1], q);
      if (m < 0) continue;
      const group = p.entityNamed[e] === 1 ? 1 : 2;
      if (best.mayTake(keyOf(m, group, 0, 0))) best.add(keyOf(m, group, p.entityLabels.utf16Length(e), e));
    }
  }

  private hit(key: number): SearchHit {
    const core = this.core;
    const index = key % INDICES;
    const group = Math.floor(key / INDICES / LENGTHS) % 3;
    if (group !== 0) return { kind: 'entity', entity: index, id: core.entityId(index), label: core.entityLabel(index) };
    const ents = core.itemEntities(index);
    const entity = ents.length > 0 ? ents[0] : null;
    const itemId = core.itemId(index);
    return { kind: 'item', entity, id: entity === null ? itemId : core.entityId(entity), item: index, itemId, label: core.itemLabel(index) };
  }
}

/** The `limit` smallest numbers added (a max-heap of them). */
class Smallest {
  private readonly heap: number[] = [];

  constructor(private readonly limit: number) {}

  /** False when a number ≥ `low` would not be kept. */
  mayTake(low: number): boolean {
    return this.heap.length < this.limit || low < this.heap[0];
  }

  add(v: number): void {
    const h = this.heap;
    if (h.length < this.limit) {
      h.push(v);
      let i = h.length - 1;
      while (i > 0) {
        const up = (i - 1) >> 1;
        if (h[up] >= h[i]) break;
        [h[up], h[i]] = [h[i], h[up]];
        i = up;
      }
      return;
    }
    if (v >= h[0]) return;
    h[0] = v;
    for (let i = 0; ; ) {
      const l = 2 * i + 1;
      const r = l + 1;
      let big = i;
      if (l < h.length && h[l] > h[big]) big = l;
      if (r < h.length && h[r] > h[big]) big = r;
      if (big === i) return;
      [h[big], h[i]] = [h[i], h[big]];
      i = big;
    }
  }

  sorted(): number[] {
    return [...this.heap].sort((a, b) => a - b);
  }
}

/** 0 exact, 1 prefix, 2 at a word start, 3 elsewhere, -1 no match. */
function matchRank(text: string, q: string): number {
  const at = text.indexOf(q);
  if (at < 0) return -1;
  if (text.length === q.length) return 0;
  if (at === 0) return 1;
  let i = at;
  while (i >= 0) {
    if (!/[a-z0-9]/.test(text[i - 1] ?? ' ')) return 2;
    i = text.indexOf(q, i + 1);
  }
  return 3;
}

const isAsciiAlnum = (c: number): boolean => (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39);

/** matchRank on the UTF-8 bytes [start, end) of a lowercased label, `q` the query's bytes. */
function matchRankBytes(b: Uint8Array, start: number, end: number, q: Uint8Array): number {
  const m = q.length;
  const q0 = q[0];
  let rank = -1;
  for (let p = start, last = end - m; p <= last; p++) {
    if (b[p] !== q0) continue;
    let k = 1;
    while (k < m && b[p + k] === q[k]) k++;
    if (k < m) continue;
    if (p === start) return end - start === m ? 0 : 1;
    if (!isAsciiAlnum(b[p - 1])) return 2;
    rank = 3;
  }
  return rank;
}
