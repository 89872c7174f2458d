/**
 * A removal state's re-scores at a few items (rank/partial-rescore.ts): boundedTop finds the
 * exact top-N from the rows only when the bound proves nothing else can reach it; each source's
 * scoreWithoutAt writes scoreWithout's values and bounds every item's move; and the hybrid in
 * scale mode gives the same fused scores and explanations as the straightforward path while its
 * removal states re-score the vector sources at a few items.
 */
import { describe, expect, it } from 'vitest';
import { validateDataset } from '../../main/core/data';
import { generateSynthetic, syntheticRaw } from '../../main/core/data/synthetic';
import { splitInteractions } from '../../main/core/eval';
import { KgIndex } from '../../main/core/kg';
import { rowIndices } from '../../main/core/matrix';
import { isAttributable, type HistoryAttribution } from '../../main/core/models/attribution';
import { KgEmbedScorer } from '../../main/core/models/kg-embed';
import { KgProfileScorer } from '../../main/core/models/kg-profile';
import { createScorer } from '../../main/core/models/registry';
import { SemanticScorer } from '../../main/core/models/semantic';
import { HybridScorer } from '../../main/core/rank';
import { aboveQuantile, boundedTop } from '../../main/core/rank/partial-rescore';
import { topK } from '../../main/core/topk';
import type { Scorer } from '../../main/core/types';
import { fitContext } from '../../main/jobs/evaluate';
import { explainEveryUser } from '../helpers/explain-runs';
import { bagOfWordsEncoder } from '../helpers/hash-encoder';
import { nativeProductsForAnySize } from '../helpers/native-switch';
import { rng } from '../helpers/random-vectors';

describe('aboveQuantile', () => {
  it('lists exactly the unseen items above its threshold, about as many as asked', () => {
    const r = rng(8);
    for (const [n, m] of [[150, 30], [20_000, 500], [100_000, 2048]]) {
      const scores = Float32Array.from({ length: n }, () => Math.round(r() * 1000) / 100);
      scores[3] = Number.NaN;
      const seen = Uint8Array.from({ length: n }, () => (r() < 0.2 ? 1 : 0));
      const b = aboveQuantile(scores, seen, m, 10);
      expect(b).not.toBeNull();
      const { items, tau } = b ?? { items: new Int32Array(0), tau: 0 };
      const want = Array.from(scores.keys()).filter((i) => seen[i] === 0 && scores[i] > tau);
      expect(Array.from(items)).toEqual(want);
      expect(items.length).toBeGreaterThan(m / 2);
      expect(items.length).toBeLessThan(m * 2);
    }
    // fewer than n above: none
    expect(aboveQuantile(Float32Array.from([1, 1, 1, 1]), new Uint8Array(4), 2, 1)).toBeNull();
  });
});

describe('boundedTop', () => {
  it('is topK over every item whenever it answers, and answers only when the bound rules the rest out', () => {
    const r = rng(5);
    let answered = 0;
    let declined = 0;
    for (let trial = 0; trial < 400; trial++) {
      const n = 300;
      const base = Float32Array.from({ length: n }, () => Math.round(r() * 200) / 10); // ties on purpose
      const seen = Uint8Array.from({ length: n }, () => (r() < 0.1 ? 1 : 0));
      const bound = [0, 0.3, 3, 6][trial % 4];
      // re-scores within the bound of the base (a few exactly at it)
      const moved = Float32Array.from(base, (v) => v + bound * (r() < 0.2 ? Math.sign(r() - 0.5) : 2 * r() - 1));
      const m = 40;
      const full = topK(base, m + 1, seen);
      const tau = base[full[m]];
      const rows = full.slice(0, m).sort();
      // now and then a listed re-score is NaN: never returned, as by topK
      if (trial % 7 === 0) moved[rows[3]] = Number.NaN;
      const k = 10;
      // the rows in two lists, out of order and overlapping (as kg-profile's walked items with the top rows)
      const half = rows.slice(0, 25).reverse();
      const seenItems = Int32Array.from(seen.keys()).filter((i) => seen[i] === 1).slice(0, 20); // never returned
      // the first list's k-th best is boundedTop's floor: first a list of the rows, or one of seen items only (no floor)
      const lists = trial % 3 === 2 ? [seenItems, rows.slice(15), half] : [half, rows.slice(15), seenItems];
      const got = boundedTop(moved, lists, seen, k, tau, bound);
      const want = topK(moved, k, seen);
      // the bound rules the rest out iff the k-th best of the rows is above tau + bound
      const kth = Math.min(...Array.from(want.slice(0, k), (i) => moved[i]));
      if (got === null) {
        declined++;
        continue;
      }
      answered++;
      expect(Array.from(got)).toEqual(Array.from(want));
      expect(kth).toBeGreaterThan(tau + bound);
    }
    // not vacuous: both outcomes met
    expect(answered).toBeGreaterThan(50);
    expect(declined).toBeGreaterThan(50);
  });

  it('declines when the rows hold fewer than N unseen items or the bound is not a number', () => {
    const s = Float32Array.from([5, 4, 3, 2, 1]);
    const seen = Uint8Array.from([0, 1, 0, 0, 0]);
    expect(boundedTop(s, [Int32Array.from([0, 1])], seen, 2, 2, 0)).toBeNull();
    expect(boundedTop(s, [Int32Array.from([0, 2])], seen, 2, 2, Number.NaN)).toBeNull();
    expect(Array.from(boundedTop(s, [Int32Array.from([0, 2])], seen, 2, 2, 0.5) ?? [])).toEqual([0, 2]);
    // an outside item could tie the 2nd: declined
    expect(boundedTop(s, [Int32Array.from([0, 2])], seen, 2, 2, 1)).toBeNull();
    // ties are broken by the lower item, whatever the lists' order
    const tied = Float32Array.from([1, 3, 3, 3, 0]);
    expect(Array.from(boundedTop(tied, [Int32Array.from([3, 2]), Int32Array.from([1, 3])], new Uint8Array(5), 2, 0, 0.5) ?? [])).toEqual([1, 2]);
  });
});

