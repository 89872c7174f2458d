/**
 * The explorer's core: inverse relation pairs, node types, per-node caps beyond the first hop,
 * paths between any two nodes, and the Api view that merges a relation with its inverse.
 * A hand-built KG with answers known by construction.
 */
import { describe, expect, it } from 'vitest';
import { kgPathsView, kgSubgraphView } from '../../main/api/kg-views';
import { entityType, inverseRelations, KgIndex, typeFromRole } from '../../main/core/kg';
import type { Dataset } from '../../main/core/types';

const DIRECTED_BY = 'film.film.directed_by';
const DIRECTOR_FILM = 'film.director.film';
const GENRE = 'film.film.genre';
const ACTOR = 'film.film.starring';

// films f1..f6; f1–f3 directed by d1 (stated both ways), f4–f6 by d2 (only directed_by);
// every film has genre g1 or g2; f1 stars a1..a12 (a1 also in f2); a hub actor "hub" is in f2..f6
const FILMS = ['f1', 'f2', 'f3', 'f4', 'f5', 'f6'];

function dataset(): Dataset {
  const triples: [string, string, string][] = [];
  for (const f of ['f1', 'f2', 'f3']) triples.push([f, DIRECTED_BY, 'd1'], ['d1', DIRECTOR_FILM, f]);
  for (const f of ['f4', 'f5', 'f6']) triples.push([f, DIRECTED_BY, 'd2']);
  FILMS.forEach((f, i) => triples.push([f, GENRE, i % 2 === 0 ? 'g1' : 'g2']));
  for (let a = 1; a <= 12; a++) triples.push(['f1', ACTOR, `a${a}`]);
  triples.push(['f2', ACTOR, 'a1']);
  for (const f of ['f2', 'f3', 'f4', 'f5', 'f6']) triples.push([f, ACTOR, 'hub']);
  const entityIds: string[] = [];
  const ent = (id: string): number => {
    const k = entityIds.indexOf(id);
    return k >= 0 ? k : entityIds.push(id) - 1;
  };
  const relationNames: string[] = [];
  const rel = (id: string): number => {
    const k = relationNames.indexOf(id);
    return k >= 0 ? k : relationNames.push(id) - 1;
  };
  const head = triples.map(([h]) => ent(h));
  const relation = triples.map(([, r]) => rel(r));
  const tail = triples.map(([, , t]) => ent(t));
  return {
    name: 'explore',
    userIds: ['u'],
    itemIds: FILMS,
    users: [{ id: 'u', attributes: {} }],
    items: FILMS.map((f) => ({ id: f, title: `Film ${f}`, text: {}, attributes: {} })),
    interactions: { user: new Int32Array(1), item: Int32Array.of(0), rating: Float32Array.of(1), timestamp: new Float64Array(1) },
    kg: {
      entityIds,
      entityNames: entityIds.map((id) => (id.startsWith('f') ? null : `Name ${id}`)),
      relationNames,
      head: Int32Array.from(head),
      relation: Int32Array.from(relation),
      tail: Int32Array.from(tail),
      derived: new Uint8Array(head.length),
    },
    itemEntities: FILMS.map((f) => Int32Array.of(ent(f))),
  } as Dataset;
}

const kg = new KgIndex(dataset(), { derive: false });
const r = (name: string): number => kg.relationIndex(name) ?? -1;
const e = (id: string): number => kg.entityIndex(id) ?? -1;

describe('inverseRelations', () => {
  it('pairs a relation with the one that states its facts reversed, both ways, and nothing else', () => {
    const inv = inverseRelations(kg);
    // every director.film fact is a reversed directed_by fact (3 of 3), though not the other way (3 of 6)
    expect(inv[r(DIRECTOR_FILM)]).toBe(r(DIRECTED_BY));
    expect(inv[r(DIRECTED_BY)]).toBe(r(DIRECTOR_FILM));
    expect(inv[r(GENRE)]).toBe(-1);
    expect(inv[r(ACTOR)]).toBe(-1);
  });
});

