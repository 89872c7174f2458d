import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadAtomicFolder } from '../../main/core/data';
import { coldItemRecall, evaluateSplit, splitInteractions } from '../../main/core/eval';
import { buildFitContext } from '../../main/core/models/context';
import { KgEmbedScorer } from '../../main/core/models/kg-embed';
import { PopScorer } from '../../main/core/models/pop';
import type { Dataset, Split } from '../../main/core/types';

const DATA = process.env.KNOWREC_DATA_DIR ?? '/work/shared/datasets';
const DIR = join(DATA, 'ml-100k');
const present = existsSync(join(DIR, 'ml-100k.inter')) && existsSync(join(DIR, 'ml-100k.kg'));
if (!present) console.warn(`skipping kg-embed ml-100k tests: ${DIR} not found (set KNOWREC_DATA_DIR)`);

function context(dataset: Dataset, split: Split) {
  return buildFitContext({ nUsers: split.nUsers, nItems: split.nItems, train: split.train, valid: split.valid, seed: split.seed, dataset });
}

describe.skipIf(!present)('kg-embed on real ml-100k', () => {
  const load = (): Dataset => loadAtomicFolder(DIR, 'ml-100k').dataset;

  it('beats pop on test NDCG@10 (protocol recbole, seed 2020), with early stopping on valid NDCG@10', async () => {
    const dataset = load();
    expect(dataset.kg.head.length).toBe(91631);
    const split = splitInteractions(dataset.interactions, dataset.userIds.length, dataset.itemIds.length, 'recbole', 2020);
    const pop = new PopScorer();
    await pop.fit(context(dataset, split));
    const popTest = evaluateSplit(pop, split, 'test', [10]).metrics['ndcg@10'];

    const model = new KgEmbedScorer({ validate: (s) => evaluateSplit(s, split, 'valid', [10]).metrics['ndcg@10'] });
    const t0 = performance.now();
    await model.fit(context(dataset, split));
    const fitSeconds = (performance.now() - t0) / 1000;
    const valid = evaluateSplit(model, split, 'valid', [10]).metrics;
    const test = evaluateSplit(model, split, 'test', [10]).metrics;
    const p = model.params();
    console.log(
      `kg-embed ml-100k recbole/2020: fit ${fitSeconds.toFixed(1)} s, epochs ${p.epochsRun} (best ${p.bestEpoch}), ` +
        `valid ndcg@10 ${valid['ndcg@10'].toFixed(4)}, test ndcg@10 ${test['ndcg@10'].toFixed(4)} ` +
        `recall@10 ${test['recall@10'].toFixed(4)} mrr@10 ${test['mrr@10'].toFixed(4)} hit@10 ${test['hit@10'].toFixed(4)}; ` +
        `pop test ndcg@10 ${popTest.toFixed(4)}`,
    );
    expect(test['ndcg@10']).toBeGreaterThan(1.5 * popTest);
    // the kept weights are those of the best validation: re-evaluating gives the best score seen
    const best = Math.max(...model.trainingHistory().flatMap((h) => (h.valid !== undefined ? [h.valid] : [])));
    expect(valid['ndcg@10']).toBeCloseTo(best, 10);
    expect(model.trainingHistory().at(-1)?.loss).toBeLessThan(0.5 * model.trainingHistory()[0].loss);
    expect(fitSeconds).toBeLessThan(90);
  }, 240_000);

  it('scores held-out items (cold-items protocol) through their KG entity, per user', async () => {
    const dataset = load();
    const split = splitInteractions(dataset.interactions, dataset.userIds.length, dataset.itemIds.length, 'cold-items', 2020);
    const model = new KgEmbedScorer({ epochs: 10 });
    await model.fit(context(dataset, split));
    const users = [0, 100, 500, 900];
    const scores = users.map((u) => model.score(u));
    let linked = 0;
    for (const i of split.coldItems) {
      const values = scores.map((s) => s[i]);
      if (dataset.itemEntities[i].length > 0) {
        linked++;
        // never trained by BPR, yet scored by its entity embedding, differently for each user
        expect(new Set(values).size, `cold item ${i}`).toBe(users.length);
      } else {
        // no interactions and no entity: the offset stays at its zero start
        expect(values, `cold item ${i}`).toEqual(users.map(() => 0));
      }
    }
    expect(linked).toBeGreaterThan(0.9 * split.coldItems.length);
    const cold = coldItemRecall(model, split, 'test', [10, 50]).metrics;
    console.log(
      `kg-embed ml-100k cold-items/2020 (10 epochs, no validation): ${split.coldItems.length} cold items (${linked} linked), ` +
        `full-ranking test recall@10 ${cold['recall@10'].toFixed(4)} recall@50 ${cold['recall@50'].toFixed(4)}`,
    );
  }, 240_000);
});
