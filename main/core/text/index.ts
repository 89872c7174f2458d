export { itemSentence, itemTexts, userSentence, selectHistory, DEFAULT_ITEM_DROP_ORDER } from './verbalize';
export type { HistoryEntry } from './user-sentence';
export type {
  FactSource,
  ItemSentenceOptions,
  PartKind,
  TextFact,
  UserHistory,
  UserSentenceOptions,
  VerbalizeOptions,
  VerbalPart,
  Verbalized,
} from './types';
export {
  BUILT_IN_LANGS,
  TEMPLATE_KEYS,
  getTemplates,
  templatesForDomain,
  NEUTRAL_KEYS,
  type NeutralKey,
  loadTemplateFile,
  parseTemplateText,
  parseTemplates,
  relationPhrase,
  type FactDirection,
  type Templates,
} from './templates';
export { cleanLabel, containsRawMid, isRawMid } from './guard';
export { estimateTokens, type TokenCounter } from './tokens';
export { releaseYear } from './item-sentence';
export { readableTitle } from './render';
export { kgFactSource, type KgFactOptions } from './kg-facts';
export { catalogDomain, type CatalogDomain } from './domain';
