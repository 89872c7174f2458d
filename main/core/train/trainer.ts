/**
 * Contrastive training of the adapter: epochs over the (history-before-target, next item) pairs in
 * seeded shuffled batches, InfoNCE over in-batch and labelled negatives, Adam (or SGD), early
 * stopping on validation NDCG@10 with patience. The identity adapter (= the frozen encoder) is
 * epoch 0, so the result is never worse on validation than no fine-tuning.
 *
 * Reproducible: all randomness of epoch e comes from an rng seeded by (seed, e), so the state
 * after an epoch is (weights, optimiser moments, step, early-stopping record) — exactly what the
 * checkpoint written after every epoch holds. Resuming from it gives the same final weights as
 * an uninterrupted run. Cancelling (AbortSignal) stops between batches and keeps the last
 * checkpoint.
 */
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { KnowrecError, throwIfAborted } from '../errors';
import { createRng, normalizeSeed, type Rng } from '../random';
import type { Csr } from '../types';
import { Adapter, ADAPTER_DEFAULT_RANK } from './adapter';
import { readBinFile, writeBinFile } from './binfile';
import { InfoNceWorkspace, infoNceLoss, type InfoNceBatch } from './infonce';
import { createOptimizer, optimizerStep, type OptimizerName, type OptimizerState } from './optim';
import type { PairSet } from './pairs';
import { validationNdcg, type ValidationData } from './validate';

export interface TrainParams {
  /** Rank of the residual A·B per tower; 0 = full d×d. */
  readonly rank: number;
  readonly temperature: number;
  readonly optimizer: OptimizerName;
  readonly lr: number;
  /** L2 penalty (λ/2)‖θ‖² on the residual weights (pulls W towards I). */
  readonly weightDecay: number;
  /** Input dropout rate on user and item vectors. */
  readonly dropout: number;
  readonly batchSize: number;
  /** Maximum epochs. */
  readonly epochs: number;
  /** Epochs without a validation gain > minDelta before stopping. */
  readonly patience: number;
  readonly minDelta: number;
  /** Log-Q correction of in-batch negatives (removes the popularity bias of in-batch sampling). */
  readonly logQ: boolean;
  /** Labelled negatives of a row's user added per batch (sampled when more). */
  readonly maxLabelNegatives: number;
  /** Scale of B's random start (low-rank). */
  readonly initScale: number;
}

export const TRAIN_DEFAULTS: TrainParams = {
  rank: ADAPTER_DEFAULT_RANK,
  temperature: 0.05,
  optimizer: 'adam',
  lr: 0.002,
  weightDecay: 1e-5,
  dropout: 0.1,
  batchSize: 256,
  epochs: 10,
  patience: 3,
  minDelta: 1e-4,
  logQ: true,
  maxLabelNegatives: 16,
  initScale: 1,
};

export interface TrainData extends ValidationData {
  readonly pairs: PairSet;
  /** Known positives per user (train items, positive labels): never used as a row's negatives. */
  readonly positives: Csr;
  /** Labelled negatives per user (rows = users), or undefined. */
  readonly negatives?: Csr;
}

export interface EpochRecord {
  readonly epoch: number;
  /** Mean training loss of the epoch (weight decay included). */
  readonly loss: number;
  readonly validNdcg: number;
  readonly seconds: number;
}

export interface TrainOptions {
  readonly seed: number;
  readonly params?: Partial<TrainParams>;
  /** Called after each epoch (and its checkpoint); the next epoch waits for a returned promise. */
  readonly onEpoch?: (r: EpochRecord) => void | Promise<void>;
  readonly signal?: AbortSignal;
  /** Written (atomically) after every epoch. */
  readonly checkpointPath?: string;
  /** Checkpoint file to continue from (same data, seed and params). */
  readonly resumeFrom?: string;
}

export interface TrainResult {
  readonly adapter: Adapter;
  readonly params: TrainParams;
  readonly seed: number;
  /** Validation NDCG@10 of the identity adapter (the frozen encoder). */
  readonly initialValidNdcg: number;
  readonly bestValidNdcg: number;
  /** Epoch of the kept weights; 0 = identity. */
  readonly bestEpoch: number;
  readonly history: readonly EpochRecord[];
  readonly stoppedEarly: boolean;
  /** Epoch the run continued after, when resumed. */
  readonly resumedAfterEpoch: number | null;
  readonly pairs: number;
}

