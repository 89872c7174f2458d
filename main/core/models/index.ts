export { PopScorer } from './pop';
export { ItemKnnScorer, ITEMKNN_DEFAULTS, topNeighbours, type ItemKnnOptions, type KnnWeighting } from './itemknn';
export { EaseScorer, EASE_DEFAULTS, gram, type EaseOptions } from './ease';
export { BprScorer, BPR_DEFAULTS, type BprOptions, type BprOptimizer, type BprEpoch } from './bpr';
export { choleskyInPlace, invertSpd, type InverseOptions } from './linalg';
export {
  ablationSources,
  buildModel,
  createScorer,
  defaultGrid,
  demoModels,
  modelCatalog,
  modelEntries,
  modelEntry,
  modelNames,
  scorerOptionHelp,
  tuneOnValidation,
  type DemoProtocol,
  type ModelEntry,
  type ModelInfo,
  type ModelKind,
  type ScorerHooks,
} from './registry';
export type { ModelEnvironment } from './environment';
export type { OptionValue, ScorerOptions } from './options';
export { coordinateSearch, EarlyStopping, lineSearch, tuneGrid, type Coordinate, type SearchStep, type TuneResult, type TunedConfig } from './tune';
export { buildFitContext, placeholderDataset, type FitContextInput } from './context';
export { dedupeRows, transpose } from './csr';
export { SemanticScorer, SEMANTIC_DEFAULTS, type SemanticOptions } from './semantic';
export { isAttributable, sortContributions, type HistoryAttribution, type HistoryContribution } from './attribution';
