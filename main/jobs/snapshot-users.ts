/**
 * Which users a serving snapshot holds (the manifest's `users_explained`, written by the fit job:
 * jobs/explained-users.ts chooses them) and what its readers say about a user it lacks: the CLI's
 * `recommend --user`, the Api's recommend and the Recommendations view. In scale mode a fit
 * explains a seeded sample of the users, so a user of the dataset without recommendations is
 * expected there: the message says so and how to get them (`knowrec fit --users ID,...`) instead
 * of a bare "not found". No model code here (the Api reads it).
 */
import { KnowrecError } from '../core/errors';

/** Which users a snapshot holds, and why (the manifest's `users_explained`). */
export interface UsersExplained {
  /** 'all': every user of the dataset; 'sample': a seeded sample; 'list': the users given with --users. */
  readonly mode: 'all' | 'sample' | 'list';
  /** Users with recommendations in the snapshot. */
  readonly count: number;
  /** Users of the dataset at fit time, less those forgotten since. */
  readonly of: number;
  /** The sample's seed (the fit's), for 'sample'. */
  readonly seed?: number;
  /** 'default' (below scale mode), 'scale-mode' (the scale-mode default), 'sample' (--sample), 'users' (--users). */
  readonly reason: 'default' | 'scale-mode' | 'sample' | 'users';
}

/** What a manifest needs for these helpers (SnapshotManifest has it; snapshots before issue 11 lack the field: every user). */
interface ManifestUsers {
  readonly users: number;
  readonly users_explained?: UsersExplained;
  /** The fit's list length, language and seed, repeated in the refit command. */
  readonly k?: number;
  readonly lang?: string;
  readonly protocol?: { readonly seed?: number };
}

/** A user id as one shell word (quoted when it holds anything but letters, digits and . _ - @). */
function shellWord(id: string): string {
  return /^[\w.@-]+$/.test(id) ? id : `'${id.replace(/'/g, `'\\''`)}'`;
}

/** The manifest's `users_explained`, or every user for a snapshot written before the field. */
export function usersExplainedOf(m: ManifestUsers): UsersExplained {
  return m.users_explained ?? { mode: 'all', count: m.users, of: m.users, reason: 'default' };
}

const count = (n: number): string => n.toLocaleString('en-US');

/** For people: which users the snapshot holds, e.g. "a seeded sample of 200 of 100,000 users (seed 2020, the default in scale mode)". */
export function explainedPhrase(e: UsersExplained): string {
  if (e.mode === 'all') return `every user (${count(e.of)})`;
  if (e.mode === 'list') return `the ${count(e.count)} ${e.count === 1 ? 'user' : 'users'} given with --users (of ${count(e.of)})`;
  return `a seeded sample of ${count(e.count)} of ${count(e.of)} users (seed ${e.seed ?? '?'}, ${e.reason === 'scale-mode' ? 'the default in scale mode' : '--sample'})`;
}

/** ` -k K --lang L --seed S`: the list length, language and seed of the fit that made the model, for a refit command. */
export function sameFitFlags(m: ManifestUsers): string {
  return `${m.k !== undefined ? ` -k ${m.k}` : ''}${m.lang !== undefined ? ` --lang ${m.lang}` : ''}${m.protocol?.seed !== undefined ? ` --seed ${m.protocol.seed}` : ''}`;
}

/**
 * The error for `user`, who has no recommendations in a snapshot that explains only some users
 * (null when it explains every user: the caller's own not-found applies). `fit` is the command
 * that refits this model, e.g. `knowrec fit --workspace W --out DIR`.
 */
export function notExplainedError(m: ManifestUsers, user: string, fit: string, file?: string): KnowrecError | null {
  const e = usersExplainedOf(m);
  if (e.mode === 'all') return null;
  const why = e.mode === 'sample' ? 'the fit sampled users at this size' : 'the fit explained only the users it was given';
  const same = sameFitFlags(m);
  return new KnowrecError(
    'not-found',
    `user "${user}" is not among the users this model explains: it holds ${explainedPhrase(e)}; ${why}`,
    file !== undefined ? { file } : {},
    `if "${user}" is a user of the dataset, refit with \`${fit}${same} --users ${shellWord(user)}\`: --users explains exactly the ids listed (comma-separated), not the sample as well, so list every user you need; --sample N takes a larger seeded sample. Otherwise check the id`,
  );
}
