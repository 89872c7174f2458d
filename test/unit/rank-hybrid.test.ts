/**
 * The learned-fusion hybrid on a tiny catalog whose answer is known by construction.
 *
 * Two user groups with disjoint tastes (films 0..8 and 9..17). In each group three director
 * pairs (two films by one director) and three solo films. A user liked one director: one of that
 * director's films is in training (rating 5) with two of the three solo films (rating 3); the
 * director's other film is the user's validation item — or, for every fifth user, the held-out
 * test item. Popularity and item co-occurrence both point at the remaining solo film (solos are
 * in most histories); only the KG (the shared director) points at the right film, which no
 * training history ever pairs with its partner. A learned fusion must trust the KG signal.
 */
import { describe, expect, it } from 'vitest';
import { KnowrecError } from '../../main/core/errors';
import { evaluateSplit } from '../../main/core/eval/evaluate';
import { KgIndex } from '../../main/core/kg';
import { rowIndices } from '../../main/core/matrix';
import { buildFitContext } from '../../main/core/models/context';
import { createScorer } from '../../main/core/models/registry';
import { createRng } from '../../main/core/random';
import { ablationSources } from '../../main/core/models/registry';
import { HybridScorer, mmrRerank } from '../../main/core/rank';
import { topK } from '../../main/core/topk';
import type { Csr, Dataset, FitContext, Interactions, Scorer, Split } from '../../main/core/types';

const PER_GROUP = 9;
const N_ITEMS = 2 * PER_GROUP;

function inter(rows: readonly (readonly [number, number, number])[]): Interactions {
  return {
    user: Int32Array.from(rows.map((r) => r[0])),
    item: Int32Array.from(rows.map((r) => r[1])),
    rating: Float32Array.from(rows.map((r) => r[2])),
    timestamp: Float64Array.from(rows.map((_, i) => 1_000_000 + i)),
  };
}

/** Films of group g: pairs (0,1) (2,3) (4,5) share a director; 6, 7, 8 are solos. */
function film(g: number, j: number): number {
  return g * PER_GROUP + j;
}

interface Fixture {
  readonly dataset: Dataset;
  readonly split: Split;
  readonly ctx: FitContext;
  readonly kg: KgIndex;
  /** Per user: the partner film (valid or test item) and the unseen solo film. */
  readonly partner: Int32Array;
  readonly solo: Int32Array;
  /** Users whose partner film is the test item. */
  readonly targets: number[];
}

function fixture(usersPerGroup = 60, seed = 7): Fixture {
  const rng = createRng(seed);
  const train: [number, number, number][] = [];
  const valid: [number, number, number][] = [];
  const test: [number, number, number][] = [];
  const nUsers = 2 * usersPerGroup;
  const partner = new Int32Array(nUsers);
  const solo = new Int32Array(nUsers);
  const targets: number[] = [];
  for (let g = 0; g < 2; g++) {
    for (let k = 0; k < usersPerGroup; k++) {
      const u = g * usersPerGroup + k;
      const pair = k % 3;
      const first = Math.floor(k / 3) % 2;
      const liked = film(g, 2 * pair + first);
      partner[u] = film(g, 2 * pair + 1 - first);
      const skip = rng.int(3);
      solo[u] = film(g, 6 + skip);
      train.push([u, liked, 5]);
      for (let s = 0; s < 3; s++) if (s !== skip) train.push([u, film(g, 6 + s), 3]);
      if (k % 5 === 0) {
        test.push([u, partner[u], 5]);
        targets.push(u);
      } else {
        valid.push([u, partner[u], 5]);
      }
    }
  }
  const dataset = filmDataset(nUsers, inter([...train, ...valid, ...test]));
  const split: Split = {
    protocol: 'constructed',
    seed,
    nUsers,
    nItems: N_ITEMS,
    train: inter(train),
    valid: inter(valid),
    test: inter(test),
    coldItems: new Int32Array(0),
  };
  const ctx = buildFitContext({ nUsers, nItems: N_ITEMS, train: split.train, valid: split.valid, seed, dataset });
  return { dataset, split, ctx, kg: new KgIndex(dataset), partner, solo, targets };
}

