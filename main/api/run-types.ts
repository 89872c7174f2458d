/**
 * The Api's evaluation-run types (stored runs, their per-model results, slices, paired tests and
 * the exported report), re-exported by contract.ts.
 */

export interface MetricSummary {
  readonly mean: number;
  readonly std: number;
  /** One value per seed, in the run's seed order. */
  readonly perSeed: readonly number[];
}

export interface RunModelResult {
  readonly model: string;
  /** Test metrics @k: 'ndcg', 'recall', 'mrr', 'hit', 'precision', 'coverage', 'novelty', 'long_tail_share', … */
  readonly test: Readonly<Record<string, MetricSummary>>;
  /**
   * Slices of the test split: 'cold' (cold-items protocol), 'long-tail' (targets outside the head),
   * and user slices `age=18-24`, `gender=F`, `occupation=…`, `activity=q1..q4`, `popularity=head`.
   */
  readonly slices: Readonly<Record<string, Readonly<Record<string, MetricSummary>>>>;
  readonly fitSeconds: number;
  /** Bootstrap 95% interval of each per-user test metric (names as in `test`), from the first seed. */
  readonly ci95?: Readonly<Record<string, readonly [number, number]>>;
  /** Per slice family (age, gender, …): the best and worst slice by NDCG@k and the gap, from the first seed. */
  readonly sliceGaps?: Readonly<Record<string, RunSliceGap>>;
}

export interface RunSliceGap {
  readonly best: string;
  readonly worst: string;
  readonly gap: number;
}

/** A paired test of two models on one metric (first seed): delta = mean(b) − mean(a). */
export interface RunComparison {
  readonly a: string;
  readonly b: string;
  /** Metric name as in RunModelResult.test ('ndcg', 'recall', …). */
  readonly metric: string;
  readonly delta: number;
  /** Wilcoxon signed-rank p-value, and after Holm's correction over the pair's metrics. */
  readonly p: number;
  readonly pHolm: number;
  readonly ci95: readonly [number, number];
}

export interface RunSummary {
  readonly id: string;
  readonly created: string;
  readonly dataset: string;
  readonly protocol: string;
  readonly models: readonly string[];
  readonly seeds: readonly number[];
  readonly k: number;
  /** Model with the best mean test NDCG@k. */
  readonly best: string | null;
}

export interface RunDetail extends RunSummary {
  readonly results: readonly RunModelResult[];
  /** Pairwise tests of the first seed, every pair of models × accuracy metric (empty for older runs). */
  readonly comparisons?: readonly RunComparison[];
  /** What the evaluation did not compute and why. */
  readonly notes?: readonly string[];
  /** The protocol block written into every results file (split, exclusion, tuning, filters). */
  readonly protocolText: Readonly<Record<string, unknown>>;
}

export interface ReportExport {
  /** Suggested file name ("knowrec-report-<run>.html"). */
  readonly filename: string;
  /** A self-contained HTML document (inline CSS and SVG, no scripts fetched). */
  readonly html: string;
}
