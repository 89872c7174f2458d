/**
 * Matrix factorisation trained with the BPR loss (Rendle et al., 2009): for each training pair
 * (u, i) and one uniformly sampled item j that u has not interacted with, minimise
 * −log σ(e_u·e_i − e_u·e_j) (+ optional L2 on the embeddings in the batch), by mini-batch Adam or
 * SGD. Early stopping on a caller-supplied validation metric keeps the best weights.
 * Attribution to the history and re-scoring without history items: by fold-in (fold-in.ts).
 */
import { KnowrecError, throwIfAborted } from '../errors';
import { createRng, type Rng } from '../random';
import type { Csr, FitContext, Scorer } from '../types';
import type { HistoryAttribution, HistoryContribution, RemovedTies, RescoreAt } from './attribution';
import { dedupeRows } from './csr';
import { FoldIn } from './fold-in';
import { nativeProductsParam } from './native-products';
import { adamStep, markBatchRows, sparseAdamStep } from './bpr-adam';
import { rowOf, rowScoresNative, scoreMatrixNative, type RowScores } from './native-matmul';
import { checkContext, checkUser, gather, notFitted, yieldToEventLoop, LastUserScores } from './scorer';
import { EarlyStopping } from './tune';

/**
 * 'adam': dense Adam over every row after each batch (as torch.optim.Adam on the whole table);
 * 'sparse-adam': Adam on the batch's rows only (as torch.optim.SparseAdam), so an epoch costs
 * O(interactions) instead of O(batches × (users + items)): the scale-mode choice (scale.ts).
 */
export type BprOptimizer = 'adam' | 'sgd' | 'sparse-adam';

export interface BprOptions {
  /** Embedding size. Default 64. */
  readonly dim?: number;
  /** Learning rate. Default 0.002 (Adam). */
  readonly lr?: number;
  /** L2 weight: each sample adds reg/2·(‖e_u‖² + ‖e_i‖² + ‖e_j‖²) to its loss. Default 0.01. */
  readonly reg?: number;
  /** Maximum number of epochs. Default 300. */
  readonly epochs?: number;
  /** Positive pairs per mini-batch. Default 2048. */
  readonly batchSize?: number;
  readonly optimizer?: BprOptimizer;
  /** Standard deviation of the normal initialisation. Default 0.03. */
  readonly initStd?: number;
  /** Validate every this many epochs. Default 1. */
  readonly evalEvery?: number;
  /** Stop after this many validations without improvement. Default 10. */
  readonly patience?: number;
  /** Seed for initialisation and sampling; default the context's seed. */
  readonly seed?: number;
  /**
   * Validation metric of the model in its current state (higher is better), e.g. NDCG@10 on the
   * validation split. Used for early stopping when the context has validation interactions.
   */
  readonly validate?: (scorer: Scorer) => number;
  /**
   * The users `validate` scores, when a sample: where every user's scores do not fit in memory
   * (scale), just these users are scored natively for each validation. Default: none.
   */
  readonly validationUsers?: Int32Array;
}

export const BPR_DEFAULTS = {
  dim: 64,
  lr: 0.002,
  reg: 0.01,
  epochs: 300,
  batchSize: 2048,
  optimizer: 'adam',
  initStd: 0.03,
  evalEvery: 1,
  patience: 10,
} as const;

export interface BprEpoch {
  readonly epoch: number;
  /** Mean BPR loss (without the L2 term) over the epoch's samples. */
  readonly loss: number;
  /** Validation metric after this epoch, when it was computed. */
  readonly valid?: number;
}

/** Buffers of one training run. */
interface TrainingState {
  /** Deduplicated training rows. */
  readonly x: Csr;
  readonly w: Float32Array;
  /** User of each positive, and the positives in this epoch's order. */
  readonly rowOf: Int32Array;
  readonly order: Int32Array;
  readonly grad: Float32Array;
  readonly adam: { readonly m: Float32Array; readonly v: Float32Array; t: number } | null;
  /** sparse-adam: rows touched by the batch (row index = offset / dim) and their marks. */
  readonly touched: { readonly rows: Int32Array; readonly mark: Uint8Array; n: number } | null;
  readonly batchU: Int32Array;
  readonly batchI: Int32Array;
  readonly batchJ: Int32Array;
  readonly itemBase: number;
}


