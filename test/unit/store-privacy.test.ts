import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { CachedEncoder, textHash } from '../../main/core/encode/cache';
import type { Encoder } from '../../main/core/encode/types';
import { ATTRIBUTE_POLICY_META_KEY, KEY_ID_META_KEY, newPseudonymKey, Workspace, pseudonym, SALT_META_KEY, attributePolicy } from '../../main/core/store';
import type { Dataset } from '../../main/core/types';
import { failure } from '../helpers/failure';
import { readTables } from '../helpers/read-tables';
import { tempFiles, tinyDataset } from '../helpers/tiny-workspace';

const tmp = tempFiles('knowrec-privacy-');
afterAll(tmp.cleanup);

/** A 2-d "encoder": (length, number of vowels), normalized. Counts its calls. */
function fakeEncoder(): Encoder & { calls: number } {
  const enc = {
    modelId: 'fake@1',
    dim: 2,
    calls: 0,
    encode: (texts: readonly string[]): Promise<Float32Array[]> => {
      enc.calls += texts.length;
      return Promise.resolve(
        texts.map((t) => {
          const a = t.length;
          const b = (t.match(/[aeiou]/g) ?? []).length + 1;
          const n = Math.hypot(a, b);
          return Float32Array.of(a / n, b / n);
        }),
      );
    },
  };
  return enc;
}

/** Every text cell of every table, as [table, column, value]. */
function allText(ws: Workspace): [string, string, string][] {
  return readTables(ws.path, (db) => {
    const out: [string, string, string][] = [];
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[];
    expect(tables).toEqual(expect.arrayContaining(['users', 'interactions', 'labels', 'embeddings', 'embedding_owners', 'kg_edits', 'meta', 'runs', 'jobs']));
    for (const t of tables) {
      for (const row of db.prepare(`SELECT * FROM "${t}"`).all() as Record<string, unknown>[]) {
        for (const [c, v] of Object.entries(row)) {
          if (typeof v === 'string') out.push([t, c, v]);
          else if (Buffer.isBuffer(v)) out.push([t, c, v.toString('latin1')]);
        }
      }
    }
    return out;
  });
}

function interactionsByUser(ds: Dataset): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const x = ds.interactions;
  for (let k = 0; k < x.user.length; k++) (out[ds.userIds[x.user[k]]] ??= []).push(ds.itemIds[x.item[k]]);
  return out;
}

/** A workspace with labels, a KG edit, runs, jobs and cached user sentences for every user. */
async function populated(pseudonymize: boolean): Promise<{ ws: Workspace; enc: ReturnType<typeof fakeEncoder> }> {
  const ws = Workspace.create(tmp.fresh(), { pseudonymKey: newPseudonymKey() });
  ws.importDataset(tinyDataset(), { pseudonymize });
  const ds = ws.loadDataset();
  const labels = ws.labels;
  labels.add({ kind: 'relevance', user: 'bob', item: 'i3', value: 1, author: 'ann' });
  labels.add({ kind: 'relevance', user: 'alice', item: 'i2', value: 0, author: 'ann' });
  labels.add({ kind: 'fact', item: 'i1', relation: 'genre', tail: 'm.anim', value: 1, author: 'ann' });
  ws.edits.add({ head: { item: 'i2' }, relation: 'genre', tail: { name: 'Thriller' }, author: 'ann' });
  ws.runs.save({ id: 'r1', created: '2026-01-01', kind: 'evaluate', json: '{"ndcg":0.3}' });
  const jobs = ws.openJobs();
  jobs.save({ id: 'j1', kind: 'fit', state: 'done', created: '2026-01-01', updated: '2026-01-01', progress: null, json: '{}' });
  jobs.close();
  const enc = fakeEncoder();
  const cached = new CachedEncoder(enc, ws.embeddings);
  // user sentences (owned) and item sentences (not owned)
  await cached.encode(['alice likes toys', 'bob likes heat and crime', 'carol likes bugs'], { owners: ds.userIds });
  await cached.encode(['Toy Story (1995)', 'Heat (1995)']);
  return { ws, enc };
}

