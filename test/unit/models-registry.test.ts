import { describe, expect, it } from 'vitest';
import { KnowrecError } from '../../main/core/errors';
import { BprScorer } from '../../main/core/models/bpr';
import { buildFitContext } from '../../main/core/models/context';
import { BASELINE_NAMES, createScorer, defaultGrid, scorerOptionHelp } from '../../main/core/models/registry';
import { tuneOnValidation } from '../../main/core/models/tune';
import type { Interactions, Scorer } from '../../main/core/types';

function inter(rows: readonly (readonly [number, number])[]): Interactions {
  return {
    user: Int32Array.from(rows.map((r) => r[0])),
    item: Int32Array.from(rows.map((r) => r[1])),
    rating: new Float32Array(rows.length).fill(1),
    timestamp: new Float64Array(rows.length),
  };
}

function configError(f: () => unknown): KnowrecError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(KnowrecError);
    expect((e as KnowrecError).code).toBe('config');
    return e as KnowrecError;
  }
  throw new Error('expected a config error');
}

describe('createScorer', () => {
  it('creates each baseline with its defaults', () => {
    for (const name of BASELINE_NAMES) expect(createScorer(name).name).toBe(name);
    expect(createScorer('itemknn').params()).toEqual({ k: 100, shrink: 0, weighting: 'binary' });
    expect(createScorer('ease').params()).toEqual({ lambda: 500 });
    expect(createScorer('bpr').params()).toMatchObject({ dim: 64, batchSize: 2048, optimizer: 'adam', patience: 10 });
  });

  it('passes options through, accepting numeric strings', () => {
    expect(createScorer('itemknn', { k: 20, shrink: '2.5', weighting: 'rating' }).params()).toEqual({ k: 20, shrink: 2.5, weighting: 'rating' });
    expect(createScorer('ease', { lambda: '250' }).params()).toEqual({ lambda: 250 });
    expect(createScorer('bpr', { dim: 16, lr: 0.01, optimizer: 'sgd', seed: 4 }).params()).toMatchObject({ dim: 16, lr: 0.01, optimizer: 'sgd', seed: 4 });
  });

  it('rejects unknown models, listing the valid ones', () => {
    const e = configError(() => createScorer('lightgcn'));
    expect(e.message).toMatch(/lightgcn/);
    for (const n of BASELINE_NAMES) expect(e.message).toContain(n);
  });

  it('rejects unknown options, listing the valid ones', () => {
    const e = configError(() => createScorer('itemknn', { neighbours: 5 }));
    expect(e.message).toMatch(/neighbours/);
    expect(e.message).toMatch(/k, shrink, weighting/);
    expect(configError(() => createScorer('pop', { k: 1 })).message).toMatch(/takes no options/);
  });

  it('rejects bad values with the option named', () => {
    expect(configError(() => createScorer('itemknn', { k: 0 })).message).toMatch(/itemknn\.k/);
    expect(configError(() => createScorer('itemknn', { k: 2.5 })).message).toMatch(/integer/);
    expect(configError(() => createScorer('ease', { lambda: 0 })).message).toMatch(/ease\.lambda must be > 0/);
    expect(configError(() => createScorer('ease', { lambda: 'lots' })).message).toMatch(/must be a number/);
    expect(configError(() => createScorer('bpr', { optimizer: 'rmsprop' })).message).toMatch(/adam, sgd/);
    expect(configError(() => createScorer('bpr', { reg: -1 })).message).toMatch(/≥ 0/);
    expect(configError(() => createScorer('bpr', { lr: true })).message).toMatch(/bpr\.lr/);
  });

  it('hands the validate hook to bpr', async () => {
    let calls = 0;
    const s = createScorer('bpr', { dim: 4, epochs: 3, batchSize: 4 }, { validate: () => ++calls });
    expect(s).toBeInstanceOf(BprScorer);
    await s.fit(buildFitContext({ nUsers: 2, nItems: 4, train: inter([[0, 0], [1, 1]]), valid: inter([[0, 2]]) }));
    expect(calls).toBe(3);
  });

  it('describes the options of each model', () => {
    expect(Object.keys(scorerOptionHelp('ease'))).toEqual(['lambda']);
    expect(Object.keys(scorerOptionHelp('pop'))).toEqual([]);
  });
});

