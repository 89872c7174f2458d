/** Time left for a job, from the rate of its progress. */
import { describe, expect, it } from 'vitest';
import { formatElapsed, formatRemaining, remainingSeconds } from '../../renderer/src/eta';

describe('remainingSeconds', () => {
  it('applies the rate since the first sample to what is left', () => {
    // 20% in 10 s → the 70% left takes 35 s
    expect(remainingSeconds({ t: 0, p: 0.1 }, { t: 10_000, p: 0.3 })).toBeCloseTo(35, 10);
  });

  it('waits for enough progress and time, and gives up on a job that went back or is done', () => {
    expect(remainingSeconds({ t: 0, p: 0.1 }, { t: 1000, p: 0.5 })).toBeNull(); // under 2 s
    expect(remainingSeconds({ t: 0, p: 0.1 }, { t: 60_000, p: 0.105 })).toBeNull(); // under 1%
    expect(remainingSeconds({ t: 0, p: 0.5 }, { t: 60_000, p: 0.4 })).toBeNull();
    expect(remainingSeconds({ t: 0, p: 0.5 }, { t: 60_000, p: 1 })).toBeNull();
  });
});

describe('formatting', () => {
  it('rounds what is left so it does not flicker, and says elapsed time plainly', () => {
    expect(formatRemaining(3)).toBe('a few seconds left');
    expect(formatRemaining(42)).toBe('about 40 s left');
    expect(formatRemaining(200)).toBe('about 3 min left');
    expect(formatRemaining(3900)).toBe('about 1 h 5 min left');
    expect(formatElapsed(12.4)).toBe('12 s');
    expect(formatElapsed(184)).toBe('3 min 4 s');
  });
});
