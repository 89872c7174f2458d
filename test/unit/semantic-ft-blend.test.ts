/**
 * semantic-ft chooses the sentence weight β of its adapter's user input on validation: one training
 * per β of the grid (default: 0, then the frozen scorer's β), the best validation NDCG@10 kept, and
 * the kept adapter scores users through the vectors it was trained on. A fake trainer returns
 * validation values fixed by construction, so the choice is known in advance.
 */
import { describe, expect, it } from 'vitest';
import type { Encoder } from '../../main/core/encode/types';
import { splitInteractions } from '../../main/core/eval';
import { buildFitContext } from '../../main/core/models/context';
import { SemanticScorer } from '../../main/core/models/semantic';
import { adapterBlends, SemanticFtScorer, type AdapterTrainer } from '../../main/core/models/semantic-ft';
import { Adapter } from '../../main/core/train/adapter';
import { resolveParams, type TrainData } from '../../main/core/train/trainer';
import type { Dataset, FitContext, Interactions, ItemRecord } from '../../main/core/types';
import { bagOfWordsEncoder } from '../helpers/hash-encoder';

const DIM = 8;

function tinyDataset(): Dataset {
  const genres = ['Comedy', 'Drama', 'Horror', 'Western'];
  const items: ItemRecord[] = Array.from({ length: 12 }, (_, i) => ({
    id: `i${i}`, title: `Film ${i} (${1990 + i})`, text: {}, attributes: { genres: [genres[i % 4]] },
  }));
  const user: number[] = [];
  const item: number[] = [];
  for (let u = 0; u < 6; u++) for (let k = 0; k < 10; k++) {
    user.push(u);
    item.push((u + 2 * k) % 12);
  }
  const interactions: Interactions = {
    user: Int32Array.from(user),
    item: Int32Array.from(item),
    rating: Float32Array.from(user, (u) => 3 + (u % 3)),
    timestamp: Float64Array.from(user, (_, r) => 1_000_000 + 3600 * r),
  };
  const userIds = Array.from({ length: 6 }, (_, u) => `u${u}`);
  return {
    name: 'tiny', userIds, itemIds: items.map((i) => i.id), users: userIds.map((id) => ({ id, attributes: {} })), items, interactions,
    kg: { entityIds: [], entityNames: [], relationNames: [], head: new Int32Array(0), relation: new Int32Array(0), tail: new Int32Array(0), derived: new Uint8Array(0) },
    itemEntities: items.map(() => new Int32Array(0)),
  };
}

async function fittedBase(blend: number): Promise<{ base: SemanticScorer; ctx: FitContext; encoder: Encoder }> {
  const dataset = tinyDataset();
  const split = splitInteractions(dataset.interactions, 6, 12, 'recbole', 1);
  const ctx = buildFitContext({ nUsers: 6, nItems: 12, train: split.train, valid: split.valid, dataset, seed: 1 });
  const encoder = bagOfWordsEncoder(DIM);
  const base = new SemanticScorer({ encoder, blend });
  await base.fit(ctx);
  return { base, ctx, encoder };
}

/** A trainer that trains nothing: identity adapter, validation value by the β it was given (found from the user vectors). */
function fakeTrainer(base: SemanticScorer, valid: ReadonlyMap<number, number>, seen: number[]): AdapterTrainer {
  return async (data: TrainData) => {
    const blend = [...valid.keys()].find((b) => Array.from(base.userVectorsAt(b)).every((x, k) => x === data.userVecs[k]));
    if (blend === undefined) throw new Error('user vectors of no β in the grid');
    seen.push(blend);
    const v = valid.get(blend) ?? 0;
    return {
      adapter: new Adapter({ dim: data.dim, rank: 0 }), params: resolveParams(), seed: 1, initialValidNdcg: 0, bestValidNdcg: v,
      bestEpoch: 1, history: [{ epoch: 1, loss: 1, validNdcg: v, seconds: 0 }], stoppedEarly: false, resumedAfterEpoch: null, pairs: data.pairs.n,
    };
  };
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += a[k] * b[k];
  return s;
}

