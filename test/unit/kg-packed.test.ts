/**
 * A KG index restored from its cache file reads its strings from the file's UTF-8 runs
 * (packed-strings.ts) instead of splitting them into lists: its answers (search, id look-ups,
 * labels, descriptions, neighbourhoods, item cards) are the built index's, before and after
 * anything makes its whole lists, and the search ranks as the sort it replaced.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kgSubgraphView } from '../../main/api/kg-views';
import { itemCardView, kgSearchView } from '../../main/api/views';
import { isOpaqueId, KgIndex } from '../../main/core/kg';
import { packKgIndex, readWhole, unpackKgIndex } from '../../main/core/kg/kg-cache';
import { PackedStrings, packStrings, sortedOrder } from '../../main/core/kg/packed-strings';
import type { SearchHit } from '../../main/core/kg/types';
import type { Dataset } from '../../main/core/types';
import { tinyDataset } from '../helpers/tiny-workspace';

/** Titles and names that tell the byte search from the string one if they differ: case, accents, İ (two code units lowercased), astral characters, word starts after them. */
function trickyDataset(): Dataset {
  const ds = tinyDataset();
  const titles = ['Toy Story (1995)', 'toy', 'Ça Ira', 'İstanbul Nights', '🎬 Film Noir', 'ab-ab', 'xab', 'AB', 'Émile et l’ab', 'a'];
  const items = titles.map((title, i) => ({ id: i === 4 ? 'i🎬' : `i${i + 1}`, title, text: { plot: `plot ${i}` }, attributes: { year: 1990 + i } }));
  // entities: one per item, then people, genres and unnamed hubs
  const extra = [
    ['m.0lasseter', 'John Lasseter'],
    ['m.0abc', null],
    ['m.0def', ''],
    ['genre:Comedy', null],
    ['m.0zola', 'Émile Zola'],
    ['m.0ab', 'AB ab'],
    ['m.0🎬', null],
  ] as const;
  const entityIds = [...items.map((_, i) => `m.item${i}`), ...extra.map((e) => e[0])];
  const entityNames = [...items.map(() => null), ...extra.map((e) => e[1])];
  const n = items.length;
  // each item: directed by Lasseter or Zola; genre Comedy; the unnamed hubs tie a few items
  const triples: [number, number, number][] = [];
  for (let i = 0; i < n; i++) {
    triples.push([i, 0, n + (i % 2 === 0 ? 0 : 4)]);
    triples.push([i, 1, n + 3]);
    if (i < 4) triples.push([i, 2, n + 1]);
    if (i % 3 === 0) triples.push([n + 2, 2, i]);
    if (i === 4) triples.push([i, 2, n + 6]);
  }
  triples.push([n + 5, 0, n + 4]);
  return {
    ...ds,
    itemIds: items.map((it) => it.id),
    items,
    interactions: { user: Int32Array.of(0, 0, 1, 2), item: Int32Array.of(0, 3, 3, 7), rating: Float32Array.of(5, 4, 3, 1), timestamp: Float64Array.of(1, 2, 3, 4) },
    kg: {
      entityIds,
      entityNames,
      relationNames: ['film.film.directed_by', 'film.film.genre', 'film.film.featured'],
      head: Int32Array.from(triples, (t) => t[0]),
      relation: Int32Array.from(triples, (t) => t[1]),
      tail: Int32Array.from(triples, (t) => t[2]),
      derived: new Uint8Array(triples.length),
    },
    itemEntities: items.map((_, i) => Int32Array.of(i)),
  };
}

const QUERIES = ['a', 'ab', 'AB', ' toy ', 'toy', 'ç', 'ça', 'i̇', 'i', 'istanbul', '🎬', 'film', 'm.', 'm.0', 'comedy', 'genre', 'zzz', '(', 'e', 'é', 'émile', 'ira', 'b', 'director', 'of', 'lasseter', 'x', '\ud800'];

/** The search as it was: every hit scored, all sorted, the first `limit` kept. */
function sortedSearch(kg: KgIndex, query: string, limit: number): SearchHit[] {
  const q = query.trim().toLowerCase();
  if (q.length === 0 || limit === 0) return [];
  const rank = (text: string): number => {
    const at = text.indexOf(q);
    if (at < 0) return -1;
    if (text.length === q.length) return 0;
    if (at === 0) return 1;
    for (let i = at; i >= 0; i = text.indexOf(q, i + 1)) if (!/[a-z0-9]/.test(text[i - 1] ?? ' ')) return 2;
    return 3;
  };
  const scored: { hit: SearchHit; match: number; group: number; order: number }[] = [];
  kg.items.forEach((it, i) => {
    const m = rank(kg.itemLabel(i).toLowerCase());
    const ents = kg.itemEntities(i);
    const entity = ents.length > 0 ? ents[0] : null;
    if (m >= 0) scored.push({ hit: { kind: 'item', entity, id: entity === null ? it.id : kg.kg.entityIds[entity], item: i, itemId: it.id, label: kg.itemLabel(i) }, match: m, group: 0, order: i });
  });
  kg.kg.entityIds.forEach((id, e) => {
    const m = kg.entityItems(e).length > 0 ? -1 : rank(kg.entityLabel(e).toLowerCase());
    const group = kg.kg.entityNames[e] !== null || !isOpaqueId(id) ? 1 : 2;
    if (m >= 0) scored.push({ hit: { kind: 'entity', entity: e, id, label: kg.entityLabel(e) }, match: m, group, order: e });
  });
  scored.sort((a, b) => a.match - b.match || a.group - b.group || a.hit.label.length - b.hit.label.length || a.order - b.order);
  return scored.slice(0, limit).map((s) => s.hit);
}

