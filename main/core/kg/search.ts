/**
 * In-memory, case-insensitive substring search over item labels and entity labels.
 * Ranking: exact match, then prefix, then word start, then anywhere; items before named
 * entities before entities described through items; shorter labels first.
 * (The workspace's FTS5 index replaces this for large catalogs.)
 */
import { KnowrecError } from '../errors';
import type { KgCore } from './core';
import { isOpaqueId } from './names';
import type { SearchHit } from './types';

interface Scored {
  readonly hit: SearchHit;
  readonly match: number;
  readonly group: number;
  readonly order: number;
}

export class EntitySearch {
  private itemText: string[] | null = null;
  private entityText: string[] | null = null;

  /** `text`: the lowercased item and entity labels when known (a restored index keeps them). */
  constructor(
    private readonly core: KgCore,
    text?: { readonly items: string[]; readonly entities: string[] },
  ) {
    if (text !== undefined && text.items.length === core.items.length && text.entities.length === core.kg.entityIds.length) {
      this.itemText = text.items;
      this.entityText = text.entities;
    }
  }

  /** The lowercased labels searched (made on first use). */
  text(): { items: string[]; entities: string[] } {
    const core = this.core;
    this.itemText ??= core.items.map((_, i) => core.itemLabel(i).toLowerCase());
    this.entityText ??= core.kg.entityIds.map((_, e) => core.entityLabel(e).toLowerCase());
    return { items: this.itemText, entities: this.entityText };
  }

  search(query: string, limit = 20): SearchHit[] {
    if (!Number.isInteger(limit) || limit < 0) {
      throw new KnowrecError('config', `limit must be a whole number ≥ 0, got ${String(limit)}`, {}, 'pass e.g. 20');
    }
    const q = query.trim().toLowerCase();
    if (q.length === 0 || limit === 0) return [];
    const core = this.core;
    const { items: itemText, entities: entityText } = this.text();
    const scored: Scored[] = [];

    for (let i = 0; i < itemText.length; i++) {
      const m = matchRank(itemText[i], q);
      if (m < 0) continue;
      const ents = core.itemEntities(i);
      const entity = ents.length > 0 ? ents[0] : null;
      const item = core.items[i];
      scored.push({
        hit: {
          kind: 'item',
          entity,
          id: entity === null ? item.id : core.kg.entityIds[entity],
          item: i,
          itemId: item.id,
          label: core.itemLabel(i),
        },
        match: m,
        group: 0,
        order: i,
      });
    }
    for (let e = 0; e < entityText.length; e++) {
      if (core.entityItems(e).length > 0) continue; // found as an item above
      const m = matchRank(entityText[e], q);
      if (m < 0) continue;
      const named = core.kg.entityNames[e] !== null || !isOpaqueId(core.kg.entityIds[e]);
      scored.push({
        hit: { kind: 'entity', entity: e, id: core.kg.entityIds[e], label: core.entityLabel(e) },
        match: m,
        group: named ? 1 : 2,
        order: e,
      });
    }
    scored.sort(
      (a, b) => a.match - b.match || a.group - b.group || a.hit.label.length - b.hit.label.length || a.order - b.order,
    );
    return scored.slice(0, limit).map((s) => s.hit);
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
