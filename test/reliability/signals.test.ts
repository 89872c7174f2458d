/**
 * Signals stop the work (issue 15): `knowrec serve` on SIGTERM/SIGINT closes the bridge and exits
 * (130/143) within 2 s, the port refuses connections after and no process of it is left; an import
 * that gets SIGTERM in the middle of its transaction exits within 2 s and leaves the workspace as
 * before; an evaluation that gets SIGTERM stops within 2 s and writes nothing to stdout.
 * Runs `node bin/knowrec.js` as a person does.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { Readable } from 'node:stream';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importAtomicFolder } from '../../main/core/data/import';
import { Workspace } from '../../main/core/store';
import { writeTinyDataset } from '../helpers/tiny-atomic';

const ROOT = join(__dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'knowrec.js');
const root = mkdtempSync(join(tmpdir(), 'knowrec-signals-'));
const renderer = join(root, 'renderer');
const long = join(root, 'long');
const mid = join(root, 'mid');
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A folder `<dir>/<name>.inter` of `n` interactions (`users` users, each item once per user). */
function writeInteractions(dir: string, n: number, users: number): void {
  mkdirSync(dir);
  const rows = ['user_id:token\titem_id:token\trating:float\ttimestamp:float'];
  for (let k = 0; k < n; k++) rows.push(`${k % users}\ti${Math.floor(k / users)}\t${1 + (k % 5)}\t${1e9 + k}`);
  writeFileSync(join(dir, `${basename(dir)}.inter`), `${rows.join('\n')}\n`);
}

beforeAll(() => {
  mkdirSync(renderer);
  writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>stub</title>\n');
  writeInteractions(long, 400_000, 4000); // reading and storing them takes seconds
  writeInteractions(mid, 50_000, 1000); // a BPR epoch (between two checks) takes a fraction of a second
});

type Cli = ChildProcessByStdio<null, Readable, Readable>;

interface Ended {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** ms from the signal to the exit. */
  readonly ms: number;
}

function start(args: string[]): { cli: Cli; out: () => string; err: () => string } {
  const cli = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, KNOWREC_RENDERER_DIR: renderer }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  cli.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  cli.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  return { cli, out: () => out, err: () => err };
}

/** Resolves when `read()` matches `re` (rejects after 60 s or when the process ends first). */
function waitFor(cli: Cli, read: () => string, re: RegExp): Promise<RegExpExecArray> {
  return new Promise((done, fail) => {
    const timer = setInterval(() => {
      const m = re.exec(read());
      if (m !== null) finish(() => done(m));
    }, 5);
    const guard = setTimeout(() => finish(() => fail(new Error(`timed out waiting for ${re}: ${read()}`))), 60_000);
    const onExit = (): void => finish(() => fail(new Error(`exited before ${re}: ${read()}`)));
    cli.once('exit', onExit);
    const finish = (then: () => void): void => {
      clearInterval(timer);
      clearTimeout(guard);
      cli.off('exit', onExit);
      then();
    };
  });
}

/** Sends `sig` and resolves with how the process ended (killed after 10 s so the test ends). */
function signalAndWait(cli: Cli, sig: NodeJS.Signals): Promise<Ended> {
  return new Promise((done) => {
    const t0 = performance.now();
    const guard = setTimeout(() => cli.kill('SIGKILL'), 10_000);
    cli.once('exit', (code, signal) => {
      clearTimeout(guard);
      done({ code, signal, ms: performance.now() - t0 });
    });
    cli.kill(sig);
  });
}

/** Pids whose parent is `pid` (Linux; elsewhere none are found). */
function childrenOf(pid: number): number[] {
  const found: number[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((e) => /^\d+$/.test(e));
  } catch {
    return found;
  }
  for (const e of entries) {
    try {
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) found.push(Number(e));
    } catch {
      // the process ended meanwhile
    }
  }
  return found;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((done) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      done(true);
    });
    s.once('error', () => done(false));
  });
}

/** A workspace holding the tiny dataset. */
function tinyWorkspace(name: string): string {
  const data = join(root, name, 'tiny');
  writeTinyDataset(data);
  const path = join(root, name, 'ws.sqlite');
  const ws = Workspace.create(path);
  importAtomicFolder(ws, data, 'tiny');
  ws.close();
  return path;
}

function integrityOk(path: string): void {
  const db = new Database(path);
  try {
    expect(db.pragma('integrity_check')).toEqual([{ integrity_check: 'ok' }]);
  } finally {
    db.close();
  }
}

describe('serve', () => {
  for (const [sig, code] of [['SIGTERM', 143], ['SIGINT', 130]] as const) {
    it(`stops on ${sig} within 2 s (exit ${code}): the port refuses connections and no process is left`, async () => {
      const ws = tinyWorkspace(`serve-${sig}`);
      const { cli, out } = start(['serve', '--workspace', ws, '--port', '0']);
      const port = Number((await waitFor(cli, out, /http:\/\/127\.0\.0\.1:(\d+)/))[1]);
      expect(await accepts(port)).toBe(true);
      // an idle keep-alive connection must not hold the server open
      const idle = connect(port, '127.0.0.1');
      idle.on('error', () => undefined);
      await new Promise((r) => idle.once('connect', r));
      idle.write('GET /api/version HTTP/1.1\r\nHost: 127.0.0.1\r\n');
      const kids = childrenOf(cli.pid ?? -1);

      const end = await signalAndWait(cli, sig);
      idle.destroy();
      expect(end.ms).toBeLessThan(2000);
      expect(end.code).toBe(code);
      expect(await accepts(port)).toBe(false);
      for (const k of kids) expect(alive(k)).toBe(false);
      integrityOk(ws);
    });
  }
});

describe('import', () => {
  it('stops on SIGTERM in the middle of storing within 2 s and leaves the workspace as before', async () => {
    const path = tinyWorkspace('import');
    const before = Workspace.open(path);
    const summary = before.summary();
    const importedAt = before.getMeta('imported_at');
    before.close();

    const { cli, out, err } = start(['import', '--data', long, '--workspace', path]);
    await waitFor(cli, err, /\[store\] interactions/);
    const kids = childrenOf(cli.pid ?? -1);
    const end = await signalAndWait(cli, 'SIGTERM');
    expect(end.ms).toBeLessThan(2000);
    expect(end.signal === 'SIGTERM' || end.code === 143).toBe(true);
    expect(out()).not.toMatch(/dataset long/); // it did not finish
    for (const k of kids) expect(alive(k)).toBe(false); // nothing goes on importing

    integrityOk(path);
    const after = Workspace.open(path);
    try {
      expect(after.summary()).toEqual(summary);
      expect(after.getMeta('imported_at')).toBe(importedAt);
      expect(after.loadDataset().interactions.user.length).toBe(60);
    } finally {
      after.close();
    }
  });
});

describe('evaluate', () => {
  it('stops on SIGTERM at its next check within 2 s (exit 143) and writes no JSON', async () => {
    const { cli, out, err } = start(['evaluate', '--data', mid, '--models', 'bpr', '--no-tune', '--json', '-']);
    await waitFor(cli, err, /\[bpr\] epoch 1\b/);
    const kids = childrenOf(cli.pid ?? -1);
    const end = await signalAndWait(cli, 'SIGTERM');
    for (const k of kids) expect(alive(k)).toBe(false);
    expect(end.ms).toBeLessThan(2000);
    expect(end.code).toBe(143);
    expect(out()).toBe('');
    expect(err()).toMatch(/stopped by SIGTERM/);
  });
});
