import { describe, expect, it } from 'vitest';
import { KnowrecError } from '../../main/core/errors';
import { KgIndex } from '../../main/core/kg';
import { BprScorer } from '../../main/core/models/bpr';
import { buildFitContext } from '../../main/core/models/context';
import type { ModelEnvironment } from '../../main/core/models/environment';
import {
  ablationSources,
  buildModel,
  createScorer,
  defaultGrid,
  demoModels,
  modelCatalog,
  modelEntries,
  modelEntry,
  modelNames,
  scorerOptionHelp,
  tuneOnValidation,
} from '../../main/core/models/registry';
import { trainAdapter } from '../../main/core/train/trainer';
import type { Dataset, FitContext, Interactions, Scorer } from '../../main/core/types';
import { bagOfWordsEncoder } from '../helpers/hash-encoder';

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

/** 4 directors with 4 films each; user u watched three films of director u mod 4, its fourth is held out. */
function directors(): { dataset: Dataset; ctx: FitContext } {
  const nItems = 16;
  const nUsers = 12;
  const itemIds = Array.from({ length: nItems }, (_, i) => `f${i}`);
  const entityIds = [...itemIds.map((id) => `m.${id}`), 'm.d0', 'm.d1', 'm.d2', 'm.d3'];
  const train: [number, number][] = [];
  const valid: [number, number][] = [];
  for (let u = 0; u < nUsers; u++) {
    const d = u % 4;
    const films = [0, 1, 2, 3].map((j) => d * 4 + ((j + u) % 4));
    for (const f of films.slice(0, 3)) train.push([u, f]);
    valid.push([u, films[3]]);
  }
  const trainX = { ...inter(train), timestamp: Float64Array.from(train, (_, k) => 1000 + k) };
  const dataset: Dataset = {
    name: 'directors',
    userIds: Array.from({ length: nUsers }, (_, u) => `u${u}`),
    itemIds,
    users: Array.from({ length: nUsers }, (_, u) => ({ id: `u${u}`, attributes: {} })),
    items: itemIds.map((id, i) => ({ id, title: `Film ${i} by director ${Math.floor(i / 4)}`, text: {}, attributes: {} })),
    interactions: trainX,
    kg: {
      entityIds,
      entityNames: entityIds.map((_, e) => (e >= nItems ? `Director ${e - nItems}` : null)),
      relationNames: ['film.film.directed_by'],
      head: Int32Array.from({ length: nItems }, (_, i) => i),
      relation: new Int32Array(nItems),
      tail: Int32Array.from({ length: nItems }, (_, i) => nItems + Math.floor(i / 4)),
      derived: new Uint8Array(nItems),
    },
    itemEntities: Array.from({ length: nItems }, (_, i) => Int32Array.of(i)),
  };
  return { dataset, ctx: buildFitContext({ nUsers, nItems, train: trainX, valid: inter(valid), dataset, seed: 3 }) };
}

/** An environment from test stand-ins: a bag-of-words encoder, in-thread adapter training, fitted models cached by name. */
function testEnvironment(validate: (s: Scorer) => number): ModelEnvironment {
  const fitted = new Map<string, Promise<Scorer>>();
  const kgs = new WeakMap<object, KgIndex>();
  const encoder = bagOfWordsEncoder(32);
  const env: ModelEnvironment = {
    validate,
    tune: true,
    kgIndex: (ctx) => {
      let kg = kgs.get(ctx.dataset);
      if (kg === undefined) {
        kg = new KgIndex(ctx.dataset);
        kgs.set(ctx.dataset, kg);
      }
      return kg;
    },
    encoder: async () => encoder,
    countTokens: () => (text) => text.split(' ').length,
    activeAdapter: () => null,
    trainAdapter: (data, opts) => trainAdapter(data, { ...opts, params: { ...opts.params, epochs: 2 } }),
    fitted: (name, ctx) => {
      const key = `${name}@${ctx.train.user.length}`;
      let p = fitted.get(key);
      if (p === undefined) {
        p = buildModel(name, env, ctx).then(async (s) => {
          await s.fit(ctx);
          return s;
        });
        fitted.set(key, p);
      }
      return p;
    },
  };
  return env;
}

