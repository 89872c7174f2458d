import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  evaluateRanking,
  evaluateSplit,
  exportRecboleSplit,
  filterKCore,
  importRecboleSplit,
  itemCounts,
  splitInteractions,
} from '../../main/core/eval';
import { toCsr } from '../../main/core/matrix';
import { createRng } from '../../main/core/random';
import type { Interactions, Scorer, Split } from '../../main/core/types';

const dataDir = process.env.KNOWREC_DATA_DIR ?? '/work/shared/datasets';
const interPath = join(dataDir, 'ml-100k', 'ml-100k.inter');
const present = existsSync(interPath);
if (!present) console.warn(`skipping ml-100k eval tests: ${interPath} not found (set KNOWREC_DATA_DIR)`);

interface Loaded {
  x: Interactions;
  userIds: string[];
  itemIds: string[];
}

/** Minimal TSV read of the RecBole .inter file (the real reader lives in core/data). */
function load(): Loaded {
  const lines = readFileSync(interPath, 'utf8').split('\n');
  const header = lines[0].split('\t').map((h) => h.split(':')[0]);
  const [cu, ci, cr, ct] = ['user_id', 'item_id', 'rating', 'timestamp'].map((n) => header.indexOf(n));
  const uMap = new Map<string, number>();
  const iMap = new Map<string, number>();
  const u: number[] = [];
  const i: number[] = [];
  const r: number[] = [];
  const t: number[] = [];
  for (let l = 1; l < lines.length; l++) {
    if (lines[l] === '') continue;
    const f = lines[l].split('\t');
    if (!uMap.has(f[cu])) uMap.set(f[cu], uMap.size);
    if (!iMap.has(f[ci])) iMap.set(f[ci], iMap.size);
    u.push(uMap.get(f[cu]) ?? -1);
    i.push(iMap.get(f[ci]) ?? -1);
    r.push(Number(f[cr]));
    t.push(Number(f[ct]));
  }
  return {
    x: {
      user: Int32Array.from(u),
      item: Int32Array.from(i),
      rating: Float32Array.from(r),
      timestamp: Float64Array.from(t),
    },
    userIds: [...uMap.keys()],
    itemIds: [...iMap.keys()],
  };
}

function countBy(a: Int32Array, n: number): Int32Array {
  const c = new Int32Array(n);
  for (const v of a) c[v]++;
  return c;
}

function scorerOf(name: string, score: (u: number) => Float32Array): Scorer {
  return { name, fit: async () => {}, score, params: () => ({}) };
}

