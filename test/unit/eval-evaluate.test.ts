import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { KnowrecError } from '../../main/core/errors';
import {
  coldItemRecall,
  evaluateItemSlice,
  evaluateRanking,
  evaluateSplit,
  itemCounts,
} from '../../main/core/eval/evaluate';
import { splitInteractions } from '../../main/core/eval/split';
import { emptyInteractions, toCsr } from '../../main/core/matrix';
import type { Interactions, Scorer, Split } from '../../main/core/types';

function inter(rows: readonly (readonly [number, number])[]): Interactions {
  return {
    user: Int32Array.from(rows.map((r) => r[0])),
    item: Int32Array.from(rows.map((r) => r[1])),
    rating: new Float32Array(rows.length).fill(1),
    timestamp: new Float64Array(rows.length),
  };
}

function matrixScorer(rows: readonly number[][]): (u: number) => Float32Array {
  return (u) => Float32Array.from(rows[u]);
}

function fixedScorer(score: (u: number) => Float32Array): Scorer {
  return { name: 'fixed', fit: async () => {}, score, params: () => ({}) };
}

describe('evaluateRanking, hand-computed case', () => {
  // 3 users, 6 items.
  // user 0: scores descend with the item index; train {0}; targets {2, 5}
  //   ranking without item 0: 1,2,3,4,5
  //   K=2 → [1,2]: recall 1/2, precision 1/2, mrr 1/2, ndcg = (1/log2 3)/(1 + 1/log2 3) = 0.386853
  //   K=5 → [1..5]: hits at ranks 2 and 5: recall 1, precision 2/5, mrr 1/2,
  //          ndcg = (1/log2 3 + 1/log2 6)/(1 + 1/log2 3) = 0.624051
  // user 1: scores ascend with the item index; train {4, 5}; targets {3}
  //   ranking: 3,2,1,0 (only four unseen items)
  //   K=2 → [3,2]: recall 1, precision 1/2, mrr 1, ndcg 1;  K=5 → recall 1, precision 1/5, ndcg 1
  // user 2: no targets → not evaluated.
  const nUsers = 3;
  const nItems = 6;
  const scores = [
    [0.9, 0.8, 0.7, 0.6, 0.5, 0.4],
    [0.1, 0.2, 0.3, 0.4, 0.5, 0.6],
    [1, 1, 1, 1, 1, 1],
  ];
  const train = inter([[0, 0], [1, 5], [1, 4], [2, 1]]);
  const target = inter([[0, 2], [0, 5], [1, 3]]);
  // popularity for novelty/long-tail: head = ⌈0.2·6⌉ = 2 most popular = items 0 and 1
  const counts = Float32Array.from([10, 6, 3, 1, 0, 2]);
  const opts = {
    target,
    exclude: [toCsr(train, nUsers, nItems)],
    nUsers,
    nItems,
    ks: [2, 5],
    trainItemCounts: counts,
  };

  it('accuracy metrics are the per-user averages', () => {
    const r = evaluateRanking(matrixScorer(scores), opts);
    expect(r.users).toBe(2);
    expect(r.metrics['recall@2']).toBeCloseTo(0.75, 12);
    expect(r.metrics['precision@2']).toBeCloseTo(0.5, 12);
    expect(r.metrics['hit@2']).toBe(1);
    expect(r.metrics['mrr@2']).toBeCloseTo(0.75, 12);
    expect(r.metrics['ndcg@2']).toBeCloseTo((0.386853 + 1) / 2, 6);
    expect(r.metrics['recall@5']).toBeCloseTo(1, 12);
    expect(r.metrics['precision@5']).toBeCloseTo(0.3, 12);
    expect(r.metrics['mrr@5']).toBeCloseTo(0.75, 12);
    expect(r.metrics['ndcg@5']).toBeCloseTo((0.624051 + 1) / 2, 6);
  });

  it('coverage, novelty and long-tail share', () => {
    // K=2 lists [1,2] and [3,2]: distinct {1,2,3} → coverage 3/6.
    // self-information with nUsers = 3 and pop clamped to [1, 3]: items 1,2 → 0; item 3 → log2 3.
    // novelty = (0 + 0 + log2 3 + 0)/4 = 0.396241; non-head slots 2,3,2 → long-tail 3/4.
    // K=5 lists [1,2,3,4,5] and [3,2,1,0]: coverage 6/6; novelty = (3·log2 3 + log2 1.5)/9... :
    //   items 3,4 (pop 1, 0→1) give log2 3 each, item 5 (pop 2) gives log2(3/2), item 3 again log2 3
    //   sum = 3·1.584963 + 0.584963 = 5.339850 → /9 = 0.593317; non-head slots 2,3,4,5,3,2 → 6/9
    const r = evaluateRanking(matrixScorer(scores), opts);
    expect(r.metrics['coverage@2']).toBeCloseTo(0.5, 12);
    expect(r.metrics['novelty@2']).toBeCloseTo(0.396241, 6);
    expect(r.metrics['longtail@2']).toBeCloseTo(0.75, 12);
    expect(r.metrics['coverage@5']).toBeCloseTo(1, 12);
    expect(r.metrics['novelty@5']).toBeCloseTo(0.593317, 6);
    expect(r.metrics['longtail@5']).toBeCloseTo(6 / 9, 12);
  });

  it('writes every metric key for every K', () => {
    const r = evaluateRanking(matrixScorer(scores), opts);
    const names = ['ndcg', 'recall', 'mrr', 'hit', 'precision', 'coverage', 'novelty', 'longtail'];
    expect(Object.keys(r.metrics).sort()).toEqual(names.flatMap((m) => [`${m}@2`, `${m}@5`]).sort());
  });

  it('keeps per-user values whose mean is the reported metric', () => {
    const r = evaluateRanking(matrixScorer(scores), { ...opts, keepPerUser: true });
    expect(Array.from(r.perUser?.users ?? [])).toEqual([0, 1]);
    const nd = r.perUser?.values['ndcg@2'];
    expect(nd?.[0]).toBeCloseTo(0.386853, 6);
    expect(nd?.[1]).toBeCloseTo(1, 12);
    const rc = r.perUser?.values['recall@5'] ?? new Float64Array(0);
    expect((rc[0] + rc[1]) / 2).toBeCloseTo(r.metrics['recall@5'], 12);
  });

  it('restricts to the given users', () => {
    const r = evaluateRanking(matrixScorer(scores), { ...opts, users: Int32Array.from([1, 2]) });
    expect(r.users).toBe(1);
    expect(r.metrics['mrr@2']).toBe(1);
  });

  it('without exclusion the seen item 0 takes user 0’s first slot', () => {
    const r = evaluateRanking(matrixScorer(scores), { ...opts, exclude: [], keepPerUser: true });
    // user 0 ranking 0,1,2,...: first hit (item 2) at rank 3 → mrr@5 = 1/3
    expect(r.perUser?.values['mrr@5'][0]).toBeCloseTo(1 / 3, 12);
  });

  it('reports progress, honours cancellation and checks the scorer’s output length', () => {
    const seen: [number, number][] = [];
    evaluateRanking(matrixScorer(scores), { ...opts, onProgress: (d, t) => seen.push([d, t]) });
    expect(seen[seen.length - 1]).toEqual([2, 2]);
    const ac = new AbortController();
    ac.abort();
    expect(() => evaluateRanking(matrixScorer(scores), { ...opts, signal: ac.signal })).toThrow(/cancelled/);
    expect(() => evaluateRanking(() => new Float32Array(3), opts)).toThrow(KnowrecError);
    expect(() => evaluateRanking(matrixScorer(scores), { ...opts, ks: [0] })).toThrow(KnowrecError);
    expect(() => evaluateRanking(matrixScorer(scores), { ...opts, ks: [] })).toThrow(KnowrecError);
  });

  it('never masks a user’s own target, even when it is also in the exclusion set (RecBole rule)', () => {
    // user 1 has item 3 both in train and as target; the scorer puts it first
    const ex = toCsr(inter([[1, 3]]), nUsers, nItems);
    const r = evaluateRanking(() => Float32Array.from([0, 0, 0, 1, 0, 0]), {
      ...opts,
      target: inter([[1, 3]]),
      exclude: [ex],
      ks: [1],
    });
    expect(r.metrics['hit@1']).toBe(1);
  });

  it('counts duplicate target rows once', () => {
    const r = evaluateRanking(matrixScorer(scores), {
      ...opts,
      target: inter([[1, 3], [1, 3]]),
      ks: [1],
    });
    expect(r.metrics['recall@1']).toBe(1);
  });
});

