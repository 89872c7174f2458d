/**
 * kgFactSource names an unnamed entity (a Freebase director without a name) through the other
 * items that share it: the most popular first, ties by item order, at most maxShared of them.
 * Built data: one unnamed director of films 0..5, one named actor; popularity given per item.
 */
import { describe, expect, it } from 'vitest';
import { KgIndex } from '../../main/core/kg';
import { kgFactSource } from '../../main/core/text';
import type { Dataset, ItemRecord } from '../../main/core/types';
import { catalogDataset } from '../../main/core/data/catalog-dataset';

const DIRECTED_BY = 'film.film.directed_by';
const ACTOR = 'film.film.actor';
const N = 6;

function dataset(): Dataset {
  // entities 0..5 stand for the films, 6 is the unnamed director, 7 the named actor
  const entityIds = [...Array.from({ length: N }, (_, i) => `m.film${i}`), 'm.director', 'm.actor'];
  const entityNames = entityIds.map((id) => (id === 'm.actor' ? 'Ann Actor' : null));
  const head: number[] = [];
  const relation: number[] = [];
  const tail: number[] = [];
  for (let i = 0; i < N; i++) {
    head.push(i);
    relation.push(0);
    tail.push(N);
  }
  head.push(0);
  relation.push(1);
  tail.push(N + 1);
  const items: ItemRecord[] = Array.from({ length: N }, (_, i) => ({ id: String(i), title: `Film ${i}`, text: {}, attributes: {} }));
  return catalogDataset(
    'shared',
    items,
    {
      entityIds,
      entityNames,
      relationNames: [DIRECTED_BY, ACTOR],
      head: Int32Array.from(head),
      relation: Int32Array.from(relation),
      tail: Int32Array.from(tail),
      derived: new Uint8Array(head.length),
    },
    Array.from({ length: N }, (_, i) => Int32Array.of(i)),
  );
}

const kg = new KgIndex(dataset(), { derive: false });
// film 3 and film 5 are the most popular; films 1 and 4 tie below them
const popularity = [100, 7, 0, 50, 7, 50];

describe('kgFactSource: an unnamed entity named through the items sharing it', () => {
  it('names the most popular other items first, ties by item order, at most two by default', () => {
    const facts = kgFactSource(kg, { popularity }).itemFacts(0);
    expect(facts).toEqual([
      { relation: DIRECTED_BY, entityLabel: null, direction: 'out', sharedWith: ['Film 3', 'Film 5'] },
      { relation: ACTOR, entityLabel: 'Ann Actor', direction: 'out' },
    ]);
    // from film 3 the best others are film 0 (100) and film 5 (50)
    expect(kgFactSource(kg, { popularity }).itemFacts(3)[0].sharedWith).toEqual(['Film 0', 'Film 5']);
  });

  it('honours maxShared, breaks ties by item order, and orders by index without popularity', () => {
    expect(kgFactSource(kg, { popularity, maxShared: 4 }).itemFacts(0)[0].sharedWith).toEqual(['Film 3', 'Film 5', 'Film 1', 'Film 4']);
    expect(kgFactSource(kg, { popularity, maxShared: 10 }).itemFacts(2)[0].sharedWith).toEqual(['Film 0', 'Film 3', 'Film 5', 'Film 1', 'Film 4']);
    expect(kgFactSource(kg, { maxShared: 3 }).itemFacts(4)[0].sharedWith).toEqual(['Film 0', 'Film 1', 'Film 2']);
    const none = kgFactSource(kg, { popularity, maxShared: 0 }).itemFacts(0)[0];
    expect(none).toEqual({ relation: DIRECTED_BY, entityLabel: null, direction: 'out' });
  });
});
