/** Contracts of the encode layer (text → L2-normalized vectors). */

export interface EncodeOptions {
  /** Cancels between batches; the promise then rejects with KnowrecError('cancelled'). */
  readonly signal?: AbortSignal;
  /** Called after each batch with the number of texts encoded so far. */
  readonly onProgress?: (done: number, total: number) => void;
}

/** Turns texts into L2-normalized vectors of length `dim`, one per text, in input order. */
export interface Encoder {
  /** Identifies the model and its variant (e.g. `all-MiniLM-L6-v2@int8`); cache key. */
  readonly modelId: string;
  readonly dim: number;
  encode(texts: readonly string[], options?: EncodeOptions): Promise<Float32Array[]>;
}

export interface EncodeLogger {
  info(message: string): void;
  warn(message: string): void;
}

/** Notes and warnings go to stderr: a command's stdout carries only its output (e.g. `--json`). */
export const consoleLogger: EncodeLogger = {
  info: (m) => console.error(`[encode] ${m}`),
  warn: (m) => console.warn(`[encode] ${m}`),
};
