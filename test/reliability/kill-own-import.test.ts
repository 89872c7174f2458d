/**
 * kill -9 during an own-data import through the CLI (`knowrec import --interactions …
 * --workspace W`): killed while DuckDB reads the table, and while the workspace is written.
 * Either way no workspace file is left at W (a new workspace is built as a temporary file and
 * renamed into place only when complete), and the next import into W removes the dead writer's
 * temporary files and leaves exactly W.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Workspace } from '../../main/core/store';

const BIN = resolve(__dirname, '..', '..', 'bin', 'knowrec.js');
const ROWS = 60_000;
const root = mkdtempSync(join(tmpdir(), 'knowrec-kill-own-'));
const csv = join(root, 'export', 'views.csv');
afterAll(() => rmSync(root, { recursive: true, force: true }));

beforeAll(async () => {
  const { mkdirSync } = await import('node:fs');
  mkdirSync(join(root, 'export'));
  const out = createWriteStream(csv);
  out.write('viewer,video,seconds watched,when\n');
  for (let i = 0; i < ROWS; i++) out.write(`v${i % 997},"clip ${(i * 7919) % 4001}",${1 + (i % 300)},${1_700_000_000 + i}\n`);
  await new Promise<void>((ok) => out.end(ok));
});

/** Runs the import; kills it (SIGKILL) at the first stderr line matching `at`. */
function importUntil(ws: string, at: RegExp | null): Promise<{ code: number | null; signal: NodeJS.Signals | null; err: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, 'import', '--interactions', csv, '--workspace', ws], { env: { ...process.env, XDG_CACHE_HOME: join(root, 'cache') }, stdio: ['ignore', 'pipe', 'pipe'] });
    const guard = setTimeout(() => child.kill('SIGKILL'), 100_000);
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      err += d;
      if (at !== null && at.test(err)) child.kill('SIGKILL');
    });
    child.stdout.resume();
    child.on('error', fail);
    child.on('exit', (code, signal) => {
      clearTimeout(guard);
      done({ code, signal, err });
    });
  });
}

describe('kill -9 during an own-data import', () => {
  for (const [what, at] of [
    ['while reading the table', /\[read\] views\.csv: \d+ rows/],
    ['while writing the workspace', /\[store\] (users|items|interactions)/],
  ] as const) {
    it(`leaves no workspace when killed ${what}`, async () => {
      const dir = join(root, what.replace(/\W+/g, '-'));
      const ws = join(dir, 'views.sqlite');
      const r = await importUntil(ws, at);
      expect(r.signal, r.err).toBe('SIGKILL');
      expect(existsSync(ws)).toBe(false);
      // the next import into the same path clears what the dead writer left, and completes
      const again = await importUntil(ws, null);
      expect(again.code, again.err).toBe(0);
      expect(readdirSync(dir).sort()).toEqual(['views.sqlite', 'views.sqlite.kgindex']);
    });
  }

  it('a run that is not killed leaves exactly the workspace (and the KG explorer index beside it), with every row', async () => {
    const dir = join(root, 'whole');
    const ws = join(dir, 'views.sqlite');
    const r = await importUntil(ws, null);
    expect(r.code, r.err).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['views.sqlite', 'views.sqlite.kgindex']);
    const w = Workspace.open(ws);
    try {
      expect(w.summary().interactions).toBeGreaterThan(0);
    } finally {
      w.close();
    }
  });
});
