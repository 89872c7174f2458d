/**
 * kg-embed's training steps and setup: embedding tables with their optimiser state, the BPR and
 * TransE steps, and each item's entity with its sampled KG neighbours.
 */
import { KnowrecError } from '../errors';
import type { Rng } from '../random';
import type { KnowledgeGraph } from '../types';

export type KgLossKind = 'softplus' | 'margin';
export type KgOptimizer = 'adam' | 'sgd';
/** Where BPR negatives come from: items with ≥ 1 training interaction, or every item. */
export type NegativePool = 'interacted' | 'all';

const ADAM_B1 = 0.9;
const ADAM_B2 = 0.999;
const ADAM_EPS = 1e-8;
/** Negative draws before a user's own positive is accepted as negative (users who saw almost everything). */
const MAX_NEGATIVE_TRIES = 50;

/** One embedding table with its optimiser state: n rows of `dim` floats. */
export interface Table {
  readonly w: Float32Array;
  /** Adam moments (empty for sgd). */
  readonly m: Float32Array;
  readonly v: Float32Array;
  /** Adam steps taken per row, for bias correction (empty for sgd). */
  readonly t: Int32Array;
}

/** How items reach the entity table: their entity (−1 if none) and their sampled neighbours. */
export interface ItemGraph {
  readonly entity: Int32Array;
  /** Item i's neighbours are nbrIdx[nbrPtr[i]..nbrPtr[i+1]). */
  readonly nbrPtr: Int32Array;
  readonly nbrIdx: Int32Array;
}

// ---------------------------------------------------------------------------------------------
// training steps

/** Applies one gradient to one row of a table (SGD, or Adam with the row's own step count). */
export class Stepper {
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
export class BprStep {
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
export class TransEStep {
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
export function itemVector(
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

export function sampleNegative(rng: Rng, pool: Int32Array, seen: Int32Array, a: number, b: number): number {
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

export function newTable(n: number, dim: number, std: number, rng: Rng, adam: boolean): Table {
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
export function itemGraph(links: readonly Int32Array[], nItems: number, kg: KnowledgeGraph, k: number, rng: Rng): ItemGraph {
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

export function negativePool(trainItems: Int32Array, nItems: number, kind: NegativePool): Int32Array {
  if (kind === 'interacted') {
    const seen = new Uint8Array(nItems);
    for (let p = 0; p < trainItems.length; p++) seen[trainItems[p]] = 1;
    const out: number[] = [];
    for (let i = 0; i < nItems; i++) if (seen[i] === 1) out.push(i);
    if (out.length > 0) return Int32Array.from(out);
  }
  return identity(nItems);
}

export function identity(n: number): Int32Array {
  const a = new Int32Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  return a;
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
