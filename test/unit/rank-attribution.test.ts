/**
 * The hybrid's history attribution and counterfactual, on a constructed catalogue: every user
 * liked one film of a director pair and two solo films; the pair's other film is the target.
 */
import { describe, expect, it } from 'vitest';
import { KgIndex } from '../../main/core/kg';
import { buildFitContext } from '../../main/core/models/context';
import { createScorer } from '../../main/core/models/registry';
import { combineShares, findCounterfactual, rankAmong } from '../../main/core/rank/attribution';
import { explainRecommendation, HybridScorer, signalShares } from '../../main/core/rank';
import { isPopular } from '../../main/core/rank/explain';
import type { Interactions } from '../../main/core/types';
import { inter, N_ITEMS, PAIRS, pairsDataset } from '../helpers/director-pairs';


/** User u liked pair film `liked(u)`, two solos, and holds its partner in validation (or, for a few, none). */
async function fitted(withKg = true, itemVectors?: (i: number) => Float32Array): Promise<{ h: HybridScorer; liked: (u: number) => number; partner: (u: number) => number; nUsers: number; train: Interactions }> {
  const nUsers = 48;
  const liked = (u: number): number => 2 * (u % PAIRS) + ((u >> 2) % 2);
  const partner = (u: number): number => liked(u) ^ 1;
  const train: [number, number][] = [];
  const valid: [number, number][] = [];
  for (let u = 0; u < nUsers; u++) {
    train.push([u, liked(u)], [u, 2 * PAIRS + (u % 3)], [u, 2 * PAIRS + ((u + 1) % 3)]);
    valid.push([u, partner(u)]);
  }
  const ds = pairsDataset(nUsers, inter([...train, ...valid]));
  const ctx = buildFitContext({ nUsers, nItems: N_ITEMS, train: inter(train), valid: inter(valid), dataset: ds, seed: 3 });
  const kg = new KgIndex(ds);
  const srcs = [createScorer('pop'), createScorer('itemknn'), createScorer('ease', { lambda: 1 })];
  for (const s of srcs) await s.fit(ctx);
  const h = new HybridScorer({ sources: srcs.map((scorer) => ({ name: scorer.name, scorer })), ...(withKg ? { kg } : {}), ...(itemVectors !== undefined ? { itemVectors } : {}), ranker: 'linear', seed: 3 });
  await h.fit(ctx);
  return { h, liked, partner, nUsers, train: inter(train) };
}

describe('combineShares', () => {
  it('splits each signal share over its positive history terms and names the signals it cannot split', () => {
    const r = combineShares(
      { ease: 0.6, 'kg-overlap': 0.3, pop: 0.1 },
      { ease: [{ item: 1, weight: 3 }, { item: 2, weight: 1 }, { item: 3, weight: -2 }], 'kg-overlap': [{ item: 2, weight: 5 }], pop: null },
    );
    expect(r.history.map((h) => h.item)).toEqual([1, 2]);
    expect(r.history[0].share).toBeCloseTo(0.45, 10);
    expect(r.history[1].share).toBeCloseTo(0.15 + 0.3, 10);
    expect(r.notAttributable).toEqual(['pop']);
  });

  it('ranks with ties to the lower index and puts unscored items last', () => {
    const s = Float32Array.of(1, 3, 3, -Infinity, 2);
    expect(rankAmong(s, 2)).toBe(2);
    expect(rankAmong(s, 1)).toBe(1);
    expect(rankAmong(s, 3)).toBe(5);
    expect(rankAmong(s, 0, Uint8Array.of(0, 1, 1, 0, 0))).toBe(2);
  });
});

