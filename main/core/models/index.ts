export { PopScorer } from './pop';
export { ItemKnnScorer, ITEMKNN_DEFAULTS, topNeighbours, type ItemKnnOptions, type KnnWeighting } from './itemknn';
export { EaseScorer, EASE_DEFAULTS, gram, type EaseOptions } from './ease';
export { BprScorer, BPR_DEFAULTS, type BprOptions, type BprOptimizer, type BprEpoch } from './bpr';
export { choleskyInPlace, invertSpd, type InverseOptions } from './linalg';
export {
  BASELINE_NAMES,
  createScorer,
  defaultGrid,
  isBaselineName,
  scorerOptionHelp,
  type BaselineName,
  type OptionValue,
  type ScorerHooks,
  type ScorerOptions,
} from './registry';
export { tuneOnValidation, type TuneResult, type TunedConfig } from './tune';
export { buildFitContext, placeholderDataset, type FitContextInput } from './context';
export { dedupeRows, transpose } from './csr';
export { SemanticScorer, SEMANTIC_DEFAULTS, type SemanticOptions } from './semantic';