/** Films with one entity each, a director entity per pair and per solo (named only by MIDs). */
function filmDataset(nUsers: number, interactions: Interactions): Dataset {
  const entityIds: string[] = [];
  const head: number[] = [];
  const tail: number[] = [];
  for (let i = 0; i < N_ITEMS; i++) entityIds.push(`film:${i}`);
  const directorOf = (i: number): number => {
    const j = i % PER_GROUP;
    const g = Math.floor(i / PER_GROUP);
    return j < 6 ? g * 6 + Math.floor(j / 2) : g * 6 + 3 + (j - 6);
  };
  for (let d = 0; d < 12; d++) entityIds.push(`m.0dir${d}`);
  for (let i = 0; i < N_ITEMS; i++) {
    head.push(i);
    tail.push(N_ITEMS + directorOf(i));
  }
  const items = Array.from({ length: N_ITEMS }, (_, i) => ({ id: String(i + 1), title: `Film ${i + 1}`, text: {}, attributes: {} }));
  const userIds = Array.from({ length: nUsers }, (_, u) => `u${u}`);
  return {
    name: 'directors',
    userIds,
    itemIds: items.map((it) => it.id),
    users: userIds.map((id) => ({ id, attributes: {} })),
    items,
    interactions,
    kg: {
      entityIds,
      entityNames: entityIds.map(() => null),
      relationNames: ['film.film.directed_by'],
      head: Int32Array.from(head),
      relation: new Int32Array(head.length),
      tail: Int32Array.from(tail),
      derived: new Uint8Array(head.length),
    },
    itemEntities: items.map((_, i) => Int32Array.of(i)),
  };
}

/** A KG-aware source: how many one-hop KG entities an item shares with the user's training items. */
class SharedEntityScorer implements Scorer {
  readonly name = 'kg';
  private train: Csr | null = null;
  constructor(private readonly kg: KgIndex) {}
  async fit(ctx: FitContext): Promise<void> {
    this.train = ctx.trainCsr;
  }
  score(user: number): Float32Array {
    if (this.train === null) throw new Error('not fitted');
    const mine = new Set<number>();
    for (const h of rowIndices(this.train, user)) for (const f of this.kg.itemFacts(h)) mine.add(f.entity);
    const out = new Float32Array(this.train.nCols);
    for (let i = 0; i < out.length; i++) for (const f of this.kg.itemFacts(i)) if (mine.has(f.entity)) out[i]++;
    return out;
  }
  params(): Readonly<Record<string, number | string | boolean>> {
    return {};
  }
}

/** A source that knows nothing: seeded uniform noise per (user, item). */
class NoiseScorer implements Scorer {
  readonly name = 'noise';
  private table: Float32Array = new Float32Array(0);
  private nItems = 0;
  constructor(private readonly seed: number) {}
  async fit(ctx: FitContext): Promise<void> {
    const rng = createRng(this.seed);
    this.nItems = ctx.nItems;
    this.table = Float32Array.from({ length: ctx.nUsers * ctx.nItems }, () => rng.next());
  }
  score(user: number): Float32Array {
    return this.table.slice(user * this.nItems, (user + 1) * this.nItems);
  }
  params(): Readonly<Record<string, number | string | boolean>> {
    return {};
  }
}

async function sources(f: Fixture, withNoise = false): Promise<{ name: string; scorer: Scorer }[]> {
  const list: Scorer[] = [createScorer('pop'), createScorer('itemknn'), new SharedEntityScorer(f.kg)];
  if (withNoise) list.push(new NoiseScorer(99));
  for (const s of list) await s.fit(f.ctx);
  return list.map((scorer) => ({ name: scorer.name, scorer }));
}

function seenMask(ctx: FitContext, user: number): Uint8Array {
  const m = new Uint8Array(ctx.nItems);
  for (const i of rowIndices(ctx.trainCsr, user)) m[i] = 1;
  return m;
}

