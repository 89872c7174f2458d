import { describe, expect, it } from 'vitest';
import { evaluateRanking, type TopLists } from '../../main/core/eval/evaluate';
import { cosineDistance, giniIndex, jaccardDistance, kgNeighbourSets, listMetrics } from '../../main/core/eval/list-metrics';
import { activitySlices, ageBucket, attributeSlices, groupTargetMetrics, sliceGaps, sliceMeans } from '../../main/core/eval/slices';
import { toCsr } from '../../main/core/matrix';
import type { Interactions, Split, UserRecord } from '../../main/core/types';
import { analyseEvaluation } from '../../main/jobs/evaluate-analysis';
import { itemVectorsOf } from '../../main/jobs/evaluate-vectors';
import type { FittedModel } from '../../main/jobs/model-factory';
import { tinyDataset } from '../helpers/tiny-workspace';

const lists = (k: number, rows: number[][]): TopLists => ({
  k,
  users: Int32Array.from(rows.map((_, i) => i)),
  items: Int32Array.from(rows.flatMap((r) => [...r, ...new Array<number>(k - r.length).fill(-1)])),
});

function interactions(pairs: [number, number][]): Interactions {
  return {
    user: Int32Array.from(pairs.map((p) => p[0])),
    item: Int32Array.from(pairs.map((p) => p[1])),
    rating: new Float32Array(pairs.length).fill(1),
    timestamp: new Float64Array(pairs.length),
  };
}

describe('list-level beyond-accuracy metrics', () => {
  it('giniIndex: 0 for even exposure, (n−1)/n when one item takes everything', () => {
    expect(giniIndex([3, 3, 3, 3])).toBe(0);
    expect(giniIndex([0, 0, 0, 8])).toBeCloseTo(3 / 4, 12);
    // sorted 0, 1, 3: Σ(2j−n−1)c = (−2)·0 + 0·1 + 2·3 = 6; / (3·4) = 0.5
    expect(giniIndex([3, 0, 1])).toBeCloseTo(0.5, 12);
    expect(giniIndex([0, 0])).toBe(0);
  });

  it('KG neighbour sets and the Jaccard distance between them', () => {
    const sets = kgNeighbourSets(tinyDataset());
    // Toy Story → Lasseter (1), Animation (5); Heat → Mann (4); A Bug's Life → Lasseter (1)
    expect(sets.map((s) => Array.from(s))).toEqual([[1, 5], [4], [1]]);
    expect(jaccardDistance(sets[0], sets[2])).toBe(0.5);
    expect(jaccardDistance(sets[0], sets[1])).toBe(1);
    expect(jaccardDistance(new Int32Array(0), new Int32Array(0))).toBeNaN();
  });

  it('per-user avgpop, novelty, long-tail share, ild_kg and ild_emb of known lists', () => {
    const kgSets = kgNeighbourSets(tinyDataset());
    // item 0: 1,0 ; item 1: 0,1 ; item 2: 1,1 (normalized 45°)
    const vectors = { dim: 2, items: Float32Array.of(1, 0, 0, 1, 1, 1) };
    expect(cosineDistance(vectors, 0, 1)).toBeCloseTo(1, 12);
    const r = listMetrics(lists(2, [[0, 2], [1]]), 2, {
      nItems: 3,
      nUsers: 4,
      trainItemCounts: [4, 1, 2],
      head: Uint8Array.of(1, 0, 0),
      kgSets,
      vectors,
    });
    expect(Array.from(r.perUser.avgpop)).toEqual([3, 1]);
    // −log2(4/4) = 0, −log2(2/4) = 1 → 0.5; −log2(1/4) = 2
    expect(Array.from(r.perUser.novelty)).toEqual([0.5, 2]);
    expect(Array.from(r.perUser.longtail)).toEqual([0.5, 1]);
    expect(r.perUser.ild_kg[0]).toBe(0.5);
    expect(r.perUser.ild_kg[1]).toBeNaN(); // one item: no pair
    expect(r.perUser.ild_emb[0]).toBeCloseTo(1 - Math.SQRT1_2, 6);
    expect(r.coverage).toBe(1);
    // counts 1, 1, 1 → even
    expect(r.gini).toBe(0);
  });
});

