import { describe, expect, it } from 'vitest';
import { proposeFacts, proposeLabels, type QueueCandidate } from '../../main/core/rank/label-queue';
import { failure } from '../helpers/failure';
import { tinyDataset } from '../helpers/tiny-workspace';

/**
 * User u1 has five candidates with evenly spaced scores 5, 4, 3, 2, 1 and keep = 2, so the
 * boundary lies at 2.5 (between c2 and c3). Every signal agrees except on c5, where `ease`
 * pulls back as hard as `semantic` pushes (disagreement 1/2, the most possible here).
 */
function candidates(): QueueCandidate[] {
  const agree = (s: number): Record<string, number> => ({ semantic: s, ease: s / 2 });
  return [
    { user: 'u1', item: 'c1', score: 5, signals: agree(2) },
    { user: 'u1', item: 'c2', score: 4, signals: agree(1.5) },
    { user: 'u1', item: 'c3', score: 3, signals: agree(1) },
    { user: 'u1', item: 'c4', score: 2, signals: agree(0.5) },
    { user: 'u1', item: 'c5', score: 1, signals: { semantic: 1, ease: -1 }, modelVersion: 'hybrid@v2' },
  ];
}

describe('proposeLabels', () => {
  it('puts the pair whose signals disagree most first, with a reason naming the signals', () => {
    const q = proposeLabels(candidates(), { keep: 2 });
    expect(q[0]).toMatchObject({ user: 'u1', item: 'c5', rank: 4, disagreement: 0.5, modelVersion: 'hybrid@v2' });
    expect(q[0].why).toMatch(/signals disagree: ease against, semantic for/);
    expect(q[0].against).toEqual({ ease: 1 });
    expect(q[0].signals).toEqual({ semantic: 1 });
    expect(q.map((p) => p.disagreement).slice(1)).toEqual([0, 0, 0, 0]);
  });

  it('among agreeing pairs, those nearest the cut-off come first', () => {
    const q = proposeLabels(candidates(), { keep: 2, disagreementWeight: 0 });
    // distances to 2.5 in mean gaps (1): c2 and c3 0.5, c1 and c4 1.5, c5 1.5 → u = 2/3, 2/3, 0.4, 0.4, 0.4
    expect(q.map((p) => p.item)).toEqual(['c2', 'c3', 'c1', 'c4', 'c5']);
    expect(q[0].uncertainty).toBeCloseTo(2 / 3, 10);
    expect(q[2].uncertainty).toBeCloseTo(0.4, 10);
    expect(q[0].why).toMatch(/near the cut-off \(rank 2 of 2 shown\)/);
    expect(q[1].why).toMatch(/just below the cut-off \(rank 3\)/);
  });

  it('skips labelled pairs, honours limit, and orders ties by user then item', () => {
    const two = [...candidates(), ...candidates().map((c) => ({ ...c, user: 'u0' }))];
    const q = proposeLabels(two, { keep: 2, exclude: [{ user: 'u1', item: 'c5' }] });
    expect(q.find((p) => p.user === 'u1' && p.item === 'c5')).toBeUndefined();
    expect(q[0]).toMatchObject({ user: 'u0', item: 'c5' });
    // equal priorities: u0 before u1
    const c2 = q.filter((p) => p.item === 'c2').map((p) => p.user);
    expect(c2).toEqual(['u0', 'u1']);
    expect(proposeLabels(two, { keep: 2, limit: 3 })).toEqual(proposeLabels(two, { keep: 2 }).slice(0, 3));
    // deterministic: input order does not matter
    expect(proposeLabels([...two].reverse(), { keep: 2 })).toEqual(proposeLabels(two, { keep: 2 }));
  });

  it('reads stored explanation shares: an against share counts as disagreement', () => {
    const q = proposeLabels(
      [
        { user: 'u', item: 'a', score: 0.9, signals: { semantic: 1 }, against: {} },
        { user: 'u', item: 'b', score: 0.8, signals: { semantic: 0.7, 'kg-profile': 0.3 }, against: { pop: 1 } },
      ],
      { keep: 1 },
    );
    expect(q.map((p) => [p.item, p.disagreement])).toEqual([
      ['b', 0.5],
      ['a', 0],
    ]);
  });

  it('orders by the chosen strategy and says which', () => {
    const byU = proposeLabels(candidates(), { keep: 2, strategy: 'uncertainty' });
    expect(byU.map((p) => p.item)).toEqual(['c2', 'c3', 'c1', 'c4', 'c5']);
    expect(byU.every((p) => p.strategy === 'uncertainty' && p.priority === p.uncertainty)).toBe(true);
    const byD = proposeLabels(candidates(), { keep: 2, strategy: 'disagreement' });
    expect(byD[0].item).toBe('c5');
    // ties in disagreement (all 0) fall back to uncertainty
    expect(byD.slice(1).map((p) => p.item)).toEqual(['c2', 'c3', 'c1', 'c4']);
    const r1 = proposeLabels(candidates(), { keep: 2, strategy: 'random', seed: 1 });
    const r2 = proposeLabels(candidates(), { keep: 2, strategy: 'random', seed: 2 });
    expect(r1).toEqual(proposeLabels([...candidates()].reverse(), { keep: 2, strategy: 'random', seed: 1 }));
    expect(r1.map((p) => p.item)).not.toEqual(r2.map((p) => p.item));
    for (const p of r1) expect(p.priority >= 0 && p.priority < 1).toBe(true);
  });

  it('without a dropped candidate (a top-k snapshot) measures uncertainty by the margin to the nearest neighbour', () => {
    // scores 10, 9.9, 5, 1: mean gap 3; margins 0.1, 0.1, 4, 4 → u = 1/(1 + margin/3)
    const top = [10, 9.9, 5, 1].map((score, k) => ({ user: 'u', item: `i${k}`, score, signals: { ease: 1 } }));
    const q = proposeLabels(top, { keep: 10, strategy: 'uncertainty' });
    expect(q.map((p) => p.item)).toEqual(['i0', 'i1', 'i2', 'i3']);
    expect(q[0].uncertainty).toBeCloseTo(1 / (1 + 0.1 / 3), 10);
    expect(q[2].uncertainty).toBeCloseTo(1 / (1 + 4 / 3), 10);
    expect(q[0].why).toMatch(/scored close to its neighbour/);
    expect(new Set(q.map((p) => p.priority)).size).toBeGreaterThan(1);
  });

  it('orders equal priorities by user id as numbers (2 before 10)', () => {
    const c = ['10', '2', '1'].map((user) => ({ user, item: '5', score: 1, signals: { ease: 1 } }));
    expect(proposeLabels(c).map((p) => p.user)).toEqual(['1', '2', '10']);
  });

  it('rejects bad options', () => {
    expect(failure(() => proposeLabels(candidates(), { strategy: 'loudest' as never })).code).toBe('config');
    expect(failure(() => proposeLabels(candidates(), { keep: 0 })).code).toBe('config');
    expect(failure(() => proposeLabels(candidates(), { disagreementWeight: 2 })).code).toBe('config');
  });
});

describe('proposeFacts', () => {
  it('proposes the facts of recommended items whose tail no other entity shares', () => {
    const ds = tinyDataset();
    // Heat's director (Mann) and Toy Story's genre are unique; Lasseter is shared by two films
    expect(proposeFacts(ds, [0, 1, 2])).toEqual([
      { item: 'i1', head: 'm.toy', relation: 'genre', tail: 'm.anim', tailName: 'Animation', support: 1 },
      { item: 'i2', head: 'm.heat', relation: 'directed_by', tail: 'm.mann', tailName: 'Michael Mann', support: 1 },
    ]);
    expect(proposeFacts(ds, [2], { maxSupport: 2 })).toEqual([{ item: 'i3', head: 'm.bug', relation: 'directed_by', tail: 'm.lasseter', tailName: 'John Lasseter', support: 2 }]);
    expect(proposeFacts(ds, [0, 1], { exclude: [{ head: 'i1', relation: 'genre', tail: 'm.anim' }] }).map((f) => f.item)).toEqual(['i2']);
    expect(failure(() => proposeFacts(ds, [7])).code).toBe('not-found');
  });
});
