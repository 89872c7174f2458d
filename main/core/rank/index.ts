/** Candidate generation, learned fusion, diversity re-ranking and explanations. See docs/hybrid.md. */
export {
  HybridScorer,
  HYBRID_DEFAULTS,
  type Contributions,
  type FeatureContribution,
  type HybridFitReport,
  type HybridOptions,
  type RankerChoice,
  type InnerHoldoutOptions,
  type FusionStage,
  buildRankingData,
  makeFeatureBuilder,
  COLD_VALIDATION_SHARE,
  INNER_COLD_ITEM_SHARE,
} from './hybrid';
export { carveHoldout, coldTargetShare, HOLDOUT_DEFAULTS, type Holdout, type HoldoutOptions } from './holdout';
export { FeatureBuilder, type FeatureFlags, type FeatureSpec, type HybridSource, type KgFactIndex } from './features';
export { fitLinear, LinearRanker, LINEAR_DEFAULTS, type LinearOptions } from './linear';
export { fitGbdt, GbdtRanker, GBDT_DEFAULTS, type GbdtOptions } from './gbdt';
export { Standardizer, groupNdcg, type RankerModel, type RankingData } from './ranker';
export { mmrRerank } from './mmr';
export {
  explainRecommendation,
  signalShares,
  coInteractionCounter,
  explanationEvidence,
  posthocEvidence,
  type EvidenceAt,
  type RelatedInput,
  type ContributionSource,
  type Counterfactual,
  type ExplainInput,
  type StoredCounterfactual,
  type Explanation,
  type HistoryLink,
  type ProfileTermLike,
} from './explain';
export {
  combineShares,
  citeEvidence,
  marginAt,
  CITE_MAX,
  findCounterfactual,
  rankAmong,
  COUNTERFACTUAL_MAX,
  type AttributionSource,
  type CounterfactualResult,
  type CitedEvidence,
  type HistoryAttributionResult,
  type HistoryShare,
} from './attribution';
export {
  measureFidelity,
  evidenceRanks,
  randomEvidence,
  sampleUsers,
  type CitationContext,
  type CitationRule,
  type EvidenceRanks,
  type FidelityOptions,
  type FidelitySubject,
  type FidelitySummary,
} from './fidelity';
export { leadReason, LEAD_MIN_SHARE } from './explain-reason';
export {
  whatIfRanking,
  ranksOf,
  sharedTies,
  tiesMap,
  isEmptyRemoval,
  type SharedTie,
  type WhatIfRanking,
  type WhatIfRemoval,
  type WhatIfRow,
  type WhatIfSource,
} from './what-if';
export { reasonTemplates, REASON_LANGS, type ReasonLang, type ReasonTemplates, type LinkKind, type SignalPhrase } from './reason-templates';
export { encodeItems, querySentences, servingPopularity, textScores, QUERY_SENTENCE_TOKENS, SERVING_SPLIT_SEED, type QueryText } from './query';
export {
  recommendForNewUser,
  interactionViews,
  pickIndices,
  coScores,
  NEW_USER_WEIGHTS,
  type InteractionViews,
  type NewUserItem,
  type NewUserRecommendations,
  type NewUserRequest,
} from './new-user';