export const CHECKPOINT_FORMAT = 'knowrec-train-checkpoint/1';

interface CheckpointMeta {
  readonly format: typeof CHECKPOINT_FORMAT;
  readonly fingerprint: string;
  readonly params: TrainParams;
  readonly seed: number;
  readonly dim: number;
  readonly epochsDone: number;
  readonly optimizerStep: number;
  readonly initialValidNdcg: number;
  readonly bestValidNdcg: number;
  readonly bestEpoch: number;
  readonly badEpochs: number;
  readonly stopped: boolean;
  readonly history: readonly EpochRecord[];
  /** The rng of epoch e is createRng(epochSeed(seed, e)); the next one is e = epochsDone + 1. */
  readonly rng: { readonly seed: number; readonly nextEpoch: number };
}

export function resolveParams(p: Partial<TrainParams> = {}): TrainParams {
  const r: TrainParams = { ...TRAIN_DEFAULTS, ...p };
  const bad = (name: string, msg: string): never => {
    throw new KnowrecError('config', `fine-tune: ${name} ${msg}`, {}, `default ${String(TRAIN_DEFAULTS[name as keyof TrainParams])}`);
  };
  if (!(r.temperature > 0)) bad('temperature', `must be > 0, got ${r.temperature}`);
  if (!(r.lr > 0)) bad('lr', `must be > 0, got ${r.lr}`);
  if (!(r.weightDecay >= 0)) bad('weightDecay', `must be ≥ 0, got ${r.weightDecay}`);
  if (!(r.dropout >= 0 && r.dropout < 1)) bad('dropout', `must be in [0, 1), got ${r.dropout}`);
  if (!Number.isInteger(r.batchSize) || r.batchSize < 2) bad('batchSize', `must be an integer ≥ 2, got ${r.batchSize}`);
  if (!Number.isInteger(r.epochs) || r.epochs < 1) bad('epochs', `must be an integer ≥ 1, got ${r.epochs}`);
  if (!Number.isInteger(r.patience) || r.patience < 1) bad('patience', `must be an integer ≥ 1, got ${r.patience}`);
  if (!Number.isInteger(r.maxLabelNegatives) || r.maxLabelNegatives < 0) bad('maxLabelNegatives', `must be an integer ≥ 0, got ${r.maxLabelNegatives}`);
  if (!Number.isInteger(r.rank) || r.rank < 0) bad('rank', `must be an integer ≥ 0 (0 = full), got ${r.rank}`);
  return r;
}

/** The seed of epoch e's rng. */
export function epochSeed(seed: number, epoch: number): number {
  return (normalizeSeed(seed) ^ Math.imul(epoch + 1, 0x9e3779b1)) >>> 0;
}

/** A hash of everything the training depends on, so a checkpoint is only resumed on the same job. */
export function trainFingerprint(data: TrainData, params: TrainParams, seed: number): string {
  const h = createHash('sha256');
  h.update(JSON.stringify({ params, seed, nUsers: data.nUsers, nItems: data.nItems, dim: data.dim, pairs: data.pairs.n }));
  const arrays: ArrayBufferView[] = [
    data.pairs.x, data.pairs.user, data.pairs.item, data.itemVecs, data.userVecs,
    data.valid.user, data.valid.item, data.positives.indptr, data.positives.indices,
  ];
  if (data.negatives !== undefined) arrays.push(data.negatives.indptr, data.negatives.indices);
  for (const a of arrays) h.update(Buffer.from(a.buffer, a.byteOffset, a.byteLength));
  return h.digest('hex');
}

