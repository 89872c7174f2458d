/**
 * What the evaluation view shows of a run, computed apart from React: the metric columns (accuracy
 * then beyond-accuracy, in a fixed order), deltas against a baseline model with the pairwise test's
 * mark, slices grouped by family with the best–worst gap, runs sorted by a column, and the run
 * remembered across reloads.
 */
import type { RunComparison, RunDetail, RunModelResult, RunSummary } from '../../main/api/contract';
import { lowerIsBetter, significanceMark } from '../../main/api/display-names';

export const ACCURACY = ['ndcg', 'recall', 'mrr', 'hit', 'precision'] as const;
export const BEYOND = ['coverage', 'novelty', 'long_tail_share', 'gini', 'avgpop', 'ild_kg', 'ild_emb'] as const;

/** The run's metrics of one group that some model has, in the group's order. */
export function presentMetrics(run: RunDetail, group: readonly string[]): string[] {
  return group.filter((m) => run.results.some((r) => r.test[m] !== undefined));
}

export interface Delta {
  /** Model value − baseline value (first seed's paired test when there is one, else the means). */
  readonly delta: number;
  /** '', '*', '**', '***' from the Holm-corrected p of the pair; null when not tested. */
  readonly mark: string | null;
  readonly pHolm: number | null;
  readonly ci95: readonly [number, number] | null;
  /** True when the change is for the better (lower is better for avgpop and gini). */
  readonly better: boolean;
}

function findComparison(comparisons: readonly RunComparison[], a: string, b: string, metric: string): { c: RunComparison; flip: boolean } | null {
  for (const c of comparisons) {
    if (c.metric !== metric) continue;
    if (c.a === a && c.b === b) return { c, flip: false };
    if (c.a === b && c.b === a) return { c, flip: true };
  }
  return null;
}

/** `model` against `baseline` on `metric`; null for the baseline itself or a missing value. */
export function deltaVs(run: RunDetail, model: RunModelResult, baseline: RunModelResult | undefined, metric: string): Delta | null {
  if (baseline === undefined || baseline.model === model.model) return null;
  const v = model.test[metric];
  const b = baseline.test[metric];
  if (v === undefined || b === undefined) return null;
  const found = findComparison(run.comparisons ?? [], baseline.model, model.model, metric);
  const delta = v.mean - b.mean;
  if (found === null) return { delta, mark: null, pHolm: null, ci95: null, better: lowerIsBetter(metric) ? delta < 0 : delta > 0 };
  const { c, flip } = found; // c.delta = mean(c.b) − mean(c.a); flip when the model is c.a
  const ci95: readonly [number, number] = flip ? [-c.ci95[1], -c.ci95[0]] : c.ci95;
  return { delta, mark: significanceMark(c.pHolm), pHolm: c.pHolm, ci95, better: lowerIsBetter(metric) ? delta < 0 : delta > 0 };
}

export function signed(v: number, digits = 4): string {
  return `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(digits)}`;
}

/** Slice names of the run grouped by family (`gender=F` → gender), families in a fixed order. */
export function sliceFamilies(run: RunDetail): Map<string, string[]> {
  const order = ['age', 'gender', 'occupation', 'activity', 'popularity', 'long-tail', 'cold'];
  const names = [...new Set(run.results.flatMap((r) => Object.keys(r.slices)))];
  const out = new Map<string, string[]>();
  for (const f of order) {
    const members = names.filter((n) => (n.includes('=') ? n.split('=')[0] : n) === f);
    if (members.length > 0) out.set(f, members);
  }
  for (const n of names) {
    const f = n.includes('=') ? n.split('=')[0] : n;
    if (!out.has(f)) out.set(f, names.filter((x) => (x.includes('=') ? x.split('=')[0] : x) === f));
  }
  return out;
}

/** Best − worst slice value of one model over `slices` (NaN with fewer than two values). */
export function sliceGap(model: RunModelResult, slices: readonly string[], metric: string): { best: string; worst: string; gap: number } | null {
  const vals = slices.flatMap((s) => {
    const v = model.slices[s]?.[metric];
    return v === undefined ? [] : [[s, v.mean] as const];
  });
  if (vals.length < 2) return null;
  const sorted = [...vals].sort((x, y) => y[1] - x[1]);
  return { best: sorted[0][0], worst: sorted[sorted.length - 1][0], gap: sorted[0][1] - sorted[sorted.length - 1][1] };
}

export type RunSortKey = 'created' | 'dataset' | 'protocol' | 'models' | 'seeds' | 'k' | 'best';
export interface RunSort {
  readonly key: RunSortKey;
  readonly descending: boolean;
}

function sortValue(r: RunSummary, key: RunSortKey): string | number {
  switch (key) {
    case 'models':
      return r.models.length;
    case 'seeds':
      return r.seeds.length;
    case 'k':
      return r.k;
    case 'best':
      return r.best ?? '';
    default:
      return r[key];
  }
}

/** Runs sorted by a column (ties: newest first). */
export function sortRuns(runs: readonly RunSummary[], sort: RunSort): RunSummary[] {
  const dir = sort.descending ? -1 : 1;
  return [...runs].sort((x, y) => {
    const a = sortValue(x, sort.key);
    const b = sortValue(y, sort.key);
    const c = typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b));
    return c * dir || y.created.localeCompare(x.created);
  });
}

export const SELECTED_RUN_KEY = 'knowrec.evaluation.selectedRun';

/** Storage that may be missing or refuse (private mode): reading and writing never throw. */
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export function loadSelectedRun(store: KeyValueStore | undefined): string | null {
  try {
    return store?.getItem(SELECTED_RUN_KEY) ?? null;
  } catch {
    return null;
  }
}

export function saveSelectedRun(store: KeyValueStore | undefined, id: string | null): void {
  try {
    if (id === null) store?.removeItem(SELECTED_RUN_KEY);
    else store?.setItem(SELECTED_RUN_KEY, id);
  } catch {
    // storage refused: the choice lasts until the page is reloaded
  }
}
