/**
 * The `knowrec` CLI end to end on a tiny folder of RecBole atomic files built here: evaluate
 * prints a table and writes the results file with the protocol inside; bad flags and bad files
 * fail with messages that say what to fix.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../main/cli';
import { writeTinyDataset } from '../helpers/tiny-atomic';

let dir: string;

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((err += String(s)), true));
  try {
    const code = await main(args);
    return { code, out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'knowrec-cli-'));
  writeTinyDataset(join(dir, 'tiny'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('knowrec CLI', () => {
  it('evaluates baselines on a folder of atomic files and writes the results file', async () => {
    const json = join(dir, 'out', 'r.json');
    const r = await run(['evaluate', '--data', join(dir, 'tiny'), '--models', 'pop,itemknn,ease', '--seed', '7', '--k', '3', '--json', json, '-q']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/model\s+ndcg@3\s+recall@3/i);
    expect(r.out).toMatch(/^itemknn\s/m);
    const res = JSON.parse(readFileSync(json, 'utf8')) as {
      dataset: string;
      protocol: { name: string; seed: number; k: number; exclude_seen: boolean; candidates: string };
      data: { users: number; items: number; train: number; valid: number; test: number };
      results: Record<string, { test: Record<string, number>; valid: Record<string, number>; fit_seconds: number }>;
    };
    expect(res.dataset).toBe('tiny');
    expect(res.protocol).toMatchObject({ name: 'recbole', seed: 7, k: 3, exclude_seen: true, candidates: 'all' });
    expect(res.data.users).toBe(12);
    expect(res.data.items).toBe(12);
    expect(res.data.train + res.data.valid + res.data.test).toBe(60);
    expect(Object.keys(res.results)).toEqual(['pop', 'itemknn', 'ease']);
    // with disjoint tastes, item-item CF finds in-group items: it must beat popularity
    expect(res.results.itemknn.test['hit@3']).toBeGreaterThan(res.results.pop.test['hit@3']);
    for (const m of Object.values(res.results)) {
      for (const v of Object.values(m.test)) expect(Number.isFinite(v)).toBe(true);
      expect(m.fit_seconds).toBeGreaterThanOrEqual(0);
    }
  });

  it('exports the split as RecBole files and evaluates identically from them', async () => {
    const splitDir = join(dir, 'split');
    const a = join(dir, 'a.json');
    const b = join(dir, 'b.json');
    const r1 = await run(['evaluate', '--data', join(dir, 'tiny'), '--models', 'itemknn', '--seed', '11', '--k', '3', '--no-tune', '--export-split', splitDir, '--json', a, '-q']);
    expect(r1.code).toBe(0);
    for (const part of ['train', 'valid', 'test']) expect(readFileSync(join(splitDir, `tiny.${part}.inter`), 'utf8')).toMatch(/^user_id:token\titem_id:token/);
    // a different seed, but the split comes from the files: same numbers
    const r2 = await run(['evaluate', '--data', join(dir, 'tiny'), '--models', 'itemknn', '--seed', '99', '--k', '3', '--no-tune', '--split-dir', splitDir, '--json', b, '-q']);
    expect(r2.code).toBe(0);
    const ra = JSON.parse(readFileSync(a, 'utf8')) as { data: unknown; results: { itemknn: { test: unknown } } };
    const rb = JSON.parse(readFileSync(b, 'utf8')) as { data: unknown; protocol: { split: string }; results: { itemknn: { test: unknown } } };
    expect(rb.data).toEqual(ra.data);
    expect(rb.results.itemknn.test).toEqual(ra.results.itemknn.test);
    expect(rb.protocol.split).toContain('RecBole benchmark files');
  });

  it('rejects unknown models, flags and protocols with a fix', async () => {
    const a = await run(['evaluate', '--data', join(dir, 'tiny'), '--models', 'pop,nope']);
    expect(a.code).toBe(2);
    expect(a.err).toMatch(/Unknown model 'nope'.*known models: pop, itemknn/);
    const b = await run(['evaluate', '--frobnicate']);
    expect(b.code).toBe(2);
    expect(b.err).toMatch(/Unknown flag '--frobnicate'.*known flags/);
    const c = await run(['evaluate', '--data', join(dir, 'tiny'), '--protocol', 'random']);
    expect(c.code).toBe(2);
    expect(c.err).toMatch(/Unknown protocol 'random'.*recbole, loo, cold-items/);
    const d = await run(['frob']);
    expect(d.code).toBe(2);
    expect(d.err).toMatch(/unknown command 'frob'/);
  });

  it('names the file and line of a malformed input', async () => {
    const bad = join(dir, 'bad');
    mkdirSync(bad);
    writeFileSync(join(bad, 'bad.inter'), 'user_id:token\titem_id:token\trating:float\n1\t2\t5\n1\t3\tfive\n');
    const r = await run(['evaluate', '--data', bad, '--models', 'pop', '-q']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('bad.inter');
    expect(r.err).toMatch(/line 3/);
  });

  it('prints help for every command', async () => {
    for (const cmd of ['evaluate', 'recommend', 'import', 'serve']) {
      const r = await run([cmd, '--help']);
      expect(r.code).toBe(0);
      expect(r.out).toContain(`knowrec ${cmd}`);
      expect(r.out).toContain('usage:');
    }
  });
});
