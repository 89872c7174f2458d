import { describe, expect, it } from 'vitest';
import { KnowrecError } from '../../main/core/errors';
import { decadeOf, deriveCatalogTriples, withDerivedTriples } from '../../main/core/kg';
import type { Dataset, ItemRecord } from '../../main/core/types';
import { catalogDataset } from '../../main/core/data/catalog-dataset';

const item = (id: string, title: string, attributes: ItemRecord['attributes']): ItemRecord => ({ id, title, text: {}, attributes });

const ITEMS: ItemRecord[] = [
  item('1', 'Toy Story (1995)', { release_year: '1995', genres: ['Animation', "Children's", 'Comedy'] }),
  item('2', 'Heat', { year: 1995, class: 'Crime|Thriller' }),
  item('3', 'Mystery', { release_year: 'unkonwn', genres: ['unknown'] }),
  item('4', 'Plain', {}),
  item('5', 'Both', { genres: ['Drama'], class: ['Drama', 'War'], release_year: '1979' }),
  item('6', 'Odd year', { release_year: 'nineteen' }),
];

const triples = (c: ReturnType<typeof deriveCatalogTriples>): string[] => c.triples.map((t) => `${t.head} ${t.relation} ${t.tail}`);

describe('deriveCatalogTriples', () => {
  it('turns genres and years into has_genre / released_in_decade triples on item entities', () => {
    const c = deriveCatalogTriples(ITEMS);
    expect(triples(c)).toEqual([
      'item:1 has_genre genre:Animation',
      "item:1 has_genre genre:Children's",
      'item:1 has_genre genre:Comedy',
      'item:1 released_in_decade decade:1990s',
      'item:2 has_genre genre:Crime',
      'item:2 has_genre genre:Thriller',
      'item:2 released_in_decade decade:1990s',
      'item:5 has_genre genre:Drama',
      'item:5 has_genre genre:War',
      'item:5 released_in_decade decade:1970s',
    ]);
    const names = Object.fromEntries(c.entities.map((e) => [e.id, e.name]));
    expect(names['genre:Comedy']).toBe('Comedy');
    expect(names['decade:1990s']).toBe('1990s');
    expect(names['item:1']).toBe('Toy Story (1995)');
    expect(names['item:2']).toBe('Heat (1995)');
    expect(c.entities.filter((e) => e.item !== undefined).map((e) => e.item)).toEqual([0, 1, 4]);
    expect(c.itemEntityIds).toEqual([['item:1'], ['item:2'], [], [], ['item:5'], []]);
    expect(c.report).toMatchObject({ items: 6, itemsWithFacts: 3, itemEntitiesCreated: 3, triples: 10 });
    expect(c.report.byRelation).toEqual({ has_genre: 7, released_in_decade: 3 });
  });

  it('counts the values it skips instead of dropping them silently', () => {
    const c = deriveCatalogTriples(ITEMS);
    const skipped = Object.fromEntries(c.report.skipped.map((s) => [`${s.attribute}/${s.reason}`, s.count]));
    expect(skipped).toEqual({
      'genres/missing value': 1,
      'release_year/missing value': 1,
      'release_year/not a 4-digit year': 1,
    });
    expect(c.report.skipped.find((s) => s.attribute === 'genres')?.examples).toEqual(['item 3: "unknown"']);
  });

  it('hangs derived triples on linked entities when items have them', () => {
    const c = deriveCatalogTriples(ITEMS.slice(0, 2), { itemEntityIds: [['m.0dyb1'], []] });
    expect(triples(c).filter((t) => t.startsWith('m.0dyb1')).length).toBe(4);
    expect(c.entities.some((e) => e.id === 'item:1')).toBe(false);
    expect(c.itemEntityIds).toEqual([['m.0dyb1'], ['item:2']]);
    expect(() => deriveCatalogTriples(ITEMS, { itemEntityIds: [[]] })).toThrow(KnowrecError);
  });

  it('follows custom mappings', () => {
    const c = deriveCatalogTriples([item('9', 'X', { studio: 'Pixar', release_year: '1995' })], {
      mappings: [{ attribute: 'studio', relation: 'made_by', prefix: 'studio' }],
    });
    expect(triples(c)).toEqual(['item:9 made_by studio:Pixar']);
    expect(() => deriveCatalogTriples(ITEMS, { mappings: [{ attribute: 'a', relation: ' ', prefix: 'p' }] })).toThrow(/empty relation/);
  });

  it('computes decades', () => {
    expect(decadeOf(1995)).toBe('1990s');
    expect(decadeOf(2000)).toBe('2000s');
    expect(decadeOf(1919)).toBe('1910s');
  });
});

function dataset(): Dataset {
  return catalogDataset(
    'd',
    [item('1', 'Toy Story', { release_year: '1995', genres: ['Comedy'] }), item('2', 'Heat', { genres: ['Crime', 'Comedy'] })],
    {
      entityIds: ['m.toy', 'm.lasseter', 'genre:Comedy'],
      entityNames: [null, null, null],
      relationNames: ['film.film.directed_by'],
      head: Int32Array.of(0),
      relation: Int32Array.of(0),
      tail: Int32Array.of(1),
      derived: Uint8Array.of(0),
    },
    [Int32Array.of(0), new Int32Array(0)],
  );
}

describe('withDerivedTriples', () => {
  it('merges derived triples into the KG, marked derived, reusing entities', () => {
    const { dataset: ds, report, alreadyPresent } = withDerivedTriples(dataset());
    const kg = ds.kg;
    expect(kg.relationNames).toEqual(['film.film.directed_by', 'has_genre', 'released_in_decade']);
    expect(kg.entityIds).toEqual(['m.toy', 'm.lasseter', 'genre:Comedy', 'decade:1990s', 'item:2', 'genre:Crime']);
    // the existing unnamed genre entity got its name
    expect(kg.entityNames[2]).toBe('Comedy');
    const rows = Array.from(kg.head, (h, i) => `${kg.entityIds[h]} ${kg.relationNames[kg.relation[i]]} ${kg.entityIds[kg.tail[i]]} ${kg.derived[i]}`);
    expect(rows).toEqual([
      'm.toy film.film.directed_by m.lasseter 0',
      'm.toy has_genre genre:Comedy 1',
      'm.toy released_in_decade decade:1990s 1',
      'item:2 has_genre genre:Crime 1',
      'item:2 has_genre genre:Comedy 1',
    ]);
    expect(Array.from(ds.itemEntities[0])).toEqual([0]);
    expect(Array.from(ds.itemEntities[1])).toEqual([4]);
    expect(report.triples).toBe(4);
    expect(alreadyPresent).toBe(0);
  });

  it('is idempotent', () => {
    const once = withDerivedTriples(dataset());
    const twice = withDerivedTriples(once.dataset);
    expect(twice.alreadyPresent).toBe(4);
    expect(twice.dataset.kg.head.length).toBe(once.dataset.kg.head.length);
    expect(twice.dataset.kg.entityIds).toEqual(once.dataset.kg.entityIds);
  });
});
