/**
 * Privacy: pseudonymous user ids, quasi-identifiers (quasi-identifiers.ts) and forgetting a user.
 *
 * Pseudonyms: `u` + the first 16 hex digits of HMAC-SHA256(key, original id). The key is kept
 * OUTSIDE the workspace (pseudonym-key.ts: a 0600 key file for the CLI, the OS keychain in
 * Electron); the workspace stores only its id (meta `pseudonym_key_id`), so enumerating ids
 * against the stored pseudonyms finds nothing without the key. Opening with another key is an
 * error; without the key the workspace opens, and what needs the key (a pseudonymized import,
 * an original id given to look a user up) fails saying so. Workspaces pseudonymized before
 * kept a salt in meta (`pseudonym_salt`): it is still read for look-ups, and the next
 * pseudonymized import moves them to the key (labels and vector owners follow) and deletes it.
 *
 * Forgetting a user removes, in one transaction: the user's interactions, labels, the user row
 * (later users are renumbered so the idx stays dense), the cached vectors recorded as the
 * user's in `embedding_owners` (user sentences), and jobs or runs whose JSON names the user
 * (`"user":"<id>"`). Then the freed space is overwritten (secure_delete is on; VACUUM and a
 * TRUNCATE checkpoint of the WAL, database.ts), so the bytes are gone from the file and its WAL.
 * Serving snapshots and adapter versions outside the file: main/jobs/forget.ts.
 */
import { createHmac } from 'node:crypto';
import { KnowrecError } from '../errors';
import type { Dataset, UserRecord } from '../types';
import { eraseFreedSpace, type Db } from './database';
import type { DataStamps } from './data-stamp';
import type { MetaStore } from './meta';
import type { PseudonymKey } from './pseudonym-key';
import { applyAttributePolicy, isEmptyPolicy, NO_ATTRIBUTE_POLICY, type AttributePolicy } from './quasi-identifiers';

/** Meta key of the salt of workspaces pseudonymized before keys (read, never written). */
export const SALT_META_KEY = 'pseudonym_salt';
/** Meta key of the pseudonym key's id (a fingerprint; never the key). */
export const KEY_ID_META_KEY = 'pseudonym_key_id';
/** Meta key set to 'true' while the stored user ids are pseudonyms. */
export const PSEUDONYMIZED_META_KEY = 'pseudonymized';
/** Meta key of the quasi-identifier policy (JSON AttributePolicy). */
export const ATTRIBUTE_POLICY_META_KEY = 'user_attribute_policy';

/** The pseudonym of `id` under `key` (a legacy salt: its hex string). Deterministic; 64 bits of the HMAC. */
export function pseudonym(key: Buffer | string, id: string): string {
  return `u${createHmac('sha256', key).update(id, 'utf8').digest('hex').slice(0, 16)}`;
}

