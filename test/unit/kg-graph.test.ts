import { describe, expect, it } from 'vitest';
import { KnowrecError } from '../../main/core/errors';
import { KgIndex } from '../../main/core/kg';
import type { Dataset, ItemRecord } from '../../main/core/types';
import { catalogDataset } from '../../main/core/data/catalog-dataset';

// A hand-built KG whose answers are known by construction:
// - Toy Story and A Bug's Life share a director (Lasseter, with both directed_by and its inverse);
// - Heat and Casino share an actor (De Niro) but no director;
// - Toy Story and Heat share a country; nothing else is shared;
// - Pixar (named) and an employee (unnamed) form a component without items;
// - m.lonely has no triples; "Orphan Film" has a year but no link; "Nothing" has nothing.
const DIRECTED_BY = 'film.film.directed_by';
const DIRECTOR_FILM = 'film.director.film';
const ACTOR = 'film.film.actor';
const COUNTRY = 'film.film.country';

interface ItemSpec {
  readonly id: string;
  readonly title: string;
  readonly year?: string;
  readonly genres?: string[];
  readonly entity?: string;
  readonly views?: number;
}

const ITEMS: ItemSpec[] = [
  { id: '1', title: 'Toy Story', year: '1995', genres: ['Animation', 'Comedy'], entity: 'm.toy', views: 5 },
  { id: '2', title: "A Bug's Life", year: '1998', genres: ['Animation'], entity: 'm.bug', views: 2 },
  { id: '3', title: 'Heat', year: '1995', genres: ['Crime'], entity: 'm.heat', views: 1 },
  { id: '4', title: 'Casino', year: '1995', genres: ['Drama'], entity: 'm.casino', views: 1 },
  { id: '5', title: 'Orphan Film', year: '1987' },
  { id: '6', title: 'Nothing' },
];

const TRIPLES: [string, string, string][] = [
  ['m.toy', DIRECTED_BY, 'm.lasseter'],
  ['m.lasseter', DIRECTOR_FILM, 'm.toy'],
  ['m.bug', DIRECTED_BY, 'm.lasseter'],
  ['m.lasseter', DIRECTOR_FILM, 'm.bug'],
  ['m.heat', DIRECTED_BY, 'm.mann'],
  ['m.casino', DIRECTED_BY, 'm.scorsese'],
  ['m.heat', ACTOR, 'm.deniro'],
  ['m.casino', ACTOR, 'm.deniro'],
  ['m.toy', ACTOR, 'm.hanks'],
  ['m.toy', COUNTRY, 'm.usa'],
  ['m.heat', COUNTRY, 'm.usa'],
  ['m.employee', 'business.employment.employer', 'm.pixar'],
];

function buildDataset(): Dataset {
  const entityIds: string[] = [];
  const index = new Map<string, number>();
  const ent = (id: string): number => {
    let e = index.get(id);
    if (e === undefined) {
      e = entityIds.length;
      index.set(id, e);
      entityIds.push(id);
    }
    return e;
  };
  const relationNames: string[] = [];
  const rel = (name: string): number => {
    let r = relationNames.indexOf(name);
    if (r < 0) r = relationNames.push(name) - 1;
    return r;
  };
  const head: number[] = [];
  const relation: number[] = [];
  const tail: number[] = [];
  for (const [h, r, t] of TRIPLES) {
    head.push(ent(h));
    relation.push(rel(r));
    tail.push(ent(t));
  }
  ent('m.lonely');
  const entityNames = entityIds.map((id) => (id === 'm.pixar' ? 'Pixar' : null));
  const items: ItemRecord[] = ITEMS.map((s) => ({
    id: s.id,
    title: s.title,
    text: {},
    attributes: {
      ...(s.year !== undefined ? { release_year: s.year } : {}),
      ...(s.genres !== undefined ? { genres: s.genres } : {}),
    },
  }));
  const itemEntities = ITEMS.map((s) => (s.entity === undefined ? new Int32Array(0) : Int32Array.of(ent(s.entity))));
  const interItems: number[] = [];
  ITEMS.forEach((s, i) => {
    for (let k = 0; k < (s.views ?? 0); k++) interItems.push(i);
  });
  const n = interItems.length;
  return {
    name: 'tiny',
    userIds: ['u'],
    itemIds: ITEMS.map((s) => s.id),
    users: [{ id: 'u', attributes: {} }],
    items,
    interactions: {
      user: new Int32Array(n),
      item: Int32Array.from(interItems),
      rating: new Float32Array(n).fill(1),
      timestamp: new Float64Array(n),
    },
    kg: {
      entityIds,
      entityNames,
      relationNames,
      head: Int32Array.from(head),
      relation: Int32Array.from(relation),
      tail: Int32Array.from(tail),
      derived: new Uint8Array(head.length),
    },
    itemEntities,
  };
}