describe('pseudonymized import', () => {
  it('stores keyed-hash pseudonyms; only the key id is in the workspace; an original id maps to its pseudonym', () => {
    const key = newPseudonymKey();
    const ws = Workspace.create(tmp.fresh(), { pseudonymKey: key });
    ws.importDataset(tinyDataset(), { pseudonymize: true });
    const ds = ws.loadDataset();
    expect(ws.getMeta(KEY_ID_META_KEY)).toBe(key.id);
    expect(key.id).toMatch(/^[0-9a-f]{16}$/);
    expect(ws.getMeta(SALT_META_KEY)).toBeNull();
    expect(ws.users.isPseudonymized()).toBe(true);
    expect(ds.userIds).toEqual(['alice', 'bob', 'carol'].map((id) => pseudonym(key.bytes, id)));
    for (const id of ds.userIds) expect(id).toMatch(/^u[0-9a-f]{16}$/);
    expect(new Set(ds.userIds).size).toBe(3);
    expect(ws.users.pseudonymOf('bob')).toBe(ds.userIds[1]);
    expect(ws.users.find('bob')).toEqual({ id: ds.userIds[1], idx: 1 });
    expect(ws.users.find(ds.userIds[1])).toEqual({ id: ds.userIds[1], idx: 1 });
    // no original id and no key is stored anywhere
    const hex = key.bytes.toString('hex');
    for (const [, , v] of allText(ws)) {
      expect(['alice', 'bob', 'carol']).not.toContain(v);
      expect(v).not.toContain(hex);
      expect(v).not.toContain(key.bytes.toString('latin1'));
    }
    // interactions are the same pairs under the new ids
    expect(interactionsByUser(ds)).toEqual({ [ds.userIds[0]]: ['i1', 'i3'], [ds.userIds[1]]: ['i2', 'i1'], [ds.userIds[2]]: ['i3', 'i2'] });
    ws.close();
  });

  it('another key gives other pseudonyms; re-importing keeps them and rewrites labels given by original id', () => {
    const a = Workspace.create(tmp.fresh(), { pseudonymKey: newPseudonymKey() });
    const b = Workspace.create(tmp.fresh(), { pseudonymKey: newPseudonymKey() });
    a.importDataset(tinyDataset());
    b.importDataset(tinyDataset(), { pseudonymize: true });
    expect(a.users.isPseudonymized()).toBe(false);
    expect(a.users.pseudonymOf('bob')).toBeNull();
    // label in the plain workspace, then re-import pseudonymized: the label follows the user
    a.labels.add({ kind: 'relevance', user: 'bob', item: 'i3', value: 1 });
    a.importDataset(tinyDataset(), { pseudonymize: true });
    const pa = a.users.pseudonymOf('bob');
    expect(pa).not.toBeNull();
    expect(pa).not.toBe(b.users.pseudonymOf('bob'));
    expect(a.labels.list().rows.map((l) => l.user)).toEqual([pa]);
    expect(a.labels.relevanceLabels(a.loadDataset()).labels).toEqual([{ user: 1, item: 2, value: 1 }]);
    a.importDataset(tinyDataset(), { pseudonymize: true });
    expect(a.users.pseudonymOf('bob')).toBe(pa);
    // a label given by the original id lands on the pseudonym
    expect(a.labels.add({ kind: 'relevance', user: 'carol', item: 'i1', value: 0 }).user).toBe(a.users.pseudonymOf('carol'));
    a.close();
    b.close();
  });

  it('without the key: no pseudonymized import, no look-up by original id; with another key the workspace does not open', () => {
    const key = newPseudonymKey();
    const path = tmp.fresh();
    const noKey = Workspace.create(tmp.fresh());
    const e = failure(() => noKey.importDataset(tinyDataset(), { pseudonymize: true }));
    expect([e.code, e.message]).toEqual(['config', expect.stringMatching(/needs a pseudonym key/)]);
    expect(noKey.summary().users).toBe(0);
    noKey.close();
    const ws = Workspace.create(path, { pseudonymKey: key });
    ws.importDataset(tinyDataset(), { pseudonymize: true });
    const stored = ws.loadDataset().userIds;
    ws.close();
    const wrong = failure(() => Workspace.open(path, { pseudonymKey: newPseudonymKey() }));
    expect([wrong.code, wrong.message]).toEqual(['config', expect.stringContaining(`this workspace was pseudonymized with (id ${key.id})`)]);
    const bare = Workspace.open(path);
    expect(bare.users.find(stored[1])).toEqual({ id: stored[1], idx: 1 });
    const missing = failure(() => bare.users.find('bob'));
    expect([missing.code, missing.message]).toEqual(['config', expect.stringContaining(`need its key (id ${key.id})`)]);
    expect(failure(() => bare.importDataset(tinyDataset(), { pseudonymize: true })).code).toBe('config');
    bare.close();
  });

  it('a workspace pseudonymized with a salt in meta moves to the key at the next pseudonymized import, labels included', () => {
    const salt = 'a'.repeat(64);
    const key = newPseudonymKey();
    const ws = Workspace.create(tmp.fresh(), { pseudonymKey: key });
    ws.importDataset(tinyDataset());
    // what an older KnowRec stored: salted pseudonyms, the salt in meta, a label on a pseudonym
    ws.setMeta(SALT_META_KEY, salt);
    ws.setMeta('pseudonymized', 'true');
    ws.labels.add({ kind: 'relevance', user: 'bob', item: 'i3', value: 1 });
    const db = new Database(ws.path);
    db.prepare('UPDATE labels SET user_id = ?').run(pseudonym(salt, 'bob'));
    db.close();
    ws.importDataset(tinyDataset(), { pseudonymize: true });
    expect(ws.getMeta(SALT_META_KEY)).toBeNull();
    expect(ws.getMeta(KEY_ID_META_KEY)).toBe(key.id);
    expect(ws.labels.list().rows.map((l) => l.user)).toEqual([pseudonym(key.bytes, 'bob')]);
    ws.close();
  });
});

