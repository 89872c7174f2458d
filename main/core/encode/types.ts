/** Contracts of the encode layer (text → L2-normalized vectors). */

export interface EncodeOptions {
  /** Cancels between batches; the promise then rejects with KnowrecError('cancelled'). */
  readonly signal?: AbortSignal;
  /** Called after each batch with the number of texts encoded so far. */
  readonly onProgress?: (done: number, total: number) => void;
  /**
   * What the texts are: 'query' (a request) or 'passage' (what is searched: item and user
   * sentences; the default). Models trained with prefixes (e5: `query: ` / `passage: `) get
   * theirs from the encoder; callers pass plain text.
   */
  readonly role?: TextRole;
}

export type TextRole = 'query' | 'passage';

/** Turns texts into L2-normalized vectors of length `dim`, one per text, in input order. */
export interface Encoder {
  /** Identifies the model and its variant (e.g. `all-MiniLM-L6-v2@int8`); cache key. */
  readonly modelId: string;
  /**
   * The embeddings cache's key where it must say more than modelId: the model file's version (a
   * prefix of its SHA-256), so vectors of a regenerated file never meet those of the old one.
   * Absent: modelId.
   */
  readonly cacheKey?: string;
  readonly dim: number;
  /** True when queries and passages are encoded differently (prefixes): caches key them apart. */
  readonly asymmetric?: boolean;
  /** 'en' for an English-only model, 'multilingual' otherwise (absent: unknown). */
  readonly languages?: 'en' | 'multilingual';
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
