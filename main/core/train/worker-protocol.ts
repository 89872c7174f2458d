/** Messages between the training worker (train-worker.ts) and trainAdapterInWorker (worker.ts). */
import type { SerializedError } from '../worker-launcher';
import type { AdapterConfig } from './adapter';
import type { EpochRecord, TrainData, TrainParams, TrainResult } from './trainer';

/** The TrainOptions that can cross a thread boundary (no functions, no signal). */
export interface WorkerTrainOptions {
  readonly seed: number;
  readonly params?: Partial<TrainParams>;
  readonly checkpointPath?: string;
  readonly resumeFrom?: string;
}

/** A TrainResult with the adapter as plain data (its weights' buffer is transferred). */
export type SerializedTrainResult = Omit<TrainResult, 'adapter'> & {
  readonly config: AdapterConfig;
  readonly weights: Float64Array;
};

export type ToTrainWorker =
  | { readonly type: 'start'; readonly data: TrainData; readonly options: WorkerTrainOptions }
  | { readonly type: 'cancel' }
  /** The caller has handled an 'epoch' message; the worker starts the next epoch only then. */
  | { readonly type: 'ack' };

export type FromTrainWorker =
  | { readonly type: 'epoch'; readonly record: EpochRecord }
  | { readonly type: 'done'; readonly result: SerializedTrainResult }
  | { readonly type: 'error'; readonly error: SerializedError };
