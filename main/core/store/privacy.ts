/**
 * Privacy basics: pseudonymous user ids and forgetting a user.
 *
 * Pseudonyms: `u` + the first 16 hex digits of HMAC-SHA256(salt, original id). The salt is 32
 * random bytes kept only in the workspace's meta table (key `pseudonym_salt`); nothing here
 * prints or returns it. Whoever knows an original id can find its pseudonym with the open
 * workspace (`UserStore.pseudonymOf`); the pseudonym alone does not give the original id back.
 *
 * Forgetting a user removes, in one transaction: the user's interactions, labels, the user row
 * (later users are renumbered so the idx stays dense), and the cached vectors recorded as the
 * user's in `embedding_owners` (user sentences). A serving snapshot on disk written before is
 * not in the workspace: the next fit replaces it.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { KnowrecError } from '../errors';
import type { Dataset, UserRecord } from '../types';
import type { Db } from './database';
import type { MetaStore } from './meta';

/** Meta key of the salt. */
export const SALT_META_KEY = 'pseudonym_salt';
/** Meta key set to 'true' while the stored user ids are pseudonyms. */
export const PSEUDONYMIZED_META_KEY = 'pseudonymized';

/** A new random salt (hex). */
export function newSalt(): string {
  return randomBytes(32).toString('hex');
}

/** The pseudonym of `id` under `salt`. Deterministic; 64 bits of the HMAC. */
export function pseudonym(salt: string, id: string): string {
  return `u${createHmac('sha256', salt).update(id, 'utf8').digest('hex').slice(0, 16)}`;
}

/** A copy of `ds` whose user ids are pseudonyms (records keep their attributes). Pure. */
export function pseudonymizeDataset(ds: Dataset, salt: string): Dataset {
  const seen = new Set<string>();
  const userIds = ds.userIds.map((id) => {
    const p = pseudonym(salt, id);
    if (seen.has(p)) {
      throw new KnowrecError('internal', `two user ids map to the same pseudonym in dataset "${ds.name}"`, {}, 'import again (a new workspace gets a new salt)');
    }
    seen.add(p);
    return p;
  });
  const users: UserRecord[] = ds.users.map((u, i) => ({ id: userIds[i], attributes: u.attributes }));
  return { ...ds, userIds, users };
}

export interface StoredUser {
  /** The id as stored (the pseudonym in a pseudonymized workspace). */
  readonly id: string;
  readonly idx: number;
}

export interface ForgetReport {
  /** The stored id that was removed. */
  readonly user: string;
  /** Rows removed per table. */
  readonly removed: Readonly<Record<string, number>>;
}

/** The workspace's users as privacy sees them: stored ids, pseudonyms, forgetting. */
export class UserStore {
  constructor(
    private readonly db: Db,
    private readonly file: string,
    private readonly meta: MetaStore,
  ) {}

  /** True when the workspace stores pseudonyms instead of the imported user ids. */
  isPseudonymized(): boolean {
    return this.meta.get(PSEUDONYMIZED_META_KEY) === 'true';
  }

  /**
   * The pseudonym that `originalId` has in this workspace, or null when the workspace is not
   * pseudonymized (then the stored id is the original one).
   */
  pseudonymOf(originalId: string): string | null {
    if (!this.isPseudonymized()) return null;
    const salt = this.meta.get(SALT_META_KEY);
    return salt === null ? null : pseudonym(salt, originalId);
  }

  /**
   * The stored user for `id`, given as stored or, in a pseudonymized workspace, as the original
   * id. Null when there is no such user.
   */
  find(id: string): StoredUser | null {
    const byId = this.db.prepare('SELECT idx FROM users WHERE id = ?').pluck();
    const direct = byId.get(id) as number | undefined;
    if (direct !== undefined) return { id, idx: direct };
    const p = this.pseudonymOf(id);
    if (p === null) return null;
    const idx = byId.get(p) as number | undefined;
    return idx === undefined ? null : { id: p, idx };
  }

  /** The stored form of a user id: the pseudonym when `id` is an original id of a pseudonymized workspace. */
  storedId(id: string): string {
    return this.find(id)?.id ?? id;
  }

  /**
   * Removes everything the workspace holds about one user (see the module comment), in one
   * transaction. `userId` may be the stored id or, in a pseudonymized workspace, the original.
   */
  forget(userId: string): ForgetReport {
    const found = this.find(userId);
    if (found === null) {
      throw new KnowrecError('not-found', `no user "${userId}" in the workspace`, { file: this.file }, 'give a user id as listed by the workspace (or the original id of a pseudonymized one)');
    }
    const db = this.db;
    const ids = [...new Set([found.id, userId])];
    const marks = ids.map(() => '?').join(',');
    const removed: Record<string, number> = {};
    db.transaction(() => {
      // idx of later users shift down by one; interactions follow in the same transaction
      db.pragma('defer_foreign_keys = ON');
      removed.interactions = db.prepare('DELETE FROM interactions WHERE user_idx = ?').run(found.idx).changes;
      removed.labels = db.prepare(`DELETE FROM labels WHERE user_id IN (${marks})`).run(...ids).changes;
      removed.embeddings = db
        .prepare(
          `DELETE FROM embeddings WHERE EXISTS (SELECT 1 FROM embedding_owners o
             WHERE o.model_id = embeddings.model_id AND o.text_hash = embeddings.text_hash AND o.user_id IN (${marks}))`,
        )
        .run(...ids).changes;
      // the owner rows of those vectors (other owners of the same text included: the vector is gone)
      removed.embedding_owners = db
        .prepare(
          `DELETE FROM embedding_owners WHERE (model_id, text_hash) IN
             (SELECT model_id, text_hash FROM embedding_owners WHERE user_id IN (${marks}))`,
        )
        .run(...ids).changes;
      removed.users = db.prepare('DELETE FROM users WHERE idx = ?').run(found.idx).changes;
      // renumber through negative values so that the primary key never collides midway
      db.prepare('UPDATE users SET idx = -idx WHERE idx > ?').run(found.idx);
      db.prepare('UPDATE users SET idx = -idx - 1 WHERE idx < 0').run();
      db.prepare('UPDATE interactions SET user_idx = user_idx - 1 WHERE user_idx > ?').run(found.idx);
    })();
    return { user: found.id, removed };
  }
}
