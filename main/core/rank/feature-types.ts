/** What the hybrid's feature builder (features.ts) is given and gives: sources, flags, config, rows. */
import type { Csr, Scorer } from '../types';

export interface HybridSource {
  /** Signal name the source's features are grouped under ('ease', 'kg-profile', …). */
  readonly name: string;
  /** An already fitted scorer. */
  readonly scorer: Scorer;
}

/** What the KG-overlap feature needs from a KG index (KgIndex fits). */
export interface KgFactIndex {
  itemFacts(item: number): readonly { readonly entity: number }[];
  itemEntities(item: number): Int32Array;
}

export interface FeatureFlags {
  /** log popularity (default true). */
  readonly popularity?: boolean;
  /** KG-overlap features (default true when a KG is given). */
  readonly kgOverlap?: boolean;
  /** Nearest-history similarity (default true when item vectors are given). */
  readonly historySimilarity?: boolean;
  /** log history length (default true). */
  readonly historyLength?: boolean;
  /**
   * Per source, the score's distance below the user's best unseen score in standard deviations
   * (`<source>:gap`, ≤ 0), and `votes`: how many sources rank the item in their top 10.
   * Default false.
   */
  readonly scoreGaps?: boolean;
}

export interface FeatureSpec {
  readonly name: string;
  /** The explanation signal this feature's contribution is counted under. */
  readonly signal: string;
}

export interface FeatureConfig {
  readonly sources: readonly HybridSource[];
  readonly nUsers: number;
  readonly nItems: number;
  /** Training matrix (seen items and history). */
  readonly train: Csr;
  readonly candidatesPerSource: number;
  readonly kg?: KgFactIndex;
  readonly itemVectors?: (item: number) => Float32Array;
  readonly flags?: FeatureFlags;
  /** History items compared for history-similarity (the most recent ones); default 50. */
  readonly maxHistoryForSimilarity?: number;
  /** Training timestamps aligned with `train` (for picking recent history); optional. */
  readonly trainTimes?: Float64Array;
  /**
   * Scale mode (models/scale.ts): the z-score's mean and std and the rank of `<source>:rr` come
   * from a fixed seeded sample of this many items instead of every unseen item (a full sort per
   * user and source); ranks within each source's top-N stay exact, ranks below are estimated
   * from the sample. Default: every item (exact).
   */
  readonly statsItems?: number;
  /**
   * With statsItems: the items of each source's full ranking among which a removal state's top-N
   * is sought first (partial-rescore.ts); default PARTIAL_TOP. The same top-N whatever the value.
   */
  readonly partialTop?: number;
}

/** Features of one user's candidates: row-major rows × nFeatures. */
export interface UserFeatures {
  readonly user: number;
  readonly items: Int32Array;
  readonly x: Float64Array;
}
