/**
 * Which users a fit explains into its serving snapshot (issue 11). Below scale mode
 * (core/models/scale.ts: users × items < SCALE_MODE_MIN_CELLS) every user, as always. In scale
 * mode a seeded sample of FIT_SAMPLE_USERS users: at the L size (100k users, 300k items) one
 * user's explained top-10 costs 11–12 s, so every user would take 12–14 days and fill an
 * enormous snapshot. `--users ID,...` (exactly these) and `--sample N` (a seeded sample of N) choose
 * otherwise at any size. The manifest records the choice (`users_explained`), so that readers can
 * tell an unexplained user from an unknown one and say how to get them (snapshot-users.ts).
 */
import { KnowrecError } from '../core/errors';
import { isScaleMode, sampleUsers, SCALE_MODE_MIN_CELLS } from '../core/models/scale';
import type { UsersExplained } from './snapshot-users';

export type { UsersExplained } from './snapshot-users';

/**
 * Users a scale-mode fit explains by default: 200, as `evaluate --explain-fidelity` judges
 * explanations on 200 users. Measured (docs/scale-out.md §4, "Serving snapshot at scale"): one
 * user's explained top-10 costs 11–12 s at the L size (recommend 0.4 s + ten explanations), so
 * 200 users take 37–40 min after the ~12 min fit, 1,000 about 3 h, and all 100,000 12–14 days.
 * --sample N takes more.
 */
export const FIT_SAMPLE_USERS = 200;

/** What the caller asked for: at most one of the two. */
export interface ExplainChoice {
  /** Exactly these user ids. */
  readonly users?: readonly string[];
  /** A seeded sample of this many users. */
  readonly sample?: number;
  /** Users explained besides the sample, counted in it (`recommend --user X` fitting a missing model includes X). */
  readonly include?: readonly string[];
}

export interface ChosenUsers {
  /** The users' ids in dataset order. */
  readonly ids: readonly string[];
  readonly explained: UsersExplained;
}

/** How many unknown ids an error names. */
const UNKNOWN_SHOWN = 5;

/**
 * The users to explain among `userIds` (dataset order), for a fit over `nItems` items with `seed`.
 * `minCells` is scale mode's threshold (injectable for tests). Unknown --users ids throw a
 * 'not-found' error naming the first few.
 */
export function chooseExplainedUsers(userIds: readonly string[], nItems: number, seed: number, choice: ExplainChoice = {}, minCells: number = SCALE_MODE_MIN_CELLS): ChosenUsers {
  const of = userIds.length;
  checkExplainChoice(choice);
  if (choice.users !== undefined) {
    const ids = listed(userIds, choice.users);
    return { ids, explained: { mode: 'list', count: ids.length, of, reason: 'users' } };
  }
  const size = choice.sample ?? (isScaleMode(of, nItems, minCells) ? FIT_SAMPLE_USERS : null);
  const reason = choice.sample !== undefined ? 'sample' : 'scale-mode';
  if (size === null || size >= of) return { ids: userIds, explained: { mode: 'all', count: of, of, reason: size === null ? 'default' : reason } };
  const picked = new Set(Array.from(sampleUsers(Int32Array.from(userIds.keys()), size, seed), (u) => userIds[u]));
  for (const id of choice.include !== undefined && choice.include.length > 0 ? listed(userIds, choice.include, 'requested user ids') : []) picked.add(id);
  const ids = userIds.filter((id) => picked.has(id));
  return { ids, explained: { mode: 'sample', count: ids.length, of, seed, reason } };
}

/** Throws for a choice that no dataset can satisfy (both --users and --sample, or a sample below 1): the CLI checks it before the dataset is opened. */
export function checkExplainChoice(choice: ExplainChoice): void {
  if (choice.users !== undefined && choice.sample !== undefined) {
    throw new KnowrecError('config', 'give --users or --sample, not both', {}, '--users ID,ID explains exactly these users; --sample N a seeded sample of N');
  }
  if (choice.sample !== undefined && (!Number.isInteger(choice.sample) || choice.sample < 1)) {
    throw new KnowrecError('config', `--sample must be a whole number of at least 1, got ${choice.sample}`);
  }
}

/** The given ids in dataset order (duplicates once); unknown ones throw, naming the first few. */
function listed(userIds: readonly string[], wanted: readonly string[], what = '--users ids'): string[] {
  if (wanted.length === 0) throw new KnowrecError('config', '--users names no user', {}, 'e.g. --users 1,2,3');
  const want = new Set(wanted);
  const known = userIds.filter((id) => want.has(id));
  if (known.length < want.size) {
    const have = new Set(known);
    const unknown = [...want].filter((id) => !have.has(id));
    const shown = unknown.slice(0, UNKNOWN_SHOWN).map((id) => `'${id}'`).join(', ');
    const more = unknown.length > UNKNOWN_SHOWN ? ` and ${unknown.length - UNKNOWN_SHOWN} more` : '';
    throw new KnowrecError('not-found', `${unknown.length} of the ${want.size} ${what} ${unknown.length === 1 ? 'is not a user' : 'are not users'} of the dataset: ${shown}${more}`, {}, 'check the ids (the workbench lists the users)');
  }
  return known;
}