export class BprScorer implements Scorer, HistoryAttribution {
  readonly name = 'bpr';
  readonly dim: number;
  readonly lr: number;
  readonly reg: number;
  readonly epochs: number;
  readonly batchSize: number;
  readonly optimizer: BprOptimizer;
  readonly initStd: number;
  readonly evalEvery: number;
  readonly patience: number;
  private readonly seedOverride: number | undefined;
  private readonly validate: ((scorer: Scorer) => number) | undefined;
  private readonly validationUsers: Int32Array | undefined;
  /** The validation users' scores, when every user's do not fit (scale). */
  private rowCache: RowScores | null = null;
  /** User embeddings (nUsers × dim) followed by item embeddings (nItems × dim). */
  private weights: Float32Array | null = null;
  private nUsers = 0;
  private nItems = 0;
  private log: BprEpoch[] = [];
  private bestEpoch = 0;
  private foldIn: FoldIn | null = null;
  /** The last user's trained scores, for scoreWithout. */
  private readonly lastScores = new LastUserScores();
  /** Every user's scores (nUsers × nItems), computed natively for one validation, then dropped. */
  private scoreCache: Float32Array | null = null;

  constructor(opts: BprOptions = {}) {
    this.dim = opts.dim ?? BPR_DEFAULTS.dim;
    this.lr = opts.lr ?? BPR_DEFAULTS.lr;
    this.reg = opts.reg ?? BPR_DEFAULTS.reg;
    this.epochs = opts.epochs ?? BPR_DEFAULTS.epochs;
    this.batchSize = opts.batchSize ?? BPR_DEFAULTS.batchSize;
    this.optimizer = opts.optimizer ?? BPR_DEFAULTS.optimizer;
    this.initStd = opts.initStd ?? BPR_DEFAULTS.initStd;
    this.evalEvery = opts.evalEvery ?? BPR_DEFAULTS.evalEvery;
    this.patience = opts.patience ?? BPR_DEFAULTS.patience;
    this.seedOverride = opts.seed;
    this.validate = opts.validate;
    this.validationUsers = opts.validationUsers;
    positiveInt('dim', this.dim);
    positiveInt('epochs', this.epochs);
    positiveInt('batchSize', this.batchSize);
    positiveInt('evalEvery', this.evalEvery);
    positiveInt('patience', this.patience);
    positiveNumber('lr', this.lr);
    positiveNumber('initStd', this.initStd);
    if (!(this.reg >= 0) || !Number.isFinite(this.reg)) {
      throw new KnowrecError('config', `bpr: reg must be a number ≥ 0, got ${this.reg}`, {}, 'e.g. reg: 0.0001');
    }
    if (this.optimizer !== 'adam' && this.optimizer !== 'sgd' && this.optimizer !== 'sparse-adam') {
      throw new KnowrecError('config', `bpr: optimizer must be 'adam', 'sparse-adam' or 'sgd', got '${String(this.optimizer)}'`);
    }
    if (this.seedOverride !== undefined && !Number.isFinite(this.seedOverride)) {
      throw new KnowrecError('config', `bpr: seed must be a finite number, got ${this.seedOverride}`);
    }
  }

  async fit(ctx: FitContext): Promise<void> {
    this.lastScores.clear();
    try {
      const x = await this.train(ctx);
      // over the kept item factors (the user's solve is remembered, so only once they are final)
      this.foldIn = new FoldIn((this.weights as Float32Array).subarray(this.nUsers * this.dim), this.dim, x, this.reg);
      this.lastScores.clear(); // again: a call during the fit may have kept the old weights' scores
    } catch (e) {
      this.weights = null; // a cancelled or failed fit leaves no half-trained model behind
      this.foldIn = null;
      throw e;
    }
  }

