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
 * keeps the weights of the best validation score and stops early.
 */
import { KnowrecError, throwIfAborted } from '../errors';
import { createRng, type Rng } from '../random';
import type { FitContext, KnowledgeGraph, Scorer } from '../types';
import { dedupeRows } from './csr';
import { checkContext, checkUser, gather, notFitted, yieldToEventLoop } from './scorer';

export type KgLossKind = 'softplus' | 'margin';
export type KgOptimizer = 'adam' | 'sgd';
/** Where BPR negatives come from: items with ≥ 1 training interaction, or every item. */
export type NegativePool = 'interacted' | 'all';

export interface KgEmbedOptions {
  /** Embedding dimension; positive integer. Default 64. */
  readonly dim?: number;
  /** Maximum number of epochs (one pass over the interactions and over the triples). Default 60. */
  readonly epochs?: number;
  /** Learning rate; > 0. Default 0.05 for sgd, 0.002 for adam. */
  readonly lr?: number;
  /** The learning rate is multiplied by this after every epoch; in (0, 1]. Default 0.95. */
  readonly lrDecay?: number;
  /** L2 weight on the rows touched by each step; ≥ 0. Default 0.02. */
  readonly reg?: number;
  /** Weight λ_kg of the TransE loss; ≥ 0 (0 turns the KG loss off). Default 0.5. */
  readonly lambdaKg?: number;
  /** TransE loss: 'softplus' (default) or 'margin'. */
  readonly kgLoss?: KgLossKind;
  /** Margin γ of the 'margin' loss; > 0. Default 1. */
  readonly margin?: number;
  /** KG neighbours of an item's entity averaged into its representation; integer ≥ 0 (0 = plain CKE). Default 0. */
  readonly neighbours?: number;
  /** 'sgd' (default) or 'adam' (slower per epoch). */
  readonly optimizer?: KgOptimizer;
  /** Standard deviation of the normal initialisation of user, entity and relation rows; > 0. Default 0.1. */
  readonly initStd?: number;
  /**
   * Probability that a BPR step represents a linked item without its offset, as an item without
   * interactions is represented; in [0, 1). Default 0.2.
   */
  readonly offsetDropout?: number;
  /** Pool of BPR negatives. Default 'interacted' (items never seen in training are not pushed down). */
  readonly negativePool?: NegativePool;
  /** Validate every this many epochs (and after the last one); positive integer. Default 2. */
  readonly evalEvery?: number;
  /** Stop after this many validations without improvement; positive integer. Default 3. */
  readonly patience?: number;
  /**
   * Validation metric of the model in its current state (higher is better), e.g. NDCG@10 on the
   * validation split. While it runs, `scorer.score` uses the current weights.
   */
  readonly validate?: (scorer: Scorer) => number | Promise<number>;
}

export const KG_EMBED_DEFAULTS = {
  dim: 64,
  epochs: 60,
  sgdLr: 0.05,
  adamLr: 0.002,
  lrDecay: 0.95,
  reg: 0.02,
  lambdaKg: 0.5,
  kgLoss: 'softplus',
  margin: 1,
  neighbours: 0,
  optimizer: 'sgd',
  initStd: 0.1,
  offsetDropout: 0.2,
  negativePool: 'interacted',
  evalEvery: 2,
  patience: 3,
} as const;

/** BPR steps between yields to the event loop. */
const CHUNK = 4096;
const ADAM_B1 = 0.9;
const ADAM_B2 = 0.999;
const ADAM_EPS = 1e-8;
/** Negative draws before a user's own positive is accepted as negative (users who saw almost everything). */
const MAX_NEGATIVE_TRIES = 50;

/** One embedding table with its optimiser state: n rows of `dim` floats. */
interface Table {
  readonly w: Float32Array;
  /** Adam moments (empty for sgd). */
  readonly m: Float32Array;
  readonly v: Float32Array;
  /** Adam steps taken per row, for bias correction (empty for sgd). */
  readonly t: Int32Array;
}

/** How items reach the entity table: their entity (−1 if none) and their sampled neighbours. */
interface ItemGraph {
  readonly entity: Int32Array;
  /** Item i's neighbours are nbrIdx[nbrPtr[i]..nbrPtr[i+1]). */
  readonly nbrPtr: Int32Array;
  readonly nbrIdx: Int32Array;
}

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

export interface KgEmbedEpochStats {
  readonly epoch: number;
  /** Mean BPR loss per interaction plus λ_kg times the mean TransE loss per triple (no L2). */
  readonly loss: number;
  readonly bprLoss: number;
  readonly kgLoss: number;
  /** The validation metric when this epoch was validated. */
  readonly valid?: number;
}