/** A copy of `ds` whose user ids are pseudonyms (records keep their attributes). Pure. */
export function pseudonymizeDataset(ds: Dataset, key: Buffer | string): Dataset {
  const seen = new Set<string>();
  const userIds = ds.userIds.map((id) => {
    const p = pseudonym(key, id);
    if (seen.has(p)) {
      throw new KnowrecError('internal', `two user ids map to the same pseudonym in dataset "${ds.name}"`, {}, 'import again with another pseudonym key');
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
  /** True when the freed space was overwritten and the WAL emptied (false: another connection was busy). */
  readonly compacted: boolean;
}

/** What an import stores about users, prepared before its transaction. */
export interface PreparedUsers {
  readonly dataset: Dataset;
  /** The key the ids were pseudonymized with, or null (ids kept). */
  readonly key: PseudonymKey | null;
  /** (old id, pseudonym) pairs for labels and vector owners. */
  readonly renamed: readonly (readonly [string, string])[];
  readonly policy: AttributePolicy;
}

export interface PrepareOptions {
  /** Default: as the workspace already does (a pseudonymized workspace stays so). */
  readonly pseudonymize?: boolean;
  /** Quasi-identifier policy; default the workspace's own. */
  readonly attributes?: AttributePolicy;
}

/** The workspace's users as privacy sees them: stored ids, pseudonyms, forgetting. */
export class UserStore {
  private key: PseudonymKey | null = null;

  constructor(
    private readonly db: Db,
    private readonly file: string,
    private readonly meta: MetaStore,
    /** Told of a forget, so that the recorded data hash stays true (data-stamp.ts). */
    private readonly stamps?: DataStamps,
  ) {}

  /** True when the workspace stores pseudonyms instead of the imported user ids. */
  isPseudonymized(): boolean {
    return this.meta.get(PSEUDONYMIZED_META_KEY) === 'true';
  }

  /** Uses `key` for pseudonyms; an error when the workspace was pseudonymized with another key. */
  useKey(key: PseudonymKey): void {
    const stored = this.meta.get(KEY_ID_META_KEY);
    if (stored !== null && stored !== key.id) {
      throw new KnowrecError(
        'config',
        `the pseudonym key (id ${key.id}) is not the one this workspace was pseudonymized with (id ${stored})`,
        { file: this.file },
        'give the key file used at import (--key-file FILE); without it original ids cannot be looked up',
      );
    }
    this.key = key;
  }

  /** The quasi-identifier policy of the workspace. */
  attributePolicy(): AttributePolicy {
    const v = this.meta.get(ATTRIBUTE_POLICY_META_KEY);
    return v === null ? NO_ATTRIBUTE_POLICY : (JSON.parse(v) as AttributePolicy);
  }

  /**
   * The pseudonym that `originalId` has in this workspace, or null when the workspace is not
   * pseudonymized. Throws when the workspace's key is needed and was not given.
   */
  pseudonymOf(originalId: string): string | null {
    if (!this.isPseudonymized()) return null;
    const kid = this.meta.get(KEY_ID_META_KEY);
    if (kid !== null) return pseudonym(this.requireKey().bytes, originalId);
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

  /** The users of `original` as the import will store them (policy applied, ids pseudonymized when asked). */
  prepareImport(original: Dataset, opts: PrepareOptions): PreparedUsers {
    const policy = opts.attributes ?? this.attributePolicy();
    const reduced = applyAttributePolicy(original, policy, opts.attributes !== undefined);
    if (!(opts.pseudonymize ?? this.isPseudonymized())) return { dataset: reduced, key: null, renamed: [], policy };
    const key = this.requireKey();
    const dataset = pseudonymizeDataset(reduced, key.bytes);
    const salt = this.meta.get(SALT_META_KEY);
    const renamed: (readonly [string, string])[] = [];
    original.userIds.forEach((id, i) => {
      renamed.push([id, dataset.userIds[i]]);
      if (salt !== null) renamed.push([pseudonym(salt, id), dataset.userIds[i]]);
    });
    return { dataset, key, renamed, policy };
  }

  /** Records a prepared import (inside its transaction); `rename` moves labels and vector owners. */
  commitImport(p: PreparedUsers, rename: (pairs: readonly (readonly [string, string])[]) => void): void {
    if (p.key !== null) {
      this.meta.set(KEY_ID_META_KEY, p.key.id);
      this.meta.set(PSEUDONYMIZED_META_KEY, 'true');
      rename(p.renamed);
    } else {
      this.meta.delete(PSEUDONYMIZED_META_KEY);
      this.meta.delete(KEY_ID_META_KEY);
    }
    this.meta.delete(SALT_META_KEY);
    if (isEmptyPolicy(p.policy)) this.meta.delete(ATTRIBUTE_POLICY_META_KEY);
    else this.meta.set(ATTRIBUTE_POLICY_META_KEY, JSON.stringify(p.policy));
  }

  /**
   * Removes everything the workspace holds about one user (see the module comment) and
   * overwrites the freed space. `userId` may be the stored id or, in a pseudonymized workspace,
   * the original.
   */
  forget(userId: string): ForgetReport {
    const found = this.find(userId);
    if (found === null) {
      throw new KnowrecError('not-found', `no user "${userId}" in the workspace`, { file: this.file }, 'give a user id as listed by the workspace (or the original id of a pseudonymized one)');
    }
    const remove = (): Record<string, number> => this.deleteRows(found, [...new Set([found.id, userId])]);
    const removed = this.db.transaction(() => (this.stamps === undefined ? remove() : this.stamps.afterRemoval(remove)))();
    return { user: found.id, removed, compacted: eraseFreedSpace(this.db) };
  }

  private deleteRows(found: StoredUser, ids: readonly string[]): Record<string, number> {
    const db = this.db;
    const marks = ids.map(() => '?').join(',');
    const removed: Record<string, number> = {};
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
    // job and run records that name the user (a request or result with "user": id)
    const named = ids.map((id) => JSON.stringify({ user: id }).slice(1, -1));
    for (const table of ['jobs', 'runs'] as const) {
      const del = db.prepare(`DELETE FROM ${table} WHERE instr(json, ?) > 0`);
      const n = named.reduce((sum, s) => sum + del.run(s).changes, 0);
      if (n > 0) removed[table] = n;
    }
    return removed;
  }

  private requireKey(): PseudonymKey {
    if (this.key !== null) return this.key;
    const kid = this.meta.get(KEY_ID_META_KEY);
    throw new KnowrecError(
      'config',
      kid === null ? 'pseudonymizing needs a pseudonym key, kept outside the workspace' : `this workspace's pseudonyms need its key (id ${kid}), which was not given`,
      { file: this.file },
      'CLI: --key-file FILE (default $XDG_CONFIG_HOME/knowrec/pseudonym.key); or give the stored (pseudonymous) id',
    );
  }
}
