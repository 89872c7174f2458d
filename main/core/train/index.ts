export { Adapter, ADAPTER_DEFAULT_RANK, type AdapterConfig, type Tower } from './adapter';
export { infoNceLoss, type InfoNceBatch } from './infonce';
export { buildPairs, chronological, prefixCuts, type PairSet, type RelevanceLabel } from './pairs';
export { trainAdapter, resolveParams, TRAIN_DEFAULTS, type EpochRecord, type TrainData, type TrainOptions, type TrainParams, type TrainResult } from './trainer';
export { trainAdapterInWorker } from './worker';
export { validationNdcg } from './validate';
export { parseLabelsCsv, readLabelsCsv } from './labels-file';
export {
  activeAdapterVersion,
  defaultAdapterRoot,
  listAdapterVersions,
  loadAdapter,
  saveAdapter,
  setActiveAdapter,
  type AdapterMeta,
  type AdapterVersion,
} from './versions';
