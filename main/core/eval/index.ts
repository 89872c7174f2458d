export * from './split';
export * from './filters';
export * from './recbole-files';
export * from './metrics';
export * from './evaluate';
