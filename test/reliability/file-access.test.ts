/**
 * Least privilege for files, through createApi with allowedRoots: openWorkspace and startImport
 * refuse every path outside the roots (existing or not, `..`, symlinks) with one message that
 * lists nothing; an existing file that is not a KnowRec workspace is never written; inside the
 * roots everything works. Also the `--data-root` flag of `knowrec serve`.
 */
import Database from 'better-sqlite3';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApi, OUTSIDE_ROOTS, type ApiError, type ApiImpl, type JobInfo, type Result } from '../../main/api';
import { list, parseFlags } from '../../main/cli-args';
import { SERVE } from '../../main/cli-commands';
import { Workspace } from '../../main/core/store';
import { APPLICATION_ID } from '../../main/core/store/database';
import { MIGRATIONS, migrate } from '../../main/core/store/schema';
import { inProcessExecutor } from '../../main/jobs/job-worker-host';
import { writeTinyDataset } from '../helpers/tiny-atomic';

let root: string;
let outside: string;
let api: ApiImpl;

function refusal(r: Result<unknown>): ApiError {
  expect(r.ok).toBe(false);
  if (r.ok) throw new Error('expected a refusal');
  return r.error;
}

function value<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}

async function settle(job: JobInfo): Promise<JobInfo> {
  for (let i = 0; i < 1000; i++) {
    const j = value(await api.getJob({ id: job.id }));
    if (j.state === 'done' || j.state === 'failed' || j.state === 'cancelled') return j;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`job ${job.id} did not finish`);
}

beforeEach(async () => {
  root = realpathSync(mkdtempSync(join(tmpdir(), 'knowrec-root-')));
  outside = realpathSync(mkdtempSync(join(tmpdir(), 'knowrec-outside-')));
  Workspace.create(join(root, 'w.sqlite')).close();
  Workspace.create(join(outside, 'theirs.sqlite')).close();
  api = createApi({
    open: (p) => Workspace.open(p),
    workspacePath: join(root, 'w.sqlite'),
    appVersion: 't',
    allowedRoots: [root],
    executor: inProcessExecutor(),
    modelDir: join(root, 'model'),
    adapterDir: join(root, 'adapters'),
  });
  expect(value(await api.workspaceSummary()).path).toBe(join(root, 'w.sqlite'));
});

