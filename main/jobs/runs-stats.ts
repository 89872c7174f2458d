/**
 * The statistics of a stored run (see evaluate-analysis.ts): user slices summarized over seeds,
 * and from the first seed the bootstrap intervals, slice gaps and pairwise tests, with metric
 * names as the run's (`ndcg`, `long_tail_share`, … without "@k").
 */
import type { RunComparison, RunModelResult } from '../api/contract';
import type { ModelResult, ResultsFile } from './evaluate';

/** Run metric names that differ from the results file's. */
export const RENAME: Readonly<Record<string, string>> = { longtail: 'long_tail_share' };

/** `ndcg@10` → 'ndcg' at k = 10; null for another cut-off. */
function runName(key: string, k: number): string | null {
  const suffix = `@${k}`;
  if (!key.endsWith(suffix)) return null;
  const base = key.slice(0, -suffix.length);
  return RENAME[base] ?? base;
}

/**
 * The user slices every seed has, as one block per seed (`users` included as a metric). `popularity=tail` is left out when the
 * run has the 'long-tail' slice: both count the same targets (outside the top 20% by training).
 */
export function userSliceBlocks(per: readonly ModelResult[], haveLongTail: boolean, k: number): Record<string, Readonly<Record<string, number>>[]> {
  const out: Record<string, Readonly<Record<string, number>>[]> = {};
  const first = per[0]?.slices;
  if (first === undefined) return out;
  for (const name of Object.keys(first)) {
    if (haveLongTail && name === 'popularity=tail') continue;
    const blocks = per.map((r) => r.slices?.[name]);
    // `users` (the slice's size) is kept under the run's "@k" naming so that it survives as a metric
    if (blocks.every((b) => b !== undefined)) out[name] = blocks.map((b) => ({ ...b, [`users@${k}`]: b.users }));
  }
  return out;
}

/** The first seed's intervals and slice gaps of one model. */
export function firstSeedStats(r: ModelResult, k: number): Pick<RunModelResult, 'ci95' | 'sliceGaps'> {
  const ci95: Record<string, readonly [number, number]> = {};
  for (const [key, ci] of Object.entries(r.ci95 ?? {})) {
    const name = runName(key, k);
    if (name !== null) ci95[name] = ci;
  }
  const sliceGaps: Record<string, { best: string; worst: string; gap: number }> = {};
  for (const [family, g] of Object.entries(r.slice_gaps ?? {})) sliceGaps[family] = { best: g.best, worst: g.worst, gap: g.gap };
  return { ci95, sliceGaps };
}

/** The first seed's pairwise tests at k. */
export function runComparisons(file: ResultsFile, k: number): RunComparison[] {
  const out: RunComparison[] = [];
  for (const c of file.comparisons ?? []) {
    const metric = runName(c.metric, k);
    if (metric !== null) out.push({ a: c.a, b: c.b, metric, delta: c.delta, p: c.p, pHolm: c.p_holm, ci95: c.ci95 });
  }
  return out;
}
