/**
 * Is the EASE that `evaluate` ships within 2 % of the exact closed form? (issue 11)
 *
 * On ml-latest-small the production path is: λ chosen on a head proxy (the EASE_TUNE_HEAD most
 * interacted items, main/core/models/ease-tune.ts), then the chosen λ fitted as the exact closed
 * form over every item (9,742 < maxItems). Exact tuning fits every λ of the grid over every item
 * and keeps the best on validation. This script measures both, test NDCG@10 (recbole split,
 * full ranking, seen items excluded), on a subsample where the exact grid is cheap: the N most
 * interacted training items of ml-latest-small, with every split part restricted to them (same
 * users, same train/valid/test assignment). The production path runs through the registry's
 * own tuner (tuneOnValidation → tuneEase) with its head scaled to the same share of the catalog
 * as on the full data (4,000 / 9,742), so the proxy does the same kind of work it does there.
 * `--full` also runs the production path on the whole catalog and checks that the model it
 * ships is the exact closed form (no head restriction).
 *
 *   npm run bench:ease-exact   (writes benchmarks/results/ease-exact.json)
 *   flags: --seed 2020 --items 3000 --full
 */
import { performance } from 'node:perf_hooks';
import { loadRegistryDataset } from '../main/core/data';
import { evaluateSplit, splitInteractions } from '../main/core/eval';
import { selectInteractions } from '../main/core/matrix';
import { EaseScorer } from '../main/core/models/ease';
import { EASE_TUNE_HEAD, tuneEase } from '../main/core/models/ease-tune';
import { createScorer, defaultGrid, tuneOnValidation } from '../main/core/models/registry';
import type { Dataset, FitContext, Interactions, Scorer, Split } from '../main/core/types';
import { fitContext } from '../main/jobs/evaluate';
import { arg, machineInfo, writeResults } from './common';

const r4 = (x: number): number => Math.round(x * 1e4) / 1e4;
const ndcg = (s: Scorer, split: Split, phase: 'valid' | 'test'): number => evaluateSplit(s, split, phase, [10]).metrics['ndcg@10'];

/** The split restricted to the `n` most interacted training items (renumbered 0..n−1, most popular first). */
function subsample(split: Split, n: number): Split {
  const pop = new Int32Array(split.nItems);
  for (let p = 0; p < split.train.item.length; p++) pop[split.train.item[p]]++;
  const order = Array.from({ length: split.nItems }, (_, i) => i).sort((a, b) => pop[b] - pop[a] || a - b);
  const pos = new Int32Array(split.nItems).fill(-1);
  for (let h = 0; h < n; h++) pos[order[h]] = h;
  const part = (x: Interactions): Interactions => {
    const keep: number[] = [];
    for (let p = 0; p < x.item.length; p++) if (pos[x.item[p]] >= 0) keep.push(p);
    const s = selectInteractions(x, keep);
    return { ...s, item: s.item.map((i) => pos[i]) };
  };
  return { ...split, nItems: n, train: part(split.train), valid: part(split.valid), test: part(split.test), coldItems: new Int32Array(0) };
}

interface ExactRow {
  lambda: number;
  fit_seconds: number;
  valid_ndcg10: number;
  test_ndcg10: number;
}

async function exactGrid(ctx: FitContext, split: Split, lambdas: readonly number[]): Promise<ExactRow[]> {
  const rows: ExactRow[] = [];
  for (const lambda of lambdas) {
    const s = new EaseScorer({ lambda, maxItems: split.nItems });
    const t0 = performance.now();
    await s.fit(ctx);
    const fit = (performance.now() - t0) / 1000;
    rows.push({ lambda, fit_seconds: r4(fit), valid_ndcg10: r4(ndcg(s, split, 'valid')), test_ndcg10: r4(ndcg(s, split, 'test')) });
    process.stderr.write(`ease-exact: exact ${JSON.stringify(rows.at(-1))}\n`);
  }
  return rows;
}

/** What evaluate does: the registry's grid through its EASE tuner (head proxy of `head` items, then the exact fit). */
async function production(ctx: FitContext, split: Split, head: number | undefined): Promise<Record<string, unknown>> {
  const validate = (s: Scorer): number => ndcg(s, split, 'valid');
  const grid = defaultGrid('ease');
  const t0 = performance.now();
  const r = head === undefined
    ? await tuneOnValidation('ease', grid, ctx, validate)
    : await tuneEase(grid, (o) => createScorer('ease', o, { validate }), ctx, validate, head);
  const seconds = (performance.now() - t0) / 1000;
  const params = r.best.params();
  return {
    head_items: head ?? EASE_TUNE_HEAD,
    lambda: params.lambda,
    params,
    exact_closed_form_shipped: params.headItems === undefined,
    tuning: r.table.map((t) => ({ options: t.options, valid_ndcg10: r4(t.value), fit_seconds: r4(t.fitSeconds) })),
    test_ndcg10: r4(ndcg(r.best, split, 'test')),
    seconds: r4(seconds),
  };
}

function contextOf(dataset: Dataset, split: Split, seed: number): FitContext {
  return fitContext(dataset, split, seed);
}

async function main(): Promise<void> {
  const seed = Number(arg('--seed') ?? '2020');
  const nSub = Number(arg('--items') ?? '3000');
  const full = process.argv.includes('--full');
  const { dataset } = loadRegistryDataset('ml-latest-small');
  const split = splitInteractions(dataset.interactions, dataset.userIds.length, dataset.itemIds.length, 'recbole', seed);
  const sub = subsample(split, nSub);
  const ctx = contextOf(dataset, sub, seed);
  const headShare = EASE_TUNE_HEAD / split.nItems;
  const head = Math.round(headShare * nSub);
  const lambdas = defaultGrid('ease').map((o) => Number(o.lambda));

  const rows = await exactGrid(ctx, sub, lambdas);
  const best = rows.reduce((b, r) => (r.valid_ndcg10 > b.valid_ndcg10 ? r : b), rows[0]);
  const prod = await production(ctx, sub, head);
  const prodTest = prod.test_ndcg10 as number;
  const gap = (best.test_ndcg10 - prodTest) / best.test_ndcg10;
  process.stderr.write(`ease-exact: production ${JSON.stringify(prod)}\n`);
  const fullResult = full ? await production(contextOf(dataset, split, seed), split, undefined) : undefined;

  writeResults({
    benchmark: 'ease-exact',
    dataset: 'ml-latest-small',
    protocol: 'recbole',
    seed,
    note: 'subsample = the N most interacted training items, every split part restricted to them (same users and assignment); '
      + 'exact = dense EASE over every subsample item for each λ, tuned on valid NDCG@10; production = the registry grid through tuneEase '
      + '(λ chosen on a head proxy of the same catalog share as on the full data, then the exact fit); test NDCG@10, full ranking, seen excluded; '
      + 'seconds on a shared 2-core machine (see machine.loadavg_at_end)',
    subsample: {
      items: nSub,
      users: sub.nUsers,
      train: sub.train.item.length,
      valid: sub.valid.item.length,
      test: sub.test.item.length,
      head_items: head,
      exact: rows,
      exact_tuning: { lambda: best.lambda, test_ndcg10: best.test_ndcg10 },
      production: prod,
      relative_gap: r4(gap),
      within_2_percent: Math.abs(gap) <= 0.02,
    },
    ...(fullResult !== undefined ? { full_catalog: { items: split.nItems, production: fullResult } } : {}),
    peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
    machine: machineInfo(),
  }, arg('--out'));
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