const TOY = 0;
const BUG = 1;
const HEAT = 2;
const CASINO = 3;
const ORPHAN = 4;
const NOTHING = 5;
const MID = /^m\.[0-9a-z_]+$/;

const plain = new KgIndex(buildDataset(), { derive: false });
const full = new KgIndex(buildDataset());
const E = (kg: KgIndex, id: string): number => {
  const e = kg.entityIndex(id);
  if (e === undefined) throw new Error(`no entity ${id}`);
  return e;
};
const ids = (kg: KgIndex, es: readonly number[]): string[] => es.map((e) => kg.kg.entityIds[e]);

describe('KgIndex construction', () => {
  it('keeps the KG as given when derive is false', () => {
    expect(plain.tripleCount).toBe(TRIPLES.length);
    expect(plain.relationCount).toBe(5);
    expect(plain.stats().derivedTriples).toBe(0);
    expect(plain.deriveReport).toBeNull();
  });

  it('builds CSR adjacency holding both directions of each triple', () => {
    const adj = plain.adjacency;
    expect(adj.offsets.length).toBe(plain.entityCount + 1);
    expect(adj.neighbour.length).toBe(2 * TRIPLES.length);
    const las = E(plain, 'm.lasseter');
    const row: string[] = [];
    for (let p = adj.offsets[las]; p < adj.offsets[las + 1]; p++) {
      row.push(`${plain.kg.relationNames[adj.relation[p]]}:${adj.direction[p] === 0 ? 'out' : 'in'}:${plain.kg.entityIds[adj.neighbour[p]]}`);
      expect(adj.twin[adj.twin[p]]).toBe(p);
      expect(adj.neighbour[adj.twin[p]]).toBe(las);
    }
    expect(row.sort()).toEqual(
      [
        `${DIRECTED_BY}:in:m.toy`,
        `${DIRECTOR_FILM}:out:m.toy`,
        `${DIRECTED_BY}:in:m.bug`,
        `${DIRECTOR_FILM}:out:m.bug`,
      ].sort(),
    );
  });

  it('maps entities to items and back', () => {
    expect(Array.from(plain.entityItems(E(plain, 'm.toy')))).toEqual([TOY]);
    expect(Array.from(plain.entityItems(E(plain, 'm.lasseter')))).toEqual([]);
    expect(ids(plain, Array.from(plain.itemEntities(BUG)))).toEqual(['m.bug']);
    expect(plain.itemEntities(ORPHAN).length).toBe(0);
    expect(plain.itemIndex('3')).toBe(HEAT);
  });

  it('rejects triples that point outside the entity table', () => {
    const ds = buildDataset();
    const bad: Dataset = { ...ds, kg: { ...ds.kg, tail: Int32Array.from(ds.kg.tail, (t, i) => (i === 3 ? 999 : t)) } };
    expect(() => new KgIndex(bad)).toThrow(KnowrecError);
    expect(() => new KgIndex(bad)).toThrow(/triple 3/);
  });
});

