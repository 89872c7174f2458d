/**
 * Erasure you can prove: a user with a distinctive id and 75 distinctive timestamps is imported
 * (with labels, a cached vector of their sentence, a job and a run that name them, serving
 * snapshots and an adapter version), then forgotten through the CLI and through the Api. The RAW
 * BYTES of the workspace file, its -wal and -shm, and of the snapshot folders are searched for
 * the id and every timestamp (as text, and as SQLite and memory would hold the number:
 * big-endian 4/6/8-byte integers, big- and little-endian doubles). Before forgetting the search
 * finds them all; after, nothing. A re-import without the user leaves nothing either.
 * Pseudonymization: with the key in a 0600 file outside the workspace, enumerating ids against
 * the stored pseudonyms with anything the workspace holds re-identifies no one; with the key,
 * everyone (so the enumeration itself works).
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApi } from '../../main/api';
import type { Result } from '../../main/api/contract';
import { main } from '../../main/cli';
import { CachedEncoder } from '../../main/core/encode/cache';
import { defaultKeyFile, pseudonym, readKeyFile, Workspace } from '../../main/core/store';
import { readAdapterMeta } from '../../main/core/train/versions';
import { ADAPTER_ROOTS_META_KEY, recordFolder, SNAPSHOTS_META_KEY } from '../../main/jobs/forget';
import { dataHash, defaultModelPath, loadSnapshot, saveSnapshot, SNAPSHOT_FORMAT, type SnapshotItem } from '../../main/jobs/snapshot';
import { readTables } from '../helpers/read-tables';

const ID = 'zz-forget-me-7319';
const STAMPS = Array.from({ length: 75 }, (_, k) => 1234567891 + 7 * k);
const NAME = 'erasetest';
const OTHERS = Array.from({ length: 30 }, (_, u) => `u${String(u).padStart(3, '0')}`);

let root: string;
const saved: Record<string, string | undefined> = {};

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'knowrec-erase-'));
  for (const k of ['XDG_CACHE_HOME', 'XDG_CONFIG_HOME']) saved[k] = process.env[k];
  process.env.XDG_CACHE_HOME = join(root, 'cache');
  process.env.XDG_CONFIG_HOME = join(root, 'config');
});

afterAll(() => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  rmSync(root, { recursive: true, force: true });
});

/** RecBole atomic files: 30 ordinary users and, unless `without`, the user to forget. */
function writeFolder(dir: string, without = false): string {
  mkdirSync(dir, { recursive: true });
  const inter = ['user_id:token\titem_id:token\trating:float\ttimestamp:float'];
  OTHERS.forEach((u, n) => {
    for (let k = 0; k < 20; k++) inter.push(`${u}\ti${String((n * 3 + k * 7) % 80).padStart(3, '0')}\t${1 + ((n + k) % 5)}\t${1500000000 + n * 1000 + k}`);
  });
  if (!without) STAMPS.forEach((t, k) => inter.push(`${ID}\ti${String((k * 13) % 80).padStart(3, '0')}\t${1 + (k % 5)}\t${t}`));
  writeFileSync(join(dir, `${NAME}.inter`), `${inter.join('\n')}\n`);
  const items = ['item_id:token\tmovie_title:token_seq'];
  for (let i = 0; i < 80; i++) items.push(`i${String(i).padStart(3, '0')}\tFilm number ${i}`);
  writeFileSync(join(dir, `${NAME}.item`), `${items.join('\n')}\n`);
  const users = ['user_id:token\tage:float\tgender:token\tzip_code:token'];
  for (const u of without ? OTHERS : [...OTHERS, ID]) users.push(`${u}\t${u === ID ? 47 : 30}\t${u === ID ? 'F' : 'M'}\t${u === ID ? '55455' : '10001'}`);
  writeFileSync(join(dir, `${NAME}.user`), `${users.join('\n')}\n`);
  return dir;
}

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((err += String(s)), true));
  try {
    return { code: await main(args), out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

// Byte search ----------------------------------------------------------------------------------

function intBE(n: number, bytes: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(BigInt(n));
  return b.subarray(8 - bytes);
}

function doubleOf(n: number, le: boolean): Buffer {
  const b = Buffer.alloc(8);
  if (le) b.writeDoubleLE(n);
  else b.writeDoubleBE(n);
  return b;
}

/** Every byte form a timestamp may take on disk or in memory. */
function forms(t: number): Buffer[] {
  return [Buffer.from(String(t)), intBE(t, 4), intBE(t, 6), intBE(t, 8), doubleOf(t, false), doubleOf(t, true), Buffer.from(intBE(t, 4)).reverse()];
}

/** Files of the workspace (main, -wal, -shm, anything beside it) or under a folder, recursively. */
function filesUnder(path: string): string[] {
  const st = statSync(path, { throwIfNoEntry: false });
  if (st === undefined) return [];
  if (st.isFile()) return [path];
  return readdirSync(path).flatMap((n) => filesUnder(join(path, n)));
}

interface Traces {
  /** Files holding the id. */
  readonly id: string[];
  /** Timestamps found somewhere, in any form. */
  readonly stamps: number[];
}

function traces(paths: readonly string[]): Traces {
  const id = Buffer.from(ID);
  const out: Traces = { id: [], stamps: [] };
  const bufs = paths.flatMap(filesUnder).map((f) => [f, readFileSync(f)] as const);
  for (const [f, b] of bufs) if (b.includes(id)) out.id.push(f);
  for (const t of STAMPS) if (bufs.some(([, b]) => forms(t).some((x) => b.includes(x)))) out.stamps.push(t);
  return out;
}

// Fixture --------------------------------------------------------------------------------------

interface Fixture {
  readonly dir: string;
  readonly ws: string;
  readonly model: string;
  /** A snapshot folder elsewhere, recorded in the workspace (as `knowrec fit --out DIR` does). */
  readonly elsewhere: string;
  readonly adapters: string;
}

function snapshotOf(ws: Workspace, dir: string): void {
  const ds = ws.loadDataset();
  const recs: Record<string, SnapshotItem[]> = {};
  for (const u of ds.userIds) {
    recs[u] = [0, 1].map((j) => ({
      item: ds.itemIds[j],
      title: `Film number ${j}`,
      score: 0.5 - j / 10,
      explanation: { signals: { cf: 1 }, against: {}, history: [{ item: ds.itemIds[2], title: 'Film number 2', relation: 'liked' }], facts: [], reason: `because ${u} liked Film number 2` },
    }));
  }
  saveSnapshot(dir, {
    manifest: {
      format: SNAPSHOT_FORMAT,
      dataset: ds.name,
      data_sha256: dataHash(ds),
      model: 'hybrid',
      protocol: { name: 'recbole', seed: 1, note: 'test' },
      k: 2,
      lang: 'en',
      users: ds.userIds.length,
      items: ds.itemIds.length,
      params: {},
      metrics: { valid: {}, test: {} },
      fit_seconds: 0,
      created: new Date().toISOString(),
    },
    recommendations: recs,
  });
}

/** A workspace holding the user everywhere KnowRec can: rows, labels, a vector, a job, a run, snapshots, an adapter version. */
async function fixture(tag: string, modelDir?: string): Promise<Fixture> {
  const dir = join(root, tag);
  const ws = join(dir, 'ws', 'w.sqlite');
  mkdirSync(join(dir, 'ws'), { recursive: true });
  const imported = await cli(['import', '--data', writeFolder(join(dir, NAME)), '--workspace', ws]);
  expect(imported.code, imported.err).toBe(0);
  const w = Workspace.open(ws);
  try {
    w.labels.add({ kind: 'relevance', user: ID, item: 'i003', value: 1, note: 'liked it' });
    const enc = { modelId: 'fake@1', dim: 4, encode: (t: readonly string[]) => Promise.resolve(t.map((s) => Float32Array.of(s.length, 1, 2, 3))) };
    await new CachedEncoder(enc, w.embeddings).encode([`${ID} is 47 and liked Film number 3`], { owners: [ID] });
    w.runs.save({ id: 'r1', created: '2026-01-01', kind: 'explanations', json: JSON.stringify({ explanations: [{ user: ID, item: 'i003' }] }) });
    const jobs = w.openJobs();
    jobs.save({ id: 'j1', kind: 'fit', state: 'done', created: '2026-01-01', updated: '2026-01-01', progress: null, json: JSON.stringify({ request: { user: ID } }) });
    jobs.close();
    const model = modelDir ?? defaultModelPath(NAME);
    const elsewhere = join(dir, 'fitted-elsewhere');
    snapshotOf(w, model);
    snapshotOf(w, elsewhere);
    const adapters = join(dir, 'adapters');
    mkdirSync(join(adapters, 'v1'), { recursive: true });
    writeFileSync(join(adapters, 'v1', 'adapter.json'), JSON.stringify({ format: 'knowrec-adapter/1', dataset: NAME, created: '2026-01-01' }));
    w.close();
    recordFolder(ws, SNAPSHOTS_META_KEY, elsewhere);
    recordFolder(ws, ADAPTER_ROOTS_META_KEY, adapters);
    return { dir, ws, model, elsewhere, adapters };
  } finally {
    if (w.isOpen) w.close();
  }
}

function expectEverywhere(paths: readonly string[]): void {
  const t = traces(paths);
  expect(t.id.length).toBeGreaterThan(0);
  expect(t.stamps).toEqual(STAMPS);
}

function expectNowhere(paths: readonly string[]): void {
  const t = traces(paths);
  expect(t.id).toEqual([]);
  expect(t.stamps).toEqual([]);
}

function value<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}

// Tests ----------------------------------------------------------------------------------------

describe('forget-user erases the bytes', () => {
  it('CLI: nothing of the user is left in the workspace file, its WAL, or any snapshot; the snapshots say they are stale', async () => {
    const f = await fixture('cli');
    const wsFiles = [join(f.dir, 'ws')];
    expectEverywhere(wsFiles);
    expect(traces([f.model]).id.length).toBeGreaterThan(0);
    expect(traces([f.elsewhere]).id.length).toBeGreaterThan(0);
    const before = await cli(['recommend', '--model', f.model, '--user', ID, '-k', '2', '--json']);
    expect(before.code, before.err).toBe(0);
    expect(before.out).toContain(ID);

    const r = await cli(['forget-user', '--workspace', f.ws, '--user', ID, '--adapters', f.adapters]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/removed 75 interactions, 1 labels, 1 embeddings, 1 embedding_owners, 1 users, 1 jobs, 1 runs, 2 snapshot_entries/);
    expectNowhere([...wsFiles, f.model, f.elsewhere]);
    expect(readTables(f.ws, (db) => db.prepare('SELECT COUNT(*) FROM users').pluck().get())).toBe(30);

    // the serving snapshots: no list for the user, stale for the others; the adapter version is stale
    for (const dir of [f.model, f.elsewhere]) expect(loadSnapshot(dir).manifest.stale?.reason).toMatch(/forgotten/);
    expect(readAdapterMeta(join(f.adapters, 'v1')).stale?.reason).toMatch(/forgotten/);
    const gone = await cli(['recommend', '--model', f.model, '--user', ID, '-k', '2']);
    expect([gone.code, gone.out]).toEqual([1, '']);
    expect(gone.err).toMatch(/is not in the model/);
    const other = await cli(['recommend', '--model', f.model, '--user', OTHERS[0], '-k', '2']);
    expect(other.code).toBe(0);
    expect(other.err).toMatch(/note: the model is stale since .*: fitted with the data of a user who has since been forgotten/);
  });

  it('Api: forgetUser leaves no byte behind even while the Api keeps the workspace open', async () => {
    const model = join(root, 'api-model');
    const f = await fixture('api', model);
    const api = createApi({ open: (p) => Workspace.open(p), workspacePath: f.ws, appVersion: 't', modelDir: model, adapterDir: f.adapters });
    try {
      expect(value(await api.recommend({ user: ID, k: 2 })).items).toHaveLength(2);
      expectEverywhere([join(f.dir, 'ws')]);
      const report = value(await api.forgetUser({ user: ID }));
      expect(report.removed).toMatchObject({ interactions: 75, labels: 1, embeddings: 1, users: 1, jobs: 1, runs: 1, snapshot_entries: 2 });
      expect(report.compacted).toBe(true);
      expect(report.stale).toEqual(expect.arrayContaining([model, f.elsewhere, join(f.adapters, 'v1')]));
      expectNowhere([join(f.dir, 'ws'), model, f.elsewhere]);
      const again = await api.recommend({ user: ID, k: 2 });
      expect(!again.ok && again.error.code).toBe('not-found');
      const other = value(await api.recommend({ user: OTHERS[1], k: 2 }));
      expect(other.model.stale).toMatch(/forgotten/);
    } finally {
      api.close();
    }
    expectNowhere([join(f.dir, 'ws'), model, f.elsewhere]);
  });

  it('a re-import without the user leaves none of their bytes in the workspace', async () => {
    const dir = join(root, 'reimport');
    const ws = join(dir, 'ws', 'w.sqlite');
    mkdirSync(join(dir, 'ws'), { recursive: true });
    expect((await cli(['import', '--data', writeFolder(join(dir, NAME)), '--workspace', ws])).code).toBe(0);
    expectEverywhere([join(dir, 'ws')]);
    rmSync(join(dir, NAME), { recursive: true });
    const again = await cli(['import', '--data', writeFolder(join(dir, NAME), true), '--workspace', ws]);
    expect(again.code, again.err).toBe(0);
    expectNowhere([join(dir, 'ws')]);
  });
});

describe('pseudonymization with the key outside the workspace', () => {
  it('enumerating ids with anything the workspace holds re-identifies no one; with the key file, everyone', async () => {
    const dir = join(root, 'pseudo');
    const ws = join(dir, 'w.sqlite');
    const folder = writeFolder(join(dir, NAME));
    const r = await cli(['import', '--data', folder, '--workspace', ws, '--pseudonymize', '--drop-attributes', 'gender', '--generalize']);
    expect(r.code, r.err).toBe(0);
    const keyFile = defaultKeyFile();
    expect(keyFile.startsWith(join(root, 'config'))).toBe(true);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const key = readKeyFile(keyFile);

    const { stored, secrets, attrs } = readTables(ws, (db) => ({
      stored: db.prepare('SELECT id FROM users').pluck().all() as string[],
      // every value of the meta table, and every text cell elsewhere, is tried as a secret
      secrets: db.prepare('SELECT value FROM meta').pluck().all() as string[],
      attrs: db.prepare('SELECT attributes FROM users').pluck().all() as string[],
    }));
    const known = [...OTHERS, ID];
    const guesses = [...known, ...Array.from({ length: 1000 }, (_, i) => String(i))];
    const storedSet = new Set(stored);
    const reidentified = (secret: Buffer | string): number => guesses.filter((g) => storedSet.has(pseudonym(secret, g))).length;
    for (const s of [...secrets, '', ...stored]) expect(reidentified(s)).toBe(0);
    expect(reidentified(key.bytes)).toBe(known.length);

    // neither the key nor an original id is in the file; quasi-identifiers are generalized or dropped
    const bytes = Buffer.concat(filesUnder(dir).filter((f) => f.startsWith(ws)).map((f) => readFileSync(f)));
    expect(bytes.includes(key.bytes)).toBe(false);
    expect(bytes.includes(Buffer.from(key.bytes.toString('hex')))).toBe(false);
    expect(bytes.includes(Buffer.from(ID))).toBe(false);
    expect(bytes.includes(Buffer.from('55455'))).toBe(false);
    expect(attrs.map((a) => JSON.parse(a) as Record<string, unknown>)).toContainEqual({ age: '40-49', zip_code: '554' });

    // the original id works with the key; another key is refused with a clear message
    const other = join(dir, 'other.key');
    writeFileSync(other, `${'ab'.repeat(32)}\n`, { mode: 0o600 });
    const wrong = await cli(['forget-user', '--workspace', ws, '--user', ID, '--key-file', other]);
    expect(wrong.code).toBe(2);
    expect(wrong.err).toMatch(/is not the one this workspace was pseudonymized with/);
    const loose = join(dir, 'loose.key');
    writeFileSync(loose, `${key.bytes.toString('hex')}\n`, { mode: 0o644 });
    const refused = await cli(['forget-user', '--workspace', ws, '--user', ID, '--key-file', loose]);
    expect([refused.code, refused.err]).toEqual([2, expect.stringMatching(/may be read by other users/)]);
    const ok = await cli(['forget-user', '--workspace', ws, '--user', ID]);
    expect(ok.code, ok.err).toBe(0);
    expect(ok.out).toContain(`forgot user ${pseudonym(key.bytes, ID)}`);
  });
});