describe('hybrid: learned fusion', () => {
  it('by construction, popularity and itemknn prefer the unseen solo film over the right one', async () => {
    const f = fixture();
    const [pop, knn] = await sources(f);
    for (const u of f.targets) {
      for (const s of [pop.scorer, knn.scorer]) {
        const sc = s.score(u);
        expect(sc[f.solo[u]], `${s.name}, user ${u}`).toBeGreaterThan(sc[f.partner[u]]);
      }
    }
  });

  it('ranks the film sharing a director with the history first after fusion (test users never seen in fitting)', async () => {
    const f = fixture();
    for (const ranker of ['linear', 'gbdt', 'auto'] as const) {
      const h = new HybridScorer({ sources: await sources(f), kg: f.kg, ranker, seed: 3 });
      await h.fit(f.ctx);
      for (const u of f.targets) {
        const top = topK(h.score(u), 1, seenMask(f.ctx, u));
        expect(top[0], `${ranker}: user ${u}`).toBe(f.partner[u]);
      }
      // the same through the full-ranking evaluator (train and valid masked)
      const r = evaluateSplit(h, f.split, 'test', [1]);
      expect(r.users).toBe(f.targets.length);
      expect(r.metrics['hit@1']).toBe(1);
      expect(h.params().ranker).toBe(ranker === 'auto' ? h.fitReport()?.ranker : ranker);
    }
  });

  it('gives full-length scores: candidates finite, every other item −Infinity below them', async () => {
    const f = fixture();
    const h = new HybridScorer({ sources: await sources(f), kg: f.kg, candidatesPerSource: 2, seed: 1 });
    await h.fit(f.ctx);
    const u = f.targets[0];
    const sc = h.score(u);
    expect(sc.length).toBe(N_ITEMS);
    const cands = new Set(h.candidates(u));
    const seen = seenMask(f.ctx, u);
    // the union of three sources' top-2 unseen items: between 2 and 6 candidates, none seen
    expect(cands.size).toBeGreaterThanOrEqual(2);
    expect(cands.size).toBeLessThanOrEqual(6);
    for (let i = 0; i < N_ITEMS; i++) {
      if (cands.has(i)) {
        expect(Number.isFinite(sc[i])).toBe(true);
        expect(seen[i]).toBe(0);
      } else {
        expect(sc[i]).toBe(-Infinity);
      }
    }
    expect(Array.from(h.score(u, Int32Array.of(f.partner[u], 0)))).toEqual([sc[f.partner[u]], sc[0]]);
  });

  it('is deterministic per seed', async () => {
    const f = fixture();
    const src = await sources(f, true);
    const scores = async (seed: number): Promise<Float32Array[]> => {
      const h = new HybridScorer({ sources: src, kg: f.kg, seed });
      await h.fit(f.ctx);
      return Array.from({ length: f.split.nUsers }, (_, u) => h.score(u));
    };
    const a = await scores(11);
    const b = await scores(11);
    for (let u = 0; u < a.length; u++) expect(Array.from(a[u])).toEqual(Array.from(b[u]));
  });

  it('learns a positive weight for the informative source and ~0 for a pure-noise source', async () => {
    const f = fixture(150);
    const h = new HybridScorer({ sources: await sources(f, true), ranker: 'linear', seed: 5, features: { kgOverlap: false } });
    await h.fit(f.ctx);
    const w = h.linearWeights();
    expect(w).not.toBeNull();
    if (w === null) return;
    const informative = w['kg:z'] + w['kg:rr'];
    const noise = Math.abs(w['noise:z']) + Math.abs(w['noise:rr']);
    expect(informative).toBeGreaterThan(0.5);
    expect(noise).toBeLessThan(0.1 * informative);
    // a per-user constant cancels in every pair
    expect(w['history-length']).toBe(0);
  });

  it('contributions add up to the fused score and are grouped by signal', async () => {
    const f = fixture();
    for (const ranker of ['linear', 'gbdt'] as const) {
      const h = new HybridScorer({ sources: await sources(f), kg: f.kg, ranker, seed: 2 });
      await h.fit(f.ctx);
      const u = f.targets[1];
      const c = h.contributions(u, f.partner[u]);
      expect(c.candidate).toBe(true);
      expect(c.score).toBeCloseTo(h.score(u)[f.partner[u]], 4);
      const sum = c.bias + c.features.reduce((s, x) => s + x.contribution, 0);
      expect(sum).toBeCloseTo(c.score, 9);
      expect(Object.keys(c.signals).sort()).toEqual(['history-length', 'itemknn', 'kg', 'kg-overlap', 'pop']);
      // the right film's advantage comes from the KG side, not from popularity
      const kgSide = c.signals.kg + c.signals['kg-overlap'];
      expect(kgSide).toBeGreaterThan(0);
      expect(kgSide).toBeGreaterThan(c.signals.pop);
    }
  });

  it('computes the features of a (user, candidate) pair as defined', async () => {
    const f = fixture();
    // film vectors: one axis per director, so a pair's films are identical and solos orthogonal
    const directorAxis = (i: number): number => {
      const j = i % PER_GROUP;
      const g = Math.floor(i / PER_GROUP);
      return j < 6 ? g * 6 + Math.floor(j / 2) : g * 6 + 3 + (j - 6);
    };
    const vec = (i: number): Float32Array => {
      const v = new Float32Array(12);
      v[directorAxis(i)] = 1;
      return v;
    };
    const h = new HybridScorer({ sources: await sources(f), kg: f.kg, itemVectors: vec, seed: 1 });
    await h.fit(f.ctx);
    const u = f.targets[2];
    const value = (item: number, name: string): number => {
      const x = h.contributions(u, item).features.find((c) => c.name === name);
      if (x === undefined) throw new Error(`no feature ${name}`);
      return x.value;
    };
    expect(value(f.partner[u], 'history-similarity')).toBeCloseTo(1, 6);
    expect(value(f.solo[u], 'history-similarity')).toBe(0);
    expect(value(f.partner[u], 'kg-overlap')).toBeCloseTo(Math.log1p(1), 9);
    expect(value(f.solo[u], 'kg-overlap')).toBe(0);
    // the KG source scores only the partner (1), so it ranks first among the unseen items
    expect(value(f.partner[u], 'kg:rr')).toBe(1);
    const trainCount = f.split.train.item.filter((i) => i === f.solo[u]).length;
    expect(value(f.solo[u], 'pop')).toBeCloseTo(Math.log1p(trainCount), 6);
    expect(value(f.solo[u], 'history-length')).toBeCloseTo(Math.log1p(3), 9);
    expect(h.featureSpecs().map((s) => s.signal)).toContain('history-similarity');
  });

  it('needs validation interactions and distinct source names', async () => {
    const f = fixture();
    const src = await sources(f);
    const noValid = buildFitContext({ nUsers: f.split.nUsers, nItems: N_ITEMS, train: f.split.train, dataset: f.dataset });
    await expect(new HybridScorer({ sources: src }).fit(noValid)).rejects.toThrow(KnowrecError);
    expect(() => new HybridScorer({ sources: [] })).toThrow(/no sources/);
    await expect(new HybridScorer({ sources: [src[0], src[0]] }).fit(f.ctx)).rejects.toThrow(/two sources are named 'pop'/);
    expect(() => new HybridScorer({ sources: src }).score(0)).toThrow(/before fit/);
  });
});