  /** Trains the weights; returns the deduplicated training rows. */
  private async train(ctx: FitContext): Promise<Csr> {
    checkContext(ctx, this.name);
    const { nUsers, nItems } = ctx;
    const x = dedupeRows(ctx.trainCsr, true);
    const rng = createRng(this.seedOverride ?? ctx.seed);
    const w = new Float32Array((nUsers + nItems) * this.dim);
    for (let p = 0; p < w.length; p++) w[p] = rng.normal() * this.initStd;
    this.weights = w;
    this.nUsers = nUsers;
    this.nItems = nItems;
    this.log = [];
    this.bestEpoch = 0;
    this.foldIn = null;
    if (x.indices.length === 0 || nItems < 2) return x;

    const state = this.trainingState(x, w, nUsers);
    const validate = ctx.valid.user.length > 0 ? this.validate : undefined;
    const stopping = new EarlyStopping(this.evalEvery, this.patience, this.epochs);
    let bestWeights: Float32Array | null = null;
    for (let epoch = 1; epoch <= this.epochs; epoch++) {
      const loss = this.epoch(state, nItems, rng, ctx);
      let valid: number | undefined;
      if (validate !== undefined && stopping.due(epoch)) {
        valid = await this.validateNow(validate, state);
        if (stopping.record(epoch, valid)) {
          bestWeights = w.slice();
          this.bestEpoch = epoch;
        }
      } else if (validate === undefined) {
        this.bestEpoch = epoch;
      }
      this.log.push(valid === undefined ? { epoch, loss } : { epoch, loss, valid });
      ctx.onProgress?.({
        stage: 'bpr',
        fraction: epoch / this.epochs,
        message: `epoch ${epoch}`,
        code: 'epoch',
        params: { n: epoch },
        metrics: valid === undefined ? { epoch, loss } : { epoch, loss, valid },
      });
      if (validate !== undefined && stopping.stop) break;
      await yieldToEventLoop();
      throwIfAborted(ctx.signal);
    }
    if (bestWeights !== null) w.set(bestWeights);
    ctx.onProgress?.({
      stage: 'bpr',
      fraction: 1,
      message: `done after ${this.log.length} epochs, keeping epoch ${this.bestEpoch}`,
      code: 'doneKeeping',
      params: { epochs: this.log.length, kept: this.bestEpoch },
      metrics: validate !== undefined ? { keptEpoch: this.bestEpoch, valid: stopping.best } : { keptEpoch: this.bestEpoch },
    });
    return x;
  }

  /** The validation metric of the current weights, scored in one native product when it fits in memory. */
  private async validateNow(validate: (scorer: Scorer) => number, st: TrainingState): Promise<number> {
    const w = st.w;
    this.lastScores.clear(); // scores kept from an earlier epoch's weights
    this.scoreCache = await scoreMatrixNative(w, this.nUsers, w.subarray(st.itemBase), this.nItems, this.dim);
    if (this.scoreCache === null && this.validationUsers !== undefined) {
      this.rowCache = await rowScoresNative(w, this.nUsers, this.validationUsers, w.subarray(st.itemBase), this.nItems, this.dim);
    }
    try {
      return validate(this);
    } finally {
      this.scoreCache = null;
      this.rowCache = null;
      this.lastScores.clear();
    }
  }

  private trainingState(x: Csr, w: Float32Array, nUsers: number): TrainingState {
    const nPos = x.indices.length;
    const rowOf = new Int32Array(nPos);
    for (let u = 0; u < nUsers; u++) rowOf.fill(u, x.indptr[u], x.indptr[u + 1]);
    const order = new Int32Array(nPos);
    for (let p = 0; p < nPos; p++) order[p] = p;
    return {
      x,
      w,
      rowOf,
      order,
      grad: new Float32Array(w.length),
      adam: this.optimizer !== 'sgd' ? { m: new Float32Array(w.length), v: new Float32Array(w.length), t: 0 } : null,
      touched: this.optimizer === 'sparse-adam' ? { rows: new Int32Array(3 * this.batchSize), mark: new Uint8Array(w.length / this.dim), n: 0 } : null,
      batchU: new Int32Array(this.batchSize),
      batchI: new Int32Array(this.batchSize),
      batchJ: new Int32Array(this.batchSize),
      itemBase: nUsers * this.dim,
    };
  }