describe('defaultGrid', () => {
  it('gives the documented grids, each entry valid', () => {
    expect(defaultGrid('itemknn').map((g) => g.k)).toEqual([20, 50, 100, 200]);
    expect(defaultGrid('ease').map((g) => g.lambda)).toEqual([100, 250, 500, 1000]);
    for (const name of BASELINE_NAMES) {
      const grid = defaultGrid(name);
      expect(grid.length).toBeGreaterThan(0);
      for (const opts of grid) expect(() => createScorer(name, opts)).not.toThrow();
    }
    configError(() => defaultGrid('nope'));
  });
});

describe('tuneOnValidation', () => {
  // items 0..5 in a chain: user u saw items u and u+1; validation holds item u+2
  const train = inter(Array.from({ length: 4 }, (_, u) => [[u, u], [u, u + 1]] as [number, number][]).flat());
  const valid = inter(Array.from({ length: 4 }, (_, u) => [u, u + 2] as [number, number]));
  const ctx = buildFitContext({ nUsers: 4, nItems: 6, train, valid });

  it('fits every configuration, picks the best by the validation metric, and reports them all', async () => {
    // a metric that peaks at k = 2, computed on the fitted scorer (score() throws before fit)
    const seen: number[] = [];
    const validate = (s: Scorer): number => {
      expect(s.score(0).length).toBe(6);
      const k = s.params().k as number;
      seen.push(k);
      return -Math.abs(k - 2);
    };
    const res = await tuneOnValidation('itemknn', [{ k: 1 }, { k: 2 }, { k: 3 }], ctx, validate);
    expect(seen).toEqual([1, 2, 3]);
    expect(res.table.map((r) => r.options)).toEqual([{ k: 1 }, { k: 2 }, { k: 3 }]);
    expect(res.table.map((r) => r.value)).toEqual([-1, -0, -1]);
    for (const r of res.table) expect(r.fitSeconds).toBeGreaterThanOrEqual(0);
    expect(res.bestIndex).toBe(1);
    expect(res.bestValue).toBe(-0);
    expect(res.best.params().k).toBe(2);
  });

  it('returns the fitted best scorer itself', async () => {
    // real metric: share of users whose validation item outscores every other unseen item
    const validate = (s: Scorer): number => {
      let hits = 0;
      for (let u = 0; u < 4; u++) {
        const sc = s.score(u);
        let ok = true;
        for (let i = 0; i < 6; i++) if (i !== u && i !== u + 1 && i !== u + 2 && sc[i] >= sc[u + 2]) ok = false;
        if (ok) hits++;
      }
      return hits / 4;
    };
    const res = await tuneOnValidation('itemknn', [{ k: 1 }, { k: 2 }], ctx, validate);
    for (const r of res.table) {
      const again = createScorer('itemknn', r.options);
      await again.fit(ctx);
      expect(r.value).toBe(validate(again));
    }
    expect(validate(res.best)).toBe(res.bestValue);
    // item 5 was never seen in training, so user 3's target can never win
    expect(res.bestValue).toBeLessThanOrEqual(0.75);
  });

  it('breaks ties by grid order; refuses an empty grid or a missing validation split', async () => {
    const res = await tuneOnValidation('ease', [{ lambda: 1 }, { lambda: 2 }], ctx, () => 1);
    expect(res.bestIndex).toBe(0);
    expect(res.best.params()).toEqual({ lambda: 1 });
    await expect(tuneOnValidation('ease', [{ lambda: 1 }], { ...ctx, valid: inter([]) }, () => 1)).rejects.toMatchObject({ code: 'config' });
    await expect(tuneOnValidation('ease', [], ctx, () => 1)).rejects.toMatchObject({ code: 'config' });
  });

  it('checks the whole grid before fitting anything', async () => {
    let fits = 0;
    const err = await tuneOnValidation('itemknn', [{ k: 5 }, { k: -1 }], { ...ctx, onProgress: () => fits++ }, () => 0).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KnowrecError);
    expect(fits).toBe(0);
  });

  it('stops between configurations when cancelled', async () => {
    const ac = new AbortController();
    let configs = 0;
    const err = await tuneOnValidation('ease', [{ lambda: 1 }, { lambda: 2 }, { lambda: 3 }], { ...ctx, signal: ac.signal }, () => {
      if (++configs === 1) ac.abort();
      return 0;
    }).catch((e: unknown) => e);
    expect((err as KnowrecError).code).toBe('cancelled');
    expect(configs).toBe(1);
  });
});
