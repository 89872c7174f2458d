/**
 * Explanation fidelity (PN/PS@k, rank drop, random baseline) and the citation search, on an
 * additive model built by hand: score(u, i) = Σ over the user's history items h of W[h][i], so
 * every rank with and without history items is known by construction.
 *
 * Items 0 (A), 1 (B), 2 (C) are the history; 3 (t), 4 (c), 5 (d) are the candidates:
 *   t = A·5 + B·4 = 9,  c = A·5 + C·3.5 = 8.5,  d = C·1 = 1.
 * With k = 1 the list is [t]. Without A: t 4, c 3.5 → t stays first (A is not necessary: it lifts
 * the competitor as much). Without B: t 5, c 8.5 → t ranks 2nd. B alone: t 4, c 0, d 0 → 1st.
 * A alone: t 5, c 5 → tie, t (lower index) 1st.
 */
import { describe, expect, it } from 'vitest';
import { citeEvidence, findCounterfactual, marginAt } from '../../main/core/rank/attribution';
import { evidenceRanks, measureFidelity, randomEvidence, sampleUsers, type FidelitySubject } from '../../main/core/rank/fidelity';
import { createRng } from '../../main/core/random';

const N = 6;
const HISTORY = [0, 1, 2];
const W: Record<number, Record<number, number>> = {
  0: { 3: 5, 4: 5 },
  1: { 3: 4 },
  2: { 4: 3.5, 5: 1 },
};

function additive(): FidelitySubject & { calls: number } {
  const s = {
    calls: 0,
    score: (): Float32Array => s.scoreWithout(0, new Set()),
    scoreWithout: (_u: number, removed: ReadonlySet<number>): Float32Array => {
      s.calls++;
      const out = new Float32Array(N);
      for (const h of HISTORY) {
        if (removed.has(h)) continue;
        for (const [i, w] of Object.entries(W[h])) out[Number(i)] += w;
      }
      return out;
    },
  };
  return s;
}

const EXCLUDED = Uint8Array.from([1, 1, 1, 0, 0, 0]);

describe('evidenceRanks', () => {
  it('ranks the item before, without the evidence, and with the evidence as the whole history', () => {
    const m = additive();
    const before = m.score(0);
    expect(evidenceRanks(m, 0, 3, [1], HISTORY, EXCLUDED, before)).toEqual({ rankBefore: 1, rankWithout: 2, rankAlone: 1 });
    expect(evidenceRanks(m, 0, 3, [0], HISTORY, EXCLUDED, before)).toEqual({ rankBefore: 1, rankWithout: 1, rankAlone: 1 });
    // without A and B: t 0, c 3.5, d 1 → 3rd
    expect(evidenceRanks(m, 0, 3, [0, 1], HISTORY, EXCLUDED, before).rankWithout).toBe(3);
    // C alone: t 0, c 3.5, d 1 → 3rd
    expect(evidenceRanks(m, 0, 3, [2], HISTORY, EXCLUDED, before).rankAlone).toBe(3);
    // no evidence is never sufficient
    expect(evidenceRanks(m, 0, 3, [], HISTORY, EXCLUDED, before).rankAlone).toBe(Infinity);
  });
});