describe('evaluateRanking, properties', () => {
  const arb = fc
    .record({
      nUsers: fc.integer({ min: 1, max: 6 }),
      nItems: fc.integer({ min: 2, max: 20 }),
      targetRows: fc.array(fc.tuple(fc.nat(), fc.nat()), { minLength: 1, maxLength: 30 }),
      seenRows: fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 30 }),
      k: fc.integer({ min: 1, max: 12 }),
    })
    .map(({ nUsers, nItems, targetRows, seenRows, k }) => {
      const target = inter(targetRows.map(([u, i]) => [u % nUsers, i % nItems] as const));
      const tset = new Set(targetRows.map(([u, i]) => `${u % nUsers}:${i % nItems}`));
      // seen items are disjoint from each user's targets, as in a real split without duplicates
      const seen = inter(
        seenRows
          .map(([u, i]) => [u % nUsers, i % nItems] as const)
          .filter(([u, i]) => !tset.has(`${u}:${i}`)),
      );
      return { nUsers, nItems, target, seen, tset, k };
    });

  it('a scorer that loves seen items but ranks targets next gets recall 1 when |T| ≤ K', () => {
    fc.assert(
      fc.property(arb, ({ nUsers, nItems, target, seen, tset, k }) => {
        const seenSet = new Set(Array.from(seen.user, (u, j) => `${u}:${seen.item[j]}`));
        const score = (u: number): Float32Array =>
          Float32Array.from({ length: nItems }, (_, i) =>
            seenSet.has(`${u}:${i}`) ? 2 : tset.has(`${u}:${i}`) ? 1 : 0,
          );
        const r = evaluateRanking(score, {
          target,
          exclude: [toCsr(seen, nUsers, nItems)],
          nUsers,
          nItems,
          ks: [k],
          trainItemCounts: itemCounts(seen, nItems),
          keepPerUser: true,
        });
        const users = r.perUser?.users ?? new Int32Array(0);
        for (let n = 0; n < users.length; n++) {
          const nT = Array.from(tset).filter((s) => s.startsWith(`${users[n]}:`)).length;
          if (nT <= k) {
            expect(r.perUser?.values[`recall@${k}`][n]).toBeCloseTo(1, 12);
            expect(r.perUser?.values[`ndcg@${k}`][n]).toBeCloseTo(1, 12);
          } else {
            expect(r.perUser?.values[`precision@${k}`][n]).toBeCloseTo(1, 12);
          }
        }
        for (const v of Object.values(r.metrics)) expect(Number.isFinite(v)).toBe(true);
        for (const [key, v] of Object.entries(r.metrics)) {
          if (!key.startsWith('novelty')) {
            expect(v).toBeGreaterThanOrEqual(0);
            expect(v).toBeLessThanOrEqual(1 + 1e-12);
          }
        }
        expect(r.metrics[`hit@${k}`]).toBeGreaterThanOrEqual(r.metrics[`precision@${k}`] - 1e-12);
      }),
    );
  });
});