  /** One pass over the shuffled positives in mini-batches; returns the mean loss. */
  private epoch(st: TrainingState, nItems: number, rng: Rng, ctx: FitContext): number {
    const { x, w, grad, adam, batchU, batchI, batchJ, order, rowOf } = st;
    const nPos = x.indices.length;
    rng.shuffle(order);
    let lossSum = 0;
    let samples = 0;
    for (let start = 0; start < nPos; start += this.batchSize) {
      throwIfAborted(ctx.signal);
      const end = Math.min(nPos, start + this.batchSize);
      let nb = 0;
      for (let b = start; b < end; b++) {
        const p = order[b];
        const u = rowOf[p];
        const j = sampleNegative(x, u, nItems, rng);
        if (j < 0) continue;
        batchU[nb] = u;
        batchI[nb] = x.indices[p];
        batchJ[nb] = j;
        nb++;
      }
      if (nb === 0) continue;
      lossSum += accumulateGradients(w, grad, this.dim, st.itemBase, batchU, batchI, batchJ, nb, this.reg);
      samples += nb;
      if (adam !== null && st.touched !== null) {
        adam.t++;
        markBatchRows(st.touched, batchU, batchI, batchJ, nb, st.itemBase / this.dim);
        sparseAdamStep(w, grad, adam.m, adam.v, adam.t, this.lr, this.dim, st.touched);
      } else if (adam !== null) {
        adam.t++;
        adamStep(w, grad, adam.m, adam.v, adam.t, this.lr);
      } else {
        for (let p = 0; p < w.length; p++) {
          w[p] -= this.lr * grad[p];
          grad[p] = 0;
        }
      }
    }
    return samples > 0 ? lossSum / samples : 0;
  }

  score(user: number, items?: Int32Array): Float32Array {
    const w = this.weights;
    if (w === null) throw notFitted(this.name);
    checkUser(this.name, user, this.nUsers);
    const cached = this.scoreCache;
    if (cached !== null) return gather(this.name, cached.slice(user * this.nItems, (user + 1) * this.nItems), items);
    const row = rowOf(this.rowCache, user);
    if (row !== null) return gather(this.name, row, items);
    // kept for the user's re-scores (scoreWithout adds to them)
    return this.lastScores.answer(this.name, user, items, (u) => this.scoreAll(w, u));
  }

  /** p_u·q_i for every item (natively on large catalogs: FoldIn.products). */
  private scoreAll(w: Float32Array, user: number): Float32Array {
    const d = this.dim;
    const uo = user * d;
    const itemBase = this.nUsers * d;
    const eu = w.slice(uo, uo + d);
    const native = this.foldIn?.products.product(eu) ?? null;
    if (native !== null) return native;
    const out = new Float32Array(this.nItems);
    for (let i = 0; i < this.nItems; i++) {
      const io = itemBase + i * d;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let k = 0;
      for (; k + 3 < d; k += 4) {
        s0 += eu[k] * w[io + k];
        s1 += eu[k + 1] * w[io + k + 1];
        s2 += eu[k + 2] * w[io + k + 2];
        s3 += eu[k + 3] * w[io + k + 3];
      }
      for (; k < d; k++) s0 += eu[k] * w[io + k];
      out[i] = s0 + s1 + (s2 + s3);
    }
    return out;
  }

  /** Fold-in (fold-in.ts): score − score without j, per history item j, largest first. */
  attribute(user: number, item: number): HistoryContribution[] {
    return this.fitted(user).attribute(user, item);
  }

  /** The trained scores plus the fold-in's change of the user factor without `removed` (no refit). */
  scoreWithout(user: number, removed: ReadonlySet<number>, _ties?: RemovedTies, into?: Float32Array): Float32Array {
    return this.fitted(user).scoreWithout(user, removed, this.lastScores.get(user, (u) => this.score(u)), into);
  }