describe('slices', () => {
  it('ageBucket uses MovieLens-1M buckets and keeps a band as it is', () => {
    expect([7, 18, 24, 25, 44, 45, 50, 55, 56, 73].map(ageBucket)).toEqual(['<18', '18-24', '18-24', '25-34', '35-44', '45-49', '50-55', '50-55', '56+', '56+']);
    expect(ageBucket('20-29')).toBe('20-29');
  });

  it('attribute and activity slices cover the evaluated users', () => {
    const records: UserRecord[] = [
      { id: 'a', attributes: { age: '23', gender: 'F', occupation: 'student' } },
      { id: 'b', attributes: { age: '40', gender: 'M', occupation: 'writer' } },
      { id: 'c', attributes: { age: '19', gender: 'F' } },
    ];
    const s = attributeSlices(Int32Array.of(0, 2), records);
    expect(s.map((x) => [x.name, Array.from(x.member)])).toEqual([
      ['age=18-24', [1, 1]],
      ['gender=F', [1, 1]],
      ['occupation=student', [1, 0]],
    ]);
    // training interactions per user 5, 1, 9, 3 → order 1, 3, 0, 2 → q1..q4
    const act = activitySlices(Int32Array.of(0, 1, 2, 3), [5, 1, 9, 3]);
    expect(act.map((x) => [x.name, Array.from(x.member)])).toEqual([
      ['activity=q1', [0, 1, 0, 0]],
      ['activity=q2', [0, 0, 0, 1]],
      ['activity=q3', [1, 0, 0, 0]],
      ['activity=q4', [0, 0, 1, 0]],
    ]);
  });

  it('item-group metrics count only targets in the group; means and gaps by family', () => {
    // user 0 targets items 1 (tail) and 2 (head); user 1 only item 2 (head)
    const targets = toCsr(interactions([[0, 1], [0, 2], [1, 2]]), 2, 3);
    const tail = Uint8Array.of(1, 1, 0);
    const m = groupTargetMetrics(lists(2, [[1, 0], [0, 2]]), targets, tail, 2);
    expect(m['recall@2'][0]).toBe(1);
    expect(m['ndcg@2'][0]).toBe(1);
    expect(m['recall@2'][1]).toBeNaN(); // no tail target
    expect(sliceMeans({ x: [1, 3, Number.NaN] }, Uint8Array.of(1, 0, 1))).toEqual({ x: 1, users: 1 });
    const gaps = sliceGaps({ 'gender=F': { n: 0.2 }, 'gender=M': { n: 0.3 }, 'age=18-24': { n: 0.1 } }, 'n');
    expect(gaps).toEqual({ gender: { metric: 'n', best: 'gender=M', worst: 'gender=F', gap: 0.1 } });
  });
});

describe('analyseEvaluation', () => {
  it('adds beyond-accuracy keys, intervals, slices, and a Holm-corrected comparison per metric', () => {
    const ds = tinyDataset();
    // test: alice → A Bug's Life (2), bob → Toy Story (0), carol → Heat (1); nothing excluded
    const split: Split = {
      protocol: 'recbole',
      seed: 1,
      nUsers: 3,
      nItems: 3,
      train: ds.interactions,
      valid: interactions([]),
      test: interactions([[0, 2], [1, 0], [2, 1]]),
      coldItems: new Int32Array(0),
    };
    const opts = { target: split.test, exclude: [], nUsers: 3, nItems: 3, ks: [1], trainItemCounts: [2, 2, 2], keepPerUser: true, keepLists: true };
    const perfect = evaluateRanking((u) => Float32Array.from([0, 1, 2], (i) => (i === [2, 0, 1][u] ? 1 : 0)), opts);
    const never = evaluateRanking((u) => Float32Array.from([0, 1, 2], (i) => (i === [2, 0, 1][u] ? 0 : 1 - i / 10)), opts);
    const a = analyseEvaluation({ dataset: ds, split, k: 1, seed: 3, reports: new Map([['never', never], ['perfect', perfect]]), resamples: 200 });
    expect(a.models.perfect.test['ild_kg@1']).toBeUndefined(); // one item per list: no pair
    expect(Object.keys(a.models.perfect.test).sort()).toEqual(['avgpop@1', 'gini@1']);
    expect(a.models.perfect.ci95['ndcg@1']).toEqual([1, 1]);
    expect(a.models.never.ci95['ndcg@1']).toEqual([0, 0]);
    expect(Object.keys(a.models.perfect.slices)).toContain('age=18-24');
    expect(a.notes.some((n) => n.startsWith('ild_emb@1 not computed'))).toBe(true);
    expect(a.comparisons.map((c) => c.metric)).toEqual(['recall@1', 'precision@1', 'hit@1', 'mrr@1', 'ndcg@1']);
    const ndcg = a.comparisons[4];
    expect(ndcg).toMatchObject({ a: 'never', b: 'perfect', delta: 1, ci95: [1, 1], users: 3 });
    // three differences of −1: R+ = 0, R− = 6, all tied: var = (3·4·7 − ½·3·8)/24 = 3, z = −3/√3
    expect(ndcg.p).toBeCloseTo(0.083265, 5);
    expect(ndcg.p_holm).toBeCloseTo(5 * ndcg.p, 12); // five equal p-values: the smallest × 5, the rest lifted to it
  });
});

describe('item vectors for ild_emb', () => {
  const fitted = (scorer: object): Promise<FittedModel> => Promise.resolve({ scorer: scorer as FittedModel['scorer'], fitSeconds: 0, tuneSeconds: 0, tuning: [] });

  it("come from the run's fitted semantic model, and are absent without one", async () => {
    const items = Float32Array.of(1, 0, 0, 1);
    const semantic = { name: 'semantic', vectors: () => ({ dim: 2, items, users: new Float32Array(0), blend: 0.3, halfLifeDays: 60 }) };
    expect(await itemVectorsOf(new Map([['pop', fitted({ name: 'pop' })], ['semantic', fitted(semantic)]]))).toEqual({ dim: 2, items });
    expect(await itemVectorsOf(new Map([['pop', fitted({ name: 'pop' })]]))).toBeUndefined();
    // a model named semantic without vectors (not a SemanticScorer) gives none
    expect(await itemVectorsOf(new Map([['semantic', fitted({ name: 'semantic' })]]))).toBeUndefined();
  });
});
