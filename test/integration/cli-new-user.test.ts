/**
 * `knowrec recommend --query/--items` and the Api's recommendQuery, with the prepared encoder, on
 * one workspace: the same list, explanations included. A tiny folder of RecBole atomic files is
 * built here (two user groups with disjoint tastes: users 1–6 like a1–a6, users 7–12 b1–b6).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApi, type ApiImpl, type QueryRecommendations } from '../../main/api';
import { main } from '../../main/cli';
import { Workspace } from '../../main/core/store';
import { writeTinyDataset } from '../helpers/tiny-atomic';

let dir: string;
let api: ApiImpl | undefined;

/** Runs the CLI and parses its --json document (the whole of stdout: diagnostics go to stderr). */
async function cli(args: string[]): Promise<{ query: string | null; picks: string[]; items: QueryRecommendations['items'] }> {
  let out = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    expect(await main(args)).toBe(0);
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
  return JSON.parse(out);
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'knowrec-cli-new-user-'));
  writeTinyDataset(join(dir, 'tiny'));
});

afterAll(() => {
  api?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('knowrec recommend for a new user and the Api', () => {
  it('answer the same list for a query, for picks and for both', async () => {
    const ws = join(dir, 'w.sqlite');
    const base = ['recommend', '--workspace', ws, '-k', '4', '--json', '--explain'];
    // the first call imports the folder into the workspace; the Api then opens it
    const first = await cli([...base, '--data', join(dir, 'tiny'), '--items', 'a1,a2']);
    api = createApi({ open: (p) => Workspace.open(p), workspacePath: ws, appVersion: 't' });
    const cases: [string[], { query?: string; items?: string[] }][] = [
      [['--query', 'a horror film'], { query: 'a horror film' }],
      [['--items', 'a1,a2'], { items: ['a1', 'a2'] }],
      [['--query', 'comedy', '--items', 'b3'], { query: 'comedy', items: ['b3'] }],
    ];
    for (const [flags, request] of cases) {
      const fromCli = await cli([...base, ...flags]);
      const r = await api.recommendQuery({ ...request, k: 4 });
      if (!r.ok) throw new Error(r.error.message);
      expect(fromCli.items, flags.join(' ')).toEqual(r.value.items);
      expect(fromCli.picks).toEqual(r.value.picks.map((p) => p.id));
      expect(fromCli.query).toBe(r.value.query);
      expect(fromCli.items).toHaveLength(4);
    }
    // picks from one taste group bring the rest of that group first
    expect(first.items.every((i) => i.item.startsWith('a'))).toBe(true);
  }, 120_000);
});
