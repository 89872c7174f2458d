/** Pure helpers of the renderer: graph expansion merge, report picks, seed parsing. */
import { describe, expect, it } from 'vitest';
import type { KgEdge, KgNode, KgSubgraph } from '../../main/api';
import { mergeExpansions } from '../../renderer/src/graph-merge';
import { parseSeeds } from '../../renderer/src/models';
import { addPick, removePick } from '../../renderer/src/report-picks';

const node = (id: string, distance: number, item: string | null = null): KgNode => ({ id, label: id.toUpperCase(), kind: item === null ? 'entity' : 'item', item, distance, type: item === null ? 'entity' : 'item', degree: 1 });
const edge = (source: string, relation: string, target: string): KgEdge => ({ source, target, relation, label: relation, derived: false });
const graph = (center: string, nodes: KgNode[], edges: KgEdge[], truncated = false): KgSubgraph => ({
  center: [center],
  nodes,
  edges,
  truncated,
  totalNeighbours: nodes.length - 1,
  relations: [],
  hops: 1,
  cap: 200,
});

describe('mergeExpansions', () => {
  // film f1 —directed_by→ d; d directed f2 too; f1 —genre→ g
  const base = graph('f1', [node('f1', 0, '1'), node('d', 1), node('g', 1)], [edge('f1', 'directed_by', 'd'), edge('f1', 'genre', 'g')]);

  it('returns the base itself when nothing was expanded', () => {
    expect(mergeExpansions(base, [])).toBe(base);
  });

  it('adds the new neighbours once, one hop further than the expanded node, and keeps shared edges single', () => {
    const fromD = graph('d', [node('d', 0), node('f1', 1, '1'), node('f2', 1, '2')], [edge('f1', 'directed_by', 'd'), edge('f2', 'directed_by', 'd')]);
    const m = mergeExpansions(base, [{ entity: 'd', relation: 'directed_by', graph: fromD }]);
    expect(m.nodes.map((n) => n.id).sort()).toEqual(['d', 'f1', 'f2', 'g']);
    expect(m.nodes.find((n) => n.id === 'f2')?.distance).toBe(2);
    expect(m.nodes.find((n) => n.id === 'f1')?.distance).toBe(0); // existing nodes keep theirs
    expect(m.edges).toHaveLength(3);
    expect(m.center).toEqual(['f1']);
    expect(m.truncated).toBe(false);
  });

  it('reports truncation when an expansion was capped', () => {
    const capped = graph('g', [node('g', 0), node('f3', 1, '3')], [edge('f3', 'genre', 'g')], true);
    expect(mergeExpansions(base, [{ entity: 'g', relation: 'genre', graph: capped }]).truncated).toBe(true);
  });
});

describe('report picks', () => {
  const a = { user: '1', item: '50', title: 'Star Wars' };
  const b = { user: '1', item: '100', title: 'Fargo' };
  it('adds each (user, item) once and removes by (user, item)', () => {
    const two = addPick(addPick(addPick([], a), b), { ...a, title: 'again' });
    expect(two).toEqual([a, b]);
    expect(removePick(two, { ...a, title: 'whatever' })).toEqual([b]);
    expect(removePick(two, { user: '2', item: '50', title: '' })).toEqual([a, b]);
  });
});


describe('parseSeeds', () => {
  it('reads commas and spaces, drops repeats, refuses anything but whole numbers ≥ 0', () => {
    expect(parseSeeds('2020, 2021 2022,2020')).toEqual([2020, 2021, 2022]);
    expect(parseSeeds(' ')).toBeNull();
    expect(parseSeeds('2020, x')).toBeNull();
    expect(parseSeeds('-1')).toBeNull();
    expect(parseSeeds('1.5')).toBeNull();
  });
});
