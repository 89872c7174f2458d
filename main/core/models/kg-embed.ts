/**
 * kg-embed: a KG-aware collaborative model in the spirit of CKE (Zhang et al., 2016), with TransE
 * in place of TransR.
 *
 * Item i has a collaborative offset v_i (starting at zero). An item linked to a KG entity e(i)
 * (its first entry in Dataset.itemEntities) is represented by
 *     q_i = v_i + x_e(i) + mean_{n ∈ N(i)} x_n,
 * where N(i) is a seeded sample of up to `neighbours` entities adjacent to e(i) in the KG (one
 * relation after another, so a film's director and genres are not crowded out by its cast);
 * `neighbours: 0` gives plain CKE, q_i = v_i + x_e(i). An item without a link has q_i = v_i.
 * Users have embeddings p_u and score(u, i) = p_u · q_i.
 *
 * Loss = BPR over the training interactions (one uniform negative per positive, drawn from the
 *        items that have at least one training interaction, or from all items)
 *      + λ_kg · TransE over the KG triples (h, r, t), f(h, r, t) = ‖x_h + r − x_t‖², each triple
 *        against one corruption of its head or tail: softplus(f⁺ − f⁻) or max(0, γ + f⁺ − f⁻)
 *      + L2 on the rows each step touches.
 * The entity embeddings x are shared by both parts. In a share `offsetDropout` of the BPR steps
 * a linked item is scored without its offset, exactly as an item without interactions is, so
 * that entity embeddings carry preference on their own. An item with KG facts but no
 * interactions is therefore scored through its own entity (placed by TransE) and its neighbours
 * (actors, director, genres ... trained by BPR through the items that share them).
 *
 * Training is per-sample (plain SGD with a per-epoch learning-rate decay, or Adam with per-row
 * step counts), seeded by ctx.seed, and runs in-process on the calling thread: the loop yields
 * to the event loop every few thousand steps, so a cancel (ctx.signal) is seen within
 * milliseconds and throws KnowrecError 'cancelled'. With an optional `validate` callback it
 * keeps the weights of the best validation score and stops early. Attribution to the history and
 * re-scoring without history items: by fold-in over the q_i (fold-in.ts).
 */
import { KnowrecError, throwIfAborted } from '../errors';
import { createRng, type Rng } from '../random';
import type { Csr, FitContext, KnowledgeGraph, Scorer } from '../types';
import type { HistoryAttribution, HistoryContribution, RemovedTies, RescoreAt } from './attribution';
import { dedupeRows } from './csr';
import { FoldIn } from './fold-in';
import { nativeProductsParam } from './native-products';
import { dot } from './linalg';
import { rowOf, rowScoresNative, scoreMatrixNative, type RowScores } from './native-matmul';
import { checkContext, checkUser, gather, notFitted, yieldToEventLoop, LastUserScores } from './scorer';
import {
  BprStep,
  identity,
  itemGraph,
  itemVector,
  negativePool,
  newTable,
  sampleNegative,
  Stepper,
  TransEStep,
  type ItemGraph,
  type KgLossKind,
  type KgOptimizer,
  type NegativePool,
} from './kg-embed-train';
import { EarlyStopping } from './tune';

export type { KgLossKind, KgOptimizer, NegativePool } from './kg-embed-train';
export { KG_EMBED_DEFAULTS, type KgEmbedOptions } from './kg-embed-options';
import { checkInt, checkRange, KG_EMBED_DEFAULTS, oneOf, type KgEmbedOptions } from './kg-embed-options';

/** BPR steps between yields to the event loop. */
const CHUNK = 4096;

interface Fitted {
  readonly nUsers: number;
  readonly nItems: number;
  readonly dim: number;
  readonly user: Float32Array;
  readonly item: Float32Array;
  readonly entity: Float32Array;
  readonly relation: Float32Array;
  /** q_i for every item, nItems × dim. */
  readonly itemRep: Float32Array;
}

/** What one fit trains with. */
interface TrainingRun {
  readonly kg: KnowledgeGraph;
  readonly graph: ItemGraph;
  /** The weights being trained (shared with the steps' tables). */
  readonly live: Fitted;
  /** Deduplicated training rows, the user of each pair, and the negatives' pool. */
  readonly x: Csr;
  readonly pairUser: Int32Array;
  readonly pool: Int32Array;
  readonly pairOrder: Int32Array;
  readonly tripleOrder: Int32Array;
  readonly step: Stepper;
  readonly bpr: BprStep;
  readonly transE: TransEStep;
}

