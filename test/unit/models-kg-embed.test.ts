import { describe, expect, it } from 'vitest';
import { KnowrecError } from '../../main/core/errors';
import { buildFitContext, placeholderDataset } from '../../main/core/models/context';
import { KgEmbedScorer, type KgEmbedOptions } from '../../main/core/models/kg-embed';
import type { Dataset, FitContext, Interactions, Progress, Scorer } from '../../main/core/types';

/*
 * Two user groups with disjoint tastes, by construction:
 *   users 0..9 (group A) interact with items 0..5 (each skips one) and with item 14;
 *   users 10..19 (group B) interact with items 6..11 (each skips one).
 * Items 0..13 link to entities 0..13; item 14 has no entity. Group A's items share director 14,
 * genre 16 and actors 18..20; group B's share director 15, genre 17 and actors 21..23.
 * Item 12 (cold A) and item 13 (cold B) have the KG facts of their group and NO interactions.
 */
const A_USERS = range(0, 10);
const B_USERS = range(10, 20);
const A_ITEMS = range(0, 6);
const B_ITEMS = range(6, 12);
const COLD_A = 12;
const COLD_B = 13;
const UNLINKED = 14;
const N_USERS = 20;
const N_ITEMS = 15;

function range(a: number, b: number): number[] {
  return Array.from({ length: b - a }, (_, k) => a + k);
}

function inter(rows: readonly (readonly [number, number])[]): Interactions {
  return {
    user: Int32Array.from(rows.map((r) => r[0])),
    item: Int32Array.from(rows.map((r) => r[1])),
    rating: new Float32Array(rows.length).fill(1),
    timestamp: new Float64Array(rows.length),
  };
}

function twoGroupTrain(): Interactions {
  const rows: [number, number][] = [];
  for (const u of A_USERS) {
    for (const i of A_ITEMS) if (i !== A_ITEMS[u % 6]) rows.push([u, i]);
    rows.push([u, UNLINKED]);
  }
  for (const u of B_USERS) for (const i of B_ITEMS) if (i !== B_ITEMS[u % 6]) rows.push([u, i]);
  return inter(rows);
}

function twoGroupDataset(train: Interactions): Dataset {
  const base = placeholderDataset(N_USERS, N_ITEMS, train);
  const rel = { directedBy: 0, directs: 1, genre: 2, genreOf: 3, starring: 4 };
  const head: number[] = [];
  const relation: number[] = [];
  const tail: number[] = [];
  const fact = (h: number, r: number, t: number): void => {
    head.push(h);
    relation.push(r);
    tail.push(t);
  };
  const groupFacts = (item: number, director: number, genre: number, actors: readonly number[], k: number): void => {
    fact(item, rel.directedBy, director);
    fact(director, rel.directs, item);
    fact(item, rel.genre, genre);
    fact(genre, rel.genreOf, item);
    fact(item, rel.starring, actors[k % 3]);
    fact(item, rel.starring, actors[(k + 1) % 3]);
  };
  const aActors = [18, 19, 20];
  const bActors = [21, 22, 23];
  for (const [k, i] of [...A_ITEMS, COLD_A].entries()) groupFacts(i, 14, 16, aActors, k);
  for (const [k, i] of [...B_ITEMS, COLD_B].entries()) groupFacts(i, 15, 17, bActors, k);
  const nEntities = 24;
  return {
    ...base,
    kg: {
      entityIds: range(0, nEntities).map((e) => `e${e}`),
      entityNames: range(0, nEntities).map(() => null),
      relationNames: ['directed_by', 'directs', 'genre', 'genre_of', 'starring'],
      head: Int32Array.from(head),
      relation: Int32Array.from(relation),
      tail: Int32Array.from(tail),
      derived: new Uint8Array(head.length),
    },
    itemEntities: range(0, N_ITEMS).map((i) => (i < 14 ? Int32Array.of(i) : new Int32Array(0))),
  };
}

function twoGroupContext(extra: { seed?: number; signal?: AbortSignal; onProgress?: (p: Progress) => void } = {}): FitContext {
  const train = twoGroupTrain();
  return buildFitContext({ nUsers: N_USERS, nItems: N_ITEMS, train, dataset: twoGroupDataset(train), seed: 3, ...extra });
}

