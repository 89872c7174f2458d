/**
 * The searches the scorers tune with, on a validation metric (higher is better): a line search
 * over one option's values, a coordinate search (one line search per option, repeated while any
 * improves), a grid over full option sets (one fitted scorer each), and early stopping for
 * epoch-wise training. None of them sees the test split: `evaluate`/`validate` are the caller's
 * and should measure on validation only.
 */
import { KnowrecError, throwIfAborted } from '../errors';
import type { FitContext, Scorer } from '../types';
import type { ScorerOptions } from './options';

export interface LineSearchOptions<V> {
  readonly values: readonly V[];
  /** Puts `value` in place (sets, refits, rebuilds …) and returns the metric of that state. */
  readonly evaluate: (value: V, index: number) => number | Promise<number>;
  /** The current value and its metric: skipped among `values`, kept unless beaten. */
  readonly incumbent?: { readonly value: V; readonly metric: number };
  /** A value is kept only when it beats the best by more than this. Default 0. */
  readonly minGain?: number;
  /** Checked before each value. */
  readonly signal?: AbortSignal;
  /** Called after each value is evaluated. */
  readonly onTry?: (value: V, metric: number, kept: boolean, index: number) => void;
}

export interface LineSearchResult<V> {
  /** The best value (the first one on ties; the incumbent unless beaten); undefined when nothing was tried. */
  readonly value: V | undefined;
  /** Its index in `values`, −1 for the incumbent. */
  readonly index: number;
  readonly metric: number;
  /** True when a value beat the incumbent. */
  readonly improved: boolean;
}

/** Tries each value in order and keeps the best; the caller puts the result in place. */
export async function lineSearch<V>(o: LineSearchOptions<V>): Promise<LineSearchResult<V>> {
  const gain = o.minGain ?? 0;
  let value = o.incumbent?.value;
  let metric = o.incumbent?.metric ?? -Infinity;
  let index = -1;
  let improved = false;
  for (let k = 0; k < o.values.length; k++) {
    const v = o.values[k];
    if (o.incumbent !== undefined && v === o.incumbent.value) continue;
    throwIfAborted(o.signal);
    const m = await o.evaluate(v, k);
    const kept = m > metric + gain;
    o.onTry?.(v, m, kept, k);
    if (kept) {
      value = v;
      metric = m;
      index = k;
      improved = true;
    }
  }
  return { value, index, metric, improved: improved && o.incumbent !== undefined };
}

/** One option of a coordinate search. */
export interface Coordinate<V = number | string> {
  readonly name: string;
  readonly values: readonly V[];
  get(): V;
  /** Sets the option and brings the scorer into the matching state. */
  set(value: V): void;
}

export interface SearchStep {
  /** The option ('initial' for the starting state). */
  readonly knob: string;
  readonly value: number | string;
  readonly valid: number;
  readonly kept: boolean;
}

export interface CoordinateSearchOptions {
  readonly coordinates: readonly Coordinate[];
  /** The metric of the current state. */
  readonly evaluate: () => Promise<number>;
  /** Passes over all coordinates; stops early after a pass without improvement. */
  readonly rounds: number;
  /** A value is kept only when it beats the best by more than this. */
  readonly minGain: number;
  /** After each coordinate: the value kept, the best metric, coordinates done and in all. */
  readonly onCoordinate?: (c: Coordinate, kept: number | string, best: number, done: number, total: number) => void;
}

/**
 * Coordinate search from the current state: for each coordinate in turn, a line search over its
 * values (each beating the best so far by more than `minGain` is kept); the scorer ends in the best
 * state seen. Returns the best metric and every step, starting with the initial state.
 */
export async function coordinateSearch(o: CoordinateSearchOptions): Promise<{ best: number; steps: SearchStep[] }> {
  let best = await o.evaluate();
  const steps: SearchStep[] = [{ knob: 'initial', value: '', valid: best, kept: true }];
  const total = o.rounds * o.coordinates.length;
  let done = 0;
  for (let round = 0; round < o.rounds; round++) {
    let improved = false;
    for (const c of o.coordinates) {
      const r = await lineSearch({
        values: c.values,
        incumbent: { value: c.get(), metric: best },
        minGain: o.minGain,
        evaluate: (v) => {
          c.set(v);
          return o.evaluate();
        },
        onTry: (v, valid, kept) => steps.push({ knob: c.name, value: v, valid, kept }),
      });
      const keep = r.value as number | string;
      c.set(keep);
      best = r.metric;
      improved ||= r.improved;
      done++;
      o.onCoordinate?.(c, keep, best, done, total);
    }
    if (!improved) break;
  }
  return { best, steps };
}

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

/**
 * A line search over full option sets: fits `create(options)` for each grid entry on ctx and keeps
 * the fitted scorer with the best validation metric. Every entry is created (and so checked)
 * before any fitting.
 */
export async function tuneGrid(
  name: string,
  grid: readonly ScorerOptions[],
  create: (options: ScorerOptions) => Scorer,
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
  const scorers = grid.map(create);
  const table: TunedConfig[] = [];
  let best: Scorer | null = null;
  const r = await lineSearch({
    values: grid,
    signal: ctx.signal,
    evaluate: async (opts, c) => {
      ctx.onProgress?.({ stage: 'tune', fraction: c / grid.length, message: `${name} ${JSON.stringify(opts)}`, code: 'tryConfig', params: { model: name, config: JSON.stringify(opts) } });
      const s = scorers[c];
      const t0 = performance.now();
      await s.fit(ctx);
      const fitSeconds = (performance.now() - t0) / 1000;
      const value = validate(s);
      if (!Number.isFinite(value)) {
        throw new KnowrecError('internal', `Validation metric for ${name} ${JSON.stringify(opts)} is ${value}`, {},
          'the validate callback must return a finite number');
      }
      table.push({ options: opts, params: s.params(), value, fitSeconds });
      ctx.onProgress?.({ stage: 'tune', fraction: (c + 1) / grid.length, metrics: { config: c, value } });
      return value;
    },
    onTry: (_opts, _value, kept, c) => {
      if (kept) best = scorers[c];
      scorers[c] = best ?? scorers[c]; // drop references to beaten scorers so their memory can go
    },
  });
  if (best === null) throw new KnowrecError('internal', 'tuning finished without a best scorer');
  return { best, bestIndex: r.index, bestValue: r.metric, table };
}

/**
 * Early stopping for epoch-wise training: validate every `every` epochs and after the last one;
 * stop after `patience` validations without a new best. The caller keeps a copy of the weights
 * when record() says the epoch is the best so far.
 */
export class EarlyStopping {
  best = -Infinity;
  bestEpoch = 0;
  private since = 0;

  constructor(
    readonly every: number,
    readonly patience: number,
    readonly epochs: number,
  ) {}

  /** Whether this epoch is validated. */
  due(epoch: number): boolean {
    return epoch % this.every === 0 || epoch === this.epochs;
  }

  /** Records a validation; true when it is a new best (strictly better than every earlier one). */
  record(epoch: number, value: number): boolean {
    if (value > this.best) {
      this.best = value;
      this.bestEpoch = epoch;
      this.since = 0;
      return true;
    }
    this.since++;
    return false;
  }

  get stop(): boolean {
    return this.since >= this.patience;
  }
}