export interface KgEmbedEpochStats {
  readonly epoch: number;
  /** Mean BPR loss per interaction plus λ_kg times the mean TransE loss per triple (no L2). */
  readonly loss: number;
  readonly bprLoss: number;
  readonly kgLoss: number;
  /** The validation metric when this epoch was validated. */
  readonly valid?: number;
}

export class KgEmbedScorer implements Scorer, HistoryAttribution {
  readonly name = 'kg-embed';
  readonly dim: number;
  readonly epochs: number;
  readonly lr: number;
  readonly lrDecay: number;
  readonly reg: number;
  readonly lambdaKg: number;
  readonly kgLoss: KgLossKind;
  readonly margin: number;
  readonly neighbours: number;
  readonly optimizer: KgOptimizer;
  readonly initStd: number;
  readonly offsetDropout: number;
  readonly negativePool: NegativePool;
  readonly evalEvery: number;
  readonly patience: number;
  readonly pairsPerEpoch: number | undefined;
  private readonly validate?: (scorer: Scorer) => number | Promise<number>;
  private state: Fitted | null = null;
  private foldIn: FoldIn | null = null;
  /** The last user's trained scores, for scoreWithout. */
  private readonly lastScores = new LastUserScores();
  private bestEpoch = 0;
  private epochsRun = 0;
  private history: KgEmbedEpochStats[] = [];
  /** Every user's scores (nUsers × nItems), computed natively for one validation, then dropped. */
  private scoreCache: Float32Array | null = null;
  /** The validation users' scores, when every user's do not fit (scale). */
  private rowCache: RowScores | null = null;
  private readonly validationUsers: Int32Array | undefined;

  constructor(opts: KgEmbedOptions = {}) {
    const d = KG_EMBED_DEFAULTS;
    this.dim = opts.dim ?? d.dim;
    this.epochs = opts.epochs ?? d.epochs;
    this.optimizer = opts.optimizer ?? d.optimizer;
    this.lr = opts.lr ?? (this.optimizer === 'adam' ? d.adamLr : d.sgdLr);
    this.lrDecay = opts.lrDecay ?? d.lrDecay;
    this.reg = opts.reg ?? d.reg;
    this.lambdaKg = opts.lambdaKg ?? d.lambdaKg;
    this.kgLoss = opts.kgLoss ?? d.kgLoss;
    this.margin = opts.margin ?? d.margin;
    this.neighbours = opts.neighbours ?? d.neighbours;
    this.initStd = opts.initStd ?? d.initStd;
    this.offsetDropout = opts.offsetDropout ?? d.offsetDropout;
    this.negativePool = opts.negativePool ?? d.negativePool;
    this.evalEvery = opts.evalEvery ?? d.evalEvery;
    this.patience = opts.patience ?? d.patience;
    this.pairsPerEpoch = opts.pairsPerEpoch;
    if (this.pairsPerEpoch !== undefined) checkInt('pairsPerEpoch', this.pairsPerEpoch, 1, 'e.g. pairsPerEpoch: 1000000');
    this.validate = opts.validate;
    this.validationUsers = opts.validationUsers;
    oneOf('optimizer', this.optimizer, ['sgd', 'adam']);
    oneOf('kgLoss', this.kgLoss, ['softplus', 'margin']);
    oneOf('negativePool', this.negativePool, ['interacted', 'all']);
    checkInt('dim', this.dim, 1, 'e.g. dim: 64');
    checkInt('epochs', this.epochs, 1, 'e.g. epochs: 60');
    checkInt('neighbours', this.neighbours, 0, 'e.g. neighbours: 16; 0 for plain CKE');
    checkInt('evalEvery', this.evalEvery, 1, 'e.g. evalEvery: 2');
    checkInt('patience', this.patience, 1, 'e.g. patience: 3');
    checkRange('lr', this.lr, (v) => v > 0, 'a number > 0', 'e.g. lr: 0.05 for sgd, 0.002 for adam');
    checkRange('lrDecay', this.lrDecay, (v) => v > 0 && v <= 1, 'in (0, 1]', 'e.g. lrDecay: 0.95; 1 keeps lr fixed');
    checkRange('reg', this.reg, (v) => v >= 0, 'a number ≥ 0', 'e.g. reg: 0.02');
    checkRange('lambdaKg', this.lambdaKg, (v) => v >= 0, 'a number ≥ 0', 'e.g. lambdaKg: 0.5; 0 turns the KG loss off');
    checkRange('margin', this.margin, (v) => v > 0, 'a number > 0', 'e.g. margin: 1');
    checkRange('initStd', this.initStd, (v) => v > 0, 'a number > 0', 'e.g. initStd: 0.1');
    checkRange('offsetDropout', this.offsetDropout, (v) => v >= 0 && v < 1, 'in [0, 1)', 'e.g. offsetDropout: 0.2; 0 turns it off');
    if (opts.validate !== undefined && typeof opts.validate !== 'function') {
      throw new KnowrecError('config', 'kg-embed: validate must be a function (scorer) => number');
    }
  }