describe('quasi-identifiers', () => {
  const withAttributes = (): ReturnType<typeof tinyDataset> => {
    const ds = tinyDataset();
    const attrs = [
      { age: '24', gender: 'M', occupation: 'technician', zip_code: '85711' },
      { age: 53, gender: 'F', occupation: 'other', zip_code: 'T8H1N' },
      { age: 'unknown', gender: 'M', occupation: 'writer', zip_code: '32067' },
    ];
    return { ...ds, users: ds.users.map((u, i) => ({ id: u.id, attributes: attrs[i] })) };
  };
  const stored = (ws: Workspace): unknown[] => ws.loadDataset().users.map((u) => u.attributes);

  it('drops the named attributes (zip matches zip_code) and generalizes age and zip; re-imports keep the policy', () => {
    const ws = Workspace.create(tmp.fresh());
    ws.importDataset(withAttributes(), { attributes: attributePolicy(['Gender', 'occupation'], true) });
    expect(stored(ws)).toEqual([
      { age: '20-29', zip_code: '857' },
      { age: '50-59', zip_code: 'T8H' },
      { age: 'unknown', zip_code: '320' },
    ]);
    expect(JSON.parse(ws.getMeta(ATTRIBUTE_POLICY_META_KEY) ?? 'null')).toEqual({ drop: ['gender', 'occupation'], generalize: true });
    ws.importDataset(withAttributes());
    expect(stored(ws)[0]).toEqual({ age: '20-29', zip_code: '857' });
    ws.importDataset(withAttributes(), { attributes: attributePolicy(['age', 'zip'], false) });
    expect(stored(ws)[1]).toEqual({ gender: 'F', occupation: 'other' });
    expect(allText(ws).some(([t, , v]) => t === 'users' && (v.includes('85711') || v.includes('T8H1N')))).toBe(false);
    ws.close();
  });

  it('a name that matches no attribute is an error, and nothing is stored', () => {
    const ws = Workspace.create(tmp.fresh());
    const e = failure(() => ws.importDataset(withAttributes(), { attributes: attributePolicy(['agee'], false) }));
    expect([e.code, e.message, e.hint]).toEqual(['config', expect.stringMatching(/^no user attribute matches "agee"/), expect.stringContaining('age, gender, occupation, zip_code')]);
    expect(ws.summary().users).toBe(0);
    ws.close();
  });
});

