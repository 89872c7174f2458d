/** The Api's explanation types (zod-free; contract.ts re-exports them). */

export interface HistoryMatch {
  readonly item: string;
  readonly title: string;
  /** The ties in words: "same director", "similar description". */
  readonly relation: string;
  /**
   * The item's share of the positive score (how much it contributed); null when the score could
   * not be attributed to the history or the model predates attribution.
   */
  readonly share: number | null;
}

export interface ExplanationCounterfactual {
  /** History items left out: the fewest top contributors (≤ 5) that move the item out of the list. */
  readonly removed: readonly { readonly item: string; readonly title: string }[];
  /** 1-based ranks among the user's candidates. */
  readonly rankBefore: number;
  /** ≤ the list length when even removing all those tried kept the item in the list. */
  readonly rankAfter: number;
}

export interface RecommendationExplanation {
  /** Shares of the signals that pushed the item up (non-negative, summing to 1). */
  readonly signals: Readonly<Record<string, number>>;
  /** Shares of the signals that held it back (summing to 1 when any). */
  readonly against: Readonly<Record<string, number>>;
  /** The history items that contributed most (largest share first). */
  readonly history: readonly HistoryMatch[];
  readonly facts: readonly string[];
  readonly reason: string;
  /** The signal the reason leads with (the largest share, never one under 10%); null when none or not recorded. */
  readonly lead: string | null;
  /** Signals with a positive share that could not be split over the history. */
  readonly notAttributable: readonly string[];
  /** The rank without the top contributors (no refit); null when not computed. */
  readonly counterfactual: ExplanationCounterfactual | null;
}