  async fit(ctx: FitContext): Promise<void> {
    checkContext(ctx, this.name);
    throwIfAborted(ctx.signal);
    this.state = null;
    this.lastScores.clear();
    this.foldIn = null;
    this.history = [];
    this.bestEpoch = 0;
    this.epochsRun = 0;
    const kg = ctx.dataset.kg;
    checkKg(kg);
    const rng = createRng(ctx.seed);
    const run = this.setup(ctx, rng);
    const stopping = new EarlyStopping(this.evalEvery, this.patience, this.epochs);
    let best: Fitted | null = null;
    for (let epoch = 1; epoch <= this.epochs; epoch++) {
      throwIfAborted(ctx.signal);
      const { bprLoss, kgLoss } = await this.epoch(run, rng, ctx);
      if (!Number.isFinite(bprLoss) || !Number.isFinite(kgLoss)) {
        throw new KnowrecError('internal', `kg-embed: the loss diverged at epoch ${epoch}`, {}, 'lower lr or raise reg');
      }
      this.epochsRun = epoch;
      run.step.lr *= this.lrDecay;
      let valid: number | undefined;
      if (this.validate !== undefined && stopping.due(epoch)) {
        valid = await this.validateLive(run, ctx);
        if (stopping.record(epoch, valid)) {
          best = snapshot(run.live);
          this.bestEpoch = epoch;
        }
      }
      this.record(ctx, epoch, bprLoss, kgLoss, valid);
      if (this.validate !== undefined && stopping.stop) break;
    }
    if (best === null) {
      fillItemRep(run.live, run.graph);
      best = run.live;
      this.bestEpoch = this.epochsRun;
    }
    this.state = best;
    this.foldIn = new FoldIn(best.itemRep, this.dim, run.x, this.reg);
    this.lastScores.clear(); // again: scores kept during training came from an epoch's weights
    ctx.onProgress?.({ stage: this.name, fraction: 1, message: `done: best epoch ${this.bestEpoch} of ${this.epochsRun}`, code: 'doneBest', params: { kept: this.bestEpoch, epochs: this.epochsRun } });
  }

  /** Tables, item graph, training pairs and the two steps of one fit. */
  private setup(ctx: FitContext, rng: Rng): TrainingRun {
    const { nUsers, nItems } = ctx;
    const dim = this.dim;
    const kg = ctx.dataset.kg;
    const nEntities = kg.entityIds.length;
    const graph = itemGraph(ctx.dataset.itemEntities, nItems, kg, this.neighbours, rng);
    const adam = this.optimizer === 'adam';
    const users = newTable(nUsers, dim, this.initStd, rng, adam);
    // offsets start at zero: an item never trained is represented through the KG alone
    const items = newTable(nItems, dim, 0, rng, adam);
    const entities = newTable(nEntities, dim, this.initStd, rng, adam);
    const relations = newTable(kg.relationNames.length, dim, this.initStd, rng, adam);
    const live: Fitted = {
      nUsers, nItems, dim, user: users.w, item: items.w, entity: entities.w, relation: relations.w,
      itemRep: new Float32Array(nItems * dim),
    };
    const x = dedupeRows(ctx.trainCsr, true);
    const nPairs = x.indices.length;
    const pairUser = new Int32Array(nPairs);
    for (let u = 0; u < nUsers; u++) pairUser.fill(u, x.indptr[u], x.indptr[u + 1]);
    const nTriples = this.lambdaKg > 0 && nEntities > 1 ? kg.head.length : 0;
    const step = new Stepper(dim, this.lr, this.reg, adam);
    return {
      kg,
      graph,
      live,
      x,
      pairUser,
      pool: negativePool(x.indices, nItems, this.negativePool),
      pairOrder: identity(nPairs),
      tripleOrder: identity(nTriples),
      step,
      bpr: new BprStep(step, users, items, entities, graph),
      transE: new TransEStep(step, entities, relations, nEntities, this.lambdaKg, this.kgLoss, this.margin),
    };
  }