const small: KgEmbedOptions = { dim: 16, epochs: 60, lr: 0.05, lambdaKg: 1, reg: 0.01 };

async function fitted(opts: KgEmbedOptions = small, seed = 3): Promise<KgEmbedScorer> {
  const s = new KgEmbedScorer(opts);
  await s.fit(twoGroupContext({ seed }));
  return s;
}

function maxOf(scores: Float32Array, items: readonly number[]): number {
  return Math.max(...items.map((i) => scores[i]));
}

async function expectCancelled(p: Promise<unknown>): Promise<void> {
  const err: unknown = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(KnowrecError);
  expect((err as KnowrecError).code).toBe('cancelled');
}

describe('kg-embed', () => {
  it('ranks a cold item through the KG: above the other group\'s items and the other group\'s cold item', async () => {
    for (const opts of [small, { ...small, kgLoss: 'margin' as const }, { ...small, optimizer: 'adam' as const, lr: 0.01 }]) {
      const s = await fitted(opts);
      for (const u of A_USERS) {
        const sc = s.score(u);
        expect(sc[COLD_A], `user ${u} ${JSON.stringify(opts)}`).toBeGreaterThan(sc[COLD_B]);
        expect(sc[COLD_A], `user ${u} ${JSON.stringify(opts)}`).toBeGreaterThan(maxOf(sc, B_ITEMS));
      }
      for (const u of B_USERS) {
        const sc = s.score(u);
        expect(sc[COLD_B], `user ${u} ${JSON.stringify(opts)}`).toBeGreaterThan(sc[COLD_A]);
        expect(sc[COLD_B], `user ${u} ${JSON.stringify(opts)}`).toBeGreaterThan(maxOf(sc, A_ITEMS));
      }
    }
  });

  it('separates the cold items only when the KG loss is on', async () => {
    // mean over users of (own group's cold item − other group's cold item)
    const gap = (s: Scorer): number => {
      let sum = 0;
      for (const u of A_USERS) sum += s.score(u)[COLD_A] - s.score(u)[COLD_B];
      for (const u of B_USERS) sum += s.score(u)[COLD_B] - s.score(u)[COLD_A];
      return sum / N_USERS;
    };
    // over a few seeds: without the KG loss the cold items' entities keep their random
    // initialisation, so the gap is noise around 0; with it every seed separates them clearly
    const seeds = [1, 2, 3, 4];
    const withKg: number[] = [];
    const withoutKg: number[] = [];
    for (const seed of seeds) {
      withKg.push(gap(await fitted(small, seed)));
      withoutKg.push(gap(await fitted({ ...small, lambdaKg: 0 }, seed)));
    }
    const noise = Math.max(...withoutKg.map(Math.abs));
    for (const g of withKg) expect(g).toBeGreaterThan(3 * noise);
  });

  it('ranks each group\'s items, and an item without a KG link, by the group\'s interactions', async () => {
    const s = await fitted();
    for (const u of A_USERS) {
      const sc = s.score(u);
      const held = A_ITEMS[u % 6]; // in the group but not interacted with by u
      expect(sc[held]).toBeGreaterThan(maxOf(sc, B_ITEMS));
      expect(sc[UNLINKED]).toBeGreaterThan(maxOf(sc, B_ITEMS));
    }
    for (const u of B_USERS) {
      const sc = s.score(u);
      expect(sc[B_ITEMS[u % 6]]).toBeGreaterThan(maxOf(sc, A_ITEMS));
      expect(sc[UNLINKED]).toBeLessThan(maxOf(sc, B_ITEMS));
    }
  });

  it('is deterministic per seed', async () => {
    const a = await fitted(small, 5);
    const b = await fitted(small, 5);
    const c = await fitted(small, 6);
    for (const u of [0, 9, 10, 19]) {
      expect(Array.from(b.score(u))).toEqual(Array.from(a.score(u)));
      expect(Array.from(c.score(u))).not.toEqual(Array.from(a.score(u)));
    }
  });

  it('lowers both losses and reports progress per epoch', async () => {
    const events: Progress[] = [];
    const s = new KgEmbedScorer({ ...small, epochs: 30, lrDecay: 1 });
    await s.fit(twoGroupContext({ onProgress: (p) => events.push(p) }));
    const h = s.trainingHistory();
    expect(h.map((e) => e.epoch)).toEqual(range(1, 31));
    const first = h[0];
    const last = h[h.length - 1];
    expect(first.bprLoss).toBeGreaterThan(0.6); // ≈ ln 2 at the start
    expect(last.bprLoss).toBeLessThan(0.5 * first.bprLoss);
    expect(last.kgLoss).toBeLessThan(0.5 * first.kgLoss);
    expect(last.loss).toBeCloseTo(last.bprLoss + small.lambdaKg! * last.kgLoss, 6);
    const perEpoch = events.filter((e) => e.metrics?.epoch !== undefined);
    expect(perEpoch.map((e) => e.metrics?.epoch)).toEqual(range(1, 31));
    expect(perEpoch.map((e) => e.metrics?.loss)).toEqual(h.map((e) => e.loss));
    expect(perEpoch[29].fraction).toBe(1);
    expect(events.every((e) => e.stage === 'kg-embed')).toBe(true);
  });

  it('stops early on the validation metric and keeps the best weights', async () => {
    const metric = [0.1, 0.3, 0.2, 0.25, 0.2, 0.9];
    const seen: Float32Array[] = [];
    const s = new KgEmbedScorer({
      ...small,
      evalEvery: 1,
      patience: 2,
      validate: (sc) => {
        seen.push(sc.score(0).slice());
        return metric[seen.length - 1];
      },
    });
    await s.fit(twoGroupContext());
    // validated at epochs 1..4; best at 2; epochs 3 and 4 do not improve → stop after 4
    expect(seen.length).toBe(4);
    expect(s.params()).toMatchObject({ epochsRun: 4, bestEpoch: 2 });
    expect(s.trainingHistory().map((e) => e.valid)).toEqual([0.1, 0.3, 0.2, 0.25]);
    // validation scores come from one native float32 product: equal up to float32 rounding
    const kept = s.score(0);
    for (let i = 0; i < kept.length; i++) expect(kept[i]).toBeCloseTo(seen[1][i], 6);
    expect(Array.from(s.score(0))).not.toEqual(Array.from(seen[3]));
  });

  it('validates every evalEvery epochs and after the last one', async () => {
    const at: number[] = [];
    const s = new KgEmbedScorer({ ...small, epochs: 7, evalEvery: 3, patience: 5, validate: () => at.push(0) });
    await s.fit(twoGroupContext());
    expect(s.trainingHistory().filter((e) => e.valid !== undefined).map((e) => e.epoch)).toEqual([3, 6, 7]);
    expect(at.length).toBe(3);
  });

  it('throws cancelled when aborted before, during (from progress) or while running (from a timer)', async () => {
    const before = new AbortController();
    before.abort();
    await expectCancelled(new KgEmbedScorer(small).fit(twoGroupContext({ signal: before.signal })));

    const during = new AbortController();
    const s = new KgEmbedScorer(small);
    await expectCancelled(s.fit(twoGroupContext({
      signal: during.signal,
      onProgress: (p) => {
        if (p.metrics?.epoch === 2) during.abort();
      },
    })));
    expect(s.trainingHistory().length).toBe(2);
    expect(() => s.score(0)).toThrow(/before fit/);

    // a fit of several seconds: only the event-loop yields inside the loop let the timer fire
    // (without them the fit would run to the end and resolve)
    const timer = new AbortController();
    const t0 = performance.now();
    setTimeout(() => timer.abort(), 50);
    await expectCancelled(new KgEmbedScorer({ ...small, epochs: 20_000 }).fit(twoGroupContext({ signal: timer.signal })));
    expect(performance.now() - t0).toBeLessThan(1500);
  });

  it('scores a subset in the given order, and rejects bad users and calls before fit', async () => {
    const fresh = new KgEmbedScorer(small);
    expect(() => fresh.score(0)).toThrow(KnowrecError);
    const s = await fitted();
    const full = s.score(4);
    expect(full.length).toBe(N_ITEMS);
    const sub = s.score(4, Int32Array.of(13, 0, 7));
    expect(Array.from(sub)).toEqual([full[13], full[0], full[7]]);
    expect(() => s.score(N_USERS)).toThrow(KnowrecError);
    expect(() => s.score(-1)).toThrow(KnowrecError);
    expect(() => s.score(0, Int32Array.of(N_ITEMS))).toThrow(KnowrecError);
    expect(s.itemEmbeddings().length).toBe(N_ITEMS * 16);
    expect(s.entityEmbeddings().length).toBe(24 * 16);
  });

  it('works without any KG (plain BPR on offsets) and with neighbour aggregation', async () => {
    const train = twoGroupTrain();
    const bare = new KgEmbedScorer(small);
    await bare.fit(buildFitContext({ nUsers: N_USERS, nItems: N_ITEMS, train, seed: 1 }));
    for (const u of A_USERS) expect(bare.score(u)[A_ITEMS[u % 6]]).toBeGreaterThan(maxOf(bare.score(u), B_ITEMS));

    const nb = await fitted({ ...small, neighbours: 4 });
    for (const u of A_USERS) expect(nb.score(u)[COLD_A]).toBeGreaterThan(maxOf(nb.score(u), [...B_ITEMS, COLD_B]));
    for (const u of B_USERS) expect(nb.score(u)[COLD_B]).toBeGreaterThan(maxOf(nb.score(u), [...A_ITEMS, COLD_A]));
    expect(nb.params().neighbours).toBe(4);
  });

  it('pairsPerEpoch trains on a sample of the pairs each epoch (scale mode) and still learns the groups; all pairs is the default', async () => {
    const all = await fitted(small, 5);
    const same = await fitted({ ...small, pairsPerEpoch: 10_000 }, 5); // more than there are: every pair, as the default
    expect(Array.from(same.score(3))).toEqual(Array.from(all.score(3)));
    const sampled = await fitted({ ...small, pairsPerEpoch: 40, epochs: 120 }, 5);
    expect(Array.from(sampled.score(3))).not.toEqual(Array.from(all.score(3)));
    expect(sampled.params().pairsPerEpoch).toBe(40);
    expect(all.params().pairsPerEpoch).toBeUndefined();
    for (const u of A_USERS) expect(sampled.score(u)[COLD_A]).toBeGreaterThan(maxOf(sampled.score(u), [COLD_B]));
    expect(() => new KgEmbedScorer({ pairsPerEpoch: 0 })).toThrow(KnowrecError);
  });

  it('rejects bad options with a config error', () => {
    const bad: KgEmbedOptions[] = [
      { dim: 0 },
      { dim: 2.5 },
      { epochs: 0 },
      { lr: 0 },
      { lr: Number.NaN },
      { lrDecay: 1.5 },
      { reg: -1 },
      { lambdaKg: -0.1 },
      { margin: 0 },
      { neighbours: -1 },
      { offsetDropout: 1 },
      { evalEvery: 0 },
      { patience: 0 },
      { initStd: 0 },
      { kgLoss: 'transr' as unknown as 'margin' },
      { optimizer: 'rmsprop' as unknown as 'sgd' },
      { negativePool: 'popular' as unknown as 'all' },
    ];
    for (const o of bad) {
      let err: unknown = null;
      try {
        new KgEmbedScorer(o);
      } catch (e) {
        err = e;
      }
      expect(err, JSON.stringify(o)).toBeInstanceOf(KnowrecError);
      expect((err as KnowrecError).code).toBe('config');
    }
    expect(new KgEmbedScorer().params()).toMatchObject({ dim: 64, optimizer: 'sgd', kgLoss: 'softplus' });
  });

  it('rejects a dataset whose item links do not match the context', async () => {
    const train = twoGroupTrain();
    const ds = twoGroupDataset(train);
    const broken: Dataset = { ...ds, itemEntities: ds.itemEntities.map((l, i) => (i === 3 ? Int32Array.of(99) : l)) };
    const ctx = buildFitContext({ nUsers: N_USERS, nItems: N_ITEMS, train, dataset: broken });
    await expect(new KgEmbedScorer(small).fit(ctx)).rejects.toThrow(/item 3 links to entity 99/);
  });
});
