/**
 * Stacking: the inner holdout carved from training (holdout.ts) and the hybrid learning its
 * fusion from it (HybridScorer `inner`), on tiny data whose answer is known by construction.
 *
 * Catalog: 12 directors with 6 films each (items 0..71) and 2 blockbusters (72, 73). User u is a
 * fan of director u mod 12: training holds 5 of that director's films (and, for even users, one
 * blockbuster); the
 * 6th film is the validation item (or, for every third user, the test item). A KG-aware source
 * (films sharing a director with the history) points at the fan's films; popularity points at the
 * unseen blockbusters. Held-out training items are mostly the director's films, so a fusion
 * learned from the inner holdout alone must trust the KG source.
 */
import { describe, expect, it } from 'vitest';
import { KnowrecError } from '../../main/core/errors';
import { evaluateSplit } from '../../main/core/eval/evaluate';
import { rowIndices, toCsr } from '../../main/core/matrix';
import { buildFitContext } from '../../main/core/models/context';
import { createScorer } from '../../main/core/models/registry';
import { createRng } from '../../main/core/random';
import { HybridScorer } from '../../main/core/rank';
import type { HybridSource } from '../../main/core/rank/features';
import { carveHoldout, coldTargetShare } from '../../main/core/rank/holdout';
import type { Csr, FitContext, Interactions, Scorer, Split } from '../../main/core/types';

const DIRECTORS = 12;
const FILMS = 6;
const BLOCKBUSTERS = 2;
const N_ITEMS = DIRECTORS * FILMS + BLOCKBUSTERS;
const directorOf = (i: number): number => (i < DIRECTORS * FILMS ? Math.floor(i / FILMS) : -1 - i);

function inter(rows: readonly (readonly [number, number])[]): Interactions {
  return {
    user: Int32Array.from(rows.map((r) => r[0])),
    item: Int32Array.from(rows.map((r) => r[1])),
    rating: new Float32Array(rows.length).fill(1),
    timestamp: Float64Array.from(rows.map((_, i) => 1000 + i)),
  };
}

function fixture(nUsers = 96, seed = 5): { split: Split; ctx: FitContext; target: Int32Array; testUsers: number[] } {
  const rng = createRng(seed);
  const train: [number, number][] = [];
  const valid: [number, number][] = [];
  const test: [number, number][] = [];
  const target = new Int32Array(nUsers);
  const testUsers: number[] = [];
  for (let u = 0; u < nUsers; u++) {
    const d = u % DIRECTORS;
    const films = rng.shuffle(Array.from({ length: FILMS }, (_, j) => d * FILMS + j));
    for (let j = 0; j < FILMS - 1; j++) train.push([u, films[j]]);
    if (u % 2 === 0) train.push([u, DIRECTORS * FILMS + rng.int(BLOCKBUSTERS)]);
    target[u] = films[FILMS - 1];
    if (u % 3 === 0) {
      test.push([u, target[u]]);
      testUsers.push(u);
    } else {
      valid.push([u, target[u]]);
    }
  }
  const split: Split = {
    protocol: 'constructed',
    seed,
    nUsers,
    nItems: N_ITEMS,
    train: inter(train),
    valid: inter(valid),
    test: inter(test),
    coldItems: new Int32Array(0),
  };
  const ctx = buildFitContext({ nUsers, nItems: N_ITEMS, train: split.train, valid: split.valid, seed });
  return { split, ctx, target, testUsers };
}

/** Films sharing a director with the user's training items score 1, others 0. */
class SameDirectorScorer implements Scorer {
  readonly name = 'director';
  private train: Csr | null = null;
  async fit(ctx: FitContext): Promise<void> {
    this.train = ctx.trainCsr;
  }
  score(user: number): Float32Array {
    if (this.train === null) throw new Error('not fitted');
    const mine = new Set(Array.from(rowIndices(this.train, user), directorOf));
    return Float32Array.from({ length: N_ITEMS }, (_, i) => (mine.has(directorOf(i)) ? 1 : 0));
  }
  params(): Readonly<Record<string, number | string | boolean>> {
    return {};
  }
}

async function fitSources(ctx: FitContext): Promise<HybridSource[]> {
  const list: Scorer[] = [createScorer('pop'), new SameDirectorScorer()];
  for (const s of list) await s.fit(ctx);
  return list.map((scorer) => ({ name: scorer.name, scorer }));
}