describe('CachedEncoder owners', () => {
  it('records the owner of each owned text, cache hits included', async () => {
    const ws = Workspace.create(tmp.fresh());
    const enc = fakeEncoder();
    const cached = new CachedEncoder(enc, ws.embeddings);
    await cached.encode(['same sentence', 'other sentence'], { owners: ['u1', null] });
    await cached.encode(['same sentence'], { owners: ['u2'] });
    expect(enc.calls).toBe(2);
    const rows = readTables(ws.path, (db) => db.prepare('SELECT model_id, text_hash, user_id FROM embedding_owners ORDER BY user_id').raw().all());
    expect(rows).toEqual([
      ['fake@1', textHash('same sentence'), 'u1'],
      ['fake@1', textHash('same sentence'), 'u2'],
    ]);
    ws.close();
  });
});

describe('forgetUser', () => {
  for (const pseudonymize of [false, true]) {
    it(`removes every trace of the user from every table (${pseudonymize ? 'pseudonymized' : 'plain'} ids)`, async () => {
      const { ws } = await populated(pseudonymize);
      const before = ws.loadDataset();
      const bobId = before.userIds[1];
      const traces = (): string[] =>
        allText(ws)
          .filter(([, , v]) => v.includes(bobId) || v.includes('bob'))
          .map(([t, c]) => `${t}.${c}`);
      expect(traces().sort()).toEqual(['embedding_owners.user_id', 'labels.user_id', 'users.id']);
      const count = (sql: string, ...args: string[]): unknown => readTables(ws.path, (db) => db.prepare(sql).pluck().get(...args));
      const bobVector = count('SELECT COUNT(*) FROM embeddings WHERE text_hash = ?', textHash('bob likes heat and crime'));
      expect(bobVector).toBe(1);

      const report = ws.users.forget('bob'); // the original id works in both cases
      expect(report).toEqual({ user: bobId, removed: { interactions: 2, labels: 1, embeddings: 1, embedding_owners: 1, users: 1 }, compacted: true });
      expect(traces()).toEqual([]);
      expect(count('SELECT COUNT(*) FROM embeddings WHERE text_hash = ?', textHash('bob likes heat and crime'))).toBe(0);
      // other users' cached vectors, item vectors, labels, edits, runs and jobs stay
      expect(count('SELECT COUNT(*) FROM embeddings')).toBe(4);
      expect(count('SELECT COUNT(*) FROM embedding_owners')).toBe(2);
      expect(ws.labels.stats()).toMatchObject({ notRelevant: 1, factCorrect: 1, total: 2 });
      expect(ws.edits.active()).toHaveLength(1);

      // the next load: dense users, the others' interactions intact, bob gone
      const after = ws.loadDataset();
      expect(after.userIds).toEqual([before.userIds[0], before.userIds[2]]);
      expect(readTables(ws.path, (db) => db.prepare('SELECT idx FROM users ORDER BY idx').pluck().all())).toEqual([0, 1]);
      expect(interactionsByUser(after)).toEqual({ [before.userIds[0]]: ['i1', 'i3'], [before.userIds[2]]: ['i3', 'i2'] });
      expect(Array.from(after.interactions.user).every((u) => u === 0 || u === 1)).toBe(true);
      expect(readTables(ws.path, (db) => db.pragma('foreign_key_check'))).toEqual([]);
      expect(ws.users.find('bob')).toBeNull();
      expect(failure(() => ws.users.forget('bob')).code).toBe('not-found');
      ws.close();
    });
  }

  it('forgetting the last and the first user keeps the user index dense', async () => {
    const { ws } = await populated(false);
    ws.users.forget('carol');
    ws.users.forget('alice');
    const ds = ws.loadDataset();
    expect(ds.userIds).toEqual(['bob']);
    expect(interactionsByUser(ds)).toEqual({ bob: ['i2', 'i1'] });
    expect(ws.labels.list({ kind: 'relevance' }).rows.map((l) => l.user)).toEqual(['bob']);
    ws.close();
  });
});
