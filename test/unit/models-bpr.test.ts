import { describe, expect, it } from 'vitest';
import { KnowrecError } from '../../main/core/errors';
import { toCsr } from '../../main/core/matrix';
import { BprScorer, sampleNegative } from '../../main/core/models/bpr';
import { createRng } from '../../main/core/random';
import { buildFitContext } from '../../main/core/models/context';
import type { FitContext, Interactions, Progress } from '../../main/core/types';

function inter(rows: readonly (readonly [number, number])[]): Interactions {
  return {
    user: Int32Array.from(rows.map((r) => r[0])),
    item: Int32Array.from(rows.map((r) => r[1])),
    rating: new Float32Array(rows.length).fill(1),
    timestamp: new Float64Array(rows.length),
  };
}

/** 20 users × 30 items; user u likes items in its band (u..u+7) mod 30. */
function bandData(extra: Partial<Parameters<typeof buildFitContext>[0]> = {}): FitContext {
  const rows: [number, number][] = [];
  for (let u = 0; u < 20; u++) for (let d = 0; d < 8; d++) rows.push([u, (u + d) % 30]);
  const valid = inter(Array.from({ length: 20 }, (_, u) => [u, (u + 8) % 30] as [number, number]));
  return buildFitContext({ nUsers: 20, nItems: 30, train: inter(rows), valid, seed: 11, ...extra });
}

const small = { dim: 8, lr: 0.02, epochs: 30, batchSize: 32, reg: 0, initStd: 0.1 } as const;