describe('adapterBlends', () => {
  it('defaults to 0 then the base β, without repeats', () => {
    expect(adapterBlends(undefined, 0.5)).toEqual([0, 0.5]);
    expect(adapterBlends(undefined, 0)).toEqual([0]);
    expect(adapterBlends([0.3, 0, 0.3, 1], 0.5)).toEqual([0.3, 0, 1]);
  });

  it('rejects weights outside [0, 1]', () => {
    expect(() => adapterBlends([0, 1.5], 0)).toThrow(/\[0, 1\]/);
    expect(() => adapterBlends([Number.NaN], 0)).toThrow(/\[0, 1\]/);
  });
});

describe('SemanticScorer.userVectorsAt', () => {
  it('gives setBlend’s vectors without changing the scorer', async () => {
    const { base } = await fittedBase(0.5);
    const before = Float32Array.from(base.vectors().users);
    const at0 = base.userVectorsAt(0);
    expect(Array.from(base.vectors().users)).toEqual(Array.from(before));
    expect(base.vectors().blend).toBe(0.5);
    base.setBlend(0);
    expect(Array.from(base.vectors().users)).toEqual(Array.from(at0));
    expect(Array.from(at0)).not.toEqual(Array.from(before));
  });
});

describe('semantic-ft sentence weight chosen on validation', () => {
  it('trains once per β and keeps the best; scores use the kept β’s user vectors; the base is untouched', async () => {
    const { base, ctx, encoder } = await fittedBase(0.5);
    const baseUsers = Float32Array.from(base.vectors().users);
    const seen: number[] = [];
    const ft = new SemanticFtScorer({ base, encoder, blendGrid: [1, 0], trainer: fakeTrainer(base, new Map([[1, 0.1], [0, 0.2]]), seen) });
    await ft.fit(ctx);
    expect(seen).toEqual([1, 0]);
    const p = ft.params();
    expect(p.adapterBlend).toBe(0);
    expect(p.adapterBlendTuning).toBe('1:0.1000 0:0.2000');
    expect(p.blend).toBe(0.5);
    expect(Array.from(base.vectors().users)).toEqual(Array.from(baseUsers));
    // identity adapter: score = cosine of the β = 0 user vector with the item vectors
    const users0 = base.userVectorsAt(0);
    const items = base.vectors().items;
    const s = ft.score(2);
    for (let i = 0; i < 12; i++) {
      expect(s[i]).toBeCloseTo(dot(users0.subarray(2 * DIM, 3 * DIM), items.subarray(i * DIM, (i + 1) * DIM)), 5);
    }
    // a saved version (trained on the base's user vectors) scores through the base's β again
    ft.useAdapter(ft.currentAdapter());
    expect(ft.params().adapterBlend).toBeUndefined();
    const saved = ft.score(2);
    for (let i = 0; i < 12; i++) {
      expect(saved[i]).toBeCloseTo(dot(baseUsers.subarray(2 * DIM, 3 * DIM), items.subarray(i * DIM, (i + 1) * DIM)), 5);
    }
  });

  it('by default tries 0 then the base β, keeps the first on ties; an explicit grid of one trains once', async () => {
    const { base, ctx, encoder } = await fittedBase(0.5);
    const tie: number[] = [];
    const a = new SemanticFtScorer({ base, encoder, trainer: fakeTrainer(base, new Map([[0.5, 0.2], [0, 0.2]]), tie) });
    await a.fit(ctx);
    expect(tie).toEqual([0, 0.5]);
    expect(a.params().adapterBlend).toBe(0);
    const one: number[] = [];
    const b = new SemanticFtScorer({ base, encoder, blendGrid: [1], trainer: fakeTrainer(base, new Map([[1, 0.3]]), one) });
    await b.fit(ctx);
    expect(one).toEqual([1]);
    expect(b.params().adapterBlend).toBe(1);
    expect(b.params().adapterBlendTuning).toBeUndefined();
  });
});