describe('measureFidelity', () => {
  const base = { users: [0], history: () => HISTORY, excluded: () => EXCLUDED, k: 1, seed: 5 };

  it('PN, PS, rank drop and cited_mean of each rule over the top-k', () => {
    const r = measureFidelity({ ...base, subject: additive(), rules: { b: () => [1], a: () => [0], c: () => [2], none: () => [] } });
    expect(r.b).toMatchObject({ users: 1, explanations: 1, 'pn@k': 1, 'ps@k': 1, mean_rank_drop: 1, cited_mean: 1 });
    expect(r.a).toMatchObject({ 'pn@k': 0, 'ps@k': 1, mean_rank_drop: 0, cited_mean: 1 });
    // without C: t 9, c 5, d 0 → t stays; C alone: t 3rd
    expect(r.c).toMatchObject({ 'pn@k': 0, 'ps@k': 0, mean_rank_drop: 0 });
    expect(r.none).toMatchObject({ 'pn@k': 0, 'ps@k': 0, mean_rank_drop: 0, cited_mean: 0, 'random_pn@k': 0, 'random_ps@k': 0 });
  });

  it('the random baseline draws as many items as the rule cites: citing the whole history, it equals the rule', () => {
    const r = measureFidelity({ ...base, subject: additive(), rules: { all: () => HISTORY } });
    // without everything t scores 0 like c and d: lower index first, still 1st; alone = the full history
    expect(r.all).toMatchObject({ 'pn@k': 0, 'ps@k': 1, 'random_pn@k': 0, 'random_ps@k': 1, cited_mean: 3 });
  });

  it('over several list positions (k = 2: t and c) counts each explanation once', () => {
    // c's contributors: A (5) and C (3.5). Citing [2] for c: c 5, t 9, d 0 → c stays 2nd (not necessary)
    const r = measureFidelity({ ...base, k: 2, subject: additive(), rules: { r: (x) => (x.item === 3 ? [1] : [2]) } });
    // t without B: t 5, c 8.5 → t 2nd, still in the top-2: PN 0 for both
    expect(r.r).toMatchObject({ explanations: 2, 'pn@k': 0, mean_rank_drop: 0.5 });
  });
});

describe('citeEvidence', () => {
  it('cites the contributor whose removal drops the item, even when a larger one by share does not', () => {
    const m = additive();
    const contributors = [0, 1]; // by share: A (5) before B (4)
    const old = findCounterfactual({ ...m, historyParts: () => ({}) }, 0, 3, contributors, 1, EXCLUDED);
    expect(old.removed).toEqual([0, 1]);
    const e = citeEvidence(m, 0, 3, contributors, 1, EXCLUDED);
    expect(e).toEqual({ cited: [1], rule: 'counterfactual', counterfactual: { removed: [1], rankBefore: 1, rankAfter: 2 } });
  });

  it('falls back to the top contributors by share when no set of at most 3 drops the item', () => {
    const m = additive();
    // d (item 5, rank 3 of 3 with k = 3) can never leave a top-3 of three candidates
    const e = citeEvidence(m, 0, 5, [2], 3, EXCLUDED);
    expect(e.rule).toBe('top-contributors');
    expect(e.cited).toEqual([2]);
    expect(e.counterfactual.rankAfter).toBeLessThanOrEqual(3);
  });

  it('cites nothing without contributors', () => {
    expect(citeEvidence(additive(), 0, 3, [], 1, EXCLUDED).cited).toEqual([]);
  });
});

describe('helpers', () => {
  it('marginAt: the item score minus the k-th best other candidate', () => {
    const s = Float32Array.from([0, 0, 0, 9, 8.5, 1]);
    expect(marginAt(s, 3, 1, EXCLUDED)).toBeCloseTo(0.5);
    expect(marginAt(s, 5, 1, EXCLUDED)).toBeCloseTo(-8);
    expect(marginAt(s, 3, 3, EXCLUDED)).toBe(Infinity);
  });

  it('randomEvidence draws distinct history items; sampleUsers is seeded and sorted', () => {
    const rng = createRng(1);
    const r = randomEvidence([10, 11, 12, 13], 2, rng);
    expect(new Set(r).size).toBe(2);
    expect(r.every((x) => [10, 11, 12, 13].includes(x))).toBe(true);
    expect(randomEvidence([1, 2], 5, rng).sort()).toEqual([1, 2]);
    const a = sampleUsers([5, 1, 9, 3, 7], 3, 2020);
    expect(a).toEqual(sampleUsers([5, 1, 9, 3, 7], 3, 2020));
    expect(a).toEqual([...a].sort((x, y) => x - y));
    expect(a).toHaveLength(3);
  });
});