function multiset(x: Interactions): string[] {
  return Array.from(x.user, (u, i) => `${u}:${x.item[i]}:${x.timestamp[i]}`).sort();
}

describe('carveHoldout', () => {
  it('partitions the training interactions: per user ⌊share·n⌋ (≥ 1, never all) held out', () => {
    const { split } = fixture();
    const h = carveHoldout(split.train, 96, N_ITEMS, { share: 0.2, seed: 1 });
    expect([...multiset(h.rest), ...multiset(h.holdout)].sort()).toEqual(multiset(split.train));
    const rest = toCsr(h.rest, 96, N_ITEMS);
    const held = toCsr(h.holdout, 96, N_ITEMS);
    const all = toCsr(split.train, 96, N_ITEMS);
    for (let u = 0; u < 96; u++) {
      // 5 or 6 training items: ⌊0.2 · n⌋ = 1 held out, the rest kept
      const n = all.indptr[u + 1] - all.indptr[u];
      expect(n).toBe(u % 2 === 0 ? 6 : 5);
      expect(held.indptr[u + 1] - held.indptr[u]).toBe(1);
      expect(rest.indptr[u + 1] - rest.indptr[u]).toBe(n - 1);
    }
    expect(h.coldItems.length).toBe(0);
    // a user with a single interaction keeps it
    const one = carveHoldout(inter([[0, 1], [1, 2], [1, 3]]), 2, 4, { share: 0.5, seed: 1 });
    expect(Array.from(one.rest.user).filter((u) => u === 0).length).toBe(1);
    expect(Array.from(one.holdout.user)).toEqual([1]);
  });

  it('holds pseudo-cold items out entirely and is deterministic per seed', () => {
    const { split } = fixture();
    const a = carveHoldout(split.train, 96, N_ITEMS, { share: 0.1, coldItemShare: 0.25, seed: 3 });
    const b = carveHoldout(split.train, 96, N_ITEMS, { share: 0.1, coldItemShare: 0.25, seed: 3 });
    expect(multiset(a.holdout)).toEqual(multiset(b.holdout));
    expect(Array.from(a.coldItems)).toEqual(Array.from(b.coldItems));
    // 74 items have interactions: round(0.25 · 74) = 19 pseudo-cold items
    expect(a.coldItems.length).toBe(19);
    const cold = new Set(a.coldItems);
    for (const i of a.rest.item) expect(cold.has(i)).toBe(false);
    let coldHeld = 0;
    for (const i of a.holdout.item) if (cold.has(i)) coldHeld++;
    expect(coldHeld).toBe(Array.from(split.train.item).filter((i) => cold.has(i)).length);
    const c = carveHoldout(split.train, 96, N_ITEMS, { share: 0.1, coldItemShare: 0.25, seed: 4 });
    expect(Array.from(c.coldItems)).not.toEqual(Array.from(a.coldItems));
  });

  it('rejects bad shares and out-of-range interactions', () => {
    const { split } = fixture();
    expect(() => carveHoldout(split.train, 96, N_ITEMS, { share: 1, seed: 1 })).toThrow(KnowrecError);
    expect(() => carveHoldout(split.train, 96, N_ITEMS, { coldItemShare: -0.1, seed: 1 })).toThrow(/coldItemShare/);
    expect(() => carveHoldout(split.train, 10, N_ITEMS, { seed: 1 })).toThrow(/outside/);
  });

  it('coldTargetShare: the share of targets on items without training interactions', () => {
    const train = inter([[0, 0], [1, 1]]);
    expect(coldTargetShare(train, inter([[0, 1], [1, 2], [0, 3], [1, 0]]), 4)).toBe(0.5);
    expect(coldTargetShare(train, inter([]), 4)).toBe(0);
  });
});

