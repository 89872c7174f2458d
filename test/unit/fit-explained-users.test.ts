/**
 * Which users a fit explains (main/jobs/explained-users.ts) and what readers say about a user a
 * snapshot lacks (main/jobs/snapshot-users.ts). Built ids, answers by construction: 1,500 users
 * 'u0'..'u1499' over 10 items are 15,000 cells, so a threshold of 15,000 puts them in scale
 * mode and 15,001 does not.
 */
import { describe, expect, it } from 'vitest';
import { KnowrecError } from '../../main/core/errors';
import { chooseExplainedUsers, FIT_SAMPLE_USERS } from '../../main/jobs/explained-users';
import { explainedPhrase, notExplainedError, usersExplainedOf } from '../../main/jobs/snapshot-users';

const ids = Array.from({ length: 1500 }, (_, u) => `u${u}`);
const ITEMS = 10;
const CELLS = ids.length * ITEMS;

function thrown(f: () => unknown): KnowrecError {
  try {
    f();
  } catch (e) {
    if (e instanceof KnowrecError) return e;
    throw e;
  }
  throw new Error('no error');
}

describe('chooseExplainedUsers', () => {
  it('explains every user below scale mode, as before', () => {
    const c = chooseExplainedUsers(ids, ITEMS, 2020, {}, CELLS + 1);
    expect(c.ids).toEqual(ids);
    expect(c.explained).toEqual({ mode: 'all', count: 1500, of: 1500, reason: 'default' });
    // the real threshold (250M cells) is far above these 15,000
    expect(chooseExplainedUsers(ids, ITEMS, 2020).explained.mode).toBe('all');
  });

  it('in scale mode (threshold injected) explains a seeded sample of FIT_SAMPLE_USERS, stable for a seed', () => {
    const a = chooseExplainedUsers(ids, ITEMS, 2020, {}, CELLS);
    expect(a.explained).toEqual({ mode: 'sample', count: FIT_SAMPLE_USERS, of: 1500, seed: 2020, reason: 'scale-mode' });
    expect(a.ids).toHaveLength(FIT_SAMPLE_USERS);
    expect(new Set(a.ids).size).toBe(FIT_SAMPLE_USERS);
    // in dataset order, all of them users of the dataset
    const pos = a.ids.map((id) => ids.indexOf(id));
    expect(pos.every((p, j) => p >= 0 && (j === 0 || p > pos[j - 1]))).toBe(true);
    expect(chooseExplainedUsers(ids, ITEMS, 2020, {}, CELLS).ids).toEqual(a.ids);
    expect(chooseExplainedUsers(ids, ITEMS, 7, {}, CELLS).ids).not.toEqual(a.ids);
  });

  it('--sample N takes a seeded sample of N at any size; N ≥ the users is every user', () => {
    const s = chooseExplainedUsers(ids, ITEMS, 5, { sample: 3 }, CELLS + 1);
    expect(s.ids).toHaveLength(3);
    expect(s.explained).toEqual({ mode: 'sample', count: 3, of: 1500, seed: 5, reason: 'sample' });
    expect(chooseExplainedUsers(ids, ITEMS, 5, { sample: 3 }).ids).toEqual(s.ids);
    // a seeded random draw, not the first ids
    expect(s.ids).not.toEqual(['u0', 'u1', 'u2']);
    expect(chooseExplainedUsers(ids, ITEMS, 5, { sample: 2000 }, CELLS).explained).toEqual({ mode: 'all', count: 1500, of: 1500, reason: 'sample' });
    expect(thrown(() => chooseExplainedUsers(ids, ITEMS, 5, { sample: 0 })).code).toBe('config');
  });

  it('--users explains exactly those (dataset order, once each), also in scale mode', () => {
    const c = chooseExplainedUsers(ids, ITEMS, 2020, { users: ['u9', 'u3', 'u9'] }, CELLS);
    expect(c.ids).toEqual(['u3', 'u9']);
    expect(c.explained).toEqual({ mode: 'list', count: 2, of: 1500, reason: 'users' });
  });

  it('adds included users to a sample (recommend --user fitting a missing model), not to every user', () => {
    const plain = chooseExplainedUsers(ids, ITEMS, 2020, { sample: 3 });
    const extra = ids.find((id) => !plain.ids.includes(id)) ?? '';
    const c = chooseExplainedUsers(ids, ITEMS, 2020, { sample: 3, include: [extra] });
    expect([...c.ids].sort()).toEqual([...plain.ids, extra].sort());
    expect(c.explained).toEqual({ mode: 'sample', count: 4, of: 1500, seed: 2020, reason: 'sample' });
    expect(chooseExplainedUsers(ids, ITEMS, 2020, { include: ['u1'] }, CELLS + 1).explained.mode).toBe('all');
    expect(thrown(() => chooseExplainedUsers(ids, ITEMS, 2020, { include: ['nope'] }, CELLS)).message).toContain("1 of the 1 requested user ids is not a user of the dataset: 'nope'");
  });

  it('names the first unknown --users ids, and refuses --users with --sample', () => {
    const e = thrown(() => chooseExplainedUsers(ids, ITEMS, 2020, { users: ['u1', 'x1', 'x2', 'x3', 'x4', 'x5', 'x6', 'x7'] }));
    expect(e.code).toBe('not-found');
    expect(e.message).toContain("7 of the 8 --users ids are not users of the dataset: 'x1', 'x2', 'x3', 'x4', 'x5' and 2 more");
    expect(thrown(() => chooseExplainedUsers(ids, ITEMS, 2020, { users: ['u1'], sample: 2 })).code).toBe('config');
    expect(thrown(() => chooseExplainedUsers(ids, ITEMS, 2020, { users: [] })).code).toBe('config');
  });
});

describe('a snapshot that lacks a user', () => {
  const sampled = { users: 1500, users_explained: { mode: 'sample' as const, count: 1000, of: 1500, seed: 2020, reason: 'scale-mode' as const } };

  it('says the user is not among the sampled ones and how to get them', () => {
    const e = notExplainedError(sampled, 'u7', 'knowrec fit --workspace w.sqlite', '/m');
    expect(e?.code).toBe('not-found');
    expect(e?.message).toContain('user "u7" is not among the users this model explains: it holds a seeded sample of 1,000 of 1,500 users (seed 2020, the default in scale mode)');
    expect(e?.message).toContain('the fit sampled users at this size');
    expect(e?.hint).toContain('`knowrec fit --workspace w.sqlite --users u7`');
  });

  it('leaves a model of every user (and one written before the field) to the caller', () => {
    expect(notExplainedError({ users: 3 }, 'x', 'knowrec fit')).toBeNull();
    expect(usersExplainedOf({ users: 3 })).toEqual({ mode: 'all', count: 3, of: 3, reason: 'default' });
    expect(explainedPhrase({ mode: 'list', count: 2, of: 10, reason: 'users' })).toBe('the 2 users given with --users (of 10)');
  });
});