  /** One epoch: the shuffled pairs in chunks, each followed by its share of the triples. */
  private async epoch(run: TrainingRun, rng: Rng, ctx: FitContext): Promise<{ bprLoss: number; kgLoss: number }> {
    const { x, kg, graph, pairOrder, tripleOrder, pairUser, pool, bpr, transE } = run;
    // a sample of the pairs (a prefix of this epoch's shuffle) and the same share of the triples
    const nPairs = Math.min(pairOrder.length, this.pairsPerEpoch ?? Infinity);
    const nTriples = nPairs === pairOrder.length ? tripleOrder.length : Math.round((tripleOrder.length * nPairs) / pairOrder.length);
    const dropout = this.offsetDropout;
    rng.shuffle(pairOrder);
    rng.shuffle(tripleOrder);
    let bprSum = 0;
    let kgSum = 0;
    let tDone = 0;
    const steps = Math.max(nPairs, 1);
    for (let start = 0; start < steps; start += CHUNK) {
      const end = Math.min(start + CHUNK, nPairs);
      for (let s = start; s < end; s++) {
        const p = pairOrder[s];
        const u = pairUser[p];
        const i = x.indices[p];
        const j = sampleNegative(rng, pool, x.indices, x.indptr[u], x.indptr[u + 1]);
        const dropI = dropout > 0 && graph.entity[i] >= 0 && rng.next() < dropout;
        const dropJ = dropout > 0 && graph.entity[j] >= 0 && rng.next() < dropout;
        bprSum += bpr.run(u, i, j, dropI, dropJ);
      }
      // this chunk's share of the triples, so that both losses are optimised together
      const tEnd = Math.round((nTriples * Math.min(start + CHUNK, steps)) / steps);
      for (; tDone < tEnd; tDone++) {
        const t = tripleOrder[tDone];
        kgSum += transE.run(rng, kg.head[t], kg.relation[t], kg.tail[t]);
      }
      await yieldToEventLoop();
      throwIfAborted(ctx.signal);
    }
    return { bprLoss: nPairs > 0 ? bprSum / nPairs : 0, kgLoss: nTriples > 0 ? kgSum / nTriples : 0 };
  }

  /** The validation metric of the current weights (score() uses them meanwhile). */
  private async validateLive(run: TrainingRun, ctx: FitContext): Promise<number> {
    fillItemRep(run.live, run.graph);
    this.state = run.live;
    this.lastScores.clear(); // scores kept from an earlier epoch's weights
    const { user, itemRep, nUsers, nItems, dim } = run.live;
    this.scoreCache = await scoreMatrixNative(user, nUsers, itemRep, nItems, dim);
    if (this.scoreCache === null && this.validationUsers !== undefined) this.rowCache = await rowScoresNative(user, nUsers, this.validationUsers, itemRep, nItems, dim);
    let valid: number;
    try {
      valid = await (this.validate as (scorer: Scorer) => number | Promise<number>)(this);
    } finally {
      this.scoreCache = null;
      this.rowCache = null;
      this.lastScores.clear();
    }
    throwIfAborted(ctx.signal);
    if (typeof valid !== 'number' || Number.isNaN(valid)) {
      throw new KnowrecError('internal', `kg-embed: validate returned ${String(valid)}, expected a number`, {},
        'return a metric such as NDCG@10 on the validation split');
    }
    return valid;
  }

  private record(ctx: FitContext, epoch: number, bprLoss: number, kgLoss: number, valid: number | undefined): void {
    const loss = bprLoss + this.lambdaKg * kgLoss;
    this.history.push({ epoch, loss, bprLoss, kgLoss, ...(valid !== undefined ? { valid } : {}) });
    ctx.onProgress?.({
      stage: this.name,
      fraction: epoch / this.epochs,
      message: `epoch ${epoch}/${this.epochs} loss ${loss.toFixed(4)}${valid !== undefined ? ` valid ${valid.toFixed(4)}` : ''}`,
      code: valid !== undefined ? 'epochLossValid' : 'epochLoss',
      params: { epoch, epochs: this.epochs, loss: loss.toFixed(4), valid: valid?.toFixed(4) ?? '' },
      metrics: { epoch, loss, bprLoss, kgLoss, ...(valid !== undefined ? { valid } : {}) },
    });
  }

