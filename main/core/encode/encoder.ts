/**
 * Sentence encoder on onnxruntime-node: the model's tokenizer (WordPiece or SentencePiece
 * Unigram) after its query/passage prefix (manifest.json), batches sorted by length, BERT forward
 * pass, mean pooling over the attention mask, L2 normalization.
 */
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { ort } from '../ort';
import { KnowrecError, throwIfAborted } from '../errors';
import { loadTextTokenizer } from './hf-tokenizer';
import { DEFAULT_MAX_LENGTH, defaultModelDir, locateModel, type TextModelLanguages } from './model-dir';
import type { EncodedBatch, TextTokenizer } from './tokenizer';
import { consoleLogger, type EncodeLogger, type EncodeOptions, type Encoder, type TextRole } from './types';

export type ExecutionProviderChoice = 'cuda' | 'cpu' | 'auto';
export type ResolvedProvider = 'cuda' | 'cpu';
export type ModelVariant = 'fp32' | 'int8';

/** What the encoder needs from an inference session (an ort.InferenceSession satisfies it). */
export type SessionLike = Pick<ort.InferenceSession, 'inputNames' | 'outputNames' | 'run' | 'release'>;

export interface SessionRequest {
  readonly modelPath: string;
  readonly provider: ResolvedProvider;
  readonly intraOpThreads?: number;
  /** Let idle intra-op threads spin (busy-wait) between parallel sections; default false. */
  readonly spinWait?: boolean;
}

/** Creates a session for one provider; throws when the provider is unavailable. */
export type SessionFactory = (request: SessionRequest) => Promise<SessionLike>;

export const defaultSessionFactory: SessionFactory = async (req) => {
  if (req.provider === 'cuda') {
    const missing = missingCudaProvider();
    if (missing !== null) throw new Error(missing);
  }
  const options = sessionOptions(req);
  return ort.InferenceSession.create(req.modelPath, options);
};

/**
 * Session options for a request. Spinning is off unless asked for: on a machine shared with
 * other work (2 cores, other jobs running) spinning threads fight the other processes and the
 * int8 encoder with 2 threads dropped to ~66 sentences/s median against ~82 without spinning
 * (docs/model.md, Speed); on an idle machine spinning gains only a few per cent.
 */
export function sessionOptions(req: SessionRequest): ort.InferenceSession.SessionOptions {
  const options: ort.InferenceSession.SessionOptions = {
    executionProviders: [req.provider],
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
    interOpNumThreads: 1,
    // A failed CUDA attempt is reported through our logger; keep ORT's own error line quiet.
    logSeverityLevel: req.provider === 'cuda' ? 4 : 2,
    extra: { session: { intra_op: { allow_spinning: req.spinWait === true ? '1' : '0' } } },
  };
  if (req.intraOpThreads !== undefined) options.intraOpNumThreads = req.intraOpThreads;
  return options;
}

export interface OnnxEncoderOptions {
  /** Folder holding model.onnx (and/or model.int8.onnx) + tokenizer.json. Default: defaultModelDir(). */
  readonly modelDir?: string;
  /** `fp32` → model.onnx (default), `int8` → model.int8.onnx. */
  readonly model?: ModelVariant;
  /** Default 'auto': CUDA when available, else CPU. */
  readonly executionProvider?: ExecutionProviderChoice;
  /** onnxruntime intra-op threads; default: onnxruntime's choice. */
  readonly intraOpThreads?: number;
  /** Let onnxruntime's idle threads busy-wait (faster only on an otherwise idle machine); default false. */
  readonly spinWait?: boolean;
  /** Texts per forward pass; default 32. */
  readonly batchSize?: number;
  /** Max tokens per text incl. [CLS]/[SEP]; default manifest.json's max_length, else 256. */
  readonly maxLength?: number;
  readonly logger?: EncodeLogger;
  /** Test seam: how sessions are made. */
  readonly sessionFactory?: SessionFactory;
}

export const MODEL_FILES: Readonly<Record<ModelVariant, string>> = { fp32: 'model.onnx', int8: 'model.int8.onnx' };

export class OnnxEncoder implements Encoder {
  readonly modelId: string;
  /** modelId and the first 12 hex digits of the model file's SHA-256 (from the manifest; modelId alone without one). */
  readonly cacheKey: string;
  readonly dim: number;
  readonly provider: ResolvedProvider;
  readonly maxLength: number;
  readonly batchSize: number;
  readonly tokenizer: TextTokenizer;
  readonly asymmetric: boolean;
  readonly languages: TextModelLanguages;
  private readonly prefixes: Readonly<Record<TextRole, string>>;
  private readonly session: SessionLike;
  private readonly outputName: string;
  private readonly hasTypeIds: boolean;

