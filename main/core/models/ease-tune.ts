/**
 * EASE's λ search on large catalogs: each λ costs a dense n×n inverse (4/3·n³ flops), so above
 * EASE_TUNE_HEAD items the grid is searched on the EASE_TUNE_HEAD most interacted items (each
 * proxy ~(head/n)³ of a full fit) and only the chosen λ is fitted on the whole catalog, as its
 * exact closed form. The choice is measured against exact tuning in docs/model.md.
 */
import type { FitContext, Scorer } from '../types';
import { EASE_DEFAULTS } from './ease';
import type { ScorerOptions } from './options';
import { tuneGrid, type TunedConfig, type TuneResult } from './tune';

/** Catalogs above this many items tune λ on this many head items. */
export const EASE_TUNE_HEAD = 4000;

export async function tuneEase(
  grid: readonly ScorerOptions[],
  create: (options: ScorerOptions) => Scorer,
  ctx: FitContext,
  validate: (scorer: Scorer) => number,
  head = EASE_TUNE_HEAD,
): Promise<TuneResult> {
  const headOf = (o: ScorerOptions): number => (typeof o.maxItems === 'number' ? o.maxItems : EASE_DEFAULTS.maxItems);
  if (ctx.nItems <= head || grid.length < 2) return tuneGrid('ease', grid, create, ctx, validate);
  const proxies = grid.map((o) => ({ ...o, maxItems: Math.min(headOf(o), head) }));
  const r = await tuneGrid('ease', proxies, create, ctx, validate);
  const chosen = grid[r.bestIndex];
  const best = create(chosen);
  const t0 = performance.now();
  await best.fit(ctx);
  const fitSeconds = (performance.now() - t0) / 1000;
  const value = validate(best);
  const table: TunedConfig[] = r.table.map((row, i) => (i === r.bestIndex ? { options: chosen, params: best.params(), value, fitSeconds } : row));
  return { best, bestIndex: r.bestIndex, bestValue: value, table };
}
