import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadAtomicFolder } from '../../main/core/data';
import { coldItemRecall, evaluateSplit, splitInteractions } from '../../main/core/eval';
import { KgIndex } from '../../main/core/kg';
import { buildFitContext } from '../../main/core/models/context';
import { KgProfileScorer, type KgProfileOptions } from '../../main/core/models/kg-profile';
import { PopScorer } from '../../main/core/models/pop';
import { createRng } from '../../main/core/random';
import type { Dataset, Scorer, Split } from '../../main/core/types';

const DATA_DIR = process.env.KNOWREC_DATA_DIR ?? '/work/shared/datasets';
const DIR = join(DATA_DIR, 'ml-100k');
const FILES = ['ml-100k.inter', 'ml-100k.item', 'ml-100k.kg', 'ml-100k.link'];
const present = FILES.every((f) => existsSync(join(DIR, f)));
if (!present) console.warn(`models-kg-profile: skipped, ml-100k atomic files not found in ${DIR} (set KNOWREC_DATA_DIR)`);

const SEED = 2020;
const MID = /^[mg]\.[0-9a-z_]+$/;

/**
 * The knobs that matter most on ml-100k (see the module comment of kg-profile.ts), with small
 * grids, so that fit + evaluation stays well under a minute on a laptop-class CPU.
 */
const TUNING: KgProfileOptions = {
  tuneKnobs: ['backgroundWeight', 'alpha', 'score'],
  backgroundGrid: [0, 0.5, 1, 4],
  alphaGrid: [1, 10, 100, 1000],
};

/** Uniform random scores, seeded per user (the same user gets the same scores every call). */
function randomScorer(nItems: number): Scorer {
  return {
    name: 'random',
    fit: async () => {},
    score: (u) => {
      const rng = createRng(SEED * 7919 + u);
      const out = new Float32Array(nItems);
      for (let i = 0; i < nItems; i++) out[i] = rng.next();
      return out;
    },
    params: () => ({}),
  };
}

function fitContext(ds: Dataset, split: Split) {
  return buildFitContext({ nUsers: split.nUsers, nItems: split.nItems, train: split.train, valid: split.valid, seed: SEED, dataset: ds });
}