function dataset(): ReturnType<typeof validateDataset>['dataset'] {
  const d = generateSynthetic({ users: 20, items: 150, interactions: 3000, triples: 400, seed: 7 });
  return validateDataset(syntheticRaw(d, 'tiny-partial')).dataset;
}

/** Each source's scoreWithoutAt against its scoreWithout, prepared and not, on users 0..5 (see the describes below). */
async function checkScoreWithoutAt(native: boolean): Promise<void> {
  const ds = dataset();
  const ctx = fitContext(ds, splitInteractions(ds.interactions, 20, 150, 'recbole', 7), 7);
  const sources: Scorer[] = [
    createScorer('bpr', { dim: 8, epochs: 10, seed: 1 }),
    new KgEmbedScorer({ dim: 8, epochs: 5 }),
    new SemanticScorer({ encoder: bagOfWordsEncoder(32), blend: 0.3 }),
    new KgProfileScorer({ kg: new KgIndex(ds) }),
    new KgProfileScorer({ kg: new KgIndex(ds), missing: 'average' }), // the families' fill
  ];
  let tight = 0;
  let answered = 0;
  let declined = 0;
  for (const src of sources) {
    await src.fit(ctx);
    expect(isAttributable(src)).toBe(true);
    const s = src as Scorer & HistoryAttribution;
    const kgProfile = src instanceof KgProfileScorer;
    for (let u = 0; u < 6; u++) for (const prepared of [false, true]) {
      const hist = Array.from(rowIndices(ctx.trainCsr, u));
      const full = s.score(u);
      // prepared: the low-rank updates of explanations (the sets below drawn from these items)
      if (prepared) s.prepareWithout?.(u, hist.slice(0, 5));
      for (const set of [[hist[0]], [hist[1], hist[2]], [hist[0], hist[3], hist[4]], hist.slice(0, 4), hist.slice(0, Math.floor(hist.length / 2) + 1), []]) {
        const removed = new Set(set);
        const want = s.scoreWithout(u, removed) ?? full;
        const at = s.scoreWithoutAt?.(u, removed) ?? null;
        // kg-profile re-scores item by item only a prepared user; without native products the others always can
        if (kgProfile && !prepared) expect(at).toBeNull();
        else if (!native) expect(at).not.toBeNull();
        if (at === null) {
          if (!kgProfile) declined++;
          continue;
        }
        answered++;
        const items = Int32Array.from({ length: 150 }, (_, i) => i).filter((i) => i % 3 !== 1);
        const into = new Float32Array(150).fill(Number.NaN);
        at.write(items, into);
        // scoreWithout's numbers to the bit, and nothing else written
        expect(Array.from(items, (i) => into[i]), `${src.name} user ${u}`).toEqual(Array.from(items, (i) => want[i]));
        expect(Array.from(into).filter((v) => Number.isNaN(v)).length).toBe(150 - items.length);
        // the items that may move more are listed, and written too
        const exact = at.exact ?? new Int32Array(0);
        const other = new Float32Array(150).fill(Number.NaN);
        at.write(exact, other);
        expect(Array.from(exact, (i) => other[i])).toEqual(Array.from(exact, (i) => want[i]));
        // kg-profile's walked values live until its next re-score: a stale write is refused
        if (kgProfile && exact.length > 0) {
          s.scoreWithoutAt?.(u, removed);
          expect(() => at.write(exact, other)).toThrow(/after a later one/);
        }
        // every other item within the bound, up to the float32 rounding of the two scores (2⁻²⁴ relative each)
        let worst = 0;
        let over = -Infinity;
        for (let i = 0; i < 150; i++) {
          if (exact.includes(i)) continue;
          const move = Math.abs(want[i] - full[i] - at.offset);
          worst = Math.max(worst, move);
          over = Math.max(over, move - 2 ** -23 * (Math.abs(want[i]) + Math.abs(full[i])) - at.bound);
        }
        expect(over, `${src.name} user ${u}`).toBeLessThanOrEqual(0);
        if (!kgProfile) expect(at.offset).toBe(0);
        if (set.length === 0) expect(at.bound + Math.abs(at.offset)).toBeLessThan(1e-3);
        else if (worst > at.bound / 20) tight++;
      }
    }
  }
  // not vacuous: many answers, with bounds of the size of the moves, not orders above them
  expect(answered).toBeGreaterThan(native ? 60 : 200);
  // native products really on: the unprepared re-scores (native products in scoreWithout) declined
  if (native) expect(declined).toBeGreaterThan(30);
  else expect(declined).toBe(0);
  expect(tight).toBeGreaterThan(native ? 40 : 150);
}