describe('neighbours', () => {
  it('returns entities within h hops with their distance, nearest first', () => {
    const las = E(plain, 'm.lasseter');
    const one = plain.neighbours(las, 1);
    expect(one.map((n) => [plain.kg.entityIds[n.entity], n.distance]).sort()).toEqual([
      ['m.bug', 1],
      ['m.toy', 1],
    ]);
    const two = plain.neighbours(las, 2);
    expect(two.map((n) => [plain.kg.entityIds[n.entity], n.distance]).sort()).toEqual([
      ['m.bug', 1],
      ['m.hanks', 2],
      ['m.toy', 1],
      ['m.usa', 2],
    ]);
    for (let i = 1; i < two.length; i++) expect(two[i].distance).toBeGreaterThanOrEqual(two[i - 1].distance);
  });

  it('honours limit and the relation filter', () => {
    const las = E(plain, 'm.lasseter');
    const lim = plain.neighbours(las, 2, { limit: 3 });
    expect(lim.length).toBe(3);
    expect(lim.slice(0, 2).every((n) => n.distance === 1)).toBe(true);
    expect(lim[2].distance).toBe(2);
    const viaCountry = plain.neighbours(E(plain, 'm.toy'), 3, { relations: [COUNTRY] });
    expect(viaCountry.map((n) => [plain.kg.entityIds[n.entity], n.distance])).toEqual([
      ['m.usa', 1],
      ['m.heat', 2],
    ]);
    expect(plain.neighbours(las, 0)).toEqual([]);
  });

  it('answers one hop (its own fast path) exactly as the first layer of the breadth-first search', () => {
    for (let e = 0; e < plain.entityCount; e++) {
      for (const relations of [undefined, [COUNTRY]]) {
        const one = plain.neighbours(e, 1, relations === undefined ? {} : { relations });
        const layer = plain.neighbours(e, 2, relations === undefined ? {} : { relations }).filter((n) => n.distance === 1);
        expect(one).toEqual(layer);
        expect(new Set(one.map((n) => n.entity)).size).toBe(one.length);
        expect(one.some((n) => n.entity === e)).toBe(false);
        if (one.length > 1) expect(plain.neighbours(e, 1, { limit: 1, ...(relations === undefined ? {} : { relations }) })).toEqual(one.slice(0, 1));
      }
    }
    // the director reaches both of his films in one hop
    expect(plain.neighbours(E(plain, 'm.lasseter'), 1).length).toBe(2);
  });

  it('rejects unknown relations and bad hops', () => {
    expect(() => plain.neighbours(0, 1, { relations: ['film.film.nope'] })).toThrow(/unknown relation "film.film.nope"/);
    expect(() => plain.neighbours(0, -1)).toThrow(KnowrecError);
    expect(() => plain.neighbours(10_000, 1)).toThrow(/out of range/);
  });
});

describe('itemFacts', () => {
  it('lists one-hop facts with direction', () => {
    const facts = plain.itemFacts(TOY).map((f) => `${f.relation} ${f.direction} ${plain.kg.entityIds[f.entity]}`);
    expect(facts.sort()).toEqual(
      [
        `${DIRECTED_BY} out m.lasseter`,
        `${DIRECTOR_FILM} in m.lasseter`,
        `${ACTOR} out m.hanks`,
        `${COUNTRY} out m.usa`,
      ].sort(),
    );
    expect(plain.itemFacts(TOY, { relations: [ACTOR] }).map((f) => plain.kg.entityIds[f.entity])).toEqual(['m.hanks']);
    expect(plain.itemFacts(ORPHAN)).toEqual([]);
  });
});

