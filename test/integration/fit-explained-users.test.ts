/**
 * The fit job's choice of users to explain (main/jobs/fit.ts runFit, explained-users.ts) on the
 * tiny atomic folder (test/helpers/tiny-atomic.ts: users 1–12, items a1–a6 and b1–b6), fitted
 * with the prepared encoder: the snapshot holds exactly the chosen users and its manifest says
 * which and why; the progress line says it; unknown --users ids fail before anything is fitted;
 * `knowrec fit --users` reaches the job. Scale mode's threshold is injected (1 cell: any data is
 * "at scale"), so the scale-mode default is taken on 12 users (all of them: fewer than its 200).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../main/cli';
import type { Progress } from '../../main/core/types';
import { chooseExplainedUsers } from '../../main/jobs/explained-users';
import { loadSnapshot, runFit } from '../../main/jobs/fit';
import { writeTinyDataset } from '../helpers/tiny-atomic';

let dir: string;
let data: string;
const USERS = Array.from({ length: 12 }, (_, u) => String(u + 1));

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'knowrec-fit-users-'));
  data = join(dir, 'tiny');
  writeTinyDataset(data);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const base = (out: string) => ({ dataDir: data, dataset: 'tiny', out, seed: 2020, k: 3, lang: 'en' as const });

describe('which users the fit explains', () => {
  it('--sample: a seeded sample, the same as the chooser draws, recorded in the manifest and said in the progress', async () => {
    const out = join(dir, 'sample');
    const lines: Progress[] = [];
    const r = await runFit({ ...base(out), explainSample: 4, onProgress: (p) => lines.push(p) });
    const want = chooseExplainedUsers(USERS, 12, 2020, { sample: 4 }).ids;
    expect(want).toHaveLength(4);
    expect(Object.keys(r.snapshot.recommendations).sort()).toEqual([...want].sort());
    expect(loadSnapshot(out).manifest.users_explained).toEqual({ mode: 'sample', count: 4, of: 12, seed: 2020, reason: 'sample' });
    expect(lines.map((p) => p.message)).toContain('top-3 with explanations for a seeded sample of 4 of 12 users (--sample)');
    for (const recs of Object.values(r.snapshot.recommendations)) expect(recs).toHaveLength(3);
  });

  it('scale mode (threshold injected) with fewer users than the default sample explains them all; --users exactly those', async () => {
    const all = await runFit({ ...base(join(dir, 'scale')), scaleMinCells: 1 });
    expect(Object.keys(all.snapshot.recommendations).sort()).toEqual([...USERS].sort());
    expect(all.snapshot.manifest.users_explained).toEqual({ mode: 'all', count: 12, of: 12, reason: 'scale-mode' });
    const listed = await runFit({ ...base(join(dir, 'list')), explainUsers: ['7', '2'], scaleMinCells: 1 });
    expect(Object.keys(listed.snapshot.recommendations).sort()).toEqual(['2', '7']);
    expect(listed.snapshot.manifest.users_explained).toEqual({ mode: 'list', count: 2, of: 12, reason: 'users' });
  });

  it('unknown --users ids fail before fitting, naming them (CLI)', async () => {
    const out = join(dir, 'unknown');
    let err = '';
    const o = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const e = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((err += String(s)), true));
    try {
      expect(await main(['fit', '--data', data, '--dataset', 'tiny', '--out', out, '--users', '3,zz,yy'])).toBe(1);
    } finally {
      o.mockRestore();
      e.mockRestore();
    }
    expect(err).toContain("2 of the 3 --users ids are not users of the dataset: 'zz', 'yy'");
    // nothing fitted (no fit stage in the progress), nothing saved
    expect(err).not.toContain('[fit]');
    expect(existsSync(out)).toBe(false);
  });
  it('--users with --sample fails before the dataset is opened (CLI)', async () => {
    let err = '';
    const o = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const e = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((err += String(s)), true));
    try {
      // a workspace that does not exist: opening it first would fail with another message
      expect(await main(['fit', '--workspace', join(dir, 'absent', 'w.sqlite'), '--out', join(dir, 'both'), '--users', '3', '--sample', '2'])).toBe(2);
    } finally {
      o.mockRestore();
      e.mockRestore();
    }
    expect(err).toContain('give --users or --sample, not both');
    expect(err).not.toMatch(/absent|no such|not found/i);
  });
});