describe('hybrid: history attribution and counterfactual', () => {
  it('credits the liked pair film for its partner, and removing it drops the partner', async () => {
    const { h, liked, partner, nUsers } = await fitted();
    let dropped = 0;
    for (let u = 0; u < nUsers; u += 5) {
      const item = partner(u);
      const shares = signalShares(h.contributions(u, item).signals).signals;
      const a = combineShares(shares, h.historyParts(u, item));
      expect(a.history[0]?.item, `user ${u}`).toBe(liked(u));
      const total = a.history.reduce((x, y) => x + y.share, 0);
      expect(total).toBeLessThanOrEqual(1 + 1e-9);
      if (shares.pop > 0) expect(a.notAttributable).toContain('pop');
      const cf = findCounterfactual(h, u, item, a.history.map((x) => x.item), 1);
      expect(cf.rankBefore).toBe(rankAmong(h.score(u), item));
      expect(cf.removed[0]).toBe(liked(u));
      if (cf.rankAfter > 1) dropped++;
      expect(cf.rankAfter).toBeGreaterThanOrEqual(cf.rankBefore);
    }
    expect(dropped).toBeGreaterThan(0);
  });

  it('history-similarity credits the nearest history item; kg-overlap the items sharing the entity', async () => {
    // pair films share a direction, each solo has its own
    const vec = (i: number): Float32Array => {
      const v = new Float32Array(PAIRS + 3);
      v[i < 2 * PAIRS ? i >> 1 : PAIRS + i - 2 * PAIRS] = 1;
      return v;
    };
    const { h, liked, partner } = await fitted(true, vec);
    for (const u of [0, 5, 11]) {
      const parts = h.historyParts(u, partner(u));
      expect(parts['history-similarity']).toEqual([{ item: liked(u), weight: 1 }]);
      expect(parts['kg-overlap']?.map((p) => p.item)).toEqual([liked(u)]);
      expect(parts.pop).toBeNull();
    }
  });

  it('scoreWithout an empty set is score', async () => {
    const { h } = await fitted();
    expect(Array.from(h.scoreWithout(0, new Set()))).toEqual(Array.from(h.score(0)));
  });
});

describe('explanations from the attribution', () => {
  for (const withKg of [true, false]) it(`cite the top contributors with shares, lead with the largest signal and carry a counterfactual (KG: ${withKg})`, async () => {
    const { h, liked, partner, nUsers, train } = await fitted(withKg);
    let cfLed = 0;
    const ds = pairsDataset(nUsers, train);
    const kg = new KgIndex(ds);
    const trainCsr = buildFitContext({ nUsers, nItems: N_ITEMS, train, seed: 3 }).trainCsr;
    const trainHistory = (v: number): { items: Int32Array } => ({ items: trainCsr.indices.subarray(trainCsr.indptr[v], trainCsr.indptr[v + 1]) });
    for (let u = 0; u < nUsers; u += 7) {
      for (const lang of ['en', 'zh'] as const) {
        const ex = explainRecommendation({ hybrid: h, user: u, item: partner(u), dataset: ds, kg, trainHistory, lang, k: 1 });
        expect(ex.history.length).toBeGreaterThan(0);
        expect(ex.history.length).toBeLessThanOrEqual(3);
        // with the KG the director tie carries it; without, no one held both pair films: a solo does
        if (withKg) expect(ex.history[0].item).toBe(ds.itemIds[liked(u)]);
        for (const x of ex.history) expect(x.share).toBeGreaterThan(0);
        const largest = Object.entries(ex.signals).sort((a, b) => b[1] - a[1])[0];
        expect(ex.lead).toBe(largest[1] >= 0.1 ? largest[0] : null);
        expect(ex.counterfactual).not.toBeNull();
        expect(ex.counterfactual?.removed[0].item).toBe(ex.history[0].item);
        expect(ex.counterfactual?.rankBefore).toBe(rankAmong(h.score(u), partner(u)));
        if (ex.lead === 'ease' || ex.lead === 'itemknn') {
          const name = ex.history[0].title;
          expect(ex.reason).toMatch(lang === 'en' ? new RegExp(`^People who chose ${name}.* also chose this`) : new RegExp(`^选择了《${name}》.*的用户也选择了这一项`));
          cfLed++;
        } else if ((ex.signals.ease ?? 0) + (ex.signals.itemknn ?? 0) >= 0.1 && ex.lead === 'pop') {
          // popularity leads; the collaborative part follows, naming the top contributors
          // "popular overall" only for an item among the most chosen 10%
          const name = ex.history[0].title;
          const popular = isPopular(ds, partner(u));
          const en = popular ? 'popular overall' : 'scored up by its interaction count';
          const zh = popular ? '很受欢迎' : '因其交互次数而得分更高';
          expect(ex.reason).toMatch(lang === 'en' ? new RegExp(`^Recommended for you: ${en}; people who chose ${name}`) : new RegExp(`^为您推荐：${zh}；选择了《${name}》`));
          cfLed++;
        }
      }
    }
    // without the KG the collaborative signals are named
    if (!withKg) expect(cfLed).toBeGreaterThan(0);
  });
});