describe('sharedEntities', () => {
  it('finds exactly the shared director, with the relation names on each side', () => {
    const shared = plain.sharedEntities(TOY, BUG);
    expect(shared.map((s) => s.id)).toEqual(['m.lasseter']);
    const s = shared[0];
    expect(s.hopsA).toBe(1);
    expect(s.hopsB).toBe(1);
    const side = (refs: typeof s.viaA): string[] => refs.map((r) => `${r.relation}:${r.direction}`).sort();
    expect(side(s.viaA)).toEqual([`${DIRECTED_BY}:out`, `${DIRECTOR_FILM}:in`].sort());
    expect(side(s.viaB)).toEqual([`${DIRECTED_BY}:out`, `${DIRECTOR_FILM}:in`].sort());
    expect(s.label).not.toMatch(MID);
  });

  it('only Toy Story and A Bug\'s Life share a director', () => {
    const dirs = [DIRECTED_BY, DIRECTOR_FILM];
    for (let a = 0; a < ITEMS.length; a++) {
      for (let b = a + 1; b < ITEMS.length; b++) {
        const got = plain.sharedEntities(a, b, { relations: dirs }).map((s) => s.id);
        expect(got).toEqual(a === TOY && b === BUG ? ['m.lasseter'] : []);
      }
    }
  });

  it('reports other shared entities and two-hop ones', () => {
    expect(plain.sharedEntities(HEAT, CASINO).map((s) => s.id)).toEqual(['m.deniro']);
    expect(plain.sharedEntities(TOY, HEAT).map((s) => s.id)).toEqual(['m.usa']);
    expect(plain.sharedEntities(BUG, HEAT)).toEqual([]);
    const two = plain.sharedEntities(BUG, HEAT, { maxHops: 2 });
    expect(two.map((s) => [s.id, s.hopsA, s.hopsB])).toEqual([['m.toy', 2, 2]]);
    expect(two[0].viaA.map((r) => r.relation).sort()).toEqual([DIRECTED_BY, DIRECTOR_FILM].sort());
    expect(two[0].viaB).toEqual([{ relation: COUNTRY, direction: 'in', derived: false }]);
    expect(plain.sharedEntities(TOY, TOY)).toEqual([]);
    expect(plain.sharedEntities(TOY, ORPHAN)).toEqual([]);
  });
});

describe('paths', () => {
  it('finds the 2-hop path through the shared director', () => {
    const ps = plain.paths(TOY, BUG);
    expect(ps.length).toBe(1);
    const p = ps[0];
    expect(plain.kg.entityIds[p.start]).toBe('m.toy');
    expect(p.steps.map((s) => [s.relation, s.direction, plain.kg.entityIds[s.entity]])).toEqual([
      [DIRECTED_BY, 'out', 'm.lasseter'],
      [DIRECTED_BY, 'in', 'm.bug'],
    ]);
    expect(plain.formatPath(p)).toBe("Toy Story (1995) —directed by→ director of Toy Story (1995) ←directed by— A Bug's Life (1998)");
  });

  it('keeps parallel edges as separate paths when asked', () => {
    const ps = plain.paths(TOY, BUG, { allEdges: true });
    expect(ps.length).toBe(4);
    expect(new Set(ps.map((p) => p.steps.map((s) => `${s.relation}:${s.direction}`).join(' '))).size).toBe(4);
  });

  it('finds nothing for unrelated items and respects maxLen', () => {
    expect(plain.paths(BUG, CASINO)).toEqual([]);
    expect(plain.paths(TOY, BUG, { maxLen: 1 })).toEqual([]);
    expect(plain.paths(TOY, HEAT, { maxLen: 2 }).map((p) => p.steps.map((s) => plain.kg.entityIds[s.entity]))).toEqual([
      ['m.usa', 'm.heat'],
    ]);
    // Heat → USA → Toy Story → Lasseter → Bug is 4 edges: out of reach
    expect(plain.paths(HEAT, BUG, { maxLen: 3 })).toEqual([]);
    expect(() => plain.paths(TOY, BUG, { maxLen: 4 })).toThrow(KnowrecError);
  });

  it('applies the relation filter and limit', () => {
    expect(plain.paths(TOY, CASINO, { maxLen: 3 })).toEqual([]); // Toy–USA–Heat–DeNiro–Casino is 4 edges
    const viaDirector = plain.paths(TOY, BUG, { relations: [DIRECTOR_FILM] });
    expect(viaDirector.map((p) => p.steps.map((s) => `${s.relation}:${s.direction}`))).toEqual([
      [`${DIRECTOR_FILM}:in`, `${DIRECTOR_FILM}:out`],
    ]);
    expect(plain.paths(TOY, BUG, { relations: [ACTOR] })).toEqual([]);
    expect(plain.paths(TOY, BUG, { limit: 0 })).toEqual([]);
  });

  it('reaches an item three edges away, shortest first, never through an endpoint', () => {
    // add Casino —actor→ Hanks and Casino —sequel→ Heat: Toy → Hanks → Casino → Heat is 3 edges
    const ds = buildDataset();
    const at = (id: string): number => ds.kg.entityIds.indexOf(id);
    const relationNames = [...ds.kg.relationNames, 'film.film.sequel'];
    const kg = {
      ...ds.kg,
      relationNames,
      head: Int32Array.of(...ds.kg.head, at('m.casino'), at('m.casino')),
      relation: Int32Array.of(...ds.kg.relation, relationNames.indexOf(ACTOR), relationNames.length - 1),
      tail: Int32Array.of(...ds.kg.tail, at('m.hanks'), at('m.heat')),
      derived: new Uint8Array(ds.kg.head.length + 2),
    };
    const g = new KgIndex({ ...ds, kg }, { derive: false });
    const seqs = g.paths(TOY, HEAT).map((p) => p.steps.map((s) => g.kg.entityIds[s.entity]).join(' '));
    expect(seqs).toEqual(['m.usa m.heat', 'm.hanks m.casino m.heat']);
    expect(g.paths(TOY, HEAT, { maxLen: 2 }).length).toBe(1);
    const three = g.paths(TOY, HEAT)[1];
    expect(three.steps.map((s) => s.direction)).toEqual(['out', 'in', 'out']);
    expect(g.formatPath(three)).toBe('Toy Story (1995) —has actor→ actor in Toy Story (1995) ←has actor— Casino (1995) —has sequel→ Heat (1995)');
  });
});