describe('scoreWithoutAt', () => {
  it('writes scoreWithout\'s re-scores at the listed items, and every item moves by at most its bound', async () => {
    await checkScoreWithoutAt(false);
  });
});

describe('scoreWithoutAt with native products (float32 sums; a re-score that would be one is not written item by item)', () => {
  nativeProductsForAnySize();
  it('writes the prepared updates\' numbers where scoreWithout uses them, and answers null where it takes a native product', async () => {
    await checkScoreWithoutAt(true);
  });
});

/**
 * The hybrid in scale mode on every user: the fast path with removal states re-scored at a few
 * items gives the fused scores and explanations of the fast path re-scoring every item, to the bit.
 */
async function checkHybrid(native: boolean): Promise<void> {
  const ds = dataset();
  const ctx = fitContext(ds, splitInteractions(ds.interactions, 20, 150, 'recbole', 7), 7);
  const kg = new KgIndex(ds);
  const semantic = new SemanticScorer({ encoder: bagOfWordsEncoder(32), blend: 0.3 });
  const srcs: Scorer[] = [
    createScorer('pop'), createScorer('itemknn'), createScorer('bpr', { dim: 8, epochs: 20, seed: 1 }),
    new KgEmbedScorer({ dim: 8, epochs: 5 }), new KgProfileScorer({ kg, missing: 'average' }), semantic,
  ];
  for (const s of srcs) await s.fit(ctx);
  // per source: states answered item by item (scoreWithoutAt not null), and re-scored over every item
  const calls = new Map<string, { at: number; whole: number }>();
  const itemByItem: ((on: boolean) => void)[] = [];
  for (const s of srcs) {
    const a = s as Scorer & HistoryAttribution;
    if (a.scoreWithoutAt === undefined) continue;
    const c = { at: 0, whole: 0 };
    calls.set(s.name, c);
    const at = a.scoreWithoutAt.bind(a);
    const whole = a.scoreWithout.bind(a);
    const counted: typeof at = (...x) => {
      const r = at(...x);
      if (r !== null) c.at++;
      return r;
    };
    a.scoreWithout = (...x) => { c.whole++; return whole(...x); };
    itemByItem.push((on) => { a.scoreWithoutAt = on ? counted : undefined; });
  }
  // 60 of 150 items sampled, top-10 per source searched among about each source's top 30
  const h = new HybridScorer({ sources: srcs.map((scorer) => ({ name: scorer.name, scorer })), kg, itemVectors: (i) => semantic.itemVector(i), ranker: 'linear', seed: 3, statsItems: 60, candidatesPerSource: 10, partialTop: 30 });
  await h.fit(ctx);
  const run = (): ReturnType<typeof explainEveryUser> => explainEveryUser(h, ctx, kg, (i) => semantic.itemVector(i), 3, (u, hist) => [
    h.scoreWithout(u, new Set([hist[0], hist[hist.length - 1]])),
    h.scoreWithout(u, new Set(hist.slice(0, 8))),
  ]);
  h.reuseUserState = false;
  const reference = run();
  h.reuseUserState = true;
  // the fast path re-scoring every item (no scoreWithoutAt), then at a few items
  for (const f of itemByItem) f(false);
  const whole = run();
  for (const f of itemByItem) f(true);
  for (const c of calls.values()) c.whole = 0;
  const fast = run();
  fast.without.forEach((s, j) => expect(Array.from(s)).toEqual(Array.from(whole.without[j])));
  expect(fast.explanations).toEqual(whole.explanations);
  // and the straightforward path's explanations (its scores differ by the prepared updates' rounding)
  if (!native) expect(fast.explanations).toEqual(reference.explanations);
  fast.without.forEach((s, j) => s.forEach((v, i) => (Number.isFinite(v) ? expect(v).toBeCloseTo(reference.without[j][i], 4) : expect(v).toBe(reference.without[j][i]))));
  // not vacuous: every such source answered most of its states at a few items
  expect([...calls.keys()].sort()).toEqual(['bpr', 'kg-embed', 'kg-profile', 'semantic']);
  for (const [name, c] of calls) expect(c.at, name).toBeGreaterThan(native ? 30 : 60);
}

describe('the hybrid in scale mode, removal states at a few items', () => {
  it('gives the fused scores and explanations of re-scoring every item, and the straightforward path\'s explanations', async () => {
    await checkHybrid(false);
  });
});

describe('the hybrid in scale mode with native products, removal states at a few items', () => {
  nativeProductsForAnySize();
  it('gives the fused scores and explanations of re-scoring every item', async () => {
    await checkHybrid(true);
  });
});
