/** The explorer's pure helpers: ring layout, legend, saved views, expansion counts. */
import { describe, expect, it } from 'vitest';
import type { KgEdge, KgNode, KgSubgraph } from '../../main/api';
import { addedCounts } from '../../renderer/src/graph-merge';
import { NODE_SPACING, parentsOf, radialLayout, typeOrder } from '../../renderer/src/graph-layout';
import { ITEM_COLOUR, legendOf } from '../../renderer/src/graph-style';
import { MAX_SCENES, parseScenes, removeScene, upsertScene, type Scene } from '../../renderer/src/kg-scenes';

const node = (id: string, distance: number, type: string): KgNode => ({ id, label: id, kind: type === 'item' ? 'item' : 'entity', item: type === 'item' ? id : null, distance, type, degree: 1 });
const edge = (source: string, target: string): KgEdge => ({ source, target, relation: 'r', label: 'r', derived: false });
const graph = (nodes: KgNode[], edges: KgEdge[]): KgSubgraph => ({ center: ['c'], nodes, edges, truncated: false, totalNeighbours: nodes.length - 1, relations: [], hops: 2, cap: 200 });

// centre c (item); ring 1: 3 genres, 2 directors, 1 item; ring 2: children of d1 (x1, x2) and of g3 (y1)
const ring1 = [node('g1', 1, 'genre'), node('d1', 1, 'director'), node('g2', 1, 'genre'), node('i1', 1, 'item'), node('g3', 1, 'genre'), node('d2', 1, 'director')];
const G = graph(
  [node('c', 0, 'item'), ...ring1, node('x1', 2, 'item'), node('x2', 2, 'item'), node('y1', 2, 'item')],
  [...ring1.map((n) => edge('c', n.id)), edge('x1', 'd1'), edge('d1', 'x2'), edge('y1', 'g3'), edge('x1', 'g1')],
);
const dist = (a: { x: number; y: number }, b: { x: number; y: number }): number => Math.hypot(a.x - b.x, a.y - b.y);
const angleGap = (a: number, b: number): number => {
  const d = Math.abs(a - b) % (2 * Math.PI);
  return Math.min(d, 2 * Math.PI - d);
};

describe('radialLayout', () => {
  const at = radialLayout(G);

  it('puts the centre in the middle and each hop on its own ring', () => {
    expect(at.get('c')).toMatchObject({ x: 0, y: 0 });
    const r1 = ring1.map((n) => Math.hypot(at.get(n.id)?.x ?? 0, at.get(n.id)?.y ?? 0));
    for (const r of r1) expect(r).toBeCloseTo(r1[0], 6);
    const r2 = Math.hypot(at.get('x1')?.x ?? 0, at.get('x1')?.y ?? 0);
    expect(r2).toBeGreaterThan(r1[0]);
  });

  it('groups the first ring by type, most common type first', () => {
    expect(typeOrder(G)).toEqual(['item', 'genre', 'director']);
    // walking the ring by angle, each type forms one run
    const byAngle = ring1.map((n) => ({ type: n.type, a: at.get(n.id)?.angle ?? 0 })).sort((p, q) => p.a - q.a);
    const runs = byAngle.map((p) => p.type).filter((t, i, all) => i === 0 || t !== all[i - 1]);
    expect(runs).toEqual(['item', 'genre', 'director']);
  });

  it('places children beside their parent, and no two nodes closer than the spacing', () => {
    expect(parentsOf(G).get('x1')).toBe('d1');
    expect(parentsOf(G).get('y1')).toBe('g3');
    const d1 = at.get('d1')?.angle ?? 0;
    const g3 = at.get('g3')?.angle ?? 0;
    expect(angleGap(at.get('x1')?.angle ?? 99, d1)).toBeLessThan(angleGap(at.get('x1')?.angle ?? 99, g3));
    expect(angleGap(at.get('y1')?.angle ?? 99, g3)).toBeLessThan(angleGap(at.get('y1')?.angle ?? 99, d1));
    const pts = [...at.values()];
    for (let i = 0; i < pts.length; i++) for (let j = i + 1; j < pts.length; j++) expect(dist(pts[i], pts[j])).toBeGreaterThanOrEqual(NODE_SPACING * 0.99);
  });

  it('lays out a full ring evenly when the children do not fit beside their parents', () => {
    const many = Array.from({ length: 400 }, (_, k) => node(`z${k}`, 2, 'actor'));
    const big = graph([node('c', 0, 'item'), node('p', 1, 'director'), ...many], [edge('c', 'p'), ...many.map((n) => edge(n.id, 'p'))]);
    const placed = radialLayout(big);
    const pts = many.map((n) => placed.get(n.id) ?? { x: 0, y: 0 });
    for (let i = 1; i < pts.length; i++) expect(dist(pts[i], pts[i - 1])).toBeGreaterThanOrEqual(NODE_SPACING * 0.99);
  });
});

describe('legendOf', () => {
  it('counts nodes per type, items in the item colour, other types in distinct colours', () => {
    const rows = legendOf(G);
    expect(rows.map((r) => [r.type, r.count])).toEqual([
      ['item', 5],
      ['genre', 3],
      ['director', 2],
    ]);
    expect(rows[0].colour).toBe(ITEM_COLOUR);
    expect(new Set(rows.map((r) => r.colour)).size).toBe(3);
  });
});

describe('saved views', () => {
  const scene = (name: string): Scene => ({ name, centre: { item: '1' }, hops: 2, perNode: 8, shown: null, expansions: [{ entity: 'm.x', relation: 'r' }], saved: '2026-01-01T00:00:00Z' });

  it('round-trips through JSON and replaces a scene of the same name, newest first', () => {
    const list = upsertScene(upsertScene([], scene('a')), scene('b'));
    expect(parseScenes(JSON.stringify(list)).map((s) => s.name)).toEqual(['b', 'a']);
    const again = upsertScene(list, { ...scene('a'), hops: 1 });
    expect(again.map((s) => [s.name, s.hops])).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
    expect(removeScene(again, 'a').map((s) => s.name)).toEqual(['b']);
  });

  it('drops what it cannot trust and keeps at most MAX_SCENES', () => {
    expect(parseScenes('not json')).toEqual([]);
    expect(parseScenes('{"a":1}')).toEqual([]);
    const bad = [{ ...scene('x'), hops: 9 }, { ...scene('y'), centre: { other: '1' } }, scene('ok')];
    expect(parseScenes(JSON.stringify(bad)).map((s) => s.name)).toEqual(['ok']);
    let list: Scene[] = [];
    for (let k = 0; k < MAX_SCENES + 5; k++) list = upsertScene(list, scene(`s${k}`));
    expect(list).toHaveLength(MAX_SCENES);
    expect(list[0].name).toBe(`s${MAX_SCENES + 4}`);
  });
});

describe('addedCounts', () => {
  it('counts the nodes each expansion adds beyond the base and the earlier ones', () => {
    const base = graph([node('c', 0, 'item'), node('d', 1, 'director')], [edge('c', 'd')]);
    const x1 = { entity: 'd', relation: 'r', graph: graph([node('d', 0, 'director'), node('c', 1, 'item'), node('f', 1, 'item')], []) };
    const x2 = { entity: 'd', relation: 's', graph: graph([node('d', 0, 'director'), node('f', 1, 'item')], []) };
    expect(addedCounts(base, [x1, x2])).toEqual([1, 0]);
  });
});
