/**
 * Hyper-parameter choice on the validation split: fit one scorer per grid entry, score it with
 * the caller's validation metric, keep the best. The test split is never seen here: the fit
 * context has none, and `validate` is the caller's (it should evaluate on validation only).
 */
import { KnowrecError, throwIfAborted } from '../errors';
import type { FitContext, Scorer } from '../types';
import { createScorer, type ScorerOptions } from './registry';

export interface TunedConfig {
  /** The grid entry as given. */
  readonly options: ScorerOptions;
  /** The scorer's own parameters after fitting (defaults filled in, epochs run, ...). */
  readonly params: Readonly<Record<string, number | string | boolean>>;
  /** Validation metric (higher is better). */
  readonly value: number;
  readonly fitSeconds: number;
}

export interface TuneResult {
  /** The fitted scorer of the best configuration (the first one on ties). */
  readonly best: Scorer;
  readonly bestIndex: number;
  readonly bestValue: number;
  /** Every configuration tried, in grid order. */
  readonly table: readonly TunedConfig[];
}

export async function tuneOnValidation(
  name: string,
  grid: readonly ScorerOptions[],
  ctx: FitContext,
  validate: (scorer: Scorer) => number,
): Promise<TuneResult> {
  if (grid.length === 0) {
    throw new KnowrecError('config', `Empty tuning grid for '${name}'`, {}, 'pass at least one option set, e.g. defaultGrid(name)');
  }
  if (ctx.valid.user.length === 0) {
    throw new KnowrecError('config', `Cannot tune '${name}': the fit context has no validation interactions`, {},
      'split with a protocol that keeps a validation part (recbole or loo)');
  }
  // fail fast on a bad grid entry before any fitting
  const scorers = grid.map((opts) => createScorer(name, opts, { validate }));
  const table: TunedConfig[] = [];
  let best: Scorer | null = null;
  let bestIndex = -1;
  let bestValue = -Infinity;
  for (let c = 0; c < scorers.length; c++) {
    throwIfAborted(ctx.signal);
    ctx.onProgress?.({ stage: 'tune', fraction: c / scorers.length, message: `${name} ${JSON.stringify(grid[c])}` });
    const s = scorers[c];
    const t0 = performance.now();
    await s.fit(ctx);
    const fitSeconds = (performance.now() - t0) / 1000;
    const value = validate(s);
    if (!Number.isFinite(value)) {
      throw new KnowrecError('internal', `Validation metric for ${name} ${JSON.stringify(grid[c])} is ${value}`, {},
        'the validate callback must return a finite number');
    }
    table.push({ options: grid[c], params: s.params(), value, fitSeconds });
    ctx.onProgress?.({ stage: 'tune', fraction: (c + 1) / scorers.length, metrics: { config: c, value } });
    if (value > bestValue) {
      best = s;
      bestIndex = c;
      bestValue = value;
    }
    scorers[c] = best ?? s; // drop references to beaten scorers so their memory can go
  }
  if (best === null) throw new KnowrecError('internal', 'tuning finished without a best scorer');
  return { best, bestIndex, bestValue, table };
}