describe('ablations', () => {
  it('without the KG the fusion cannot find the right film', async () => {
    const f = fixture();
    const src = (await sources(f)).filter((s) => s.name !== 'kg');
    const plan = ablationSources('hybrid-no-kg', src.map((s) => s.name));
    const h = new HybridScorer({ sources: src, kg: f.kg, features: plan.features, seed: 3 });
    await h.fit(f.ctx);
    expect(h.featureSpecs().some((s) => s.signal === 'kg-overlap')).toBe(false);
    const r = evaluateSplit(h, f.split, 'test', [1]);
    expect(r.metrics['hit@1']).toBeLessThan(0.75);
  });
});

describe('mmrRerank', () => {
  // items 0 and 1 are near duplicates, 2 points elsewhere
  const vecs = [Float32Array.of(1, 0), Float32Array.of(0.995, 0.0998), Float32Array.of(0, 1)];
  const scores = Float32Array.of(1, 0.9, 0.5);
  const cands = Int32Array.of(0, 1, 2);
  it('keeps the score order with lambda 1', () => {
    expect(Array.from(mmrRerank(scores, cands, (i) => vecs[i], 1, 3))).toEqual([0, 1, 2]);
  });
  it('puts a different item before a near duplicate with a lower lambda', () => {
    expect(Array.from(mmrRerank(scores, cands, (i) => vecs[i], 0.5, 3))).toEqual([0, 2, 1]);
  });
  it('checks its arguments', () => {
    expect(() => mmrRerank(scores, cands, (i) => vecs[i], 1.5, 3)).toThrow(KnowrecError);
    expect(() => mmrRerank(scores, Int32Array.of(7), (i) => vecs[i], 0.5, 1)).toThrow(/outside/);
  });
});
