/**
 * "similar in content to your history" (the text signals' phrase) is said only when it holds
 * against the catalog, not just relative to the other candidates (explain-similar.ts
 * nearHistoryProfile). Built data: 100 items on a quarter circle at 0.015·i + 0.0001·i² rad (every
 * cosine positive, gaps widening so that no two distances tie); the history is items 0 and 1, so
 * its profile lies at 0.00755 rad. Of the 97 other
 * reference items, 2% (one) may be at least as close to the profile as the candidate:
 *   item 2 (0.03 rad): only item 3 is as close or closer among the others → near;
 *   item 3: only item 2 is closer → near;
 *   item 5: items 2, 3, 4 are closer → not near; item 50: far.
 * No pair of a candidate and a history item passes the pairwise "similar description" test here
 * (item 1's nearest is item 0, not item 2), so the claim comes from the profile alone.
 */
import { describe, expect, it } from 'vitest';
import { explainRecommendation, type ContributionSource } from '../../main/core/rank';
import { nearHistoryProfile, similarityTest } from '../../main/core/rank/explain-similar';
import type { Dataset } from '../../main/core/types';

const N = 100;
const unit = (i: number, common = 0): Float32Array => {
  const a = 0.015 * i + 0.0001 * i * i;
  const v = [Math.cos(a), Math.sin(a), common];
  const n = Math.hypot(...v);
  return Float32Array.from(v, (x) => x / n);
};
const plain = Array.from({ length: N }, (_, i) => unit(i));
// the same order of cosines crowded above 0.99
const crowded = Array.from({ length: N }, (_, i) => unit(i, 12));

const dataset: Dataset = {
  name: 'text-claim',
  userIds: ['u0'],
  itemIds: Array.from({ length: N }, (_, i) => `i${i}`),
  users: [{ id: 'u0', attributes: {} }],
  items: Array.from({ length: N }, (_, i) => ({ id: `i${i}`, title: `Item ${i}`, text: {}, attributes: {} })),
  interactions: { user: Int32Array.of(0, 0), item: Int32Array.of(0, 1), rating: Float32Array.of(1, 1), timestamp: Float64Array.of(0, 0) },
  kg: { entityIds: [], entityNames: [], relationNames: [], head: new Int32Array(0), relation: new Int32Array(0), tail: new Int32Array(0), derived: new Uint8Array(0) },
  itemEntities: Array.from({ length: N }, () => new Int32Array(0)),
};

const fixed = (signals: Record<string, number>): ContributionSource => ({ contributions: () => ({ signals }) });
const reason = (item: number, signals: Record<string, number>, lang: 'en' | 'zh' = 'en', vecs = plain): string =>
  explainRecommendation({ hybrid: fixed(signals), user: 0, item, dataset, trainHistory: () => ({ items: [0, 1] }), lang, itemVectors: (i) => vecs[i] }).reason;

describe('the text signal claims similar content only against the catalog', () => {
  it('nearHistoryProfile: the nearest 2% of the reference sample to the history profile, on any cosine scale', () => {
    for (const vecs of [plain, crowded]) {
      const near = (item: number, history: number[] = [0, 1]): boolean => nearHistoryProfile(N, (i) => vecs[i], history, item);
      expect([near(2), near(3), near(5), near(50)]).toEqual([true, true, false, false]);
      expect(near(2, [])).toBe(false);
    }
    // every cosine here is positive: the old rule (any positive cosine) would claim it for item 50
    expect(plain[50][0] * plain[0][0] + plain[50][1] * plain[0][1]).toBeGreaterThan(0);
    // and no history item is pairwise "similar" to item 2: the profile decides
    const pair = similarityTest(N, (i) => plain[i]);
    expect([pair(2, 0), pair(2, 1)]).toEqual([false, false]);
  });

  it('leads with the claim only where it holds; else says the share without claiming similarity', () => {
    expect(reason(2, { semantic: 1 })).toBe('Recommended for you: similar in content to your history.');
    expect(reason(2, { semantic: 1 }, 'zh')).toBe('为您推荐：与您的历史内容相似。');
    expect(reason(50, { semantic: 1 })).toBe('Recommended for you: scored up by the text-similarity signal.');
    expect(reason(50, { semantic: 1 }, 'zh')).toBe('为您推荐：因文本相似度信号而得分更高。');
    expect(reason(5, { 'history-similarity': 1 }, 'en', crowded)).toBe('Recommended for you: scored up by the text-similarity signal.');
  });

  it('as a tail after another lead, the same rule', () => {
    expect(reason(3, { ease: 2, semantic: 1 })).toBe('Recommended for you: chosen alongside items in your history; also similar in content to your history.');
    expect(reason(50, { ease: 2, semantic: 1 })).toBe('Recommended for you: chosen alongside items in your history; also scored up by the text-similarity signal.');
    expect(reason(50, { ease: 2, semantic: 1 }, 'zh')).toBe('为您推荐：曾与您历史中的条目被同一用户选择；也因文本相似度信号而得分更高。');
  });

  it('keeps the text signal in the shares either way', () => {
    const ex = explainRecommendation({ hybrid: fixed({ ease: 2, semantic: 1 }), user: 0, item: 50, dataset, trainHistory: () => ({ items: [0, 1] }), lang: 'en', itemVectors: (i) => plain[i] });
    expect(ex.signals.semantic).toBeCloseTo(1 / 3, 6);
  });
});