describe('subgraph', () => {
  it('returns the neighbourhood with nodes, edges and no truncation under the cap', () => {
    const g = plain.subgraph({ item: TOY }, { hops: 2, cap: 10 });
    expect(g.truncated).toBe(false);
    expect(g.totalNeighbours).toBe(5);
    expect(g.nodes.map((n) => n.id).sort()).toEqual(['m.bug', 'm.hanks', 'm.heat', 'm.lasseter', 'm.toy', 'm.usa']);
    expect(g.edges.length).toBe(7);
    const toy = g.nodes.find((n) => n.id === 'm.toy');
    expect(toy).toMatchObject({ kind: 'item', isItem: true, item: TOY, itemId: '1', distance: 0, label: 'Toy Story (1995)' });
    expect(g.nodes.find((n) => n.id === 'm.hanks')).toMatchObject({ kind: 'entity', isItem: false, distance: 1 });
    expect(g.nodes.every((n) => !MID.test(n.label))).toBe(true);
  });

  it('sets truncated when the cap cuts nodes, keeping the nearest', () => {
    const g = plain.subgraph({ item: TOY }, { hops: 2, cap: 3 });
    expect(g.truncated).toBe(true);
    expect(g.totalNeighbours).toBe(5);
    expect(g.nodes.length).toBe(3);
    expect(g.nodes[0].id).toBe('m.toy');
    expect(g.nodes.every((n) => n.distance <= 1)).toBe(true);
    const kept = new Set(g.nodes.map((n) => n.id));
    for (const e of g.edges) {
      expect(kept.has(e.source)).toBe(true);
      expect(kept.has(e.target)).toBe(true);
    }
  });

  it('filters by relation name and accepts an entity centre', () => {
    const g = plain.subgraph({ item: TOY }, { hops: 2, relations: [DIRECTED_BY] });
    expect(g.nodes.map((n) => n.id).sort()).toEqual(['m.bug', 'm.lasseter', 'm.toy']);
    expect(g.edges.every((e) => e.relation === DIRECTED_BY)).toBe(true);
    expect(g.edges.length).toBe(2);
    const h = plain.subgraph({ entity: E(plain, 'm.deniro') }, { hops: 1 });
    expect(h.nodes.map((n) => n.id).sort()).toEqual(['m.casino', 'm.deniro', 'm.heat']);
    expect(plain.subgraph({ item: ORPHAN })).toEqual({ center: [], nodes: [], edges: [], truncated: false, totalNeighbours: 0 });
    expect(() => plain.subgraph({ item: TOY }, { cap: 0 })).toThrow(KnowrecError);
  });

  it('caps at 200 nodes by default', () => {
    // a star of 250 items around one genre
    const items: ItemRecord[] = Array.from({ length: 250 }, (_, i) => ({
      id: String(i),
      title: `Film ${i}`,
      text: {},
      attributes: { genres: ['Drama'] },
    }));
    const ds = catalogDataset('star', items);
    const g = new KgIndex(ds);
    const drama = g.entityIndex('genre:Drama');
    expect(drama).toBeDefined();
    const sub = g.subgraph({ entity: drama as number });
    expect(sub.nodes.length).toBe(200);
    expect(sub.totalNeighbours).toBe(250);
    expect(sub.truncated).toBe(true);
    expect(sub.edges.length).toBe(199);
  });
});

