/**
 * The CLI's output contract, run as a person runs it (`node bin/knowrec.js`, a child process, so
 * every write of every layer is seen): with --json, stdout is exactly one JSON document; progress,
 * notes (the encoder's CUDA/CPU note) and warnings go to stderr. Each command that prints JSON runs
 * once on a tiny folder of RecBole atomic files built here, in a fresh user cache.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTinyDataset } from '../helpers/tiny-atomic';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
let dir: string;

/** Runs `knowrec <args>` with the user cache in the test folder. */
function knowrec(args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'knowrec.js'), ...args], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, XDG_CACHE_HOME: join(dir, 'cache') },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** The whole of stdout as one JSON document (a failure shows both streams). */
function parseStdout<T>(r: { code: number | null; out: string; err: string }): T {
  expect(r.code, r.err).toBe(0);
  try {
    return JSON.parse(r.out) as T;
  } catch (e) {
    throw new Error(`stdout is not one JSON document (${String(e)}):\n${r.out}\n--- stderr:\n${r.err}`);
  }
}

interface Hit {
  item: string;
  title: string;
  score: number;
  explanation?: {
    reason: string;
    signals: Record<string, number>;
    lead: string | null;
    history: { item: string; share: number | null }[];
    counterfactual: { removed: { item: string; title: string }[]; rankBefore: number; rankAfter: number } | null;
  };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'knowrec-cli-json-'));
  writeTinyDataset(join(dir, 'tiny'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('knowrec --json prints one JSON document on stdout', () => {
  it('evaluate --json - prints the results file; the table and progress go to stderr', () => {
    const r = knowrec(['evaluate', '--data', join(dir, 'tiny'), '--models', 'pop,itemknn', '--seed', '7', '--k', '3', '--json', '-']);
    const res = parseStdout<{ dataset: string; protocol: { k: number }; results: Record<string, { test: Record<string, number> }> }>(r);
    expect(res.dataset).toBe('tiny');
    expect(res.protocol.k).toBe(3);
    expect(Object.keys(res.results)).toEqual(['pop', 'itemknn']);
    expect(res.results.itemknn.test['hit@3']).toBeGreaterThan(res.results.pop.test['hit@3']);
    expect(r.err).toMatch(/model\s+ndcg@3\s+recall@3/i);
    expect(r.err).toMatch(/^\[/m);
    // beyond-accuracy keys, intervals, slices and the paired tests ride along in the same document
    const stats = JSON.parse(r.out) as {
      results: Record<string, { test: Record<string, number>; ci95: Record<string, [number, number]>; slices: Record<string, Record<string, number>> }>;
      comparisons: { a: string; b: string; metric: string; p: number; p_holm: number; ci95: [number, number] }[];
    };
    expect(Object.keys(stats.results.itemknn.test)).toEqual(expect.arrayContaining(['gini@3', 'avgpop@3', 'novelty@3', 'longtail@3', 'coverage@3']));
    const ci = stats.results.itemknn.ci95['hit@3'];
    expect(ci[0]).toBeLessThanOrEqual(stats.results.itemknn.test['hit@3']);
    expect(ci[1]).toBeGreaterThanOrEqual(stats.results.itemknn.test['hit@3']);
    expect(Object.keys(stats.results.pop.slices)).toEqual(expect.arrayContaining(['activity=q1', 'activity=q4']));
    expect(stats.comparisons.map((c) => `${c.a}/${c.b}/${c.metric}`)).toEqual(['recall', 'precision', 'hit', 'mrr', 'ndcg'].map((m) => `pop/itemknn/${m}@3`));
    for (const c of stats.comparisons) expect(c.p_holm).toBeGreaterThanOrEqual(c.p);
  }, 120_000);

  it('recommend --user --json fits the missing model first (notes on stderr); --model DIR --explain --json adds the reasons', () => {
    const r = knowrec(['recommend', '--dataset', 'tiny', '--data', join(dir, 'tiny'), '--user', '1', '-k', '3', '--json']);
    const res = parseStdout<{ user: string; items: Hit[] }>(r);
    expect(res.user).toBe('1');
    expect(res.items).toHaveLength(3);
    expect(res.items[0].explanation).toBeUndefined();
    expect(r.err).toContain('fitting one now');
    // the encoder's note on its execution provider (CUDA, or the CPU fallback)
    expect(r.err).toContain('[encode]');
    // the model it fitted, named by folder, with the explanations
    const model = join(dir, 'cache', 'knowrec', 'models', 'tiny');
    const explained = parseStdout<{ user: string; items: Hit[] }>(knowrec(['recommend', '--model', model, '--user', '7', '-k', '2', '--explain', '--json']));
    expect(explained.user).toBe('7');
    expect(explained.items).toHaveLength(2);
    explained.items.forEach((h, rank) => {
      const e = h.explanation;
      expect(e?.reason.length).toBeGreaterThan(0);
      // the reason leads with the largest signal share (none under 10%)
      const largest = Math.max(...Object.values(e?.signals ?? {}));
      if (largest >= 0.1) expect(e?.signals[e.lead ?? ''], JSON.stringify(e)).toBe(largest);
      else expect(e?.lead).toBeNull();
      // every cited history item has its share of the score
      for (const x of e?.history ?? []) expect(x.share).toBeGreaterThan(0);
      // the counterfactual: this list's rank before, the rank without the removed items after
      expect(e?.counterfactual?.rankBefore).toBe(rank + 1);
      // one evidence set: the counterfactual removes exactly the cited items (≤ 3), in history[]'s order
      expect(e?.counterfactual?.removed.map((x) => x.item)).toEqual(e?.history.map((x) => x.item));
      expect(e?.history.length).toBeLessThanOrEqual(3);
    });
    // the text form prints the shares and the counterfactual line
    const text = knowrec(['recommend', '--model', model, '--user', '7', '-k', '2', '--explain']);
    expect(text.code, text.err).toBe(0);
    const first = explained.items[0].explanation;
    if (first !== undefined && first.history.length > 0) expect(text.out).toMatch(/history: .+% of the score\)/);
    if (first?.counterfactual !== undefined && first.counterfactual !== null && first.counterfactual.removed.length > 0) {
      expect(text.out).toContain(`: rank ${first.counterfactual.rankAfter} instead of ${first.counterfactual.rankBefore}`);
    }
  }, 120_000);

  it('recommend --query --json ranks the catalog for the text', () => {
    const r = knowrec(['recommend', '--data', join(dir, 'tiny'), '--query', 'a funny comedy', '-k', '3', '--json']);
    const res = parseStdout<{ query: string; items: Hit[] }>(r);
    expect(res.query).toBe('a funny comedy');
    expect(res.items).toHaveLength(3);
    // items a1–a6 are the comedies
    expect(res.items[0].item).toMatch(/^a/);
    expect(r.err).toContain('[encode]');
  }, 120_000);
});