afterEach(() => {
  api.close();
  rmSync(root, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

describe('paths outside the allowed roots', () => {
  it('openWorkspace refuses an existing and a missing path with the same message, naming no path', async () => {
    const cases = [join(outside, 'theirs.sqlite'), join(outside, 'missing.sqlite'), '/etc/passwd', '/no/such/folder/w.sqlite', join(root, '..', 'x.sqlite')];
    const errors = [];
    for (const path of cases) errors.push(refusal(await api.openWorkspace({ path })));
    for (const e of errors) expect(e).toEqual(errors[0]);
    expect(errors[0].code).toBe('config');
    expect(errors[0].message).toBe(OUTSIDE_ROOTS);
    expect(errors[0].hint).toBe(`allowed: ${root}; start \`knowrec serve\` with --data-root DIR to add a folder`);
    expect(existsSync(join(outside, 'missing.sqlite'))).toBe(false);
    expect(api.currentPath()).toBe(join(root, 'w.sqlite'));
  });

  it('a symlink inside the root that points outside is refused (file, folder, dangling link)', async () => {
    symlinkSync(join(outside, 'theirs.sqlite'), join(root, 'link.sqlite'));
    symlinkSync(outside, join(root, 'linked-dir'));
    symlinkSync(join(outside, 'not-yet.sqlite'), join(root, 'dangling.sqlite'));
    for (const path of [join(root, 'link.sqlite'), join(root, 'linked-dir', 'theirs.sqlite'), join(root, 'linked-dir', 'new.sqlite'), join(root, 'dangling.sqlite')]) {
      expect(refusal(await api.openWorkspace({ path })).message).toBe(OUTSIDE_ROOTS);
    }
    symlinkSync('/etc', join(root, 'etc'));
    expect(refusal(await api.startImport({ folder: join(root, 'etc') })).message).toBe(OUTSIDE_ROOTS);
    expect(existsSync(join(outside, 'not-yet.sqlite'))).toBe(false);
  });

  it('startImport {folder: "/etc"} is refused and the answer lists nothing of /etc', async () => {
    const e = refusal(await api.startImport({ folder: '/etc' }));
    expect(e).toEqual({ code: 'config', message: OUTSIDE_ROOTS, hint: expect.stringContaining('--data-root') });
    const text = JSON.stringify(e);
    for (const entry of readdirSync('/etc').filter((n) => n.length >= 6)) expect(text).not.toContain(entry);
    expect(value(await api.listJobs())).toEqual([]);
  });

  it('a folder allowed at run time (allowPath, as after a dialog) becomes usable', async () => {
    const path = join(outside, 'theirs.sqlite');
    expect(refusal(await api.openWorkspace({ path })).message).toBe(OUTSIDE_ROOTS);
    api.allowPath(path);
    expect(value(await api.openWorkspace({ path })).path).toBe(path);
    expect(refusal(await api.startImport({ folder: join(outside) })).message).toBe(OUTSIDE_ROOTS);
  });
});

describe('existing files that are not KnowRec workspaces', () => {
  it('an empty file, a text file and foreign SQLite files are refused and left byte-identical', async () => {
    const files: Record<string, Buffer> = {};
    const put = (name: string, bytes: Buffer): void => {
      writeFileSync(join(root, name), bytes);
      files[name] = bytes;
    };
    put('empty.sqlite', Buffer.alloc(0));
    put('notes.sqlite', Buffer.from('these are my notes, not a database\n'.repeat(20)));
    put('short.sqlite', Buffer.from('SQLite format 3\0'));
    const sqlite = (name: string, setup: (db: Database.Database) => void): void => {
      const db = new Database(join(root, name));
      setup(db);
      db.close();
      files[name] = readFileSync(join(root, name));
    };
    sqlite('foreign.sqlite', (db) => db.exec('CREATE TABLE other (x); INSERT INTO other VALUES (1)'));
    sqlite('no-tables.sqlite', (db) => db.pragma('user_version = 7'));
    sqlite('other-app.sqlite', (db) => {
      db.pragma('application_id = 1234');
      migrate(db, 'other-app', MIGRATIONS); // even our tables do not make another application's file ours
    });
    sqlite('lookalike.sqlite', (db) => db.exec('CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL); CREATE TABLE items (x)'));
    for (const [name, bytes] of Object.entries(files)) {
      const e = refusal(await api.openWorkspace({ path: join(root, name) }));
      expect(['parse', 'validation']).toContain(e.code);
      expect(e.message).toMatch(/not a (SQLite database|KnowRec workspace)|empty/);
      expect(e.hint).toContain('left as it is');
      expect(readFileSync(join(root, name)).equals(bytes), name).toBe(true);
      expect(existsSync(join(root, `${name}-wal`)) && readFileSync(join(root, `${name}-wal`)).length > 0, name).toBe(false);
    }
    expect(refusal(await api.openWorkspace({ path: join(root, 'empty.sqlite') })).message).toContain('empty');
    expect(api.currentPath()).toBe(join(root, 'w.sqlite'));
  });

  it('the store refuses them too, and Workspace.create marks its files with the KnowRec application id', () => {
    const p = join(root, 'empty2.sqlite');
    writeFileSync(p, '');
    expect(() => Workspace.open(p)).toThrow(/empty/);
    expect(() => Workspace.openOrCreate(p)).toThrow(/empty/);
    expect(readFileSync(p).length).toBe(0);
    expect(readFileSync(join(root, 'w.sqlite')).readUInt32BE(68)).toBe(APPLICATION_ID);
  });
});

describe('inside the allowed roots', () => {
  it('opens a workspace, one from before the application id, and imports a folder', async () => {
    Workspace.create(join(root, 'b.sqlite')).close();
    expect(value(await api.openWorkspace({ path: join(root, 'b.sqlite') })).path).toBe(join(root, 'b.sqlite'));
    const old = join(root, 'old.sqlite');
    const db = new Database(old);
    migrate(db, old, MIGRATIONS.slice(0, 1));
    db.close();
    expect(value(await api.openWorkspace({ path: old })).schemaVersion).toBe(MIGRATIONS.length);
    writeTinyDataset(join(root, 'data'));
    const job = await settle(value(await api.startImport({ folder: join(root, 'data'), name: 'tiny' })));
    expect(job.state).toBe('done');
    expect(value(await api.workspaceSummary()).interactions).toBe(60);
  });

  it('a folder without the dataset file fails without listing the folder', async () => {
    mkdirSync(join(root, 'stuff'));
    writeFileSync(join(root, 'stuff', 'private-diary-2024.txt'), 'x');
    const job = await settle(value(await api.startImport({ folder: join(root, 'stuff') })));
    expect(job.state).toBe('failed');
    expect(job.error?.message).toContain('no stuff.inter in this folder');
    expect(JSON.stringify(job.error)).not.toContain('private-diary');
  });

  it('a dataset name that would lead outside the cache folders is refused', async () => {
    writeTinyDataset(join(root, 'data'));
    for (const name of ['../../evil', 'a/b', '..', 'a\\b']) {
      expect(refusal(await api.startImport({ folder: join(root, 'data'), name })).code).toBe('validation');
    }
    expect(value(await api.listJobs())).toEqual([]);
  });
});

describe('folders named by a workspace file', () => {
  it('a stored fine-tuning job whose folder lies outside the adapter folder is not resumed', async () => {
    writeTinyDataset(join(root, 'data'));
    expect((await settle(value(await api.startImport({ folder: join(root, 'data'), name: 'tiny' })))).state).toBe('done');
    api.close();
    const outDir = join(outside, 'v1');
    writeFileSync(`${outDir}.checkpoint.bin`, 'x'); // what hasCheckpoint looks for
    const db = new Database(join(root, 'w.sqlite'));
    const spec = { kind: 'finetune', id: 'job-planted', workspace: join(root, 'w.sqlite'), request: {}, outDir, root: outside };
    db.prepare("INSERT INTO jobs (id, kind, state, created, updated, progress, json) VALUES ('job-planted', 'finetune', 'cancelled', 'x', 'x', 0, ?)").run(
      JSON.stringify({ resumable: true, spec, request: {} }),
    );
    db.close();
    api = createApi({ open: (p) => Workspace.open(p), workspacePath: join(root, 'w.sqlite'), appVersion: 't', allowedRoots: [root], executor: inProcessExecutor(), adapterDir: join(root, 'adapters') });
    const e = refusal(await api.resumeJob({ id: 'job-planted' }));
    expect(e.code).toBe('validation');
    expect(value(await api.listJobs()).filter((j) => j.kind === 'finetune').map((j) => j.id)).toEqual(['job-planted']);
    expect(readdirSync(outside).sort()).toEqual(['theirs.sqlite', 'v1.checkpoint.bin']);
  });
});

describe('knowrec serve --data-root', () => {
  it('is repeatable and takes comma lists', () => {
    const flags = parseFlags(SERVE, ['--data-root', '/a', '--data-root=/b,/c', '--workspace', 'w.sqlite']);
    expect(list(flags, 'data-root')).toEqual(['/a', '/b', '/c']);
    expect(list(parseFlags(SERVE, ['--workspace', 'w.sqlite']), 'data-root')).toEqual([]);
  });
});
