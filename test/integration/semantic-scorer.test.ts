/**
 * The semantic scorer with the real prepared encoder on a tiny catalog whose right answers are
 * known by construction: a user who loved animated family films gets the unseen animated family
 * film first, even when nobody has interacted with it (cold start), and a free-text query finds
 * the matching item. Needs `npm run model` (the test command runs it first).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CachedEncoder, MemoryEmbeddingCache } from '../../main/core/encode/cache';
import { OnnxEncoder } from '../../main/core/encode/encoder';
import { defaultModelDir } from '../../main/core/encode/model-dir';
import type { EncodeOptions, Encoder } from '../../main/core/encode/types';
import { buildFitContext } from '../../main/core/models';
import { SemanticScorer } from '../../main/core/models/semantic';
import { topK } from '../../main/core/topk';
import type { Dataset, Interactions, ItemRecord } from '../../main/core/types';

const CATALOG: [string, string[]][] = [
  ['Finding Nemo (2003)', ['Animation', "Children's", 'Comedy']],
  ['The Lion King (1994)', ['Animation', "Children's", 'Musical']],
  ['The Godfather (1972)', ['Crime', 'Drama']],
  ['Alien (1979)', ['Horror', 'Sci-Fi']],
  ['Goodfellas (1990)', ['Crime', 'Drama']],
  ['Aliens (1986)', ['Action', 'Horror', 'Sci-Fi']],
  ['Toy Story (1995)', ['Animation', "Children's", 'Comedy']],
  ['Scarface (1983)', ['Crime', 'Drama', 'Thriller']],
];

function dataset(x: Interactions, nUsers: number): Dataset {
  const items: ItemRecord[] = CATALOG.map(([title, genres], i) => ({ id: String(i + 1), title, text: {}, attributes: { genres } }));
  const userIds = Array.from({ length: nUsers }, (_, u) => `u${u}`);
  return {
    name: 'tiny-films',
    userIds,
    itemIds: items.map((it) => it.id),
    users: userIds.map((id) => ({ id, attributes: {} })),
    items,
    interactions: x,
    kg: { entityIds: [], entityNames: [], relationNames: [], head: new Int32Array(0), relation: new Int32Array(0), tail: new Int32Array(0), derived: new Uint8Array(0) },
    itemEntities: items.map(() => new Int32Array(0)),
  };
}

function inter(rows: [number, number, number][]): Interactions {
  return {
    user: Int32Array.from(rows.map((r) => r[0])),
    item: Int32Array.from(rows.map((r) => r[1])),
    rating: Float32Array.from(rows.map((r) => r[2])),
    timestamp: Float64Array.from(rows.map((_, i) => 1_000_000 + i * 3600)),
  };
}

class CountingEncoder implements Encoder {
  calls = 0;
  texts = 0;
  constructor(private readonly inner: Encoder) {}
  get modelId(): string {
    return this.inner.modelId;
  }
  get dim(): number {
    return this.inner.dim;
  }
  encode(texts: readonly string[], o?: EncodeOptions): Promise<Float32Array[]> {
    this.calls++;
    this.texts += texts.length;
    return this.inner.encode(texts, o);
  }
}

let onnx: OnnxEncoder;

beforeAll(async () => {
  const dir = defaultModelDir();
  if (!existsSync(join(dir, 'model.onnx'))) throw new Error(`The prepared encoder is missing in ${dir}. Run \`npm run model\` first.`);
  onnx = await OnnxEncoder.create({ modelDir: dir, model: 'int8', executionProvider: 'cpu' });
});

afterAll(async () => {
  await onnx?.dispose();
});

describe('semantic scorer on a tiny catalog', () => {
  // user 0 loves animated family films (Nemo, Lion King); user 1 loves crime dramas
  // (Godfather, Goodfellas); user 2 loves sci-fi horror (Alien). Toy Story (6) and Scarface (7)
  // have no interactions at all: cold items.
  const x = inter([
    [0, 0, 5],
    [0, 1, 5],
    [1, 2, 5],
    [1, 4, 4],
    [2, 3, 5],
  ]);
  const ds = dataset(x, 3);

  it('ranks the matching unseen item first for each taste, cold items included', async () => {
    const s = new SemanticScorer({ encoder: onnx, blend: 0.3 });
    await s.fit(buildFitContext({ nUsers: 3, nItems: CATALOG.length, train: x, dataset: ds }));
    const seen = (u: number): Uint8Array => {
      const m = new Uint8Array(CATALOG.length);
      for (let i = 0; i < x.user.length; i++) if (x.user[i] === u) m[x.item[i]] = 1;
      return m;
    };
    expect(topK(s.score(0), 1, seen(0))[0]).toBe(6); // Toy Story: animation, never interacted with
    expect(topK(s.score(1), 1, seen(1))[0]).toBe(7); // Scarface: crime drama, cold
    expect(topK(s.score(2), 1, seen(2))[0]).toBe(5); // Aliens
    // scores for a subset come back in the subset's order
    const sub = s.score(0, Int32Array.from([6, 2]));
    const full = s.score(0);
    expect(Array.from(sub)).toEqual([full[6], full[2]]);
  });

  it('answers a free-text query with the matching item', async () => {
    const s = new SemanticScorer({ encoder: onnx });
    await s.fit(buildFitContext({ nUsers: 3, nItems: CATALOG.length, train: x, dataset: ds }));
    const q = await s.scoreQuery('mafia crime family saga');
    expect([2, 4, 7]).toContain(topK(q, 1)[0]);
    const kids = await s.scoreQuery('animated cartoon for kids');
    expect([0, 1, 6]).toContain(topK(kids, 1)[0]);
  });

  it('chooses the blend on validation and encodes nothing twice through the cache', async () => {
    const counting = new CountingEncoder(onnx);
    const cached = new CachedEncoder(counting, new MemoryEmbeddingCache());
    const tried: number[] = [];
    const s = new SemanticScorer({
      encoder: cached,
      blendGrid: [0, 1],
      validate: (sc) => {
        const b = Number(sc.params().blend);
        tried.push(b);
        return b === 1 ? 1 : 0; // prefer the sentence-only blend
      },
    });
    const ctx = buildFitContext({ nUsers: 3, nItems: CATALOG.length, train: x, valid: inter([[0, 6, 5]]), dataset: ds });
    await s.fit(ctx);
    expect(tried).toEqual([0, 1]);
    expect(s.params().blend).toBe(1);
    const first = counting.texts;
    expect(first).toBe(CATALOG.length + 3);
    const before = s.score(0);
    const again = new SemanticScorer({ encoder: cached, blend: 1 });
    await again.fit(ctx);
    expect(counting.texts).toBe(first); // every sentence came from the cache
    expect(Array.from(again.score(0))).toEqual(Array.from(before));
  });
});