describe('hybrid learned on the inner holdout (stacking)', () => {
  it('learns the fusion from training alone (useValid: false) and ranks the fan\'s unseen film first', async () => {
    const f = fixture();
    const seen: FitContext[] = [];
    const h = new HybridScorer({
      sources: await fitSources(f.ctx),
      seed: 2,
      // linear: the tied director scores shift between the inner holdout (two unseen films of the
      // director) and the full training (one), which only trees would read literally
      ranker: 'linear',
      useValid: false,
      inner: {
        share: 0.2,
        use: 'always',
        refit: async (ictx) => {
          seen.push(ictx);
          return fitSources(ictx);
        },
      },
    });
    await h.fit(f.ctx);
    const r = h.fitReport();
    expect(r?.stages).toEqual(['inner']);
    expect(r?.inner?.interactions).toBe(96);
    // the refit saw train minus the holdout, with a matching matrix
    expect(seen.length).toBe(1);
    expect(seen[0].train.user.length).toBe(f.split.train.user.length - 96);
    expect(seen[0].trainCsr.indices.length).toBe(seen[0].train.user.length);
    const test = evaluateSplit(h, f.split, 'test', [1]);
    expect(test.users).toBe(f.testUsers.length);
    expect(test.metrics['hit@1']).toBe(1);
    // the same sources with popularity alone would recommend a blockbuster
    const pop = (await fitSources(f.ctx))[0].scorer;
    expect(evaluateSplit(pop, f.split, 'test', [1]).metrics['hit@1']).toBe(0);
  });

  it('learns from validation and the inner holdout together when asked (use: always), from validation alone by default', async () => {
    const f = fixture();
    let refits = 0;
    const d = new HybridScorer({ sources: await fitSources(f.ctx), seed: 2, inner: { refit: async (c) => (refits++, fitSources(c)) } });
    await d.fit(f.ctx);
    expect(d.fitReport()?.stages).toEqual(['valid']);
    expect(refits).toBe(0);
    const h = new HybridScorer({ sources: await fitSources(f.ctx), seed: 2, inner: { refit: fitSources, use: 'always' } });
    await h.fit(f.ctx);
    const r = h.fitReport();
    expect(r?.stages).toEqual(['valid', 'inner']);
    expect(r?.coldValidationShare).toBe(0);
    expect(r?.inner?.coldItems).toBe(0);
    // groups: 64 validation users + 96 inner-holdout users
    expect(r?.groups).toBe(64 + 96);
    expect(r?.users).toBe(96);
    expect(evaluateSplit(h, f.split, 'test', [1]).metrics['hit@1']).toBe(1);
  });

  it('skips cold validation targets and holds out pseudo-cold items instead (auto)', async () => {
    const f = fixture();
    // validation targets on items nobody trained on: drop every training interaction of them
    const coldItems = new Set(f.split.valid.item);
    const keep: number[] = [];
    for (let i = 0; i < f.split.train.user.length; i++) if (!coldItems.has(f.split.train.item[i])) keep.push(i);
    const train: Interactions = {
      user: Int32Array.from(keep, (i) => f.split.train.user[i]),
      item: Int32Array.from(keep, (i) => f.split.train.item[i]),
      rating: Float32Array.from(keep, (i) => f.split.train.rating[i]),
      timestamp: Float64Array.from(keep, (i) => f.split.train.timestamp[i]),
    };
    const ctx = buildFitContext({ nUsers: 96, nItems: N_ITEMS, train, valid: f.split.valid, seed: 5 });
    const h = new HybridScorer({ sources: await fitSources(ctx), seed: 2, inner: { refit: fitSources } });
    await h.fit(ctx);
    const r = h.fitReport();
    expect(r?.coldValidationShare).toBe(1);
    expect(r?.stages).toEqual(['inner']);
    expect(r?.inner?.coldItems).toBeGreaterThan(0);
    // without an inner holdout the validation split is still used (nothing else to learn from)
    const v = new HybridScorer({ sources: await fitSources(ctx), seed: 2 });
    await v.fit(ctx);
    expect(v.fitReport()?.stages).toEqual(['valid']);
  });

  it('checks the refit and the options', async () => {
    const f = fixture();
    const src = await fitSources(f.ctx);
    const wrong = new HybridScorer({ sources: src, seed: 1, inner: { use: 'always', refit: async (c) => (await fitSources(c)).slice(0, 1) } });
    await expect(wrong.fit(f.ctx)).rejects.toThrow(/inner refit returned sources \[pop\], expected \[pop,director\]/);
    await expect(new HybridScorer({ sources: src, useValid: false }).fit(f.ctx)).rejects.toThrow(/nothing to learn/);
  });
});