function inRow(m: Csr | undefined, row: number, col: number): boolean {
  if (m === undefined) return false;
  let lo = m.indptr[row];
  let hi = m.indptr[row + 1] - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const c = m.indices[mid];
    if (c === col) return true;
    if (c < col) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/** Builds batches: columns, masks, log-Q biases and dropout. */
class BatchBuilder {
  private readonly colOf: Int32Array;
  private readonly colItem: Int32Array;
  private readonly colInBatch: Uint8Array;
  private readonly logQ: Float64Array;
  private rowX: Float32Array;
  private colV: Float32Array;
  private mask: Uint8Array;
  private readonly positive: Int32Array;
  private colBias: Float64Array;

  constructor(private readonly data: TrainData, private readonly p: TrainParams) {
    const { nItems, dim } = data;
    this.colOf = new Int32Array(nItems).fill(-1);
    const maxCols = p.batchSize * (1 + p.maxLabelNegatives);
    this.colItem = new Int32Array(maxCols);
    this.colInBatch = new Uint8Array(maxCols);
    this.rowX = new Float32Array(p.batchSize * dim);
    this.colV = new Float32Array(Math.min(maxCols, nItems) * dim);
    this.mask = new Uint8Array(p.batchSize * Math.min(maxCols, nItems));
    this.positive = new Int32Array(p.batchSize);
    this.colBias = new Float64Array(Math.min(maxCols, nItems));
    // log of how much more often than uniform an item is drawn as an in-batch column
    const counts = new Float64Array(nItems);
    for (let i = 0; i < data.pairs.n; i++) counts[data.pairs.item[i]]++;
    this.logQ = new Float64Array(nItems);
    const total = Math.max(1, data.pairs.n);
    for (let i = 0; i < nItems; i++) this.logQ[i] = counts[i] > 0 ? Math.log((counts[i] / total) * nItems) : 0;
  }

  build(order: Int32Array, start: number, end: number, rng: Rng): InfoNceBatch {
    const { data, p } = this;
    const d = data.dim;
    const pairs = data.pairs;
    const nRows = end - start;
    let nCols = 0;
    const addCol = (item: number, inBatch: boolean): number => {
      let c = this.colOf[item];
      if (c < 0) {
        c = nCols++;
        this.colOf[item] = c;
        this.colItem[c] = item;
        this.colInBatch[c] = 0;
      }
      if (inBatch) this.colInBatch[c] = 1;
      return c;
    };
    for (let b = 0; b < nRows; b++) this.positive[b] = addCol(pairs.item[order[start + b]], true);
    const neg = data.negatives;
    if (neg !== undefined && p.maxLabelNegatives > 0) {
      for (let b = 0; b < nRows; b++) {
        const u = pairs.user[order[start + b]];
        const a = neg.indptr[u];
        const n = neg.indptr[u + 1] - a;
        if (n <= p.maxLabelNegatives) {
          for (let q = 0; q < n; q++) addCol(neg.indices[a + q], false);
        } else {
          for (let q = 0; q < p.maxLabelNegatives; q++) addCol(neg.indices[a + rng.int(n)], false);
        }
      }
    }
    if (this.mask.length < nRows * nCols) this.mask = new Uint8Array(nRows * nCols);
    if (this.colV.length < nCols * d) this.colV = new Float32Array(nCols * d);
    if (this.colBias.length < nCols) this.colBias = new Float64Array(nCols);
    const keep = 1 - p.dropout;
    const drop = p.dropout > 0;
    const copyIn = (dst: Float32Array, dOff: number, src: Float32Array, sOff: number): void => {
      if (!drop) {
        dst.set(src.subarray(sOff, sOff + d), dOff);
        return;
      }
      for (let k = 0; k < d; k++) dst[dOff + k] = rng.next() < p.dropout ? 0 : src[sOff + k] / keep;
    };
    for (let b = 0; b < nRows; b++) copyIn(this.rowX, b * d, pairs.x, order[start + b] * d);
    for (let c = 0; c < nCols; c++) {
      const it = this.colItem[c];
      copyIn(this.colV, c * d, data.itemVecs, it * d);
      this.colBias[c] = p.logQ && this.colInBatch[c] === 1 ? this.logQ[it] : 0;
    }
    for (let b = 0; b < nRows; b++) {
      const u = pairs.user[order[start + b]];
      const mo = b * nCols;
      for (let c = 0; c < nCols; c++) {
        const it = this.colItem[c];
        let m: number;
        if (c === this.positive[b]) m = 1;
        else if (inRow(data.positives, u, it)) m = 0;
        else if (this.colInBatch[c] === 1) m = 1;
        else m = inRow(neg, u, it) ? 1 : 0;
        this.mask[mo + c] = m;
      }
    }
    for (let c = 0; c < nCols; c++) this.colOf[this.colItem[c]] = -1;
    return {
      nRows,
      nCols,
      rowX: this.rowX,
      colV: this.colV,
      positive: this.positive,
      mask: this.mask,
      colBias: this.colBias,
      temperature: p.temperature,
    };
  }
}

const YIELD_EVERY = 4;

function yieldNow(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Where a run stands after `epochsDone` epochs: what a checkpoint holds (with the run's identity). */
interface RunState {
  adapter: Adapter;
  opt: OptimizerState;
  /** Weights of the best epoch so far (the identity = epoch 0 at first). */
  best: Float64Array;
  epochsDone: number;
  initialValidNdcg: number;
  bestValid: number;
  bestEpoch: number;
  /** Epochs since the last validation gain. */
  bad: number;
  stopped: boolean;
  history: EpochRecord[];
}

function checkTrainable(data: TrainData, p: TrainParams): void {
  const d = data.dim;
  if (p.rank > d) throw new KnowrecError('config', `fine-tune: rank ${p.rank} exceeds the vector size ${d}`, {}, `use 0 (full) or a rank ≤ ${d}`);
  if (data.pairs.n === 0) {
    throw new KnowrecError('validation', 'fine-tune: no training pairs (every user has fewer than two training interactions)', {},
      'use a dataset with longer histories, or add positive labels');
  }
}

/** Epoch 0: the identity adapter (seeded start of the low-rank factors), scored on validation. */
function freshState(data: TrainData, p: TrainParams, seed: number, signal: AbortSignal | undefined): RunState {
  const adapter = Adapter.init({ dim: data.dim, rank: p.rank }, createRng(seed), p.initScale);
  const initialValidNdcg = data.valid.user.length > 0 ? validationNdcg(adapter, data, 10, signal) : 0;
  return {
    adapter,
    opt: createOptimizer(p.optimizer, adapter.params.length),
    best: adapter.params.slice(),
    epochsDone: 0,
    initialValidNdcg,
    bestValid: initialValidNdcg,
    bestEpoch: 0,
    bad: 0,
    stopped: false,
    history: [],
  };
}

/** The state saved in `file`, which must come from a run with this fingerprint. */
function resumedState(file: string, fingerprint: string, p: TrainParams, dim: number): RunState {
  const ck = readBinFile(file);
  const m = ck.meta as CheckpointMeta;
  if (m === null || typeof m !== 'object' || m.format !== CHECKPOINT_FORMAT) {
    throw new KnowrecError('parse', 'not a fine-tuning checkpoint', { file }, 'pass the .checkpoint.bin file written by an earlier run');
  }
  if (m.fingerprint !== fingerprint) {
    throw new KnowrecError('validation', 'the checkpoint belongs to another job (different data, seed or hyper-parameters)', { file },
      'resume with the same dataset, labels, seed and parameters, or start a new run');
  }
  return {
    adapter: new Adapter({ dim, rank: p.rank }, ck.arrays.params),
    opt: { name: p.optimizer, step: m.optimizerStep, m: ck.arrays.m, v: ck.arrays.v },
    best: ck.arrays.best,
    epochsDone: m.epochsDone,
    initialValidNdcg: m.initialValidNdcg,
    bestValid: m.bestValidNdcg,
    bestEpoch: m.bestEpoch,
    bad: m.badEpochs,
    stopped: m.stopped,
    history: [...m.history],
  };
}

function saveCheckpoint(path: string, s: RunState, fingerprint: string, p: TrainParams, seed: number, dim: number): void {
  const meta: CheckpointMeta = {
    format: CHECKPOINT_FORMAT, fingerprint, params: p, seed, dim, epochsDone: s.epochsDone, optimizerStep: s.opt.step,
    initialValidNdcg: s.initialValidNdcg, bestValidNdcg: s.bestValid, bestEpoch: s.bestEpoch, badEpochs: s.bad, stopped: s.stopped,
    history: s.history, rng: { seed: normalizeSeed(seed), nextEpoch: s.epochsDone + 1 },
  };
  writeBinFile(path, meta, { params: s.adapter.params, m: s.opt.m, v: s.opt.v, best: s.best });
}

/** Keeps the epoch's weights when validation gained more than minDelta; stops after `patience` epochs without. */
function earlyStopping(s: RunState, epoch: number, validNdcg: number, hasValid: boolean, p: TrainParams): void {
  if (!hasValid) {
    s.best = s.adapter.params.slice();
    s.bestEpoch = epoch;
  } else if (validNdcg > s.bestValid + p.minDelta) {
    s.bestValid = validNdcg;
    s.bestEpoch = epoch;
    s.best = s.adapter.params.slice();
    s.bad = 0;
  } else {
    s.bad++;
    if (s.bad >= p.patience) s.stopped = true;
  }
}

/** The optimiser steps of one epoch over the pairs in the epoch's seeded order; returns the mean loss. */
class EpochTrainer {
  private readonly builder: BatchBuilder;
  private readonly ws = new InfoNceWorkspace();
  private readonly grad: Float64Array;

  constructor(private readonly data: TrainData, private readonly p: TrainParams, nParams: number) {
    this.builder = new BatchBuilder(data, p);
    this.grad = new Float64Array(nParams);
  }

  async run(s: RunState, rng: Rng, signal: AbortSignal | undefined): Promise<number> {
    const { p } = this;
    const n = this.data.pairs.n;
    const order = rng.shuffle(Int32Array.from({ length: n }, (_, i) => i));
    let lossSum = 0;
    let batches = 0;
    for (let start = 0; start < n; start += p.batchSize) {
      if (batches % YIELD_EVERY === 0) await yieldNow();
      throwIfAborted(signal);
      const batch = this.builder.build(order, start, Math.min(n, start + p.batchSize), rng);
      lossSum += infoNceLoss(s.adapter, batch, p.weightDecay, this.grad, this.ws);
      optimizerStep(s.opt, s.adapter.params, this.grad, p.lr);
      batches++;
    }
    return lossSum / Math.max(1, batches);
  }
}

export async function trainAdapter(data: TrainData, opts: TrainOptions): Promise<TrainResult> {
  const p = resolveParams(opts.params);
  const seed = opts.seed;
  const d = data.dim;
  checkTrainable(data, p);
  const fingerprint = opts.checkpointPath !== undefined || opts.resumeFrom !== undefined ? trainFingerprint(data, p, seed) : '';
  const hasValid = data.valid.user.length > 0;
  const s = opts.resumeFrom !== undefined ? resumedState(opts.resumeFrom, fingerprint, p, d) : freshState(data, p, seed, opts.signal);
  const resumedAfter = opts.resumeFrom !== undefined ? s.epochsDone : null;
  const trainer = new EpochTrainer(data, p, s.adapter.params.length);
  while (!s.stopped && s.epochsDone < p.epochs) {
    const epoch = s.epochsDone + 1;
    const t0 = performance.now();
    const loss = await trainer.run(s, createRng(epochSeed(seed, epoch)), opts.signal);
    await yieldNow();
    throwIfAborted(opts.signal);
    const validNdcg = hasValid ? validationNdcg(s.adapter, data, 10, opts.signal) : 0;
    earlyStopping(s, epoch, validNdcg, hasValid, p);
    const rec: EpochRecord = { epoch, loss, validNdcg, seconds: (performance.now() - t0) / 1000 };
    s.history.push(rec);
    s.epochsDone = epoch;
    if (opts.checkpointPath !== undefined) saveCheckpoint(opts.checkpointPath, s, fingerprint, p, seed, d);
    await opts.onEpoch?.(rec);
  }
  return {
    adapter: new Adapter({ dim: d, rank: p.rank }, s.best),
    params: p,
    seed,
    initialValidNdcg: s.initialValidNdcg,
    bestValidNdcg: s.bestValid,
    bestEpoch: s.bestEpoch,
    history: s.history,
    stoppedEarly: s.stopped,
    resumedAfterEpoch: resumedAfter,
    pairs: data.pairs.n,
  };
}