describe.skipIf(!present)('eval on real ml-100k', () => {
  const data = present ? load() : { x: null, userIds: [], itemIds: [] };
  const nUsers = data.userIds.length;
  const nItems = data.itemIds.length;
  const x = data.x as Interactions;

  it('loads 100,000 interactions of 943 users and 1,682 items', () => {
    expect(x.user.length).toBe(100_000);
    expect([nUsers, nItems]).toEqual([943, 1682]);
  });

  it('recbole split: sizes sum to 100,000 and every user splits ⌊n/10⌋ / ⌊n/10⌋ / rest', () => {
    const s = splitInteractions(x, nUsers, nItems, 'recbole', 2020);
    const sizes = [s.train.user.length, s.valid.user.length, s.test.user.length];
    console.info(`ml-100k recbole split seed 2020: train/valid/test = ${sizes.join('/')}`);
    expect(sizes[0] + sizes[1] + sizes[2]).toBe(100_000);
    const tot = countBy(x.user, nUsers);
    const tr = countBy(s.train.user, nUsers);
    const va = countBy(s.valid.user, nUsers);
    const te = countBy(s.test.user, nUsers);
    for (let u = 0; u < nUsers; u++) {
      const tenth = Math.floor(tot[u] / 10);
      expect([tr[u], va[u], te[u]]).toEqual([tot[u] - 2 * tenth, tenth, tenth]);
    }
    expect(sizes[0] / 100_000).toBeGreaterThan(0.8);
    expect(sizes[0] / 100_000).toBeLessThan(0.81);
    const again = splitInteractions(x, nUsers, nItems, 'recbole', 2020);
    expect(again.test).toEqual(s.test);
    const other = splitInteractions(x, nUsers, nItems, 'recbole', 2021);
    expect(other.test).not.toEqual(s.test);
  });

  it('loo split: one valid and one test row per user, the test row is the latest', () => {
    const s = splitInteractions(x, nUsers, nItems, 'loo', 2020);
    expect([s.valid.user.length, s.test.user.length]).toEqual([943, 943]);
    const latest = new Float64Array(nUsers).fill(-Infinity);
    for (let j = 0; j < x.user.length; j++) latest[x.user[j]] = Math.max(latest[x.user[j]], x.timestamp[j]);
    let notLatest = 0;
    for (let j = 0; j < s.test.user.length; j++) if (s.test.timestamp[j] !== latest[s.test.user[j]]) notLatest++;
    expect(notLatest).toBe(0);
    // nothing in train or valid is later than the test row of its user
    let later = 0;
    const testTime = new Float64Array(nUsers);
    for (let j = 0; j < s.test.user.length; j++) testTime[s.test.user[j]] = s.test.timestamp[j];
    for (const part of [s.train, s.valid]) {
      for (let j = 0; j < part.user.length; j++) if (part.timestamp[j] > testTime[part.user[j]]) later++;
    }
    expect(later).toBe(0);
  });

  it('cold-items split: 168 items held out, none of them in train', () => {
    const s = splitInteractions(x, nUsers, nItems, 'cold-items', 2020);
    expect(s.coldItems.length).toBe(168);
    const cold = new Uint8Array(nItems);
    for (const i of s.coldItems) cold[i] = 1;
    let coldRows = 0;
    for (const i of x.item) coldRows += cold[i];
    let coldInTrain = 0;
    for (const i of s.train.item) coldInTrain += cold[i];
    expect(coldInTrain).toBe(0);
    expect(s.valid.user.length + s.test.user.length).toBe(coldRows);
    console.info(`ml-100k cold-items seed 2020: ${coldRows} interactions on ${s.coldItems.length} cold items`);
  });

  describe('full-ranking evaluation on the recbole split', () => {
    const split: Split = splitInteractions(x, nUsers, nItems, 'recbole', 2020);
    const counts = itemCounts(split.train, nItems);

    it('popularity beats random by a wide margin and an oracle is perfect where it can be', () => {
      const pop = scorerOf('pop', () => Float32Array.from(counts));
      const rng = createRng(1);
      const random = scorerOf('random', () => Float32Array.from({ length: nItems }, () => rng.next()));
      const testCsr = toCsr(split.test, nUsers, nItems);
      const oracle = scorerOf('oracle', (u) => {
        const s = new Float32Array(nItems);
        for (let p = testCsr.indptr[u]; p < testCsr.indptr[u + 1]; p++) s[testCsr.indices[p]] = 1;
        return s;
      });
      const t0 = performance.now();
      const rp = evaluateSplit(pop, split, 'test', [10, 20]);
      const ms = performance.now() - t0;
      const rr = evaluateSplit(random, split, 'test', [10]);
      const ro = evaluateRanking((u) => oracle.score(u), {
        target: split.test,
        exclude: [toCsr(split.train, nUsers, nItems), toCsr(split.valid, nUsers, nItems)],
        nUsers,
        nItems,
        ks: [10],
        trainItemCounts: counts,
        keepPerUser: true,
      });
      console.info(
        `ml-100k recbole test, pop: ndcg@10 ${rp.metrics['ndcg@10'].toFixed(4)} recall@10 ${rp.metrics['recall@10'].toFixed(4)} ` +
          `mrr@10 ${rp.metrics['mrr@10'].toFixed(4)} hit@10 ${rp.metrics['hit@10'].toFixed(4)} ` +
          `coverage@10 ${rp.metrics['coverage@10'].toFixed(4)} (${ms.toFixed(0)} ms for ${rp.users} users, K 10+20); ` +
          `random ndcg@10 ${rr.metrics['ndcg@10'].toFixed(4)}`,
      );
      expect(rp.users).toBe(943);
      expect(rp.metrics['ndcg@10']).toBeGreaterThan(5 * rr.metrics['ndcg@10']);
      expect(rp.metrics['recall@20']).toBeGreaterThanOrEqual(rp.metrics['recall@10']);
      // popularity recommends few distinct items and almost only head items
      expect(rp.metrics['coverage@10']).toBeLessThan(rr.metrics['coverage@10']);
      expect(rp.metrics['longtail@10']).toBeLessThan(rr.metrics['longtail@10']);
      expect(rp.metrics['novelty@10']).toBeLessThan(rr.metrics['novelty@10']);
      // every user has |T| = ⌊n/10⌋; where that is ≤ 10 the oracle finds all of them
      const testCounts = countBy(split.test.user, nUsers);
      const users = ro.perUser?.users ?? new Int32Array(0);
      expect(users.length).toBe(943);
      for (let n = 0; n < users.length; n++) {
        const want = testCounts[users[n]] <= 10 ? 1 : 10 / testCounts[users[n]];
        expect(ro.perUser?.values['recall@10'][n]).toBeCloseTo(want, 9);
      }
    });
  });

  it('exports the split as RecBole benchmark files and reads back the same split', async () => {
    const split = splitInteractions(x, nUsers, nItems, 'recbole', 2020);
    const dir = await mkdtemp(join(tmpdir(), 'knowrec-ml100k-'));
    try {
      await exportRecboleSplit(split, dir, 'ml-100k', data.userIds, data.itemIds);
      const back = await importRecboleSplit(dir, 'ml-100k', data.userIds, data.itemIds);
      expect(back.train).toEqual(split.train);
      expect(back.valid).toEqual(split.valid);
      expect(back.test).toEqual(split.test);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('10-core filter leaves every user and item with ≥ 10 interactions and reports removals', () => {
    const { interactions: y, report } = filterKCore(x, nUsers, nItems, 10);
    const ud = countBy(y.user, nUsers);
    const id = countBy(y.item, nItems);
    for (const d of ud) expect(d === 0 || d >= 10).toBe(true);
    for (const d of id) expect(d === 0 || d >= 10).toBe(true);
    expect(report.removedInteractions).toBe(100_000 - y.user.length);
    expect(report.removedItems.length).toBeGreaterThan(0);
    console.info(
      `ml-100k 10-core: ${report.rounds} rounds, removed ${report.removedInteractions} interactions, ` +
        `${report.removedUsers.length} users, ${report.removedItems.length} items`,
    );
  });
});