  score(user: number, items?: Int32Array): Float32Array {
    const s = this.state;
    if (s === null) throw notFitted(this.name);
    checkUser(this.name, user, s.nUsers);
    const cached = this.scoreCache;
    if (cached !== null) return gather(this.name, cached.slice(user * s.nItems, (user + 1) * s.nItems), items);
    const row = rowOf(this.rowCache, user);
    if (row !== null) return gather(this.name, row, items);
    // kept for the user's re-scores (scoreWithout adds to them)
    return this.lastScores.answer(this.name, user, items, (u) => {
      const { dim, itemRep } = s;
      const pu = u * dim;
      // natively on large catalogs (FoldIn.products: the same item factors)
      const native = this.foldIn?.products.product(s.user.subarray(pu, pu + dim)) ?? null;
      if (native !== null) return native;
      const out = new Float32Array(s.nItems);
      for (let i = 0; i < s.nItems; i++) out[i] = dot(s.user, pu, itemRep, i * dim, dim);
      return out;
    });
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
    if (this.state === null || this.foldIn === null) throw notFitted(this.name);
    checkUser(this.name, user, this.state.nUsers);
    return this.foldIn;
  }

  params(): Readonly<Record<string, number | string | boolean>> {
    return {
      dim: this.dim,
      epochs: this.epochs,
      lr: this.lr,
      lrDecay: this.lrDecay,
      reg: this.reg,
      lambdaKg: this.lambdaKg,
      kgLoss: this.kgLoss,
      margin: this.margin,
      neighbours: this.neighbours,
      optimizer: this.optimizer,
      initStd: this.initStd,
      offsetDropout: this.offsetDropout,
      negativePool: this.negativePool,
      evalEvery: this.evalEvery,
      patience: this.patience,
      ...(this.pairsPerEpoch !== undefined ? { pairsPerEpoch: this.pairsPerEpoch } : {}),
      epochsRun: this.epochsRun,
      bestEpoch: this.bestEpoch,
      ...nativeProductsParam(this.foldIn?.products.problem ?? null),
    };
  }

  /** Per-epoch losses (and validation scores) of the last fit. */
  trainingHistory(): readonly KgEmbedEpochStats[] {
    return this.history;
  }

  /** Item representations q_i (nItems × dim, row-major) of the fitted model; a copy. */
  itemEmbeddings(): Float32Array {
    if (this.state === null) throw notFitted(this.name);
    return this.state.itemRep.slice();
  }

  /** Entity embeddings (nEntities × dim, row-major) of the fitted model; a copy. */
  entityEmbeddings(): Float32Array {
    if (this.state === null) throw notFitted(this.name);
    return this.state.entity.slice();
  }
}

function checkKg(kg: KnowledgeGraph): void {
  const n = kg.head.length;
  if (kg.relation.length !== n || kg.tail.length !== n) {
    throw new KnowrecError('validation', `kg-embed: KG columns differ in length (${n}, ${kg.relation.length}, ${kg.tail.length})`);
  }
  const nE = kg.entityIds.length;
  const nR = kg.relationNames.length;
  for (let p = 0; p < n; p++) {
    const h = kg.head[p];
    const r = kg.relation[p];
    const t = kg.tail[p];
    if (h < 0 || h >= nE || t < 0 || t >= nE || r < 0 || r >= nR) {
      throw new KnowrecError('validation', `kg-embed: triple ${p} (${h}, ${r}, ${t}) is outside ${nE} entities / ${nR} relations`, {},
        'validate the dataset (validateDataset) before fitting');
    }
  }
}

function fillItemRep(s: Fitted, graph: ItemGraph): void {
  for (let i = 0; i < s.nItems; i++) itemVector(s.item, s.entity, graph, i, true, s.dim, s.itemRep, i * s.dim);
}

function snapshot(s: Fitted): Fitted {
  return {
    nUsers: s.nUsers,
    nItems: s.nItems,
    dim: s.dim,
    user: s.user.slice(),
    item: s.item.slice(),
    entity: s.entity.slice(),
    relation: s.relation.slice(),
    itemRep: s.itemRep.slice(),
  };
}
