/**
 * kg-profile's re-scores without history items from the user's kept full scores
 * (kg-profile/without.ts, after prepareWithout) against rebuilding the profile (the
 * straightforward path), on a small synthetic catalogue with a KG, in every scoring form: the
 * same float32 scores but where a float64 sum sits on a rounding boundary (one unit in the last
 * place at most), with removed (item, entity) ties too, and the straightforward path kept for an
 * unprepared user.
 */
import { describe, expect, it, vi } from 'vitest';
import { validateDataset } from '../../main/core/data';
import { generateSynthetic, syntheticRaw } from '../../main/core/data/synthetic';
import { buildFitContext } from '../../main/core/models/context';
import { KgProfileScorer, type KgProfileOptions } from '../../main/core/models/kg-profile';
import { subsets } from '../helpers/explain-runs';

const data = generateSynthetic({ users: 10, items: 80, interactions: 500, triples: 400, seed: 11 });
const ds = validateDataset(syntheticRaw(data, 'tiny-kg-profile')).dataset;
const ctx = buildFitContext({ nUsers: ds.userIds.length, nItems: ds.itemIds.length, train: ds.interactions, dataset: ds, seed: 1 });

/** Scores apart by more than one float32 unit in the last place, and scores not bit-equal. */
function gaps(a: Float32Array, b: Float32Array): { beyondUlp: number; unequal: number } {
  expect(a.length).toBe(b.length);
  let beyondUlp = 0;
  let unequal = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i]) continue;
    unequal++;
    if (Math.abs(a[i] - b[i]) > 1.2e-7 * Math.max(1, Math.abs(b[i]))) beyondUlp++;
  }
  return { beyondUlp, unequal };
}

const FORMS: readonly KgProfileOptions[] = [{}, { score: 'neg-kl' }, { missing: 'skip' }, { normalize: 'per-fact' }, { ratingWeight: 'centered' }, { backgroundWeight: 0, alpha: 1 }];

describe('kg-profile re-scores from the kept full scores', () => {
  for (const opts of FORMS) {
    it(`equal the rebuilt profile's within one float32 ulp, ${JSON.stringify(opts)}`, async () => {
      const m = new KgProfileScorer(opts);
      await m.fit(ctx);
      const spy = vi.spyOn(m as unknown as { fromBase: () => Float32Array | null }, 'fromBase');
      let unequal = 0;
      let compared = 0;
      for (let u = 0; u < 4; u++) {
        const hist = Array.from(ctx.trainCsr.indices.subarray(ctx.trainCsr.indptr[u], ctx.trainCsr.indptr[u + 1])).slice(0, 5);
        expect(hist.length).toBe(5);
        const sets = subsets(hist, 3);
        // a tie: the first history item's first KG entity left out of the profile
        const entity = m.explain(u, hist[0]).find((t) => t.kind === 'entity')?.entity;
        expect(entity).toBeDefined();
        const ties = new Map([[hist[0], new Set([entity ?? -1])]]);
        const full = Array.from(m.score(u));
        const reference = sets.map((set) => m.scoreWithout(u, new Set(set)));
        const referenceTies = m.scoreWithout(u, new Set([hist[1]]), ties);
        m.prepareWithout(u, hist);
        sets.forEach((set, j) => {
          const g = gaps(m.scoreWithout(u, new Set(set)), reference[j]);
          expect(g.beyondUlp).toBe(0);
          unequal += g.unequal;
          compared += reference[j].length;
        });
        expect(gaps(m.scoreWithout(u, new Set([hist[1]]), ties), referenceTies).beyondUlp).toBe(0);
        // re-scores leave the user's own scores as they were
        expect(Array.from(m.score(u))).toEqual(full);
      }
      // the re-scores after prepareWithout came from the kept scores; the reference ones did not
      expect(spy.mock.results.filter((r) => r.value !== null).length).toBe(4 * (subsets([1, 2, 3, 4, 5], 3).length + 1));
      expect(unequal / compared).toBeLessThan(0.01);
      // another user than the prepared one: the straightforward path
      m.scoreWithout(7, new Set([ctx.trainCsr.indices[ctx.trainCsr.indptr[7]]]));
      expect(spy.mock.results[spy.mock.results.length - 1].value).toBeNull();
      spy.mockRestore();
    });
  }
});
