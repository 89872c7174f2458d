import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KnowrecError } from '../../main/core/errors';
import { ExactIndex } from '../../main/core/index';
import { unitVectors } from '../helpers/random-vectors';

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** Brute force: every stored (id, vector), scored and sorted by score desc, id asc. */
function brute(stored: Map<number, Float32Array>, q: Float32Array, skip: (id: number) => boolean): { id: number; score: number }[] {
  return [...stored]
    .filter(([id]) => !skip(id))
    .map(([id, v]) => ({ id, score: Math.fround(dot(q, v)) }))
    .sort((a, b) => b.score - a.score || a.id - b.id);
}

/** Checks hits against brute force, allowing float rounding between different summation orders. */
function expectMatchesBrute(hit: { ids: Int32Array; scores: Float32Array }, expected: { id: number; score: number }[], k: number): void {
  const kk = Math.min(k, expected.length);
  expect(hit.ids.length).toBe(kk);
  const byId = new Map(expected.map((e) => [e.id, e.score]));
  for (let j = 0; j < kk; j++) {
    const want = byId.get(hit.ids[j]);
    expect(want).toBeDefined();
    expect(Math.abs(hit.scores[j] - (want as number))).toBeLessThan(1e-5);
    if (j > 0) expect(hit.scores[j]).toBeLessThanOrEqual(hit.scores[j - 1]);
  }
  if (kk > 0 && kk < expected.length) {
    // nothing left out scores clearly better than the worst kept
    expect(expected[kk].score).toBeLessThanOrEqual(hit.scores[kk - 1] + 1e-5);
  }
  expect(new Set(hit.ids).size).toBe(kk);
}

