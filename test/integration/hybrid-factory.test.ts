/**
 * The model factory's hybrids on a cold-items split of built data (real encoder, every source):
 * `hybrid` learns its fusion on the validation split, `hybrid-stacked` only on a holdout carved
 * from train with pseudo-cold items. Built data: 12 directors with 6 films each; user u is a fan
 * of director u mod 12 and watched all six of that director's films; the KG links each film to its
 * (named) director. The cold-items protocol holds out 10 % of the films entirely, so a user's
 * held-out targets are films of their own director that no source saw in training: the KG says
 * which ones.
 */
import { describe, expect, it } from 'vitest';
import { coldItemRecall, evaluateSplit, splitInteractions } from '../../main/core/eval';
import type { HybridScorer } from '../../main/core/rank';
import type { Dataset, Scorer } from '../../main/core/types';
import { fitContext } from '../../main/jobs/evaluate';
import { fitModel, ModelEnv } from '../../main/jobs/model-factory';
import { modelNames } from '../../main/core/models/registry';

const DIRECTORS = 12;
const FILMS = 6;
const USERS = 96;
const N_ITEMS = DIRECTORS * FILMS;

function dataset(): Dataset {
  const itemIds = Array.from({ length: N_ITEMS }, (_, i) => `f${i}`);
  const entityIds = [...itemIds.map((id) => `m.${id}`), ...Array.from({ length: DIRECTORS }, (_, d) => `m.dir${d}`)];
  const entityNames = entityIds.map((_, e) => (e >= N_ITEMS ? `Director ${String.fromCharCode(65 + e - N_ITEMS)}` : null));
  const user: number[] = [];
  const item: number[] = [];
  for (let u = 0; u < USERS; u++) {
    const d = u % DIRECTORS;
    for (let j = 0; j < FILMS; j++) {
      user.push(u);
      item.push(d * FILMS + j);
    }
  }
  return {
    name: 'directors',
    userIds: Array.from({ length: USERS }, (_, u) => `u${u}`),
    itemIds,
    users: Array.from({ length: USERS }, (_, u) => ({ id: `u${u}`, attributes: {} })),
    items: itemIds.map((id, i) => ({ id, title: `Film ${i} (199${i % 10})`, text: {}, attributes: {} })),
    interactions: {
      user: Int32Array.from(user),
      item: Int32Array.from(item),
      rating: new Float32Array(user.length).fill(4),
      timestamp: Float64Array.from(user, (_, k) => 1000 + k),
    },
    kg: {
      entityIds,
      entityNames,
      relationNames: ['film.film.directed_by'],
      head: Int32Array.from({ length: N_ITEMS }, (_, i) => i),
      relation: new Int32Array(N_ITEMS),
      tail: Int32Array.from({ length: N_ITEMS }, (_, i) => N_ITEMS + Math.floor(i / FILMS)),
      derived: new Uint8Array(N_ITEMS),
    },
    itemEntities: Array.from({ length: N_ITEMS }, (_, i) => Int32Array.of(i)),
  };
}

describe('model factory: what the hybrids learn their fusion from (cold-items split)', () => {
  it('hybrid learns on validation, hybrid-stacked on an inner holdout with pseudo-cold items', async () => {
    expect(modelNames()).toEqual(expect.arrayContaining(['hybrid', 'hybrid-stacked']));
    const ds = dataset();
    const split = splitInteractions(ds.interactions, USERS, N_ITEMS, 'cold-items', 7);
    expect(split.coldItems.length).toBeGreaterThan(2);
    const ctx = fitContext(ds, split, 7);
    const validate = (s: Scorer): number => evaluateSplit(s, split, 'valid', [10]).metrics['ndcg@10'];
    const env = new ModelEnv({ workspace: null });
    try {
      const cache = new Map();
      const hybrid = (await fitModel('hybrid', ctx, { tune: false, validate, env, cache })).scorer as HybridScorer;
      const stacked = (await fitModel('hybrid-stacked', ctx, { tune: false, validate, env, cache })).scorer as HybridScorer;
      const h = hybrid.fitReport();
      const s = stacked.fitReport();
      expect(h?.coldValidationShare).toBe(1);
      expect(h?.stages).toEqual(['valid']);
      expect(h?.inner).toBeNull();
      expect(s?.stages).toEqual(['inner']);
      expect(s?.inner?.coldItems).toBeGreaterThan(0);
      expect(stacked.name).toBe('hybrid-stacked');
      // the held-out films of the user's own director: the fusion learned on validation finds them
      const recall = coldItemRecall(hybrid, split, 'test', [10]).metrics['recall@10'];
      expect(recall).toBeGreaterThanOrEqual(0.8);
    } finally {
      await env.close();
    }
  }, 240_000);
});