  private constructor(init: {
    modelId: string;
    cacheKey: string;
    dim: number;
    provider: ResolvedProvider;
    maxLength: number;
    batchSize: number;
    tokenizer: TextTokenizer;
    session: SessionLike;
    outputName: string;
    prefixes: Readonly<Record<TextRole, string>>;
    languages: TextModelLanguages;
  }) {
    this.modelId = init.modelId;
    this.cacheKey = init.cacheKey;
    this.dim = init.dim;
    this.provider = init.provider;
    this.maxLength = init.maxLength;
    this.batchSize = init.batchSize;
    this.tokenizer = init.tokenizer;
    this.session = init.session;
    this.outputName = init.outputName;
    this.hasTypeIds = init.session.inputNames.includes('token_type_ids');
    this.prefixes = init.prefixes;
    this.asymmetric = init.prefixes.query !== init.prefixes.passage;
    this.languages = init.languages;
  }

  static async create(options: OnnxEncoderOptions = {}): Promise<OnnxEncoder> {
    const variant = options.model ?? 'fp32';
    if (!(variant in MODEL_FILES)) {
      throw new KnowrecError('config', `Unknown model variant ${JSON.stringify(variant)}`, {}, "use 'fp32' or 'int8'");
    }
    const batchSize = options.batchSize ?? 32;
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new KnowrecError('config', `batchSize must be a positive integer, got ${batchSize}`, {}, 'the default is 32');
    }
    const files = locateModel(options.modelDir ?? defaultModelDir(), MODEL_FILES[variant]);
    const tokenizer = loadTextTokenizer(files.tokenizerPath);
    const prefixes = { query: files.manifest.queryPrefix ?? '', passage: files.manifest.passagePrefix ?? '' };
    const languages = files.manifest.languages;
    const maxLength = options.maxLength ?? files.manifest.maxLength ?? DEFAULT_MAX_LENGTH;
    const logger = options.logger ?? consoleLogger;
    const { session, provider } = await openSession(
      options.sessionFactory ?? defaultSessionFactory,
      files.modelPath,
      options.executionProvider ?? 'auto',
      { intraOpThreads: options.intraOpThreads, spinWait: options.spinWait },
      logger,
    );
    for (const name of ['input_ids', 'attention_mask']) {
      if (!session.inputNames.includes(name)) {
        throw new KnowrecError('validation', `The ONNX model has no input named ${name} (inputs: ${session.inputNames.join(', ')})`, { file: files.modelPath }, 'export a BERT encoder with input_ids, attention_mask[, token_type_ids]');
      }
    }
    const outputName = session.outputNames.includes('last_hidden_state') ? 'last_hidden_state' : session.outputNames[0];
    const base = files.manifest.modelId ?? basename(files.dir);
    const modelId = variant === 'fp32' ? base : `${base}@${variant}`;
    const sha = files.manifest.sha256?.[basename(files.modelPath)];
    const enc = new OnnxEncoder({
      modelId,
      cacheKey: sha !== undefined ? `${modelId}#${sha.slice(0, 12)}` : modelId,
      dim: 0,
      provider,
      maxLength,
      batchSize,
      tokenizer,
      session,
      outputName,
      prefixes,
      languages,
    });
    // The width of the output, read from a tiny forward pass ([CLS] [SEP]).
    const probe = await enc.forward(tokenizer.pack([Int32Array.of(tokenizer.clsId, tokenizer.sepId)]));
    const dim = probe.dims[2];
    if (probe.dims.length !== 3 || !Number.isInteger(dim) || dim < 1) {
      throw new KnowrecError('validation', `Expected a [batch, sequence, dim] output, got dims [${probe.dims.join(', ')}]`, { file: files.modelPath }, 'export the encoder with last_hidden_state as its output');
    }
    return new OnnxEncoder({ modelId: enc.modelId, cacheKey: enc.cacheKey, dim, provider, maxLength, batchSize, tokenizer, session, outputName, prefixes, languages });
  }

  async encode(texts: readonly string[], options: EncodeOptions = {}): Promise<Float32Array[]> {
    const total = texts.length;
    const out: Float32Array[] = new Array<Float32Array>(total);
    if (total === 0) return out;
    const prefix = this.prefixes[options.role ?? 'passage'];
    const seqs = texts.map((t) => this.tokenizer.encode(prefix + t, this.maxLength));
    // Longest first, stable: similar lengths share a batch, so little padding.
    const order = Array.from({ length: total }, (_, i) => i).sort((a, b) => seqs[b].length - seqs[a].length || a - b);
    let done = 0;
    for (let start = 0; start < total; start += this.batchSize) {
      throwIfAborted(options.signal);
      const idx = order.slice(start, start + this.batchSize);
      const batch = this.tokenizer.pack(idx.map((i) => seqs[i]));
      const hidden = await this.forward(batch);
      const pooled = meanPoolNormalize(hidden.data, batch, this.dim);
      for (let r = 0; r < idx.length; r++) out[idx[r]] = pooled[r];
      done += idx.length;
      options.onProgress?.(done, total);
    }
    throwIfAborted(options.signal);
    return out;
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }

  private async forward(batch: EncodedBatch): Promise<{ data: Float32Array; dims: readonly number[] }> {
    const shape = [batch.batchSize, batch.seqLen];
    const feeds: Record<string, ort.Tensor> = {
      input_ids: new ort.Tensor('int64', batch.inputIds, shape),
      attention_mask: new ort.Tensor('int64', batch.attentionMask, shape),
    };
    if (this.hasTypeIds) feeds.token_type_ids = new ort.Tensor('int64', batch.typeIds, shape);
    const result = await this.session.run(feeds);
    const t = result[this.outputName];
    if (t === undefined || !(t.data instanceof Float32Array)) {
      throw new KnowrecError('validation', `The model output ${this.outputName} is missing or not float32`, {}, 'export the encoder with a float32 last_hidden_state output');
    }
    return { data: t.data, dims: t.dims };
  }
}