  /** scoreWithout item by item, with a bound for the rest (FoldIn.rescoreAt). */
  scoreWithoutAt(user: number, removed: ReadonlySet<number>): RescoreAt | null {
    return this.fitted(user).rescoreAt(user, removed, this.lastScores.get(user, (u) => this.score(u)));
  }

  /** The history items about to be removed from `user`: kept so that scoreWithout of them is a low-rank update (FoldIn.prepareWithout). */
  prepareWithout(user: number, items: readonly number[]): void {
    this.fitted(user).prepareWithout(user, items);
  }

  private fitted(user: number): FoldIn {
    if (this.weights === null || this.foldIn === null) throw notFitted(this.name);
    checkUser(this.name, user, this.nUsers);
    return this.foldIn;
  }

  /** Loss (and validation metric) per epoch of the last fit. */
  history(): readonly BprEpoch[] {
    return this.log;
  }

  /** The epoch whose weights are kept (the best validated one, else the last). */
  keptEpoch(): number {
    return this.bestEpoch;
  }

  params(): Readonly<Record<string, number | string | boolean>> {
    return {
      dim: this.dim,
      lr: this.lr,
      reg: this.reg,
      epochs: this.epochs,
      batchSize: this.batchSize,
      optimizer: this.optimizer,
      initStd: this.initStd,
      evalEvery: this.evalEvery,
      patience: this.patience,
      ...(this.seedOverride !== undefined ? { seed: this.seedOverride } : {}),
      ...(this.log.length > 0 ? { epochsRun: this.log.length, keptEpoch: this.bestEpoch } : {}),
      ...nativeProductsParam(this.foldIn?.products.problem ?? null),
    };
  }
}

/** A uniform item that `u` has no training interaction with, or −1 when there is none. */
export function sampleNegative(x: Csr, u: number, nItems: number, rng: Rng): number {
  const a = x.indptr[u];
  const b = x.indptr[u + 1];
  if (b - a >= nItems) return -1;
  for (;;) {
    const j = rng.int(nItems);
    if (!containsSorted(x.indices, a, b, j)) return j;
  }
}

function containsSorted(arr: Int32Array, a: number, b: number, v: number): boolean {
  let lo = a;
  let hi = b - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const m = arr[mid];
    if (m === v) return true;
    if (m < v) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/**
 * Adds the gradient of the batch's mean loss to `grad`; returns the summed BPR loss.
 * For x = e_u·(e_i − e_j): ∂/∂x −log σ(x) = −σ(−x).
 */
function accumulateGradients(
  w: Float32Array,
  grad: Float32Array,
  d: number,
  itemBase: number,
  bu: Int32Array,
  bi: Int32Array,
  bj: Int32Array,
  nb: number,
  reg: number,
): number {
  const scale = 1 / nb;
  let loss = 0;
  for (let s = 0; s < nb; s++) {
    const uo = bu[s] * d;
    const io = itemBase + bi[s] * d;
    const jo = itemBase + bj[s] * d;
    let xuij = 0;
    for (let k = 0; k < d; k++) xuij += w[uo + k] * (w[io + k] - w[jo + k]);
    // −log σ(x) = softplus(−x), computed stably
    loss += xuij > 0 ? Math.log1p(Math.exp(-xuij)) : -xuij + Math.log1p(Math.exp(xuij));
    const g = -scale / (1 + Math.exp(xuij)); // −σ(−x) / nb
    const r = reg * scale;
    for (let k = 0; k < d; k++) {
      const eu = w[uo + k];
      const ei = w[io + k];
      const ej = w[jo + k];
      grad[uo + k] += g * (ei - ej) + r * eu;
      grad[io + k] += g * eu + r * ei;
      grad[jo + k] += -g * eu + r * ej;
    }
  }
  return loss;
}

function positiveInt(name: string, v: number): void {
  if (!Number.isInteger(v) || v < 1) {
    throw new KnowrecError('config', `bpr: ${name} must be a positive integer, got ${v}`);
  }
}

function positiveNumber(name: string, v: number): void {
  if (!(v > 0) || !Number.isFinite(v)) {
    throw new KnowrecError('config', `bpr: ${name} must be a positive number, got ${v}`);
  }
}