describe.skipIf(!present)('kg-profile on real ml-100k', () => {
  let dataset: Dataset;
  let kg: KgIndex;

  beforeAll(() => {
    dataset = loadAtomicFolder(DIR, 'ml-100k').dataset;
    kg = new KgIndex(dataset);
  });

  it('recbole split: tuned on validation only, clearly beats a random scorer, explanations add up', async () => {
    const split = splitInteractions(dataset.interactions, dataset.userIds.length, dataset.itemIds.length, 'recbole', SEED);
    const ctx = fitContext(dataset, split);
    const validNdcg = (s: Scorer): number => evaluateSplit(s, split, 'valid', [10]).metrics['ndcg@10'];
    const t0 = performance.now();
    const kgp = new KgProfileScorer({ ...TUNING, kg, validate: validNdcg });
    await kgp.fit(ctx);
    const fitS = (performance.now() - t0) / 1000;
    const valid = evaluateSplit(kgp, split, 'valid', [10]).metrics;
    const test = evaluateSplit(kgp, split, 'test', [10]).metrics;
    const evalS = (performance.now() - t0) / 1000 - fitS;

    const pop = new PopScorer();
    await pop.fit(ctx);
    const popTest = evaluateSplit(pop, split, 'test', [10]).metrics;
    const popValid = evaluateSplit(pop, split, 'valid', [10]).metrics;
    const rnd = randomScorer(split.nItems);
    const rndTest = evaluateSplit(rnd, split, 'test', [10]).metrics;
    const rndValid = evaluateSplit(rnd, split, 'valid', [10]).metrics;
    console.log(
      `kg-profile ml-100k recbole seed ${SEED}: fit ${fitS.toFixed(1)} s (${kgp.tuningLog().length} validations), eval ${evalS.toFixed(1)} s; ` +
        `params ${JSON.stringify(kgp.params())}\n` +
        `  NDCG@10 valid/test: kg-profile ${valid['ndcg@10'].toFixed(4)}/${test['ndcg@10'].toFixed(4)}, ` +
        `pop ${popValid['ndcg@10'].toFixed(4)}/${popTest['ndcg@10'].toFixed(4)}, random ${rndValid['ndcg@10'].toFixed(4)}/${rndTest['ndcg@10'].toFixed(4)}; ` +
        `Recall@10 test: kg-profile ${test['recall@10'].toFixed(4)}, pop ${popTest['recall@10'].toFixed(4)}, random ${rndTest['recall@10'].toFixed(4)}`,
    );

    // the scorer is left in the state the tuning kept, and that state was measured on validation
    expect(valid['ndcg@10']).toBeCloseTo(kgp.params().valid as number, 10);
    expect(kgp.params().tuned).toBe(true);
    // clearly better than chance, on the held-out test split too
    expect(valid['ndcg@10']).toBeGreaterThan(3 * rndValid['ndcg@10']);
    expect(test['ndcg@10']).toBeGreaterThan(3 * rndTest['ndcg@10']);
    expect(test['ndcg@10'] - rndTest['ndcg@10']).toBeGreaterThan(0.02);

    // explanations of each user's top item: terms add up, labels are readable, via items are history
    const trainItems = new Map<number, Set<number>>();
    for (let p = 0; p < split.train.user.length; p++) {
      const u = split.train.user[p];
      let set = trainItems.get(u);
      if (set === undefined) trainItems.set(u, (set = new Set()));
      set.add(split.train.item[p]);
    }
    for (const u of [0, 1, 100, 500, 942]) {
      const s = kgp.score(u);
      const seen = trainItems.get(u) ?? new Set<number>();
      let top = -1;
      for (let i = 0; i < s.length; i++) if (!seen.has(i) && (top < 0 || s[i] > s[top])) top = i;
      const terms = kgp.explain(u, top);
      expect(terms.length).toBeGreaterThan(0);
      const sum = terms.reduce((a, t) => a + t.term, 0);
      expect(Math.abs(sum - s[top])).toBeLessThan(1e-4 * Math.max(1, Math.abs(s[top])));
      for (const t of terms) {
        expect(MID.test(t.label)).toBe(false);
        for (const v of t.viaItems) expect(seen.has(v.item)).toBe(true);
      }
    }
  });

  it('cold-items split: reaches held-out items that pop cannot', async () => {
    const split = splitInteractions(dataset.interactions, dataset.userIds.length, dataset.itemIds.length, 'cold-items', SEED);
    expect(split.coldItems.length).toBeGreaterThan(100);
    const ctx = fitContext(dataset, split);
    const coldValid = (s: Scorer): number => coldItemRecall(s, split, 'valid', [10]).metrics['recall@10'];
    const t0 = performance.now();
    const kgp = new KgProfileScorer({ ...TUNING, kg, validate: coldValid });
    await kgp.fit(ctx);
    const fitS = (performance.now() - t0) / 1000;
    const cold = coldItemRecall(kgp, split, 'test', [10]).metrics;
    const coldV = coldItemRecall(kgp, split, 'valid', [10]).metrics;
    const pop = new PopScorer();
    await pop.fit(ctx);
    const popCold = coldItemRecall(pop, split, 'test', [10]).metrics;
    const rndCold = coldItemRecall(randomScorer(split.nItems), split, 'test', [10]).metrics;
    console.log(
      `kg-profile ml-100k cold-items seed ${SEED}: fit ${fitS.toFixed(1)} s; params ${JSON.stringify(kgp.params())}\n` +
        `  cold Recall@10 valid/test: kg-profile ${coldV['recall@10'].toFixed(4)}/${cold['recall@10'].toFixed(4)}, ` +
        `pop test ${popCold['recall@10'].toFixed(4)}, random test ${rndCold['recall@10'].toFixed(4)}; ` +
        `cold NDCG@10 test: kg-profile ${cold['ndcg@10'].toFixed(4)}, pop ${popCold['ndcg@10'].toFixed(4)}`,
    );
    // pop never ranks an item nobody trained on; kg-profile does, from its KG facts alone
    expect(popCold['recall@10']).toBe(0);
    expect(cold['recall@10']).toBeGreaterThan(0.01);
    // ahead of chance too, though on ml-100k only modestly (see the report in the log above)
    expect(cold['recall@10']).toBeGreaterThan(rndCold['recall@10']);
  });
});
