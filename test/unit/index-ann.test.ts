import { mkdtempSync, readdirSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KnowrecError } from '../../main/core/errors';
import { ANN_MIN_VECTORS, AnnIndex, ExactIndex, cachedAnnIndex, chooseIndexKind, createVectorIndex, recallAtK } from '../../main/core/index';
import { unitVectors } from '../helpers/random-vectors';

/** Unit vectors on a circle, id i at i degrees: a query's neighbours are the nearest angles. */
function circle(): Float32Array[] {
  return Array.from({ length: 360 }, (_, i) => Float32Array.of(Math.cos((i * Math.PI) / 180), Math.sin((i * Math.PI) / 180)));
}
const at = (deg: number): Float32Array => Float32Array.of(Math.cos((deg * Math.PI) / 180), Math.sin((deg * Math.PI) / 180));

describe('AnnIndex', () => {
  it('finds the known nearest neighbours on a circle, best first, as inner products', () => {
    const ix = new AnnIndex(2);
    const ids = Array.from({ length: 360 }, (_, i) => i);
    ix.add(ids, circle());
    expect(ix.size).toBe(360);
    const [hit] = ix.search([at(100.2)], 5);
    expect(Array.from(hit.ids)).toEqual([100, 101, 99, 102, 98]);
    expect(hit.scores[0]).toBeCloseTo(Math.cos((0.2 * Math.PI) / 180), 5);
    for (let j = 1; j < 5; j++) expect(hit.scores[j]).toBeLessThanOrEqual(hit.scores[j - 1]);
    // wrap-around: 359.9° is next to 0° and 359°
    expect(Array.from(ix.search([at(359.9)], 3)[0].ids)).toEqual([0, 359, 1]);
  });

  it('agrees with exact search on random vectors (recall@10 ≥ 0.95)', () => {
    const dim = 32;
    const vecs = unitVectors(3000, dim, 7);
    const ids = vecs.map((_, i) => i);
    const ann = new AnnIndex(dim);
    const exact = new ExactIndex(dim);
    ann.add(ids, vecs);
    exact.add(ids, vecs);
    const queries = unitVectors(100, dim, 99);
    expect(recallAtK(ann, exact, queries, 10)).toBeGreaterThanOrEqual(0.95);
    expect(recallAtK(exact, exact, queries, 10)).toBe(1);
  });

  it('leaves excluded ids out (mask or set) and still returns k hits', () => {
    const ix = new AnnIndex(2);
    ix.add(Array.from({ length: 360 }, (_, i) => i), circle());
    const mask = new Uint8Array(360);
    mask[100] = 1;
    mask[101] = 1;
    const [a, b] = ix.search([at(100.2), at(100.2)], 3, (q) => (q === 0 ? mask : new Set([99, 100])));
    expect(Array.from(a.ids)).toEqual([99, 102, 98]);
    expect(Array.from(b.ids)).toEqual([101, 102, 98]);
    // everything but two ids excluded: the two are found wherever they are
    const most = new Uint8Array(360).fill(1);
    most[10] = 0;
    most[200] = 0;
    expect(Array.from(ix.search([at(100)], 5, () => most)[0].ids).sort((x, y) => x - y)).toEqual([10, 200]);
  });

  it('replaces the vector of an id added again, removes ids, and keeps negative ids', () => {
    const ix = new AnnIndex(2);
    ix.add([1, 2, -5], [at(0), at(90), at(180)]);
    expect(ix.has(-5)).toBe(true);
    expect(Array.from(ix.search([at(179)], 1)[0].ids)).toEqual([-5]);
    ix.add([1], [at(181)]);
    expect(ix.size).toBe(3);
    expect(Array.from(ix.search([at(181)], 1)[0].ids)).toEqual([1]);
    expect(ix.remove([1, 1, 42])).toBe(1);
    expect(ix.has(1)).toBe(false);
    expect(ix.size).toBe(2);
    expect(Array.from(ix.search([at(181)], 5)[0].ids)).toEqual([-5, 2]);
  });

  it('saves and loads the same graph', () => {
    const dir = mkdtempSync(join(tmpdir(), 'knowrec-ann-'));
    try {
      const vecs = unitVectors(500, 8, 3);
      const ix = new AnnIndex(8);
      ix.add(vecs.map((_, i) => i), vecs);
      ix.save(join(dir, 'items.usearch'));
      const back = AnnIndex.load(join(dir, 'items.usearch'), 8);
      expect(back.size).toBe(500);
      const q = unitVectors(5, 8, 4);
      expect(back.search(q, 10).map((h) => Array.from(h.ids))).toEqual(ix.search(q, 10).map((h) => Array.from(h.ids)));
      expect(() => AnnIndex.load(join(dir, 'missing.usearch'), 8)).toThrow(KnowrecError);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('normalizes when asked and rejects bad input before changing anything', () => {
    const ix = new AnnIndex(2, { normalize: true });
    ix.add([0, 1], [Float32Array.of(10, 0), Float32Array.of(0, 3)]);
    const [hit] = ix.search([Float32Array.of(5, 0.1)], 1);
    expect(Array.from(hit.ids)).toEqual([0]);
    expect(hit.scores[0]).toBeCloseTo(Math.cos(Math.atan(0.02)), 5);
    expect(() => ix.add([2], [Float32Array.of(Number.NaN, 1)])).toThrow(KnowrecError);
    expect(() => ix.add([2, 2], [at(1), at(2)])).toThrow(/twice/);
    expect(() => ix.add([2], [Float32Array.of(1, 0, 0)])).toThrow(KnowrecError);
    expect(() => ix.search([Float32Array.of(1)], 1)).toThrow(KnowrecError);
    expect(ix.size).toBe(2);
    expect(new AnnIndex(2).search([at(0)], 3)[0].ids.length).toBe(0);
  });
});

describe('createVectorIndex', () => {
  it('picks exact below ANN_MIN_VECTORS and ann from there on, unless told', () => {
    expect(chooseIndexKind(ANN_MIN_VECTORS - 1)).toBe('exact');
    expect(chooseIndexKind(ANN_MIN_VECTORS)).toBe('ann');
    expect(chooseIndexKind(10, 'ann')).toBe('ann');
    expect(chooseIndexKind(10 ** 6, 'exact')).toBe('exact');
    expect(chooseIndexKind(100, 'auto', 100)).toBe('ann');
    expect(createVectorIndex(4, { expected: 10 })).toBeInstanceOf(ExactIndex);
    expect(createVectorIndex(4, { expected: 10, kind: 'ann' })).toBeInstanceOf(AnnIndex);
    expect(() => createVectorIndex(4, { expected: 10, kind: 'hnsw' as 'ann' })).toThrow(KnowrecError);
  });
});

describe('cachedAnnIndex', () => {
  it('builds and saves once, loads the same index next time, and rebuilds (replacing the file) when the vectors change', () => {
    const dir = mkdtempSync(join(tmpdir(), 'knowrec-ann-cache-'));
    try {
      const vecs = unitVectors(300, 8, 5);
      const a = cachedAnnIndex(join(dir, 'ws.index'), 'items-model/x', vecs);
      expect(a.loaded).toBe(false);
      const b = cachedAnnIndex(join(dir, 'ws.index'), 'items-model/x', vecs);
      expect(b.loaded).toBe(true);
      expect(b.file).toBe(a.file);
      const q = unitVectors(3, 8, 6);
      expect(b.index.search(q, 5).map((h) => Array.from(h.ids))).toEqual(a.index.search(q, 5).map((h) => Array.from(h.ids)));
      const changed = vecs.map((v, i) => (i === 0 ? v.map((x) => -x) : v));
      const c = cachedAnnIndex(join(dir, 'ws.index'), 'items-model/x', changed);
      expect(c.loaded).toBe(false);
      expect(c.file).not.toBe(a.file);
      expect(readdirSync(join(dir, 'ws.index'))).toEqual([c.file.split('/').pop()]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a build that started before a newer one and ends after it leaves the newer file in place', () => {
    const dir = mkdtempSync(join(tmpdir(), 'knowrec-ann-cache-'));
    try {
      const vecs = unitVectors(300, 8, 5);
      const newer = cachedAnnIndex(dir, 'items', vecs);
      // the file's time is its build's start: this one started after the build below
      const later = Date.now() / 1000 + 60;
      utimesSync(newer.file, later, later);
      const older = cachedAnnIndex(dir, 'items', vecs.map((v, i) => (i === 0 ? v.map((x) => -x) : v)));
      expect(older.loaded).toBe(false);
      expect(readdirSync(dir).sort()).toEqual([newer.file, older.file].map((f) => f.split('/').pop()).sort());
      // a build that started after both removes both
      utimesSync(newer.file, 1, 1);
      const next = cachedAnnIndex(dir, 'items', vecs.map((v, i) => (i === 1 ? v.map((x) => -x) : v)));
      expect(readdirSync(dir)).toEqual([next.file.split('/').pop()]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
