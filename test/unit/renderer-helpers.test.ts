/** Pure helpers of the renderer: graph expansion merge, report picks, seed parsing. */
import { describe, expect, it } from 'vitest';
import type { KgEdge, KgNode, KgSubgraph } from '../../main/api';
import type { JobInfo, MetricSummary, RunDetail, RunSummary } from '../../main/api/contract';
import { jobMessage } from '../../renderer/src/components/JobPanel';
import { deltaVs, loadSelectedRun, saveSelectedRun, signed, sliceFamilies, sliceGap, sortRuns } from '../../renderer/src/eval-display';
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

describe('evaluation display helpers', () => {
  const summary = (id: string, created: string, models: string[], best: string | null): RunSummary => ({ id, created, dataset: 'ml-100k', protocol: 'recbole', models, seeds: [1], k: 10, best });
  const ms = (mean: number): MetricSummary => ({ mean, std: 0, perSeed: [mean] });
  const run: RunDetail = {
    ...summary('r1', '2026-01-01', ['pop', 'ease'], 'ease'),
    results: [
      { model: 'pop', test: { ndcg: ms(0.1), avgpop: ms(300) }, slices: { 'gender=F': { ndcg: ms(0.08) }, 'gender=M': { ndcg: ms(0.11) } }, fitSeconds: 0 },
      { model: 'ease', test: { ndcg: ms(0.3), avgpop: ms(200) }, slices: { 'gender=F': { ndcg: ms(0.25) }, 'gender=M': { ndcg: ms(0.31) }, 'activity=q1': { ndcg: ms(0.2) } }, fitSeconds: 0 },
    ],
    comparisons: [{ a: 'pop', b: 'ease', metric: 'ndcg', delta: 0.2, p: 1e-4, pHolm: 0.004, ci95: [0.15, 0.25] }],
    protocolText: {},
  };

  it('deltas against a baseline carry the Holm mark and flip the interval when the pair is reversed', () => {
    const [pop, ease] = run.results;
    expect(deltaVs(run, ease, pop, 'ndcg')).toMatchObject({ mark: '**', pHolm: 0.004, ci95: [0.15, 0.25], better: true });
    expect(deltaVs(run, ease, pop, 'ndcg')?.delta).toBeCloseTo(0.2, 12);
    expect(deltaVs(run, pop, ease, 'ndcg')).toMatchObject({ mark: '**', ci95: [-0.25, -0.15], better: false });
    // lower average popularity is the better direction; no test → no mark
    expect(deltaVs(run, ease, pop, 'avgpop')).toMatchObject({ delta: -100, mark: null, better: true });
    expect(deltaVs(run, pop, pop, 'ndcg')).toBeNull();
    expect(signed(-0.05, 2)).toBe('−0.05');
  });

  it('groups slices by family and finds the best–worst gap', () => {
    expect([...sliceFamilies(run).entries()]).toEqual([
      ['gender', ['gender=F', 'gender=M']],
      ['activity', ['activity=q1']],
    ]);
    const gap = sliceGap(run.results[1], ['gender=F', 'gender=M'], 'ndcg');
    expect(gap).toMatchObject({ best: 'gender=M', worst: 'gender=F' });
    expect(gap?.gap).toBeCloseTo(0.06, 12);
    expect(sliceGap(run.results[1], ['activity=q1'], 'ndcg')).toBeNull();
  });

  it('sorts runs by a column and remembers the chosen run in storage that may refuse', () => {
    const runs = [summary('a', '2026-01-02', ['pop'], 'pop'), summary('b', '2026-01-01', ['pop', 'ease', 'bpr'], 'ease'), summary('c', '2026-01-03', ['ease', 'bpr'], 'bpr')];
    expect(sortRuns(runs, { key: 'created', descending: true }).map((r) => r.id)).toEqual(['c', 'a', 'b']);
    expect(sortRuns(runs, { key: 'models', descending: false }).map((r) => r.id)).toEqual(['a', 'c', 'b']);
    expect(sortRuns(runs, { key: 'best', descending: false }).map((r) => r.id)).toEqual(['c', 'b', 'a']);
    const map = new Map<string, string>();
    const store = { getItem: (k: string) => map.get(k) ?? null, setItem: (k: string, v: string) => void map.set(k, v), removeItem: (k: string) => void map.delete(k) };
    saveSelectedRun(store, 'run-7');
    expect(loadSelectedRun(store)).toBe('run-7');
    saveSelectedRun(store, null);
    expect(loadSelectedRun(store)).toBeNull();
    const refusing = { getItem: () => { throw new Error('denied'); }, setItem: () => { throw new Error('denied'); }, removeItem: () => undefined };
    expect(loadSelectedRun(refusing)).toBeNull();
    expect(() => saveSelectedRun(refusing, 'x')).not.toThrow();
    expect(loadSelectedRun(undefined)).toBeNull();
  });

  it('hides a job message that only repeats its state', () => {
    const job = (state: JobInfo['state'], message: string) => ({ state, message }) as JobInfo;
    expect(jobMessage(job('done', 'done'))).toBe('');
    expect(jobMessage(job('done', 'Done'))).toBe('');
    expect(jobMessage(job('running', 'seed 1: evaluating pop'))).toBe('seed 1: evaluating pop');
  });
});
