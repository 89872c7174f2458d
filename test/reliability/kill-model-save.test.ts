/**
 * kill -9 during model save, import and fit (issue 15): a child process (fixtures/save-child.ts)
 * is SIGKILLed at every file-system call of a model save, and another (fixtures/work-child.ts) at
 * seeded points of an import → fit → save loop on a tiny workspace. After each kill: the workspace passes
 * `PRAGMA integrity_check` and holds one whole dataset (the old or the new), a complete model is
 * loadable (the old or the new, its manifest and recommendations from the same save), and after
 * that load (the next start) no temporary or old file or folder is left.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { createRng } from '../../main/core/random';
import { Workspace } from '../../main/core/store';
import { loadSnapshot, saveSnapshot } from '../../main/jobs/snapshot';
import { importAtomicFolder } from '../../main/core/data/import';
import { writeTinyDataset } from '../helpers/tiny-atomic';
import { taggedSnapshot } from './fixtures/tagged-snapshot';

const SAVE_CHILD = join(__dirname, 'fixtures', 'save-child.ts');
const WORK_CHILD = join(__dirname, 'fixtures', 'work-child.ts');
const TSX_CJS = createRequire(__filename).resolve('tsx/cjs');
const root = mkdtempSync(join(tmpdir(), 'knowrec-kill-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface ChildEnd {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly out: string;
}

/** Runs the fixture `file` with `env`; `onLine` may kill it. */
function runChild(file: string, env: Record<string, string>, onLine?: (line: string, kill: () => void) => void): Promise<ChildEnd> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--require', TSX_CJS, file], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const guard = setTimeout(() => child.kill('SIGKILL'), 60_000);
    let out = '';
    let partial = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const lines = (partial + d).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) onLine?.(line, () => child.kill('SIGKILL'));
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('error', fail);
    child.on('exit', (code, signal) => {
      clearTimeout(guard);
      if (signal === null && code !== 0) fail(new Error(`child failed (${code}): ${err}`));
      else done({ code, signal, out });
    });
  });
}

/** Loads the model (the next start) and checks it is whole and that nothing else is left. */
function checkModel(dir: string): string {
  const snap = loadSnapshot(dir);
  expect(snap.recommendations.__tag[0].item).toBe(snap.manifest.dataset);
  const stored = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { recommendations_file?: string };
  expect(readdirSync(dir).sort()).toEqual(['manifest.json', stored.recommendations_file ?? 'recommendations.json'].sort());
  return snap.manifest.dataset;
}

/** A pid that no process has any more. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

/** Runs `jobs` two at a time. */
async function pooled<T>(jobs: (() => Promise<T>)[]): Promise<T[]> {
  const out: T[] = new Array<T>(jobs.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < jobs.length) {
      const i = next++;
      out[i] = await jobs[i]();
    }
  };
  await Promise.all([lane(), lane()]);
  return out;
}

/** A model folder holding the snapshot 'old' (first layout when `legacy`) in a fresh folder. */
function oldModel(name: string, legacy: boolean): string {
  const dir = join(root, name, 'model');
  if (legacy) {
    mkdirSync(dir, { recursive: true });
    const snap = taggedSnapshot('old', 200);
    writeFileSync(join(dir, 'recommendations.json'), JSON.stringify(snap.recommendations));
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(snap.manifest));
  } else {
    saveSnapshot(dir, taggedSnapshot('old', 200));
  }
  return dir;
}

/** Kills a save at file-system call `at` (0: never) and returns the model found after. */
async function killSaveAt(name: string, at: number, legacy: boolean): Promise<string> {
  const dir = oldModel(name, legacy);
  const end = await runChild(SAVE_CHILD, { KR_TAG: 'new', KR_MODEL: dir, KR_KILL_AT: String(at) });
  expect(end.signal).toBe(at === 0 ? null : 'SIGKILL');
  const found = checkModel(dir);
  expect(readdirSync(join(root, name))).toEqual(['model']);
  return found;
}

/** The file-system calls of a save that is not killed (counted once). */
let opsOfASave: Promise<number> | null = null;
function countOps(): Promise<number> {
  opsOfASave ??= runChild(SAVE_CHILD, { KR_TAG: 'new', KR_MODEL: oldModel('count', false), KR_KILL_AT: '0' }).then((end) => {
    expect(checkModel(join(root, 'count', 'model'))).toBe('new');
    return Number(/ops (\d+)/.exec(end.out)?.[1]);
  });
  return opsOfASave;
}