describe('the model registry', () => {
  it('names each model once, with a description, known sources and valid grids', () => {
    const names = modelNames();
    expect(new Set(names).size).toBe(names.length);
    for (const e of modelEntries()) {
      expect(e.description.length).toBeGreaterThan(10);
      for (const s of e.sources) {
        expect(names).toContain(s);
        expect(s).not.toBe(e.name);
        expect(modelEntry(s).kind).not.toBe('hybrid');
      }
      for (const opts of e.grid) expect(() => createScorer(e.name, opts)).not.toThrow();
      if (e.kind === 'hybrid') expect(e.sources.length).toBeGreaterThan(1);
      for (const p of e.demo) expect(['recbole', 'cold-items']).toContain(p);
    }
    expect(modelCatalog().map((m) => m.name)).toEqual(names);
    expect(JSON.parse(JSON.stringify(modelCatalog()))).toEqual(modelCatalog());
    expect(demoModels('cold-items').every((m) => demoModels('recbole').includes(m))).toBe(true);
  });

  it('builds and fits every model by name from an environment', async () => {
    const { ctx } = directors();
    const validate = (s: Scorer): number => {
      let hits = 0;
      for (let p = 0; p < ctx.valid.user.length; p++) {
        const sc = s.score(ctx.valid.user[p]);
        if (sc[ctx.valid.item[p]] >= Math.max(...sc)) hits++;
      }
      return hits / ctx.valid.user.length;
    };
    const env = testEnvironment(validate);
    for (const name of modelNames()) {
      const s = await env.fitted(name, ctx);
      expect(s.name).toBe(name);
      expect(s.score(0).length).toBe(16);
      if (modelEntry(name).kind === 'hybrid') expect(s.params().sources).toBe(modelEntry(name).sources.join(','));
    }
  }, 60_000);

  it('describes each hybrid variant by the sources and features it keeps', () => {
    expect(modelEntry('hybrid').sources).toEqual(['semantic', 'itemknn', 'ease', 'bpr', 'kg-profile', 'kg-embed', 'pop']);
    expect(modelEntry('hybrid-no-kg').sources).toEqual(['semantic', 'itemknn', 'ease', 'bpr', 'pop']);
    expect(modelEntry('hybrid-ft').sources).toEqual(['semantic-ft', 'itemknn', 'ease', 'bpr', 'kg-profile', 'kg-embed', 'pop']);
    expect(modelEntry('hybrid-stacked').sources).toEqual(modelEntry('hybrid').sources);
    const all = ['pop', 'itemknn', 'ease', 'bpr', 'semantic', 'kg-profile', 'kg-embed'];
    expect(ablationSources('hybrid', all)).toEqual({ sources: all, features: {} });
    expect(ablationSources('hybrid-no-kg', all)).toEqual({
      sources: ['pop', 'itemknn', 'ease', 'bpr', 'semantic'],
      features: { kgOverlap: false },
    });
    expect(ablationSources('hybrid-no-text', all)).toEqual({
      sources: ['pop', 'itemknn', 'ease', 'bpr', 'kg-profile', 'kg-embed'],
      features: { historySimilarity: false },
    });
    expect(ablationSources('hybrid-no-cf', all)).toEqual({ sources: ['pop', 'semantic', 'kg-profile', 'kg-embed'], features: {} });
    expect(() => ablationSources('hybrid-no-pop', all)).toThrow(/Unknown hybrid variant/);
    expect(() => ablationSources('hybrid-stacked', all)).toThrow(/Unknown hybrid variant/);
  });

  it('lists the demo models per protocol', () => {
    expect(demoModels('recbole')).toEqual(['pop', 'itemknn', 'ease', 'bpr', 'semantic', 'kg-profile', 'kg-embed', 'hybrid', 'hybrid-no-kg', 'hybrid-no-text', 'hybrid-no-cf']);
    expect(demoModels('cold-items')).toEqual(['pop', 'bpr', 'semantic', 'kg-profile', 'kg-embed', 'hybrid']);
  });
});

describe('createScorer', () => {
  const own = modelEntries().filter((e) => e.create !== undefined).map((e) => e.name);

  it('creates each model that needs no environment, with its defaults', () => {
    expect(own).toEqual(['pop', 'itemknn', 'ease', 'bpr']);
    for (const name of own) expect(createScorer(name).name).toBe(name);
    expect(createScorer('itemknn').params()).toEqual({ k: 100, shrink: 0, weighting: 'binary' });
    expect(createScorer('ease').params()).toEqual({ lambda: 500 });
    expect(createScorer('bpr').params()).toMatchObject({ dim: 64, batchSize: 2048, optimizer: 'adam', patience: 10 });
  });

  it('passes options through, accepting numeric strings', () => {
    expect(createScorer('itemknn', { k: 20, shrink: '2.5', weighting: 'rating' }).params()).toEqual({ k: 20, shrink: 2.5, weighting: 'rating' });
    expect(createScorer('ease', { lambda: '250' }).params()).toEqual({ lambda: 250 });
    expect(createScorer('bpr', { dim: 16, lr: 0.01, optimizer: 'sgd', seed: 4 }).params()).toMatchObject({ dim: 16, lr: 0.01, optimizer: 'sgd', seed: 4 });
  });

  it('rejects unknown models, listing the valid ones, and models that need an environment', () => {
    const e = configError(() => createScorer('lightgcn'));
    expect(e.message).toMatch(/lightgcn/);
    for (const n of modelNames()) expect(e.message).toContain(n);
    expect(configError(() => createScorer('semantic')).message).toMatch(/needs a model environment/);
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
    expect(Object.keys(scorerOptionHelp('ease'))).toEqual(['lambda', 'maxItems']);
    expect(Object.keys(scorerOptionHelp('pop'))).toEqual([]);
    expect(Object.keys(scorerOptionHelp('semantic'))).toEqual([]);
  });
});

describe('defaultGrid', () => {
  it('gives the documented grids', () => {
    expect(defaultGrid('itemknn').map((g) => g.k)).toEqual([20, 50, 100, 200]);
    expect(defaultGrid('ease').map((g) => g.lambda)).toEqual([100, 250, 500, 1000]);
    expect(defaultGrid('bpr').map((g) => g.reg)).toEqual([0.003, 0.01, 0.03]);
    expect(defaultGrid('pop')).toEqual([{}]);
    expect(defaultGrid('kg-profile')).toEqual([]);
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
