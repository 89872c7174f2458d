/**
 * The ANN index where it is used: SemanticScorer.recommendTop and text queries (textScores with an
 * index) against the exact answers on a synthetic catalog whose item texts follow known topics.
 */
import { describe, expect, it } from 'vitest';
import { validateDataset } from '../../main/core/data';
import { generateSynthetic, syntheticRaw } from '../../main/core/data/synthetic';
import { AnnIndex } from '../../main/core/index';
import { rowIndices } from '../../main/core/matrix';
import { buildFitContext } from '../../main/core/models/context';
import { SemanticScorer } from '../../main/core/models/semantic';
import { textScores } from '../../main/core/rank';
import { topK } from '../../main/core/topk';
import { bagOfWordsEncoder } from '../helpers/hash-encoder';

const data = generateSynthetic({ users: 40, items: 1500, interactions: 1200, triples: 3000, seed: 3, topics: 6 });
const dataset = validateDataset(syntheticRaw(data)).dataset;
const ctx = buildFitContext({ nUsers: dataset.userIds.length, nItems: dataset.itemIds.length, train: dataset.interactions, dataset, seed: 1 });
const encoder = bagOfWordsEncoder(64);

describe('SemanticScorer.recommendTop', () => {
  it('matches the exact top-10 of score() with seen items left out (ANN: recall ≥ 0.9; exact: same scores)', async () => {
    const ann = new SemanticScorer({ encoder, index: 'ann' });
    const exact = new SemanticScorer({ encoder, index: 'exact' });
    await ann.fit(ctx);
    await exact.fit(ctx);
    let hit = 0;
    let all = 0;
    for (let u = 0; u < ctx.nUsers; u++) {
      const mask = new Uint8Array(ctx.nItems);
      for (const i of rowIndices(ctx.trainCsr, u)) mask[i] = 1;
      const full = ann.score(u);
      const want = topK(full, 10, mask);
      const got = ann.recommendTop(u, 10, mask);
      for (const i of got.ids) expect(mask[i]).toBe(0);
      const wanted = new Set(want);
      for (const i of got.ids) if (wanted.has(i)) hit++;
      all += want.length;
      const ex = exact.recommendTop(u, 10, mask);
      for (let j = 0; j < 10; j++) expect(ex.scores[j]).toBeCloseTo(full[want[j]], 5);
    }
    expect(hit / all).toBeGreaterThanOrEqual(0.9);
  });
});

describe('textScores with an index', () => {
  it('scores the shortlist (best 1, scaled over it), 0 elsewhere, picks left out, same best items as scoring all', async () => {
    const vectors = await encoder.encode(dataset.items.map((x) => `${x.title} ${x.text.description ?? ''}`));
    const index = new AnnIndex(64);
    index.add(Int32Array.from(vectors.keys()), vectors);
    const picks = [0, 1];
    const exclude = new Uint8Array(vectors.length);
    for (const p of picks) exclude[p] = 1;
    const full = await textScores({ encoder, vectors, query: null, picks, exclude });
    const short = await textScores({ encoder, vectors, query: null, picks, exclude, index, shortlist: 50 });
    if (full === null || short === null) throw new Error('expected scores');
    expect(short.filter((v) => v > 0).length).toBeLessThanOrEqual(50);
    expect(Math.max(...short)).toBe(1);
    for (const p of picks) expect(short[p]).toBe(0);
    const bestFull = Array.from(topK(full, 10, exclude));
    const bestShort = new Set(topK(short, 10, exclude));
    expect(bestFull.filter((i) => bestShort.has(i)).length).toBeGreaterThanOrEqual(9);
  });
});