describe('node types', () => {
  it('reads a role from the usual relation: director, genre, actor; items are "item"', () => {
    expect(entityType(kg, e('f1'))).toBe('item');
    expect(entityType(kg, e('d2'))).toBe('director');
    expect(entityType(kg, e('g1'))).toBe('genre');
    expect(entityType(kg, e('hub'))).toBe('actor');
  });

  it('turns role phrases into type names', () => {
    expect(typeFromRole('director of')).toBe('director');
    expect(typeFromRole('actor in')).toBe('actor');
    expect(typeFromRole('with genre')).toBe('genre');
    expect(typeFromRole('')).toBe('entity');
  });
});

describe('subgraph per-node cap', () => {
  it('keeps every first-hop neighbour and at most perNode new ones per node beyond, best connected first', () => {
    const full = kg.subgraph({ item: 0 }, { hops: 2, cap: 200 });
    const capped = kg.subgraph({ item: 0 }, { hops: 2, cap: 200, perNode: 1 });
    const firstHop = full.nodes.filter((n) => n.distance === 1).map((n) => n.id).sort();
    expect(capped.nodes.filter((n) => n.distance === 1).map((n) => n.id).sort()).toEqual(firstHop);
    // unrestricted, the second hop is f2, f3 (via d1), f5 (via g1); with one per node: d1 brings
    // its better-connected film f2 (degree 5 > f3's 4), g1 brings f3 (4 > f5's 3), a1 only f2 again
    expect(full.nodes.filter((n) => n.distance === 2).map((n) => n.id).sort()).toEqual(['f2', 'f3', 'f5']);
    expect(capped.nodes.filter((n) => n.distance === 2).map((n) => n.id).sort()).toEqual(['f2', 'f3']);
    expect(capped.totalNeighbours).toBe(full.totalNeighbours);
    expect(capped.truncated).toBe(true);
  });

  it('types and degrees come with every node', () => {
    const sub = kg.subgraph({ item: 0 }, { hops: 1, cap: 200 });
    const d1 = sub.nodes.find((n) => n.id === 'd1');
    expect(d1?.type).toBe('director');
    expect(d1?.degree).toBe(6); // 3 films × both directions
  });

  it('rejects a perNode that is not a whole number ≥ 1', () => {
    expect(() => kg.subgraph({ item: 0 }, { hops: 2, perNode: 0 })).toThrow(/perNode/);
  });
});

describe('explorer views', () => {
  it('merges a relation and its inverse into one filter entry counting each fact once, and draws one edge per fact', () => {
    const g = kgSubgraphView(kg, { item: 'f1', hops: 1, cap: 200 });
    const directed = g.relations.find((x) => x.relations.includes(DIRECTED_BY));
    expect([...(directed?.relations ?? [])].sort()).toEqual([DIRECTED_BY, DIRECTOR_FILM].sort());
    expect(directed?.count).toBe(1);
    expect(g.relations.some((x) => x.relation === DIRECTOR_FILM && x !== directed)).toBe(false);
    const between = g.edges.filter((x) => (x.source === 'f1' && x.target === 'd1') || (x.source === 'd1' && x.target === 'f1'));
    expect(between).toHaveLength(1);
  });

  it('finds the paths between two entities and draws them', () => {
    const p = kgPathsView(kg, { from: { item: 'f1' }, to: { entity: 'hub' } });
    expect(p.paths.length).toBeGreaterThan(0);
    // the shortest: f1 → a1 → f2 → hub, or f1 → d1 → f2/f3 → hub; all are 3 edges
    expect(p.graph.nodes.map((n) => n.id)).toContain('hub');
    expect(p.graph.nodes.map((n) => n.id)).toContain('f1');
    expect(p.graph.hops).toBe(3);
    // the parts say what each line says (the renderer writes them in its language)
    expect(p.parts?.map((x) => x.steps.reduce((line, st) => `${line}${st.direction === 'out' ? ` —${st.label}→ ` : ` ←${st.label}— `}${st.to.label}`, x.start.label))).toEqual(p.paths);
    const none = kgPathsView(kg, { from: { item: 'f1' }, to: { entity: 'hub' }, maxLen: 2 });
    expect(none.paths).toEqual([]);
  });
});