describe('evaluateSplit and slices', () => {
  // one user, four items: train {0}, valid {1}, test {2}; the scorer prefers lower indices
  const split: Split = {
    protocol: 'manual',
    seed: 0,
    nUsers: 1,
    nItems: 4,
    train: inter([[0, 0]]),
    valid: inter([[0, 1]]),
    test: inter([[0, 2]]),
    coldItems: new Int32Array(0),
  };
  const scorer = fixedScorer(() => Float32Array.from([4, 3, 2, 1]));

  it('masks train for validation and train + valid for test', () => {
    expect(evaluateSplit(scorer, split, 'valid', [1]).metrics['hit@1']).toBe(1);
    expect(evaluateSplit(scorer, split, 'test', [1]).metrics['hit@1']).toBe(1);
    // were valid not masked for test, item 1 would take the only slot
    const noValidMask = evaluateRanking((u) => scorer.score(u), {
      target: split.test,
      exclude: [toCsr(split.train, 1, 4)],
      nUsers: 1,
      nItems: 4,
      ks: [1],
      trainItemCounts: itemCounts(split.train, 4),
    });
    expect(noValidMask.metrics['hit@1']).toBe(0);
  });

  it('evaluateItemSlice counts only targets on the slice items', () => {
    // user 0 targets {2, 3}; slice {3}: |T| = 1; ranking without item 0 is 1,2,3.
    // @2: item 2 is a target but not in the slice, so no hit; @3: hit at rank 3 → mrr 1/3
    const r = evaluateItemSlice((u) => scorer.score(u), {
      target: inter([[0, 2], [0, 3]]),
      exclude: [toCsr(split.train, 1, 4)],
      nUsers: 1,
      nItems: 4,
      ks: [2, 3],
      trainItemCounts: itemCounts(split.train, 4),
    }, [3]);
    expect(r.users).toBe(1);
    expect(r.metrics['hit@2']).toBe(0);
    expect(r.metrics['recall@3']).toBe(1);
    expect(r.metrics['mrr@3']).toBeCloseTo(1 / 3, 12);
    expect(() =>
      evaluateItemSlice((u) => scorer.score(u), {
        target: emptyInteractions(),
        exclude: [],
        nUsers: 1,
        nItems: 4,
        ks: [2],
        trainItemCounts: new Float32Array(4),
      }, [9]),
    ).toThrow(KnowrecError);
  });

  it('on a cold-items split, popularity misses the cold items and a scorer that sees them does not', () => {
    // 40 users × 30 items, everyone interacted with everything except a diagonal stripe
    const rows: [number, number][] = [];
    for (let u = 0; u < 40; u++) for (let i = 0; i < 30; i++) if ((u + i) % 5 !== 0) rows.push([u, i]);
    const x = inter(rows);
    const s = splitInteractions(x, 40, 30, 'cold-items', 3);
    expect(s.coldItems.length).toBe(3);
    const counts = itemCounts(s.train, 30);
    const pop = fixedScorer(() => Float32Array.from(counts));
    const cold = new Set(Array.from(s.coldItems));
    const coldFirst = fixedScorer(() => Float32Array.from({ length: 30 }, (_, i) => (cold.has(i) ? 1 : 0)));
    // every user has 6 unseen items (the stripe) besides their cold targets, and popularity ranks
    // the stripe's warm items (train count > 0) above the cold ones (count 0)
    const rp = coldItemRecall(pop, s, 'test', [3]);
    const rc = coldItemRecall(coldFirst, s, 'test', [3]);
    expect(rc.users).toBeGreaterThan(0);
    expect(rc.metrics['recall@3']).toBe(1);
    expect(rp.metrics['recall@3']).toBeLessThan(rc.metrics['recall@3']);
    // the cold items appear only in valid/test, so evaluateSplit's targets are all cold
    expect(evaluateSplit(coldFirst, s, 'test', [3]).metrics['recall@3']).toBe(1);
  });
});
