/** Messages between WorkerEncoder (main thread) and encode-worker.ts (encoder thread). */
import type { SerializedError } from '../worker-launcher';
import type { ExecutionProviderChoice, ModelVariant } from './encoder';
import type { TextRole } from './types';

/** The OnnxEncoder options that can cross a thread boundary (no functions). */
export interface WorkerEncoderConfig {
  readonly modelDir?: string;
  readonly model?: ModelVariant;
  readonly executionProvider?: ExecutionProviderChoice;
  readonly intraOpThreads?: number;
  readonly batchSize?: number;
  readonly maxLength?: number;
}

export type ToWorker =
  | { readonly type: 'encode'; readonly id: number; readonly texts: readonly string[]; readonly role?: TextRole }
  | { readonly type: 'cancel'; readonly id: number };

export type FromWorker =
  | { readonly type: 'ready'; readonly modelId: string; readonly cacheKey: string; readonly dim: number; readonly provider: string; readonly asymmetric?: boolean; readonly languages?: 'en' | 'multilingual' }
  | { readonly type: 'init-error'; readonly error: SerializedError }
  | { readonly type: 'log'; readonly level: 'info' | 'warn'; readonly message: string }
  | { readonly type: 'progress'; readonly id: number; readonly done: number; readonly total: number }
  | { readonly type: 'result'; readonly id: number; readonly vectors: Float32Array[] }
  | { readonly type: 'error'; readonly id: number; readonly error: SerializedError };
