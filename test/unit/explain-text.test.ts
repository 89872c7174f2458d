/** The terminal form of an explanation (recommend --explain, the demo): shares and the counterfactual. */
import { describe, expect, it } from 'vitest';
import { explanationLines } from '../../main/jobs/explain-text';
import type { SnapshotExplanation } from '../../main/jobs/snapshot';

const base: SnapshotExplanation = {
  signals: { itemknn: 0.25, ease: 0.75 },
  against: {},
  history: [
    { item: '7', title: 'Fargo (1996)', relation: 'same genre (Drama)', share: 0.42 },
    { item: '9', title: 'Swingers (1996)', relation: 'same decade (1990s)', share: null },
  ],
  facts: [],
  reason: 'People who chose Fargo (1996) also chose this.',
};

describe('explanationLines', () => {
  it('orders signals by share, gives each cited item its share, and states the counterfactual', () => {
    const lines = explanationLines({ ...base, counterfactual: { removed: [{ item: '7', title: 'Fargo (1996)' }], rankBefore: 2, rankAfter: 14 } });
    expect(lines).toEqual([
      'why: People who chose Fargo (1996) also chose this.',
      'signals: ease 75%, itemknn 25%',
      'history: Fargo (1996) (same genre (Drama), 42% of the score)',
      'history: Swingers (1996) (same decade (1990s))',
      'without Fargo (1996): rank 14 instead of 2',
    ]);
  });

  it('says nothing of a counterfactual that an older snapshot lacks', () => {
    expect(explanationLines({ ...base, counterfactual: null }).some((l) => l.startsWith('without'))).toBe(false);
    expect(explanationLines(base)).toHaveLength(4);
  });
});
