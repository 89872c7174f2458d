import { describe, expect, it } from 'vitest';
import { counterfactualLine, joinTitles, ordinal } from '../../renderer/src/explain-text';

describe('explanation wording in the views', () => {
  it('writes ordinals, joined titles and the counterfactual line', () => {
    expect([1, 2, 3, 4, 11, 12, 13, 14, 21, 42, 103, 112].map(ordinal)).toEqual(['1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '14th', '21st', '42nd', '103rd', '112th']);
    expect([[], ['A'], ['A', 'B'], ['A', 'B', 'C']].map(joinTitles)).toEqual(['', 'A', 'A and B', 'A, B and C']);
    const removed = [
      { item: '1', title: 'Pulp Fiction' },
      { item: '2', title: 'Reservoir Dogs' },
    ];
    expect(counterfactualLine({ removed, rankBefore: 3, rankAfter: 41 }, 10)).toBe('Without Pulp Fiction and Reservoir Dogs it would rank 41st instead of 3rd.');
    expect(counterfactualLine({ removed: removed.slice(0, 1), rankBefore: 2, rankAfter: 7 }, 10)).toBe('Even without Pulp Fiction it would still rank 7th (now 2nd).');
    expect(counterfactualLine({ removed: [], rankBefore: 2, rankAfter: 2 }, 10)).toBeNull();
    expect(counterfactualLine(null, 10)).toBeNull();
  });
});