describe('derived triples in the index', () => {
  it('adds genre and decade facts marked derived, on linked and created item entities', () => {
    const facts = full.itemFacts(TOY);
    const derived = facts.filter((f) => f.derived).map((f) => `${f.relation} ${full.kg.entityIds[f.entity]}`);
    expect(derived.sort()).toEqual(['has_genre genre:Animation', 'has_genre genre:Comedy', 'released_in_decade decade:1990s']);
    expect(facts.filter((f) => !f.derived).length).toBe(4);
    const orphan = full.itemEntities(ORPHAN);
    expect(orphan.length).toBe(1);
    expect(full.kg.entityIds[orphan[0]]).toBe('item:5');
    expect(full.entityLabel(orphan[0])).toBe('Orphan Film (1987)');
    expect(full.itemFacts(ORPHAN).map((f) => [f.relation, full.entityLabel(f.entity), f.derived])).toEqual([
      ['released_in_decade', '1980s', true],
    ]);
    expect(full.itemEntities(NOTHING).length).toBe(0);
    const st = full.stats();
    expect(st.derivedTriples).toBe(3 + 2 + 2 + 2 + 1); // toy, bug, heat, casino, orphan
    expect([...st.derivedRelations].sort()).toEqual(['has_genre', 'released_in_decade']);
    expect(st.relations).toBe(7);
  });

  it('makes derived entities shared and paths through them derived', () => {
    const shared = full.sharedEntities(TOY, BUG);
    expect(shared.map((s) => s.id).sort()).toEqual(['decade:1990s', 'genre:Animation', 'm.lasseter'].sort());
    const genre = shared.find((s) => s.id === 'genre:Animation');
    expect(genre?.viaA).toEqual([{ relation: 'has_genre', direction: 'out', derived: true }]);
    expect(genre?.label).toBe('Animation');
    const ps = full.paths(TOY, BUG);
    const viaGenre = ps.find((p) => full.kg.entityIds[p.steps[0].entity] === 'genre:Animation');
    expect(viaGenre?.steps.every((s) => s.derived)).toBe(true);
    const viaDirector = ps.find((p) => full.kg.entityIds[p.steps[0].entity] === 'm.lasseter');
    expect(viaDirector?.steps.every((s) => !s.derived)).toBe(true);
  });
});