describe('bpr', () => {
  it('is deterministic per seed', async () => {
    const a = new BprScorer(small);
    const b = new BprScorer(small);
    const c = new BprScorer({ ...small, seed: 12 });
    await a.fit(bandData());
    await b.fit(bandData());
    await c.fit(bandData());
    for (const u of [0, 7, 19]) {
      expect(Array.from(b.score(u))).toEqual(Array.from(a.score(u)));
      expect(Array.from(c.score(u))).not.toEqual(Array.from(a.score(u)));
    }
    const d = new BprScorer(small);
    await d.fit(bandData({ seed: 12 }));
    expect(Array.from(d.score(3))).toEqual(Array.from(c.score(3)));
  });

  it('decreases the training loss, starting near log 2', async () => {
    for (const optimizer of ['adam', 'sgd'] as const) {
      const s = new BprScorer({ ...small, optimizer, lr: optimizer === 'sgd' ? 5 : 0.02, initStd: 0.01 });
      await s.fit(bandData());
      const h = s.history();
      expect(h.length).toBe(small.epochs);
      expect(h[0].loss).toBeGreaterThan(0.6);
      expect(h[0].loss).toBeLessThan(0.7);
      expect(h[h.length - 1].loss, optimizer).toBeLessThan(0.5 * h[0].loss);
    }
  });

  it('ranks each user\'s training items above the rest after training', async () => {
    const s = new BprScorer({ ...small, epochs: 80 });
    await s.fit(bandData());
    for (let u = 0; u < 20; u++) {
      const sc = s.score(u);
      let minIn = Infinity;
      let maxOut = -Infinity;
      for (let i = 0; i < 30; i++) {
        const d = (i - u + 30) % 30;
        if (d < 8) minIn = Math.min(minIn, sc[i]);
        else maxOut = Math.max(maxOut, sc[i]);
      }
      expect(minIn).toBeGreaterThan(maxOut);
    }
  });

  it('samples negatives uniformly among the items a user has not seen', () => {
    // user 0 saw items 1, 3, 4 of 6; user 1 saw all of them
    const x = toCsr(inter([[0, 1], [0, 3], [0, 4], [1, 0], [1, 1], [1, 2], [1, 3], [1, 4], [1, 5]]), 2, 6);
    const rng = createRng(5);
    const counts = new Array<number>(6).fill(0);
    const n = 6000;
    for (let t = 0; t < n; t++) counts[sampleNegative(x, 0, 6, rng)]++;
    expect(counts[1] + counts[3] + counts[4]).toBe(0);
    for (const i of [0, 2, 5]) expect(Math.abs(counts[i] - n / 3)).toBeLessThan(150); // ±4.5σ
    expect(sampleNegative(x, 1, 6, rng)).toBe(-1);
  });

  it('trains when a user has seen every item (no negative for that user)', async () => {
    const s = new BprScorer({ ...small, epochs: 3 });
    await s.fit(buildFitContext({ nUsers: 2, nItems: 2, train: inter([[0, 0], [0, 1], [1, 0]]) }));
    expect(s.history().length).toBe(3);
    for (const v of s.score(1)) expect(Number.isFinite(v)).toBe(true);
  });

  it('stops early on the validation metric and keeps the best weights', async () => {
    // a metric that peaks at the 3rd validation and falls afterwards
    const snapshots: Float32Array[] = [];
    const s = new BprScorer({
      ...small,
      epochs: 100,
      patience: 4,
      evalEvery: 2,
      validate: (sc) => {
        snapshots.push(sc.score(5));
        const call = snapshots.length;
        return -Math.abs(call - 3);
      },
    });
    await s.fit(bandData());
    expect(snapshots.length).toBe(3 + 4); // best, then `patience` worse ones
    expect(s.keptEpoch()).toBe(6);
    expect(s.history().length).toBe(14);
    expect(s.history().filter((h) => h.valid !== undefined).map((h) => h.epoch)).toEqual([2, 4, 6, 8, 10, 12, 14]);
    // validation scores come from one native float32 product: equal up to float32 rounding
    const kept = s.score(5);
    for (let i = 0; i < kept.length; i++) expect(kept[i]).toBeCloseTo(snapshots[2][i], 5);
    expect(s.params()).toMatchObject({ keptEpoch: 6, epochsRun: 14 });
  });

  it('validates on every user scored in one native product, equal to score() per user', async () => {
    let during: Float32Array[] = [];
    const s = new BprScorer({
      ...small,
      epochs: 1,
      validate: (sc) => {
        during = Array.from({ length: 20 }, (_, u) => sc.score(u));
        return 0;
      },
    });
    await s.fit(bandData());
    expect(s.keptEpoch()).toBe(1); // the validated weights are the ones kept
    expect(during.length).toBe(20);
    for (let u = 0; u < 20; u++) {
      const now = s.score(u); // after fit: the per-user loop
      expect(now.length).toBe(30);
      for (let i = 0; i < 30; i++) expect(during[u][i]).toBeCloseTo(now[i], 6);
    }
  });

  it('keeps the last user\'s scores for re-scores but hands each caller its own copy', async () => {
    const s = new BprScorer({ ...small, epochs: 5 });
    await s.fit(bandData());
    const first = s.score(3);
    const expected = Array.from(first);
    first.fill(-1); // a caller writing to its array
    expect(Array.from(s.score(3))).toEqual(expected);
    // the fold-in's re-score adds to the kept scores: with nothing removed, the trained scores
    expect(Array.from(s.scoreWithout(3, new Set()))).toEqual(expected);
    const other = s.score(4);
    expect(Array.from(other)).not.toEqual(expected);
    expect(Array.from(s.scoreWithout(4, new Set()))).toEqual(Array.from(other));
  });

  it('trains for the full epoch budget when there is no validation split', async () => {
    let calls = 0;
    const s = new BprScorer({ ...small, epochs: 5, validate: () => ++calls });
    await s.fit(bandData({ valid: inter([]) }));
    expect(calls).toBe(0);
    expect(s.history().length).toBe(5);
    expect(s.keptEpoch()).toBe(5);
  });

  it('reports progress with loss and validation metric', async () => {
    const events: Progress[] = [];
    const s = new BprScorer({ ...small, epochs: 3, validate: () => 0.5 });
    await s.fit(bandData({ onProgress: (p) => events.push(p) }));
    expect(events.map((e) => e.fraction)).toEqual([1 / 3, 2 / 3, 1, 1]);
    expect(events[3].metrics).toEqual({ keptEpoch: 1, valid: 0.5 });
    for (const e of events.slice(0, 3)) {
      expect(e.stage).toBe('bpr');
      expect(e.metrics?.valid).toBe(0.5);
      expect(e.metrics?.loss).toBeGreaterThan(0);
    }
  });

  it('can be cancelled through the context signal', async () => {
    const ac = new AbortController();
    const s = new BprScorer({ ...small, epochs: 1000 });
    let epochs = 0;
    const run = s.fit(
      bandData({
        signal: ac.signal,
        onProgress: () => {
          if (++epochs === 2) ac.abort();
        },
      }),
    );
    const err = await run.then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(KnowrecError);
    expect((err as KnowrecError).code).toBe('cancelled');
    expect(epochs).toBe(2);
    expect(() => s.score(0)).toThrow(/before fit/);
  });

  it('can be cancelled from outside while it runs (yields between epochs)', async () => {
    const ac = new AbortController();
    const s = new BprScorer({ ...small, epochs: 100000 });
    const run = s.fit(bandData({ signal: ac.signal }));
    setTimeout(() => ac.abort(), 20);
    await expect(run).rejects.toMatchObject({ code: 'cancelled' });
    expect(s.history().length).toBeGreaterThan(0);
    expect(s.history().length).toBeLessThan(100000);
  });

  it('rejects bad options', () => {
    expect(() => new BprScorer({ dim: 0 })).toThrow(KnowrecError);
    expect(() => new BprScorer({ lr: -1 })).toThrow(/lr/);
    expect(() => new BprScorer({ reg: Number.NaN })).toThrow(/reg/);
    expect(() => new BprScorer({ batchSize: 1.5 })).toThrow(/batchSize/);
  });
});
