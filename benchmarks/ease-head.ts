/**
 * What EASE's head restriction costs, measured where the exact model still runs (ml-100k: 1,682
 * items; ml-latest-small: 9,742). For each λ of the registry's grid: the exact dense EASE and EASE
 * learned on the H most interacted training items (tail ranked after the head), their validation
 * and test NDCG@10 (recbole split, full ranking) and fit seconds. Then the two λ choices: exact
 * tuning (best exact valid NDCG) and the proxy tuning `evaluate` does above EASE_TUNE_HEAD items
 * (best head valid NDCG, then the exact fit at that λ), with the test NDCG@10 of what each ships.
 *
 *   npm run bench:ease-head              (writes benchmarks/results/ease-head.json)
 *   flags: --seed 2020 --datasets ml-100k,ml-latest-small --lambdas 100,250,500,1000
 *          --head N (default EASE_TUNE_HEAD, or 41 % of the items where that is all of them)
 */
import { performance } from 'node:perf_hooks';
import { loadRegistryDataset } from '../main/core/data';
import { evaluateSplit, splitInteractions } from '../main/core/eval';
import { EaseScorer } from '../main/core/models/ease';
import { EASE_TUNE_HEAD } from '../main/core/models/ease-tune';
import type { FitContext, Split } from '../main/core/types';
import { fitContext } from '../main/jobs/evaluate';
import { arg, machineInfo, writeResults } from './common';

const r4 = (x: number): number => Math.round(x * 1e4) / 1e4;

interface Fit {
  fit_seconds: number;
  valid_ndcg10: number;
  test_ndcg10: number;
}

async function fitOne(ctx: FitContext, split: Split, lambda: number, maxItems: number): Promise<Fit> {
  const s = new EaseScorer({ lambda, maxItems });
  const t0 = performance.now();
  await s.fit(ctx);
  const fit = Math.round(performance.now() - t0) / 1000;
  return {
    fit_seconds: fit,
    valid_ndcg10: r4(evaluateSplit(s, split, 'valid', [10]).metrics['ndcg@10']),
    test_ndcg10: r4(evaluateSplit(s, split, 'test', [10]).metrics['ndcg@10']),
  };
}

const argmax = (xs: readonly number[]): number => xs.reduce((b, x, i) => (x > xs[b] ? i : b), 0);

async function measure(name: string, seed: number, lambdas: readonly number[], headArg: number | undefined): Promise<unknown> {
  const { dataset } = loadRegistryDataset(name);
  const nItems = dataset.itemIds.length;
  const split = splitInteractions(dataset.interactions, dataset.userIds.length, nItems, 'recbole', seed);
  const ctx = fitContext(dataset, split, seed);
  const head = headArg ?? (nItems > EASE_TUNE_HEAD ? EASE_TUNE_HEAD : Math.round(0.41 * nItems));
  const rows: { lambda: number; exact: Fit; head: Fit; head_vs_exact_test: number }[] = [];
  for (const lambda of lambdas) {
    const exact = await fitOne(ctx, split, lambda, nItems);
    const h = await fitOne(ctx, split, lambda, head);
    rows.push({ lambda, exact, head: h, head_vs_exact_test: r4(h.test_ndcg10 / exact.test_ndcg10) });
    process.stderr.write(`ease-head: ${name} ${JSON.stringify(rows.at(-1))}\n`);
  }
  const e = argmax(rows.map((r) => r.exact.valid_ndcg10));
  const p = argmax(rows.map((r) => r.head.valid_ndcg10));
  return {
    items: nItems,
    head_items: head,
    rows,
    exact_tuning: { lambda: rows[e].lambda, test_ndcg10: rows[e].exact.test_ndcg10, fit_seconds: rows.reduce((a, r) => a + r.exact.fit_seconds, 0) },
    proxy_tuning: {
      lambda: rows[p].lambda,
      test_ndcg10: rows[p].exact.test_ndcg10,
      vs_exact_tuning: r4(rows[p].exact.test_ndcg10 / rows[e].exact.test_ndcg10),
      fit_seconds: rows.reduce((a, r) => a + r.head.fit_seconds, 0) + rows[p].exact.fit_seconds,
    },
    head_only_at_exact_lambda: { test_ndcg10: rows[e].head.test_ndcg10, vs_exact: r4(rows[e].head.test_ndcg10 / rows[e].exact.test_ndcg10) },
  };
}

async function main(): Promise<void> {
  const seed = Number(arg('--seed') ?? '2020');
  const datasets = (arg('--datasets') ?? 'ml-100k,ml-latest-small').split(',');
  const lambdas = (arg('--lambdas') ?? '100,250,500,1000').split(',').map(Number);
  const headArg = arg('--head') === undefined ? undefined : Number(arg('--head'));
  const out: Record<string, unknown> = {};
  for (const name of datasets) out[name] = await measure(name, seed, lambdas, headArg);
  writeResults({
    benchmark: 'ease-head',
    protocol: 'recbole',
    seed,
    note: 'exact = dense EASE over every item; head = dense EASE over the H most interacted training items, tail ranked after the head; proxy_tuning = λ chosen on the head model, then the exact fit (what evaluate does above EASE_TUNE_HEAD items); full ranking, seen items excluded; fit seconds on a shared 2-core machine (see loadavg_at_end)',
    datasets: out,
    peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
    machine: machineInfo(),
  }, arg('--out'));
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
