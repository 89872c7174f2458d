/** The Api's explanation types (zod-free; contract.ts re-exports them). */
import type { EntityDescription } from './kg-types';

export interface HistoryMatch {
  readonly item: string;
  readonly title: string;
  /**
   * The ties in words: "Skye is a band member of Morcheeba" (a triple joining the two), "same
   * director", "similar description", "12 users chose both"; '' when only its share cites it.
   */
  readonly relation: string;
  /**
   * The item's share of the positive score (how much it contributed); null when the score could
   * not be attributed to the history or the model predates attribution.
   */
  readonly share: number | null;
}

export interface ExplanationCounterfactual {
  /** History items left out: exactly the cited ones (history[]), the one evidence set. */
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

// What if (whatIf): the list re-ranked without some evidence, by the fitted model, no refit

/** A KG tie of a history item: (item, relation, entity), ids as in the workspace. */
export interface WhatIfFactRef {
  /** The history item (item id). */
  readonly item: string;
  readonly relation: string;
  /** The KG entity id. */
  readonly entity: string;
}

export interface WhatIfItem {
  readonly item: string;
  readonly title: string;
  /** The score with the evidence left out. */
  readonly score: number;
  /** 1-based ranks among the items the user has not interacted with. */
  readonly rankBefore: number;
  readonly rankAfter: number;
}

/** A KG tie the explained item shares with a history item, as the what-if can drop it. */
export interface WhatIfTie extends WhatIfFactRef {
  readonly itemTitle: string;
  /** The entity's readable name. */
  readonly entityLabel: string;
  /** The label's parts when it is a description ("actor in Toy Story (1995)"), for the renderer's language. */
  readonly entityDescribed?: EntityDescription;
  /** True when this request left it out. */
  readonly removed: boolean;
}

export interface WhatIfHistoryItem {
  readonly item: string;
  readonly title: string;
  /** Its share of the explained item's score in the what-if model (0 when it has none). */
  readonly share: number;
  /** True when this request left it out. */
  readonly removed: boolean;
}

export interface WhatIfModelInfo {
  readonly name: string;
  /** Seed of the RecBole split it was fitted on. */
  readonly seed: number;
  /** Whether the sources were tuned on validation (as the fit job does). */
  readonly tuned: boolean;
  /** Seconds its one fit took (in the what-if worker, before the first question). */
  readonly fitSeconds: number;
}

export interface WhatIfResult {
  readonly user: string;
  readonly k: number;
  /** The top-k with the evidence left out, each with its rank before and after. */
  readonly items: readonly WhatIfItem[];
  /** Items of the top-k before that left it. */
  readonly left: readonly WhatIfItem[];
  /** The explained item (request.item) before and after; null when none was asked. */
  readonly target: WhatIfItem | null;
  /** The explained item's top contributors among the user's history (and the cited items asked for), for toggles. */
  readonly history: readonly WhatIfHistoryItem[];
  /** KG ties between the explained item and those history items, the most specific first. */
  readonly ties: readonly WhatIfTie[];
  /** Items and facts of the request the model's history does not hold (left out of nothing). */
  readonly ignored: { readonly history: readonly string[]; readonly facts: readonly WhatIfFactRef[] };
  readonly model: WhatIfModelInfo;
}

/** What an accepted or rejected explanation cited (stored with its label). */
export interface LabelProvenance {
  readonly history: readonly string[];
  readonly facts: readonly string[];
  readonly ties: readonly WhatIfFactRef[];
  readonly reason: string | null;
}
