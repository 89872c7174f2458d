/**
 * EASE (Steck, 2019): a dense item-item weight matrix B with zero diagonal, in closed form.
 * G = XᵀX + λI over the binary user × item training matrix X, P = G⁻¹,
 * B[i][j] = −P[i][j] / P[j][j] (i ≠ j), B[j][j] = 0; the score of user u is x_u·B.
 */
import { KnowrecError, throwIfAborted } from '../errors';
import type { Csr, FitContext, Scorer } from '../types';
import { sortContributions, type HistoryAttribution, type HistoryContribution } from './attribution';
import { dedupeRows } from './csr';
import { checkContext, checkUser, gather, notFitted } from './scorer';
import { invertSpdNative } from './native-linalg';

export interface EaseOptions {
  /** L2 regularisation λ added to the Gram matrix's diagonal; > 0. Default 500. */
  readonly lambda?: number;
}

export const EASE_DEFAULTS = { lambda: 500 } as const;

/** Items above this count would need more than ~2 GB for the dense matrices. */
const MAX_ITEMS = 12_000;

export class EaseScorer implements Scorer, HistoryAttribution {
  readonly name = 'ease';
  readonly lambda: number;
  private b: Float32Array | null = null;
  private x: Csr | null = null;
  private nItems = 0;

  constructor(opts: EaseOptions = {}) {
    this.lambda = opts.lambda ?? EASE_DEFAULTS.lambda;
    if (!(this.lambda > 0) || !Number.isFinite(this.lambda)) {
      throw new KnowrecError('config', `ease: lambda must be a positive number, got ${this.lambda}`, {}, 'e.g. lambda: 500');
    }
  }

  async fit(ctx: FitContext): Promise<void> {
    checkContext(ctx, this.name);
    const n = ctx.nItems;
    if (n > MAX_ITEMS) {
      throw new KnowrecError('config', `ease: ${n} items is too many for a dense ${n}×${n} inverse (limit ${MAX_ITEMS})`, {},
        'filter rare items first or use itemknn');
    }
    const x = dedupeRows(ctx.trainCsr, true);
    const progress = (fraction: number, message: string): void => ctx.onProgress?.({ stage: 'ease', fraction, message });
    progress(0, 'gram matrix');
    const g = sharedGram(ctx.trainCsr, x, n);
    throwIfAborted(ctx.signal);
    const p = await invertSpdNative(g, n, {
      shift: this.lambda,
      signal: ctx.signal,
      onProgress: (f) => progress(0.05 + 0.9 * f, 'inverse'),
    });
    this.b = weightsFromInverse(p, n);
    this.x = x;
    this.nItems = n;
    progress(1, 'done');
  }

  score(user: number, items?: Int32Array): Float32Array {
    return gather(this.name, this.sumRows(user, null), items);
  }

  /** Exact: score(u, i) = Σ_j x_uj·B[j][i], one term per history item j. */
  attribute(user: number, item: number): HistoryContribution[] {
    const b = this.b;
    const x = this.x;
    if (b === null || x === null) throw notFitted(this.name);
    checkUser(this.name, user, x.nRows);
    const n = this.nItems;
    const out: HistoryContribution[] = [];
    for (let p = x.indptr[user]; p < x.indptr[user + 1]; p++) out.push({ item: x.indices[p], weight: b[x.indices[p] * n + item] });
    return sortContributions(out);
  }

  /** Exact: the removed items' rows of B subtracted. */
  scoreWithout(user: number, removed: ReadonlySet<number>): Float32Array {
    return this.sumRows(user, removed);
  }

  /** Σ of B's rows over the user's history items, leaving out `removed`. */
  private sumRows(user: number, removed: ReadonlySet<number> | null): Float32Array {
    const b = this.b;
    const x = this.x;
    if (b === null || x === null) throw notFitted(this.name);
    checkUser(this.name, user, x.nRows);
    const n = this.nItems;
    const out = new Float32Array(n);
    for (let p = x.indptr[user]; p < x.indptr[user + 1]; p++) {
      if (removed !== null && removed.has(x.indices[p])) continue;
      const row = x.indices[p] * n;
      for (let j = 0; j < n; j++) out[j] += b[row + j];
    }
    return out;
  }

  /** B[i][j], the learned weight from item i to item j (for tests and explanations). */
  weight(i: number, j: number): number {
    if (this.b === null) throw notFitted(this.name);
    return this.b[i * this.nItems + j];
  }

  params(): Readonly<Record<string, number | string | boolean>> {
    return { lambda: this.lambda };
  }
}

/**
 * The last Gram matrix built, kept for the next fit on the same training matrix (a λ grid
 * shares one XᵀX); the key is the caller's CSR, so a new split starts afresh.
 */
let lastGram: { readonly key: WeakRef<Csr>; readonly n: number; readonly g: Float64Array } | null = null;

/** XᵀX of `x` (the binarised `train`), reused when the last fit had the same `train` object. */
function sharedGram(train: Csr, x: Csr, n: number): Float64Array {
  if (lastGram !== null && lastGram.key.deref() === train && lastGram.n === n) return lastGram.g;
  lastGram = null;
  const g = gram(x, n);
  lastGram = { key: new WeakRef(train), n, g };
  return g;
}

/** Drops the Gram matrix kept between fits (frees its n² doubles). */
export function releaseSharedGram(): void {
  lastGram = null;
}

/** XᵀX (both triangles) of a binary user × item matrix, accumulated sparsely user by user. */
export function gram(x: Csr, n: number): Float64Array {
  const g = new Float64Array(n * n);
  for (let u = 0; u < x.nRows; u++) {
    const a = x.indptr[u];
    const b = x.indptr[u + 1];
    // columns are sorted, so indices[q] ≤ indices[p] for q ≤ p: lower triangle
    for (let p = a; p < b; p++) {
      const row = x.indices[p] * n;
      for (let q = a; q <= p; q++) g[row + x.indices[q]] += 1;
    }
  }
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) g[j * n + i] = g[i * n + j];
  }
  return g;
}

/** B = I − P·diag(1/diag(P)), i.e. B[i][j] = −P[i][j]/P[j][j] off the diagonal and 0 on it. */
function weightsFromInverse(p: Float64Array, n: number): Float32Array {
  const inv = new Float64Array(n);
  for (let j = 0; j < n; j++) inv[j] = 1 / p[j * n + j];
  const b = new Float32Array(n * n);
  for (let i = 0; i < n; i++) {
    const r = i * n;
    for (let j = 0; j < n; j++) b[r + j] = -p[r + j] * inv[j];
    b[r + i] = 0;
  }
  return b;
}