describe('kill -9 during a model save', () => {
  it('at every file-system call, leaves the old model or the new one, switching once (the manifest rename)', async () => {
    const ops = await countOps();
    expect(ops).toBeGreaterThanOrEqual(10);
    const points = Array.from({ length: ops }, (_, i) => i + 1);
    const found = await pooled(points.map((at) => () => killSaveAt(`at-${at}`, at, false)));
    const switchAt = found.indexOf('new');
    expect(switchAt).toBeGreaterThan(0); // killed before the swap: the old model
    expect(found.slice(0, switchAt).every((f) => f === 'old')).toBe(true);
    expect(found.slice(switchAt).every((f) => f === 'new')).toBe(true);
  });

  it('migrating a first-layout folder, leaves a whole model at every point tried', async () => {
    const ops = await countOps();
    const points = [1, Math.floor(ops / 3), Math.floor(ops / 2), ops - 3, ops - 1, ops];
    const found = await pooled(points.map((at) => () => killSaveAt(`legacy-${at}`, at, true)));
    expect(found[0]).toBe('old');
    expect(found[found.length - 1]).toBe('new');
  });

  it('replays the folder-swap leftovers of the earlier layout: a partial .tmp is removed, a lost model is restored from .old', () => {
    const pid = deadPid();
    const dir = oldModel('replay-tmp', true);
    const tmp = join(root, 'replay-tmp', `.model.tmp-${pid}-1700000000000`);
    mkdirSync(tmp);
    writeFileSync(join(tmp, 'recommendations.json'), '{"u1":[{"item":"i1","ti');
    expect(checkModel(dir)).toBe('old');
    expect(readdirSync(join(root, 'replay-tmp'))).toEqual(['model']);

    const lost = oldModel('replay-old', true);
    cpSync(lost, join(root, 'replay-old', `.model.old-${pid}-1700000000000`), { recursive: true });
    rmSync(lost, { recursive: true });
    mkdirSync(join(root, 'replay-old', `.model.tmp-${pid}-1700000000000`));
    expect(checkModel(lost)).toBe('old');
    expect(readdirSync(join(root, 'replay-old'))).toEqual(['model']);
  });
});

describe('kill -9 during import, fit and save on a workspace', () => {
  it('the workspace stays whole and a complete model stays loadable', async () => {
    const dataA = join(root, 'work', 'tiny');
    writeTinyDataset(dataA);
    const dataB = join(root, 'work', 'big');
    mkdirSync(dataB, { recursive: true });
    const rows = ['user_id:token\titem_id:token\trating:float\ttimestamp:float'];
    for (let k = 0; k < 20_000; k++) rows.push(`${k % 800}\ti${Math.floor(k / 800)}\t${1 + (k % 5)}\t${1e9 + k}`);
    writeFileSync(join(dataB, 'big.inter'), `${rows.join('\n')}\n`);
    const ws = join(root, 'work', 'ws.sqlite');
    const model = join(root, 'work', 'model');
    const first = Workspace.create(ws);
    importAtomicFolder(first, dataA, 'tiny');
    first.close();
    saveSnapshot(model, taggedSnapshot('initial', 50));

    const rng = createRng(15);
    const plan: [string, number][] = [['import 0', 0], ['import 0', 1], ['import 0', 3], ['import 1', 1], ['fit 0', 0], ['fit 0', 1], ['save 0', 0], ['save 0', 1]];
    const killedIn: string[] = [];
    for (const [phase, spread] of plan) {
      const delay = spread === 0 ? 0 : rng.int(spread * 120);
      const end = await runChild(WORK_CHILD, { KR_WS: ws, KR_MODEL: model, KR_DATA_A: dataA, KR_DATA_B: dataB }, (line, kill) => {
        if (line !== `begin ${phase}`) return;
        if (delay === 0) kill();
        else setTimeout(kill, delay);
      });
      expect(end.signal).toBe('SIGKILL');
      killedIn.push(`${end.out.trim().split('\n').pop() ?? ''} +${delay}ms`);

      const db = new Database(ws);
      expect(db.pragma('integrity_check')).toEqual([{ integrity_check: 'ok' }]);
      db.close();
      const w = Workspace.open(ws);
      try {
        expect([60, 20_000]).toContain(w.summary().interactions);
        expect(w.loadDataset().interactions.user.length).toBe(w.summary().interactions);
        for (const run of w.runs.list('kill-test')) expect(() => JSON.parse(run) as unknown).not.toThrow();
      } finally {
        w.close();
      }
      checkModel(model);
    }
    // the kills landed in each phase (the child's last line before it died)
    for (const phase of ['import', 'fit', 'save']) expect(killedIn.some((k) => k.startsWith(`begin ${phase}`))).toBe(true);
  });
});
