/**
 * scoreWithout's `into` (models/attribution.ts scratch): a source given an array it may write its
 * re-scores to returns the same scores as without it, whatever the array held, and writes them
 * there (the hybrid passes one per source for its removal states, features.ts); an array of the
 * wrong length is not used.
 */
import { describe, expect, it } from 'vitest';
import { validateDataset } from '../../main/core/data';
import { generateSynthetic, syntheticRaw } from '../../main/core/data/synthetic';
import { KgIndex } from '../../main/core/kg';
import { rowIndices } from '../../main/core/matrix';
import { isAttributable, type HistoryAttribution } from '../../main/core/models/attribution';
import { buildFitContext } from '../../main/core/models/context';
import { KgEmbedScorer } from '../../main/core/models/kg-embed';
import { KgProfileScorer } from '../../main/core/models/kg-profile';
import { createScorer } from '../../main/core/models/registry';
import { SemanticScorer } from '../../main/core/models/semantic';
import type { Scorer } from '../../main/core/types';
import { subsets } from '../helpers/explain-runs';
import { bagOfWordsEncoder } from '../helpers/hash-encoder';

describe('scoreWithout into a scratch array', () => {
  it('gives the same scores in the given array, for every source that re-scores, prepared or not', async () => {
    const d = generateSynthetic({ users: 12, items: 80, interactions: 600, triples: 200, seed: 9 });
    const ds = validateDataset(syntheticRaw(d, 'tiny-into')).dataset;
    const n = ds.itemIds.length;
    const ctx = buildFitContext({ nUsers: ds.userIds.length, nItems: n, train: ds.interactions, dataset: ds, seed: 1 });
    const kg = new KgIndex(ds);
    const sources: Scorer[] = [
      createScorer('itemknn'),
      createScorer('ease', { lambda: 1 }),
      createScorer('ease', { lambda: 1, maxItems: 30 }), // a head: the tail placed below it
      createScorer('bpr', { dim: 8, epochs: 10, seed: 1 }),
      new KgEmbedScorer({ dim: 8, epochs: 5 }),
      new KgProfileScorer({ kg }),
      new SemanticScorer({ encoder: bagOfWordsEncoder(32), blend: 0.3 }),
    ];
    const wroteInto = new Map<string, number>();
    for (const [k, src] of sources.entries()) {
      const name = `${k}:${src.name}`;
      wroteInto.set(name, 0);
      await src.fit(ctx);
      expect(isAttributable(src)).toBe(true);
      const s = src as Scorer & HistoryAttribution;
      for (let u = 0; u < 3; u++) {
        const hist = Array.from(rowIndices(ctx.trainCsr, u)).slice(0, 4);
        expect(hist.length).toBe(4);
        for (const prepared of [false, true]) {
          if (prepared) {
            s.score(u);
            s.prepareWithout?.(u, hist);
          }
          for (const set of subsets(hist, 3)) {
            const removed = new Set(set);
            const want = Array.from(s.scoreWithout(u, removed) ?? []);
            const into = new Float32Array(n).fill(Number.NaN);
            into[0] = 123;
            const got = s.scoreWithout(u, removed, undefined, into);
            expect(Array.from(got ?? []), `${src.name} user ${u} without ${set.join(',')}`).toEqual(want);
            if (got === into && prepared) wroteInto.set(name, (wroteInto.get(name) ?? 0) + 1);
            // the wrong length: a new array, the given one untouched
            const short = new Float32Array(n - 1).fill(7);
            expect(Array.from(s.scoreWithout(u, removed, undefined, short) ?? [])).toEqual(want);
            expect(short.every((v) => v === 7)).toBe(true);
          }
        }
      }
    }
    // not vacuous: every source writes its prepared re-scores into the array (3 users × 14 sets each; a few may fall back)
    for (const [name, count] of wroteInto) expect(count, name).toBeGreaterThan(20);
  });
});