/** What the KG view and the Api read of an index, asked without touching its whole lists. */
function answers(kg: KgIndex, itemIds: readonly string[], entityIds: readonly string[]): unknown {
  return {
    search: QUERIES.flatMap((q) => [1, 3, 20].map((limit) => kg.searchEntities(q, limit))),
    views: QUERIES.map((q) => kgSearchView(kg, q, 20)),
    entityIndex: [...entityIds, 'm.', 'nope', 'm.item1x', ''].map((id) => kg.entityIndex(id)),
    itemIndex: [...itemIds, 'i', 'nope', ''].map((id) => kg.itemIndex(id)),
    labels: entityIds.map((_, e) => [kg.entityId(e), kg.entityLabel(e), kg.entityDescription(e), kg.entityHasName(e)]),
    items: itemIds.map((id, i) => [kg.itemId(i), kg.itemLabel(i), kg.item(i).title, kg.item(i).attributes, kgSubgraphView(kg, { item: id, hops: 2, cap: 50 }), itemCardView(kg, id)]),
    entities: entityIds.map((id) => kgSubgraphView(kg, { entity: id, hops: 1, cap: 50 })),
  };
}

describe('a KG index restored without decoding its lists', () => {
  it('packs strings as runs with starts; reads them one at a time; finds ids by halves (the last of equal ids)', () => {
    const list = ['b', 'a', '', 'é🎬', 'a', 'İ', 'z', 'lone \ud800', 'A'];
    const p = new PackedStrings(packStrings(list), sortedOrder(list));
    expect(p.length).toBe(list.length);
    expect(p.all()).toEqual([...list.slice(0, 7), 'lone \ufffd', 'A']);
    expect(list.map((_, i) => p.utf16Length(i))).toEqual(p.all().map((s) => s.length));
    // a Map built in index order keeps the last of equal keys
    const map = new Map(p.all().map((s, i) => [s, i]));
    for (const s of [...p.all(), 'c', 'aa', 'lone \ud800', ' ']) expect(p.indexOf(s)).toBe(map.get(s));
    expect(new PackedStrings(packStrings([])).all()).toEqual([]);
  });

  it('answers as the built index before and after its whole lists are made, and searches as the sort it replaced', () => {
    const built = new KgIndex(trickyDataset());
    const unpacked = unpackKgIndex(packKgIndex(built.parts(), 's'));
    expect(unpacked).not.toBeNull();
    const restored = new KgIndex(unpacked!.parts);
    const itemIds = built.items.map((it) => it.id);
    const entityIds = built.kg.entityIds;
    const want = answers(built, itemIds, entityIds);
    // before: the restored index reads the packed runs (nothing whole made yet)
    expect(answers(restored, itemIds, entityIds)).toEqual(want);
    for (const q of QUERIES) for (const limit of [1, 2, 5, 40]) expect(restored.searchEntities(q, limit)).toEqual(sortedSearch(built, q, limit));
    // after: the whole lists made (as saving it again does), search text included
    restored.parts();
    expect(restored.kg.entityIds).toEqual(entityIds);
    expect(restored.items.map((it) => it.id)).toEqual(itemIds);
    expect(answers(restored, itemIds, entityIds)).toEqual(want);
    for (const q of QUERIES) expect(built.searchEntities(q, 40)).toEqual(sortedSearch(built, q, 40));
  });

  it('a restored index saved again reads back the same', () => {
    const built = new KgIndex(trickyDataset());
    const once = new KgIndex(unpackKgIndex(packKgIndex(built.parts(), 's'))!.parts);
    const twice = new KgIndex(unpackKgIndex(packKgIndex(once.parts(), 's'))!.parts);
    const itemIds = built.items.map((it) => it.id);
    expect(answers(twice, itemIds, built.kg.entityIds)).toEqual(answers(built, itemIds, built.kg.entityIds));
  });

  it('parts without labels or search text are completed when packed', () => {
    const ds = trickyDataset();
    const built = new KgIndex(ds);
    const bare = new KgIndex(ds).parts();
    const back = new KgIndex(unpackKgIndex(packKgIndex({ ...bare, labels: undefined, itemLabels: undefined, searchText: undefined }, 's'))!.parts);
    const itemIds = built.items.map((it) => it.id);
    expect(answers(back, itemIds, built.kg.entityIds)).toEqual(answers(built, itemIds, built.kg.entityIds));
  });

  it('reads a whole file in parallel parts (the cache file), and fails on a missing one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'knowrec-read-whole-'));
    try {
      const file = join(dir, 'f.bin');
      const bytes = Uint8Array.from({ length: 1000 }, (_, i) => (i * 7) % 256);
      writeFileSync(file, bytes);
      for (const chunk of [1000, 999, 64, 7, 1]) expect(await readWhole(file, chunk)).toEqual(Buffer.from(bytes));
      writeFileSync(file, new Uint8Array(0));
      expect((await readWhole(file, 8)).length).toBe(0);
      await expect(readWhole(join(dir, 'missing.bin'))).rejects.toThrow();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