describe('entityLabel', () => {
  it('names MIDs through items and relations, never printing a MID', () => {
    expect(plain.entityLabel(E(plain, 'm.toy'))).toBe('Toy Story (1995)');
    // Toy Story has more interactions than A Bug's Life, so the director is named through it
    expect(plain.entityLabel(E(plain, 'm.lasseter'))).toBe('director of Toy Story (1995)');
    expect(plain.entityLabel(E(plain, 'm.deniro'))).toBe('actor in Heat (1995)');
    expect(plain.entityLabel(E(plain, 'm.usa'))).toBe('country of Toy Story (1995)');
    expect(plain.entityLabel(E(plain, 'm.pixar'))).toBe('Pixar');
    expect(plain.entityLabel(E(plain, 'm.employee'))).toBe('with employer Pixar');
    expect(plain.entityLabel(E(plain, 'm.lonely'))).toMatch(/^unnamed entity #\d+$/);
    for (const kg of [plain, full]) {
      for (let e = 0; e < kg.entityCount; e++) expect(kg.entityLabel(e)).not.toMatch(MID);
    }
  });

  it('gives the parts of a description (relation, role, other end) and null for a name', () => {
    expect(plain.entityDescription(E(plain, 'm.lasseter'))).toMatchObject({ role: 'director of', of: 'Toy Story (1995)' });
    expect(plain.entityDescription(E(plain, 'm.employee'))).toMatchObject({ role: 'with employer', of: 'Pixar', entityIsHead: true });
    for (const name of ['m.toy', 'm.pixar', 'm.lonely']) expect(plain.entityDescription(E(plain, name)), name).toBeNull();
    // the parts say exactly what the label says, for every described entity
    for (const kg of [plain, full]) {
      for (let e = 0; e < kg.entityCount; e++) {
        const d = kg.entityDescription(e);
        if (d !== null) expect(kg.entityLabel(e)).toBe(`${d.role} ${d.of}`);
        if (d !== null) expect(kg.relationIndex(d.relation)).toBeDefined();
      }
    }
  });

  it('names an entity through its rarest relation to the item', () => {
    // Hanks is Toy Story's actor (3 actor triples in the KG) and, added here, its writer (1 triple)
    const ds = buildDataset();
    const at = (id: string): number => ds.kg.entityIds.indexOf(id);
    const relationNames = [...ds.kg.relationNames, 'film.film.written_by'];
    const kg = {
      ...ds.kg,
      relationNames,
      head: Int32Array.of(...ds.kg.head, at('m.toy')),
      relation: Int32Array.of(...ds.kg.relation, relationNames.length - 1),
      tail: Int32Array.of(...ds.kg.tail, at('m.hanks')),
      derived: new Uint8Array(ds.kg.head.length + 1),
    };
    const g = new KgIndex({ ...ds, kg }, { derive: false });
    expect(g.entityLabel(E(g, 'm.hanks'))).toBe('writer of Toy Story (1995)');
    expect(plain.entityLabel(E(plain, 'm.hanks'))).toBe('actor in Toy Story (1995)');
  });

  it('prefers the better-known item', () => {
    const ds = buildDataset();
    const bugIdx = BUG;
    const item = Int32Array.from([...Array(10).fill(bugIdx)]);
    const g = new KgIndex(
      { ...ds, interactions: { user: new Int32Array(10), item, rating: new Float32Array(10), timestamp: new Float64Array(10) } },
      { derive: false },
    );
    expect(g.entityLabel(E(g, 'm.lasseter'))).toBe("director of A Bug's Life (1998)");
  });
});

describe('searchEntities', () => {
  it('finds items and entities case-insensitively, items first', () => {
    const hits = full.searchEntities('TOY STORY');
    expect(hits[0]).toMatchObject({ kind: 'item', item: TOY, itemId: '1', id: 'm.toy', label: 'Toy Story (1995)' });
    // the entities described through Toy Story come after the item
    expect(hits.slice(1).every((h) => h.kind === 'entity')).toBe(true);
    expect(hits.map((h) => h.label)).toContain('director of Toy Story (1995)');
    expect(full.searchEntities('pixar')[0]).toMatchObject({ kind: 'entity', label: 'Pixar', id: 'm.pixar' });
    expect(full.searchEntities('anim')[0]).toMatchObject({ kind: 'entity', id: 'genre:Animation' });
    expect(full.searchEntities('nothing')[0]).toMatchObject({ kind: 'item', entity: null, id: '6', item: NOTHING });
    expect(full.searchEntities('zzz')).toEqual([]);
    expect(full.searchEntities('   ')).toEqual([]);
    expect(full.searchEntities('toy', 1).length).toBe(1);
  });

  it('ranks exact and prefix matches before substrings', () => {
    const labels = full.searchEntities('a').map((h) => h.label);
    expect(labels[0]).toBe("A Bug's Life (1998)"); // prefix item before substring items
    expect(full.searchEntities('casino (1995)')[0].label).toBe('Casino (1995)');
    // only the genre entity matches
    expect(full.searchEntities('comedy').map((h) => h.label)).toEqual(['Comedy']);
  });
});