export class KgEmbedScorer implements Scorer {
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
  private readonly validate?: (scorer: Scorer) => number | Promise<number>;
  private state: Fitted | null = null;
  private bestEpoch = 0;
  private epochsRun = 0;
  private history: KgEmbedEpochStats[] = [];

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
    this.validate = opts.validate;
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
    this.history = [];
    this.bestEpoch = 0;
    this.epochsRun = 0;
    const { nUsers, nItems } = ctx;
    const dim = this.dim;
    const kg = ctx.dataset.kg;
    checkKg(kg);
    const nEntities = kg.entityIds.length;
    const rng = createRng(ctx.seed);
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
    const pool = negativePool(x.indices, nItems, this.negativePool);
    const nTriples = this.lambdaKg > 0 && nEntities > 1 ? kg.head.length : 0;
    const pairOrder = identity(nPairs);
    const tripleOrder = identity(nTriples);
    const step = new Stepper(dim, this.lr, this.reg, adam);
    const bpr = new BprStep(step, users, items, entities, graph);
    const transE = new TransEStep(step, entities, relations, nEntities, this.lambdaKg, this.kgLoss, this.margin);
    const dropout = this.offsetDropout;

    let best: Fitted | null = null;
    let bestValid = -Infinity;
    let sinceBest = 0;
    for (let epoch = 1; epoch <= this.epochs; epoch++) {
      throwIfAborted(ctx.signal);
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
      const bprLoss = nPairs > 0 ? bprSum / nPairs : 0;
      const kgLoss = nTriples > 0 ? kgSum / nTriples : 0;
      if (!Number.isFinite(bprLoss) || !Number.isFinite(kgLoss)) {
        throw new KnowrecError('internal', `kg-embed: the loss diverged at epoch ${epoch}`, {}, 'lower lr or raise reg');
      }
      this.epochsRun = epoch;
      step.lr *= this.lrDecay;

      let valid: number | undefined;
      if (this.validate !== undefined && (epoch % this.evalEvery === 0 || epoch === this.epochs)) {
        fillItemRep(live, graph);
        this.state = live;
        valid = await this.validate(this);
        throwIfAborted(ctx.signal);
        if (typeof valid !== 'number' || Number.isNaN(valid)) {
          throw new KnowrecError('internal', `kg-embed: validate returned ${String(valid)}, expected a number`, {},
            'return a metric such as NDCG@10 on the validation split');
        }
        if (valid > bestValid) {
          bestValid = valid;
          best = snapshot(live);
          this.bestEpoch = epoch;
          sinceBest = 0;
        } else {
          sinceBest++;
        }
      }
      const loss = bprLoss + this.lambdaKg * kgLoss;
      this.history.push({ epoch, loss, bprLoss, kgLoss, ...(valid !== undefined ? { valid } : {}) });
      ctx.onProgress?.({
        stage: this.name,
        fraction: epoch / this.epochs,
        message: `epoch ${epoch}/${this.epochs} loss ${loss.toFixed(4)}${valid !== undefined ? ` valid ${valid.toFixed(4)}` : ''}`,
        metrics: { epoch, loss, bprLoss, kgLoss, ...(valid !== undefined ? { valid } : {}) },
      });
      if (this.validate !== undefined && sinceBest >= this.patience) break;
    }
    if (best === null) {
      fillItemRep(live, graph);
      best = live;
      this.bestEpoch = this.epochsRun;
    }
    this.state = best;
    ctx.onProgress?.({ stage: this.name, fraction: 1, message: `done: best epoch ${this.bestEpoch} of ${this.epochsRun}` });
  }

  score(user: number, items?: Int32Array): Float32Array {
    const s = this.state;
    if (s === null) throw notFitted(this.name);
    checkUser(this.name, user, s.nUsers);
    const { dim, itemRep } = s;
    const pu = user * dim;
    const out = new Float32Array(s.nItems);
    for (let i = 0; i < s.nItems; i++) out[i] = dot(s.user, pu, itemRep, i * dim, dim);
    return gather(this.name, out, items);
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
      epochsRun: this.epochsRun,
      bestEpoch: this.bestEpoch,
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

// ---------------------------------------------------------------------------------------------
// training steps

/** Applies one gradient to one row of a table (SGD, or Adam with the row's own step count). */
class Stepper {
  constructor(
    readonly dim: number,
    public lr: number,
    readonly reg: number,
    readonly adam: boolean,
  ) {}

  /** Steps w[row] against the gradient scale·g[go..go+dim) + regScale·reg·w[row]. */
  apply(tab: Table, row: number, g: Float32Array, go: number, scale: number, regScale = 1): void {
    const dim = this.dim;
    const lr = this.lr;
    const reg = this.reg * regScale;
    const w = tab.w;
    const o = row * dim;
    if (!this.adam) {
      for (let k = 0; k < dim; k++) w[o + k] -= lr * (scale * g[go + k] + reg * w[o + k]);
      return;
    }
    const t = ++tab.t[row];
    const a = (lr * Math.sqrt(1 - Math.pow(ADAM_B2, t))) / (1 - Math.pow(ADAM_B1, t));
    const m = tab.m;
    const v = tab.v;
    for (let k = 0; k < dim; k++) {
      const gk = scale * g[go + k] + reg * w[o + k];
      const mk = ADAM_B1 * m[o + k] + (1 - ADAM_B1) * gk;
      const vk = ADAM_B2 * v[o + k] + (1 - ADAM_B2) * gk * gk;
      m[o + k] = mk;
      v[o + k] = vk;
      w[o + k] -= (a * mk) / (Math.sqrt(vk) + ADAM_EPS);
    }
  }
}

/** BPR on (u, i⁺, j⁻): loss −ln σ(p_u·(q_i − q_j)). */
class BprStep {
  /** q_i, q_j, then p_u as it was before its own step. */
  private readonly buf: Float32Array;

  constructor(
    private readonly step: Stepper,
    private readonly users: Table,
    private readonly items: Table,
    private readonly entities: Table,
    private readonly graph: ItemGraph,
  ) {
    this.buf = new Float32Array(3 * step.dim);
  }

  /** One step; `dropI`/`dropJ` leave the item's offset out (and untouched). Returns the loss. */
  run(u: number, i: number, j: number, dropI: boolean, dropJ: boolean): number {
    const dim = this.step.dim;
    const buf = this.buf;
    const pw = this.users.w;
    itemVector(this.items.w, this.entities.w, this.graph, i, !dropI, dim, buf, 0);
    itemVector(this.items.w, this.entities.w, this.graph, j, !dropJ, dim, buf, dim);
    const pu = u * dim;
    let xuij = 0;
    for (let k = 0; k < dim; k++) {
      const p = pw[pu + k];
      const d = buf[k] - buf[dim + k];
      buf[k] = d;
      buf[2 * dim + k] = p;
      xuij += p * d;
    }
    const g = sigmoid(-xuij); // −∂loss/∂x
    // ∂/∂p_u = −g (q_i − q_j); ∂/∂q_i = −g p_u; ∂/∂q_j = g p_u
    this.step.apply(this.users, u, buf, 0, -g);
    this.itemGrad(i, !dropI, -g);
    this.itemGrad(j, !dropJ, g);
    return softplus(-xuij);
  }

  /** Spreads ∂/∂q = scale·p_u (held in buf) over the rows that make up q. */
  private itemGrad(i: number, offset: boolean, scale: number): void {
    const { step, buf, graph } = this;
    const go = 2 * step.dim;
    if (offset) step.apply(this.items, i, buf, go, scale);
    const e = graph.entity[i];
    if (e < 0) return;
    step.apply(this.entities, e, buf, go, scale);
    const a = graph.nbrPtr[i];
    const b = graph.nbrPtr[i + 1];
    if (b === a) return;
    const share = 1 / (b - a);
    for (let p = a; p < b; p++) step.apply(this.entities, graph.nbrIdx[p], buf, go, scale * share, share);
  }
}

/** TransE on (h, r, t) against one corruption of its head or tail; returns the loss before λ. */
class TransEStep {
  /** δ⁺ = x_h + r − x_t, then δ⁻ for the corrupted triple. */
  private readonly buf: Float32Array;

  constructor(
    private readonly step: Stepper,
    private readonly entities: Table,
    private readonly relations: Table,
    private readonly nEntities: number,
    private readonly lambda: number,
    private readonly kind: KgLossKind,
    private readonly margin: number,
  ) {
    this.buf = new Float32Array(2 * step.dim);
  }

  run(rng: Rng, h: number, r: number, t: number): number {
    const { step, buf, entities } = this;
    const dim = step.dim;
    const ew = entities.w;
    const rw = this.relations.w;
    const corruptHead = (rng.uint32() & 1) === 1;
    const keep = corruptHead ? h : t;
    let c = rng.int(this.nEntities);
    while (c === keep) c = rng.int(this.nEntities);
    const h2 = corruptHead ? c : h;
    const t2 = corruptHead ? t : c;
    let fPos = 0;
    let fNeg = 0;
    for (let k = 0; k < dim; k++) {
      const rk = rw[r * dim + k];
      const dp = ew[h * dim + k] + rk - ew[t * dim + k];
      const dn = ew[h2 * dim + k] + rk - ew[t2 * dim + k];
      buf[k] = dp;
      buf[dim + k] = dn;
      fPos += dp * dp;
      fNeg += dn * dn;
    }
    const z = fPos - fNeg;
    let loss: number;
    let g: number; // ∂loss/∂z
    if (this.kind === 'softplus') {
      loss = softplus(z);
      g = sigmoid(z);
    } else {
      loss = Math.max(0, this.margin + z);
      g = loss > 0 ? 1 : 0;
    }
    if (g === 0) return loss;
    const s = 2 * g * this.lambda;
    // ∂f/∂x_h = 2δ, ∂f/∂x_t = −2δ, ∂f/∂r = 2δ, and z = f⁺ − f⁻; the entity the two triples
    // share (the tail when the head is corrupted, else the head) gets δ⁺ − δ⁻
    if (corruptHead) {
      step.apply(entities, h, buf, 0, s);
      step.apply(entities, h2, buf, dim, -s);
      for (let k = 0; k < dim; k++) buf[k] -= buf[dim + k];
      step.apply(entities, t, buf, 0, -s);
    } else {
      step.apply(entities, t, buf, 0, -s);
      step.apply(entities, t2, buf, dim, s);
      for (let k = 0; k < dim; k++) buf[k] -= buf[dim + k];
      step.apply(entities, h, buf, 0, s);
    }
    step.apply(this.relations, r, buf, 0, s);
    return loss;
  }
}

/** out[oo..oo+dim) = (offset ? v_i : 0) + x_e(i) + mean of x over i's neighbours. */
function itemVector(
  iw: Float32Array, ew: Float32Array, graph: ItemGraph, i: number, offset: boolean, dim: number,
  out: Float32Array, oo: number,
): void {
  const io = i * dim;
  if (offset) for (let k = 0; k < dim; k++) out[oo + k] = iw[io + k];
  else out.fill(0, oo, oo + dim);
  const e = graph.entity[i];
  if (e < 0) return;
  const eo = e * dim;
  for (let k = 0; k < dim; k++) out[oo + k] += ew[eo + k];
  const a = graph.nbrPtr[i];
  const b = graph.nbrPtr[i + 1];
  if (b === a) return;
  const share = 1 / (b - a);
  for (let p = a; p < b; p++) {
    const no = graph.nbrIdx[p] * dim;
    for (let k = 0; k < dim; k++) out[oo + k] += share * ew[no + k];
  }
}

function sampleNegative(rng: Rng, pool: Int32Array, seen: Int32Array, a: number, b: number): number {
  let j = pool[rng.int(pool.length)];
  for (let tries = 1; tries < MAX_NEGATIVE_TRIES && contains(seen, a, b, j); tries++) j = pool[rng.int(pool.length)];
  return j;
}

/** Binary search for `v` in the sorted range sorted[a..b). */
function contains(sorted: Int32Array, a: number, b: number, v: number): boolean {
  let lo = a;
  let hi = b;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const x = sorted[mid];
    if (x === v) return true;
    if (x < v) lo = mid + 1;
    else hi = mid;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// setup

function newTable(n: number, dim: number, std: number, rng: Rng, adam: boolean): Table {
  const w = new Float32Array(n * dim);
  if (std > 0) for (let k = 0; k < w.length; k++) w[k] = std * rng.normal();
  const size = adam ? n * dim : 0;
  return { w, m: new Float32Array(size), v: new Float32Array(size), t: new Int32Array(adam ? n : 0) };
}

/**
 * Each item's first linked entity and a sample of up to `k` distinct entities adjacent to it:
 * relations (with direction) are visited in a seeded random order, taking one random
 * not-yet-taken neighbour of each in turn, so every kind of fact is represented.
 */
function itemGraph(links: readonly Int32Array[], nItems: number, kg: KnowledgeGraph, k: number, rng: Rng): ItemGraph {
  const nEntities = kg.entityIds.length;
  if (links.length !== nItems) {
    throw new KnowrecError('validation', `kg-embed: dataset.itemEntities has ${links.length} entries, expected ${nItems}`, {},
      'fit on the dataset the split was made from');
  }
  const entity = new Int32Array(nItems).fill(-1);
  for (let i = 0; i < nItems; i++) {
    const l = links[i];
    if (l.length === 0) continue;
    const e = l[0];
    if (!Number.isInteger(e) || e < 0 || e >= nEntities) {
      throw new KnowrecError('validation', `kg-embed: item ${i} links to entity ${e}, outside 0..${nEntities - 1}`, {},
        'validate the dataset (validateDataset) before fitting');
    }
    entity[i] = e;
  }
  const nbrPtr = new Int32Array(nItems + 1);
  if (k === 0) return { entity, nbrPtr, nbrIdx: new Int32Array(0) };
  // facts of each linked entity, grouped by (relation, direction)
  const itemsOf = new Map<number, number[]>();
  for (let i = 0; i < nItems; i++) {
    const e = entity[i];
    if (e < 0) continue;
    const list = itemsOf.get(e);
    if (list === undefined) itemsOf.set(e, [i]);
    else list.push(i);
  }
  const groups: Map<number, number[]>[] = Array.from({ length: nItems }, () => new Map());
  const add = (e: number, key: number, other: number): void => {
    const its = itemsOf.get(e);
    if (its === undefined || other === e) return;
    for (const i of its) {
      const g = groups[i].get(key);
      if (g === undefined) groups[i].set(key, [other]);
      else g.push(other);
    }
  };
  for (let p = 0; p < kg.head.length; p++) {
    add(kg.head[p], 2 * kg.relation[p], kg.tail[p]);
    add(kg.tail[p], 2 * kg.relation[p] + 1, kg.head[p]);
  }
  const out: number[] = [];
  for (let i = 0; i < nItems; i++) {
    const lists = [...groups[i].keys()].sort((a, b) => a - b).map((key) => rng.shuffle((groups[i].get(key) ?? []).slice()));
    rng.shuffle(lists);
    const taken = new Set<number>();
    const pos = new Int32Array(lists.length);
    let progress = true;
    while (taken.size < k && progress) {
      progress = false;
      for (let g = 0; g < lists.length && taken.size < k; g++) {
        const list = lists[g];
        while (pos[g] < list.length && taken.has(list[pos[g]])) pos[g]++;
        if (pos[g] < list.length) {
          taken.add(list[pos[g]++]);
          progress = true;
        }
      }
    }
    for (const n of taken) out.push(n);
    nbrPtr[i + 1] = out.length;
  }
  return { entity, nbrPtr, nbrIdx: Int32Array.from(out) };
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

function negativePool(trainItems: Int32Array, nItems: number, kind: NegativePool): Int32Array {
  if (kind === 'interacted') {
    const seen = new Uint8Array(nItems);
    for (let p = 0; p < trainItems.length; p++) seen[trainItems[p]] = 1;
    const out: number[] = [];
    for (let i = 0; i < nItems; i++) if (seen[i] === 1) out.push(i);
    if (out.length > 0) return Int32Array.from(out);
  }
  return identity(nItems);
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

function identity(n: number): Int32Array {
  const a = new Int32Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  return a;
}

function dot(a: Float32Array, ao: number, b: Float32Array, bo: number, n: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let k = 0;
  for (; k + 3 < n; k += 4) {
    s0 += a[ao + k] * b[bo + k];
    s1 += a[ao + k + 1] * b[bo + k + 1];
    s2 += a[ao + k + 2] * b[bo + k + 2];
    s3 += a[ao + k + 3] * b[bo + k + 3];
  }
  for (; k < n; k++) s0 += a[ao + k] * b[bo + k];
  return s0 + s1 + (s2 + s3);
}

function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** ln(1 + eˣ) without overflow. */
function softplus(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

function checkInt(name: string, v: number, min: number, hint: string): void {
  if (!Number.isInteger(v) || v < min) {
    throw new KnowrecError('config', `kg-embed: ${name} must be an integer ≥ ${min}, got ${String(v)}`, {}, hint);
  }
}

function checkRange(name: string, v: number, ok: (v: number) => boolean, what: string, hint: string): void {
  if (typeof v !== 'number' || !Number.isFinite(v) || !ok(v)) {
    throw new KnowrecError('config', `kg-embed: ${name} must be ${what}, got ${String(v)}`, {}, hint);
  }
}

function oneOf(name: string, v: string, allowed: readonly string[]): void {
  if (!allowed.includes(v)) {
    throw new KnowrecError('config', `kg-embed: ${name} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got '${String(v)}'`);
  }
}