describe('ExactIndex', () => {
  it('matches brute force through random adds, removes, upserts and searches (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9 }),
        fc.array(
          fc.oneof(
            fc.record({ op: fc.constant('add' as const), ids: fc.array(fc.integer({ min: 0, max: 40 }), { maxLength: 12 }), seed: fc.nat() }),
            fc.record({ op: fc.constant('remove' as const), ids: fc.array(fc.integer({ min: 0, max: 40 }), { maxLength: 8 }) }),
            fc.record({ op: fc.constant('search' as const), k: fc.integer({ min: 0, max: 50 }), seed: fc.nat(), ex: fc.array(fc.integer({ min: 0, max: 40 }), { maxLength: 6 }) }),
          ),
          { maxLength: 25 },
        ),
        (dim, ops) => {
          const index = new ExactIndex(dim, { initialCapacity: 2 });
          const stored = new Map<number, Float32Array>();
          for (const o of ops) {
            if (o.op === 'add') {
              const vecs = unitVectors(o.ids.length, dim, o.seed);
              index.add(o.ids, vecs);
              o.ids.forEach((id, i) => stored.set(id, vecs[i]));
            } else if (o.op === 'remove') {
              const before = stored.size;
              for (const id of o.ids) stored.delete(id);
              expect(index.remove(o.ids)).toBe(before - stored.size);
            } else {
              const qs = unitVectors(2, dim, o.seed);
              const exSet = new Set(o.ex);
              const mask = new Uint8Array(41);
              for (const id of o.ex) mask[id] = 1;
              const hits = index.search(qs, o.k, (q) => (q === 0 ? exSet : mask));
              expect(hits.length).toBe(2);
              for (let q = 0; q < 2; q++) {
                const hit = hits[q];
                expectMatchesBrute(hit, brute(stored, qs[q], (id) => exSet.has(id)), o.k);
                for (const id of hit.ids) expect(stored.has(id)).toBe(true);
              }
            }
            expect(index.size).toBe(stored.size);
          }
          for (const [id, v] of stored) expect(Array.from(index.get(id) as Float32Array)).toEqual(Array.from(v));
        },
      ),
      { numRuns: 200, seed: 2020 },
    );
  });

  it('returns the exact top-k on 2,000 random 64-d vectors', () => {
    const dim = 64;
    const vecs = unitVectors(2000, dim, 7);
    const index = new ExactIndex(dim);
    index.add(Int32Array.from({ length: 2000 }, (_, i) => i), vecs);
    const queries = unitVectors(5, dim, 8);
    const flat = new Float32Array(5 * dim);
    queries.forEach((q, i) => flat.set(q, i * dim));
    const stored = new Map(vecs.map((v, i) => [i, v]));
    const hits = index.search(flat, 10);
    hits.forEach((hit, q) => expectMatchesBrute(hit, brute(stored, queries[q], () => false), 10));
    // the best hit for a stored vector is itself
    const self = index.search([vecs[123]], 1)[0];
    expect(self.ids[0]).toBe(123);
    expect(self.scores[0]).toBeCloseTo(1, 5);
  });

  it('excludes ids given as a mask or a set, per query', () => {
    const index = new ExactIndex(2);
    // on the unit circle: id i at angle i·10°, query at 0° ranks ids by angle
    const ids = [0, 1, 2, 3, 4];
    index.add(
      ids,
      ids.map((i) => Float32Array.of(Math.cos((i * Math.PI) / 18), Math.sin((i * Math.PI) / 18))),
    );
    const q = Float32Array.of(1, 0);
    const mask = Uint8Array.of(1, 0, 1);
    const [a, b, c] = index.search([q, q, q], 3, (qi) => (qi === 0 ? mask : qi === 1 ? new Set([1, 3]) : undefined));
    expect(Array.from(a.ids)).toEqual([1, 3, 4]);
    expect(Array.from(b.ids)).toEqual([0, 2, 4]);
    expect(Array.from(c.ids)).toEqual([0, 1, 2]);
  });

  it('returns everything left when k exceeds the size, and nothing for k = 0', () => {
    const index = new ExactIndex(3);
    index.add([7, 8], [Float32Array.of(1, 0, 0), Float32Array.of(0, 1, 0)]);
    const [hit] = index.search([Float32Array.of(0.6, 0.8, 0)], 10);
    expect(Array.from(hit.ids)).toEqual([8, 7]);
    expect(Array.from(hit.scores)).toEqual([Math.fround(0.8), Math.fround(0.6)]);
    expect(index.search([Float32Array.of(1, 0, 0)], 0)[0].ids.length).toBe(0);
    expect(index.search([Float32Array.of(1, 0, 0)], 5, () => new Set([7, 8]))[0].ids.length).toBe(0);
    expect(new ExactIndex(3).search([Float32Array.of(1, 0, 0)], 5)[0].ids.length).toBe(0);
  });

  it('never returns removed ids, and keeps the moved vector findable after swap-remove', () => {
    const index = new ExactIndex(2, { initialCapacity: 1 });
    index.add([10, 20, 30], [Float32Array.of(1, 0), Float32Array.of(0, 1), Float32Array.of(-1, 0)]);
    expect(index.remove([10, 99])).toBe(1);
    expect(index.has(10)).toBe(false);
    expect(index.size).toBe(2);
    // id 30 moved into slot 0
    expect(Array.from(index.get(30) as Float32Array)).toEqual([-1, 0]);
    const [hit] = index.search([Float32Array.of(1, 0)], 5);
    expect(Array.from(hit.ids)).toEqual([20, 30]);
    expect(Array.from(index.search([Float32Array.of(-1, 0)], 1)[0].ids)).toEqual([30]);
    index.add([10], [Float32Array.of(1, 0)]);
    expect(Array.from(index.search([Float32Array.of(1, 0)], 1)[0].ids)).toEqual([10]);
  });

  it('breaks ties by the lower id, whatever the insertion order', () => {
    const index = new ExactIndex(2);
    const same = Float32Array.of(0, 1);
    index.add([9, 4, 6, 1], [same, same, same, Float32Array.of(1, 0)]);
    index.remove([1]);
    const [hit] = index.search([Float32Array.of(0, 1)], 2);
    expect(Array.from(hit.ids)).toEqual([4, 6]);
  });

  it('replaces the vector of an id added twice', () => {
    const index = new ExactIndex(2);
    index.add([5], [Float32Array.of(1, 0)]);
    index.add([5], [Float32Array.of(0, 1)]);
    expect(index.size).toBe(1);
    expect(Array.from(index.search([Float32Array.of(0, 1)], 1)[0].scores)).toEqual([1]);
  });

  it('gives dense scores in a requested id order', () => {
    const index = new ExactIndex(2);
    index.add([2, 0], [Float32Array.of(0.5, 0), Float32Array.of(0, 0.25)]);
    const q = Float32Array.of(2, 4);
    expect(Array.from(index.scoresFor(q, [0, 1, 2]))).toEqual([1, Number.NaN, 1]);
    expect(Array.from(index.scoresFor(q, [2, 1], -1))).toEqual([1, -1]);
    expect(Array.from(index.ids())).toEqual([2, 0]);
    expect(Array.from(index.scoresFor(q))).toEqual([1, 1]);
    expect(Array.from(index.scoresById(q, 4))).toEqual([1, Number.NaN, 1, Number.NaN]);
  });

  it('normalizes on request', () => {
    const index = new ExactIndex(2, { normalize: true });
    index.add([1], [Float32Array.of(3, 4)]);
    expect(index.scoresFor(Float32Array.of(10, 0))[0]).toBeCloseTo(0.6, 6);
  });

  it('rejects wrong dimensions and non-finite values with KnowrecErrors, changing nothing', () => {
    const index = new ExactIndex(3);
    expect(() => index.add([1, 2], [Float32Array.of(1, 0, 0)])).toThrow(KnowrecError);
    expect(() => index.add([1, 2], [Float32Array.of(1, 0, 0), Float32Array.of(1, 0)])).toThrow(/expected 3/);
    expect(() => index.add([1], new Float32Array(4))).toThrow(KnowrecError);
    expect(() => index.add([1], [Float32Array.of(1, Number.NaN, 0)])).toThrow(/non-finite/);
    expect(() => index.add([1.5], [Float32Array.of(1, 0, 0)])).toThrow(/32-bit integer/);
    expect(index.size).toBe(0);
    expect(() => index.search(new Float32Array(4), 1)).toThrow(/multiple of dim/);
    expect(() => index.search([Float32Array.of(1, 0)], 1)).toThrow(/expected 3/);
    expect(() => new ExactIndex(0)).toThrow(KnowrecError);
  });
});
