/**
 * ANN recall at one synthetic size, in more detail than bench:scale: recall@10 against exact
 * search, and tie-aware recall (a hit is any returned item scoring at least the exact 10th
 * score: with templated text many items tie), for several search widths (ef).
 *
 *   npx tsx benchmarks/scale-ann.ts --size M [--connectivity 16] [--expansion-add 64] [--out benchmarks/results/scale-ann.json]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { validateDataset } from '../main/core/data';
import { generateSynthetic, syntheticRaw, SYNTHETIC_SIZES, type SyntheticSize } from '../main/core/data/synthetic';
import { AnnIndex, ExactIndex, recallAtK } from '../main/core/index';
import { buildFitContext } from '../main/core/models/context';
import { SemanticScorer } from '../main/core/models/semantic';
import { createRng } from '../main/core/random';
import { bagOfWordsEncoder } from '../test/helpers/hash-encoder';
import { arg, machineInfo, writeResults } from './common';
import { HASH_DIM } from './scale-task';

async function main(): Promise<void> {
  const size = (arg('--size') ?? 'S') as SyntheticSize;
  const seed = Number(arg('--seed') ?? '2020');
  const ds = validateDataset(syntheticRaw(generateSynthetic({ ...SYNTHETIC_SIZES[size], seed }))).dataset;
  const ctx = buildFitContext({ nUsers: ds.userIds.length, nItems: ds.itemIds.length, train: ds.interactions, dataset: ds, seed });
  const sem = new SemanticScorer({ encoder: bagOfWordsEncoder(HASH_DIM), index: 'exact' });
  await sem.fit(ctx);
  const { dim, items, users } = sem.vectors();
  const ids = Int32Array.from({ length: ctx.nItems }, (_, i) => i);
  const exact = new ExactIndex(dim, { initialCapacity: ctx.nItems });
  exact.add(ids, items);
  let t0 = performance.now();
  const build = { connectivity: Number(arg('--connectivity') ?? '16'), expansionAdd: Number(arg('--expansion-add') ?? '64') };
  const ann = new AnnIndex(dim, build);
  ann.add(ids, items);
  const buildSeconds = (performance.now() - t0) / 1000;
  const dir = mkdtempSync(join(tmpdir(), 'knowrec-scale-ann-'));
  const rng = createRng(seed + 4);
  const qs = Array.from({ length: 200 }, () => {
    const u = rng.int(ctx.nUsers);
    return users.slice(u * dim, (u + 1) * dim);
  });
  const ref = exact.search(qs, 10);
  const rows = [];
  try {
    ann.save(join(dir, 'i.usearch'));
    for (const ef of (arg('--ef') ?? '64,128,256,512').split(',').map(Number)) {
      const ix = AnnIndex.load(join(dir, 'i.usearch'), dim, { ...build, expansionSearch: ef });
      t0 = performance.now();
      const got = ix.search(qs, 10);
      const msPerQuery = (performance.now() - t0) / qs.length;
      let tieHits = 0;
      got.forEach((g, q) => {
        const kth = ref[q].scores[ref[q].scores.length - 1];
        for (const s of g.scores) if (s >= kth - 1e-6) tieHits++;
      });
      rows.push({ ef, recall_at_10: round(recallAtK(ix, exact, qs, 10)), tie_aware_recall_at_10: round(tieHits / (10 * qs.length)), ms_per_query: round(msPerQuery) });
      process.stderr.write(`${JSON.stringify(rows[rows.length - 1])}\n`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  writeResults({ benchmark: 'scale-ann', size, seed, vectors: ctx.nItems, dim, encoder: `hashed bag of words (${HASH_DIM})`, build: { ...build, seconds: round(buildSeconds) }, queries: 'user vectors of 200 seeded users', rows, machine: { ...machineInfo(), shared: 'yes' }, date: new Date().toISOString() }, arg('--out'));
}

const round = (x: number): number => Math.round(x * 1e4) / 1e4;

void main();