/** Mean of the hidden states where attention_mask is 1, then L2 normalization; one vector per row. */
export function meanPoolNormalize(hidden: Float32Array, batch: EncodedBatch, dim: number): Float32Array[] {
  const { batchSize, seqLen, attentionMask } = batch;
  if (hidden.length !== batchSize * seqLen * dim) {
    throw new KnowrecError('internal', `Hidden states have ${hidden.length} values, expected ${batchSize}×${seqLen}×${dim}`);
  }
  const rows: Float32Array[] = [];
  const acc = new Float64Array(dim);
  for (let b = 0; b < batchSize; b++) {
    acc.fill(0);
    let count = 0;
    for (let t = 0; t < seqLen; t++) {
      if (attentionMask[b * seqLen + t] === 0n) continue;
      count++;
      const off = (b * seqLen + t) * dim;
      for (let d = 0; d < dim; d++) acc[d] += hidden[off + d];
    }
    const v = new Float32Array(dim);
    let norm = 0;
    for (let d = 0; d < dim; d++) {
      const x = acc[d] / Math.max(count, 1);
      v[d] = x;
      norm += x * x;
    }
    norm = Math.sqrt(norm);
    if (norm > 0) for (let d = 0; d < dim; d++) v[d] /= norm;
    rows.push(v);
  }
  return rows;
}

async function openSession(
  factory: SessionFactory,
  modelPath: string,
  choice: ExecutionProviderChoice,
  threading: Pick<SessionRequest, 'intraOpThreads' | 'spinWait'>,
  logger: EncodeLogger,
): Promise<{ session: SessionLike; provider: ResolvedProvider }> {
  if (choice !== 'cpu' && choice !== 'cuda' && choice !== 'auto') {
    throw new KnowrecError('config', `Unknown execution provider ${JSON.stringify(choice)}`, {}, "use 'cuda', 'cpu' or 'auto'");
  }
  if (choice === 'cuda' || choice === 'auto') {
    try {
      const session = await factory({ modelPath, provider: 'cuda', ...threading });
      logger.info(`encoder on CUDA (${basename(modelPath)})`);
      return { session, provider: 'cuda' };
    } catch (e) {
      const note = `CUDA execution provider unavailable (${firstLine(e)}); falling back to CPU`;
      if (choice === 'cuda') logger.warn(note);
      else logger.info(note);
    }
  }
  try {
    const session = await factory({ modelPath, provider: 'cpu', ...threading });
    return { session, provider: 'cpu' };
  } catch (e) {
    throw new KnowrecError('parse', `onnxruntime could not load the model: ${firstLine(e)}`, { file: modelPath }, 'run `npm run model -- --force` to prepare it again');
  }
}

function firstLine(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.split('\n')[0];
}

/**
 * onnxruntime-node loads CUDA from a provider library installed next to its binding (absent
 * when installed with ONNXRUNTIME_NODE_INSTALL_CUDA=skip or on machines without CUDA).
 * Returns why CUDA cannot work, or null when the library is there (or the layout is unknown).
 */
function missingCudaProvider(): string | null {
  try {
    const req = createRequire(__filename);
    const binRoot = join(dirname(req.resolve('onnxruntime-node')), '..', 'bin');
    const lib = process.platform === 'win32' ? 'onnxruntime_providers_cuda.dll' : 'libonnxruntime_providers_cuda.so';
    for (const napi of readdirSync(binRoot)) {
      const dir = join(binRoot, napi, process.platform, process.arch);
      if (existsSync(dir)) return existsSync(join(dir, lib)) ? null : `${lib} is not installed in ${dir}`;
    }
  } catch {
    return null;
  }
  return null;
}
