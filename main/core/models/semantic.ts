/**
 * `semantic`: the language-model scorer. Items are verbalized (title, catalog attributes, KG
 * facts) and encoded once; a user's vector blends the encoded user sentence (recent, highly rated
 * history) with the rating- and recency-weighted mean of their training items' vectors:
 *   u = normalize(β · enc(userSentence) + (1 − β) · normalize(Σ w_j · v_j)),   score(u, i) = ⟨u, v_i⟩.
 * β is tuned on the validation split when a `validate` callback is given. Items without any
 * training interaction are scored like any other (cold start), and free-text queries are
 * encoded into the same space.
 */
import { performance } from 'node:perf_hooks';
import { KnowrecError, throwIfAborted } from '../errors';
import type { Encoder } from '../encode/types';
import { createVectorIndex, type Exclusion, type IndexKind, type SearchHit, type VectorIndex } from '../index';
import type { OwnedEncodeOptions } from '../encode/cache';
import { rowIndices, rowValues, toCsr } from '../matrix';
import { itemSentence, userSentence } from '../text';
import type { FactSource, TokenCounter } from '../text';
import type { Csr, FitContext, Scorer } from '../types';
import { sortContributions, type HistoryAttribution, type HistoryContribution, type RemovedTies, type RescoreAt } from './attribution';
import { scoreMatrixNative } from './native-matmul';
import { ItemProducts, nativeProductsParam } from './native-products';
import { dot, largestRowNorm } from './linalg';
import { checkContext, checkUser, gather, notFitted } from './scorer';
import { SemanticRemovals } from './semantic-without';
import { lineSearch } from './tune';

export interface SemanticOptions {
  readonly encoder: Encoder;
  /** Sentence language: 'en' (default) or 'zh'. */
  readonly lang?: string;
  /** Where item KG facts come from (built from the dataset's KG by the caller). */
  readonly facts?: FactSource;
  /** Counts tokens for the sentence budgets (the encoder's tokenizer); default: an estimate. */
  readonly countTokens?: TokenCounter;
  readonly itemTokenBudget?: number;
  readonly userTokenBudget?: number;
  /** Weight of the user-sentence vector; the rest goes to the weighted item mean. */
  readonly blend?: number;
  /** Values of `blend` tried on validation (when `validate` is given). */
  readonly blendGrid?: readonly number[];
  /** Recency half-life in days for the item-mean weights (relative to the user's latest). */
  readonly halfLifeDays?: number;
  /** Validation metric (higher is better), used to choose `blend`. Never sees the test split. */
  readonly validate?: (scorer: Scorer) => number;
  /** Index behind recommendTop: 'auto' (default) is exact below ANN_MIN_VECTORS items, else ANN (core/index). */
  readonly index?: IndexKind;
}

export const SEMANTIC_DEFAULTS = {
  lang: 'en',
  itemTokenBudget: 128,
  userTokenBudget: 192,
  blend: 0.3,
  blendGrid: [0, 0.15, 0.3, 0.5, 0.75, 1],
  halfLifeDays: 60,
} as const;

export class SemanticScorer implements Scorer, HistoryAttribution {
  readonly name = 'semantic';
  private readonly opts: SemanticOptions;
  private blend: number;
  private dim = 0;
  /** Seconds of the last fit's stages: item sentences + their encoding (the one-time item-text encoding), users. */
  private stageSeconds: { readonly items: number; readonly users: number } | null = null;
  private nItems = 0;
  private itemMat: Float32Array | null = null;
  /** max_i ‖v_i‖ of itemMat (scoreWithoutAt), computed on first use. */
  private largestNorm: number | null = null;
  /** V·x natively on large catalogs (native-products.ts). */
  private products: ItemProducts | null = null;
  private sentenceVecs: Float32Array | null = null;
  private meanVecs: Float32Array | null = null;
  private userVecs: Float32Array | null = null;
  private itemTexts: string[] = [];
  private index: VectorIndex | null = null;
  /** The prepared user's pieces for scoreWithout as a low-rank update (prepareWithout). */
  private removals: SemanticRemovals | null = null;
  /** Training ratings and timestamps, for the item-mean weights of attribute / scoreWithout. */
  private history: { train: Csr; ts: Csr; maxRating: number; halfLife: number } | null = null;
  private tuning: { blend: number; value: number }[] = [];
  /** Every user's scores (nUsers × nItems) while one blend is validated, then dropped. */
  private scoreCache: Float32Array | null = null;

  constructor(opts: SemanticOptions) {
    const b = opts.blend ?? SEMANTIC_DEFAULTS.blend;
    if (!(b >= 0 && b <= 1)) throw new KnowrecError('config', `semantic: blend must be in [0, 1], got ${b}`);
    this.opts = opts;
    this.blend = b;
  }

  async fit(ctx: FitContext): Promise<void> {
    checkContext(ctx, this.name);
    const { encoder } = this.opts;
    const lang = this.opts.lang ?? SEMANTIC_DEFAULTS.lang;
    const nItems = ctx.nItems;
    const nUsers = ctx.nUsers;
    const t0 = performance.now();
    ctx.onProgress?.({ stage: 'semantic', message: `verbalizing ${nItems} items (${lang})`, code: 'verbalizing', params: { n: nItems, lang } });
    this.itemTexts = new Array<string>(nItems);
    for (let i = 0; i < nItems; i++) {
      this.itemTexts[i] = itemSentence(ctx.dataset, i, {
        lang,
        facts: this.opts.facts,
        countTokens: this.opts.countTokens,
        tokenBudget: this.opts.itemTokenBudget ?? SEMANTIC_DEFAULTS.itemTokenBudget,
      }).text;
    }
    throwIfAborted(ctx.signal);
    const itemVecs = await encoder.encode(this.itemTexts, {
      signal: ctx.signal,
      onProgress: (done, total) => ctx.onProgress?.({ stage: 'semantic', fraction: (0.5 * done) / total, message: 'encoding items', code: 'encodingItems' }),
    });
    const dim = encoder.dim;
    this.dim = dim;
    this.nItems = nItems;
    const itemMat = new Float32Array(nItems * dim);
    for (let i = 0; i < nItems; i++) itemMat.set(itemVecs[i], i * dim);
    this.itemMat = itemMat;
    this.largestNorm = null;
    this.products = new ItemProducts(itemMat, nItems, dim);
    this.removals = new SemanticRemovals(itemMat, dim, nItems, this.products);
    this.index = null;
    const t1 = performance.now();

    // user sentences from training history only
    const train = ctx.trainCsr;
    const ts = timestampsCsr(ctx);
    const userTexts = new Array<string>(nUsers);
    for (let u = 0; u < nUsers; u++) {
      const items = rowIndices(train, u);
      userTexts[u] = userSentence(
        ctx.dataset,
        u,
        { items, ratings: rowValues(train, u), timestamps: rowValues(ts, u) },
        { lang, countTokens: this.opts.countTokens, tokenBudget: this.opts.userTokenBudget ?? SEMANTIC_DEFAULTS.userTokenBudget },
      ).text;
    }
    throwIfAborted(ctx.signal);
    // owners: a cache in the workspace records whose sentence each vector is (forget user drops it)
    const userEncode: OwnedEncodeOptions = {
      signal: ctx.signal,
      onProgress: (done, total) => ctx.onProgress?.({ stage: 'semantic', fraction: 0.5 + (0.5 * done) / total, message: 'encoding users', code: 'encodingUsers' }),
      owners: ctx.dataset.userIds,
    };
    const userVecs = await encoder.encode(userTexts, userEncode);
    this.sentenceVecs = new Float32Array(nUsers * dim);
    for (let u = 0; u < nUsers; u++) this.sentenceVecs.set(userVecs[u], u * dim);
    const halfLife = (this.opts.halfLifeDays ?? SEMANTIC_DEFAULTS.halfLifeDays) * 86400;
    this.meanVecs = weightedMeans(train, ts, itemMat, dim, halfLife);
    this.history = { train, ts, maxRating: maxRatingOf(train), halfLife };
    this.stageSeconds = { items: (t1 - t0) / 1000, users: (performance.now() - t1) / 1000 };

    const validate = this.opts.validate;
    if (validate !== undefined && ctx.valid.user.length > 0) {
      const initial = this.blend;
      this.tuning = [];
      const r = await lineSearch({
        values: this.opts.blendGrid ?? SEMANTIC_DEFAULTS.blendGrid,
        signal: ctx.signal,
        evaluate: async (b) => {
          this.setBlend(b);
          return this.validateNow(validate);
        },
        onTry: (blend, value) => this.tuning.push({ blend, value }),
      });
      this.setBlend(r.value ?? initial);
    } else {
      this.setBlend(this.blend);
    }
  }

  /** The validation metric of the current blend, every user scored in one native product (when it fits in memory). */
  private async validateNow(validate: (scorer: Scorer) => number): Promise<number> {
    const uv = this.userVecs;
    const m = this.itemMat;
    if (uv === null || m === null) throw notFitted(this.name);
    this.scoreCache = await scoreMatrixNative(uv, uv.length / this.dim, m, this.nItems, this.dim);
    try {
      return validate(this);
    } finally {
      this.scoreCache = null;
    }
  }

  /** Recomputes user vectors for a blend weight in [0, 1]. */
  setBlend(blend: number): void {
    this.userVecs = this.userVectorsAt(blend);
    this.blend = blend;
  }

  /** Unit user vectors (nUsers×dim, a new array) for a blend weight in [0, 1]; the scorer is not changed. */
  userVectorsAt(blend: number): Float32Array {
    if (!(blend >= 0 && blend <= 1)) throw new KnowrecError('config', `semantic: blend must be in [0, 1], got ${blend}`);
    const s = this.sentenceVecs;
    const m = this.meanVecs;
    if (s === null || m === null) throw notFitted(this.name);
    const dim = this.dim;
    const nUsers = s.length / dim;
    const out = new Float32Array(s.length);
    for (let u = 0; u < nUsers; u++) {
      const o = u * dim;
      let norm = 0;
      for (let d = 0; d < dim; d++) {
        const v = blend * s[o + d] + (1 - blend) * m[o + d];
        out[o + d] = v;
        norm += v * v;
      }
      norm = Math.sqrt(norm);
      if (norm > 0) for (let d = 0; d < dim; d++) out[o + d] /= norm;
    }
    return out;
  }

  score(user: number, items?: Int32Array): Float32Array {
    const uv = this.userVecs;
    if (uv === null) throw notFitted(this.name);
    checkUser(this.name, user, uv.length / this.dim);
    const cached = this.scoreCache;
    if (cached !== null) return gather(this.name, cached.slice(user * this.nItems, (user + 1) * this.nItems), items);
    return gather(this.name, this.scoreVector(uv.subarray(user * this.dim, (user + 1) * this.dim)), items);
  }

  /**
   * score(u, i) = ⟨normalize(β·s_u + (1 − β)·m_u/‖m_u‖), v_i⟩ with m_u = Σ_j w_j v_j: history item
   * j's term is (1 − β)·w_j⟨v_j, v_i⟩ / (‖m_u‖·‖β·s_u + (1 − β)·m_u/‖m_u‖‖), exact; the
   * user-sentence term (β) is left unattributed.
   */
  attribute(user: number, item: number): HistoryContribution[] {
    const { items, weights, m, sv } = this.historyMean(user, null);
    const dim = this.dim;
    const mNorm = Math.hypot(...m);
    if (!(mNorm > 0)) return [];
    let uNorm = 0;
    for (let d = 0; d < dim; d++) uNorm += (this.blend * sv[user * dim + d] + ((1 - this.blend) * m[d]) / mNorm) ** 2;
    uNorm = Math.sqrt(uNorm);
    if (!(uNorm > 0)) return [];
    const vi = this.itemVector(item);
    const out: HistoryContribution[] = items.map((j, k) => {
      const v = this.itemVector(j);
      let dot = 0;
      for (let d = 0; d < dim; d++) dot += v[d] * vi[d];
      return { item: j, weight: ((1 - this.blend) * weights[k] * dot) / (mNorm * uNorm) };
    });
    return sortContributions(out);
  }

  /**
   * The item mean without the removed items, blended with the (fixed) user sentence: a low-rank
   * update when the user was prepared (prepareWithout, semantic-without.ts; equal up to float
   * rounding), else the mean recomputed and a full product.
   */
  scoreWithout(user: number, removed: ReadonlySet<number>, _ties?: RemovedTies, into?: Float32Array): Float32Array {
    const fast = this.removals?.scoreWithout(user, this.blend, removed, into) ?? null;
    return fast ?? this.scoreVector(this.queryWithout(user, removed));
  }

  /**
   * scoreWithout item by item (attribution.ts RescoreAt), the same numbers: from the prepared
   * products where scoreWithout uses them (semantic-without.ts), else the cosines with the query
   * without `removed` as its JavaScript path sums them; null where scoreWithout would take a
   * native product instead. Every item moves by at most max_i‖v_i‖·‖q' − q‖ plus the float32
   * rounding of the sums ((dim + 2)·2⁻²⁴·‖v_i‖·‖x‖ per product).
   */
  scoreWithoutAt(user: number, removed: ReadonlySet<number>): RescoreAt | null {
    const uv = this.userVecs;
    const m = this.itemMat;
    if (uv === null || m === null) throw notFitted(this.name);
    checkUser(this.name, user, uv.length / this.dim);
    const dim = this.dim;
    const query = uv.subarray(user * dim, (user + 1) * dim);
    const w = (this.largestNorm ??= largestRowNorm(m, this.nItems, dim));
    const prepared = this.removals?.rescoreAt(user, this.blend, removed, query, w) ?? null;
    if (prepared !== null) return prepared;
    if (this.products?.answering === true) return null;
    const q = this.queryWithout(user, removed);
    let diff = 0;
    let qb = 0;
    for (let d = 0; d < dim; d++) {
      diff += (q[d] - query[d]) ** 2;
      qb += query[d] * query[d];
    }
    const bound = w * (Math.sqrt(diff) + (dim + 2) * 2 ** -24 * Math.sqrt(qb)) * (1 + 1e-9);
    return { offset: 0, bound, exact: null, write: (items, into) => { for (let t = 0; t < items.length; t++) into[items[t]] = dot(m, items[t] * dim, q, 0, dim); } };
  }

  /** The unit query vector without `removed` (the item mean recomputed, blended with the user sentence). */
  private queryWithout(user: number, removed: ReadonlySet<number>): Float32Array {
    const { m, sv } = this.historyMean(user, removed);
    const dim = this.dim;
    const mNorm = Math.hypot(...m);
    const q = new Float32Array(dim);
    for (let d = 0; d < dim; d++) q[d] = this.blend * sv[user * dim + d] + (mNorm > 0 ? ((1 - this.blend) * m[d]) / mNorm : 0);
    const qNorm = Math.hypot(...q);
    if (qNorm > 0) for (let d = 0; d < dim; d++) q[d] /= qNorm;
    return q;
  }

  /**
   * The history items about to be removed from `user` (alone and together, an explanation's
   * counterfactuals): their products with every item vector are computed in one pass and kept,
   * so that scoreWithout of those items is a low-rank update (semantic-without.ts).
   */
  prepareWithout(user: number, items: readonly number[]): void {
    const r = this.removals;
    if (r === null) throw notFitted(this.name);
    checkUser(this.name, user, this.nUsers());
    r.prepare(user, () => {
      const { items: hist, weights, m, sv } = this.historyMean(user, null);
      return { items: hist, weights, m, s: sv.subarray(user * this.dim, (user + 1) * this.dim) };
    }, items);
  }

  /** Forgets the products kept for explanations (the last user's and the columns kept across users). */
  forgetRemovals(): void {
    this.removals?.clear();
  }

  /** V·v_r columns of the explanations' re-scores computed, and found kept from an earlier user (semantic-without.ts). */
  get columnCounts(): { readonly computed: number; readonly reused: number } {
    return { ...(this.removals?.columnCounts ?? { computed: 0, reused: 0 }) };
  }

  private nUsers(): number {
    const sv = this.sentenceVecs;
    if (sv === null) throw notFitted(this.name);
    return sv.length / this.dim;
  }

  /** The user's weighted item mean m_u (leaving out `removed`), with the items, weights and sentence vectors. */
  private historyMean(user: number, removed: ReadonlySet<number> | null): { items: number[]; weights: number[]; m: Float64Array; sv: Float32Array } {
    const { items, weights } = this.meanWeights(user);
    const sv = this.sentenceVecs;
    if (sv === null) throw notFitted(this.name);
    const dim = this.dim;
    const m = new Float64Array(dim);
    items.forEach((j, k) => {
      if (removed !== null && removed.has(j)) return;
      const v = this.itemVector(j);
      for (let d = 0; d < dim; d++) m[d] += weights[k] * v[d];
    });
    return { items, weights, m, sv };
  }

  /** The user's training items and their weights in the item mean (as weightedMeans). */
  private meanWeights(user: number): { items: number[]; weights: number[] } {
    const h = this.history;
    if (h === null) throw notFitted(this.name);
    checkUser(this.name, user, h.train.nRows);
    return userMeanWeights(h.train, h.ts, user, h.maxRating, h.halfLife);
  }

  /** Cosine of every item with a unit query vector (free-text queries, new users). */
  scoreVector(q: Float32Array): Float32Array {
    const m = this.itemMat;
    if (m === null) throw notFitted(this.name);
    const dim = this.dim;
    if (q.length !== dim) throw new KnowrecError('validation', `semantic: query vector has ${q.length} dims, expected ${dim}`);
    const native = this.products?.product(q) ?? null;
    if (native !== null) return native;
    const out = new Float32Array(this.nItems);
    for (let i = 0; i < this.nItems; i++) out[i] = dot(m, i * dim, q, 0, dim);
    return out;
  }

  /**
   * The item vectors as a VectorIndex, built on first use: exact below ANN_MIN_VECTORS items,
   * the usearch HNSW graph from there on (or as SemanticOptions.index says).
   */
  itemIndex(): VectorIndex {
    if (this.index !== null) return this.index;
    const m = this.itemMat;
    if (m === null) throw notFitted(this.name);
    const ix = createVectorIndex(this.dim, { expected: this.nItems, kind: this.opts.index });
    ix.add(Int32Array.from({ length: this.nItems }, (_, i) => i), m);
    this.index = ix;
    return ix;
  }

  /**
   * The k best items for `user` by ⟨u, v_i⟩ through itemIndex() (approximate above the ANN
   * threshold), skipping `exclude` (e.g. the seen items). score() stays exact over all items.
   */
  recommendTop(user: number, k: number, exclude?: Exclusion): SearchHit {
    const uv = this.userVecs;
    if (uv === null) throw notFitted(this.name);
    checkUser(this.name, user, uv.length / this.dim);
    const q = uv.subarray(user * this.dim, (user + 1) * this.dim);
    return this.itemIndex().search([q], k, exclude === undefined ? undefined : () => exclude)[0];
  }

  /** Scores for a free-text query ("light-hearted animated film for children"). */
  async scoreQuery(text: string): Promise<Float32Array> {
    const [v] = await this.opts.encoder.encode([text], { role: 'query' });
    return this.scoreVector(v);
  }

  /** Unit vector of item i (shared view, do not modify). */
  itemVector(i: number): Float32Array {
    const m = this.itemMat;
    if (m === null) throw notFitted(this.name);
    return m.subarray(i * this.dim, (i + 1) * this.dim);
  }

  /**
   * The fitted vectors (shared views, do not modify): unit item vectors (nItems×dim), unit user
   * vectors in effect (nUsers×dim), the blend and the recency half-life. Used by the adapter.
   */
  vectors(): { dim: number; items: Float32Array; users: Float32Array; blend: number; halfLifeDays: number } {
    const m = this.itemMat;
    const u = this.userVecs;
    if (m === null || u === null) throw notFitted(this.name);
    return { dim: this.dim, items: m, users: u, blend: this.blend, halfLifeDays: this.opts.halfLifeDays ?? SEMANTIC_DEFAULTS.halfLifeDays };
  }

  /** The item sentence that was encoded for item i. */
  itemText(i: number): string {
    return this.itemTexts[i] ?? '';
  }

  /** Seconds of the last fit: items (sentences + encoding: the one-time item-text encoding) and users; null before fit. */
  fitStageSeconds(): { readonly items: number; readonly users: number } | null {
    return this.stageSeconds;
  }

  params(): Readonly<Record<string, number | string | boolean>> {
    const p: Record<string, number | string | boolean> = {
      model: this.opts.encoder.modelId,
      lang: this.opts.lang ?? SEMANTIC_DEFAULTS.lang,
      blend: this.blend,
      halfLifeDays: this.opts.halfLifeDays ?? SEMANTIC_DEFAULTS.halfLifeDays,
      itemTokenBudget: this.opts.itemTokenBudget ?? SEMANTIC_DEFAULTS.itemTokenBudget,
      userTokenBudget: this.opts.userTokenBudget ?? SEMANTIC_DEFAULTS.userTokenBudget,
    };
    if (this.tuning.length > 0) p.blendTuning = this.tuning.map((t) => `${t.blend}:${t.value.toFixed(4)}`).join(' ');
    return { ...p, ...nativeProductsParam(this.products?.problem ?? null) };
  }
}

/** Training timestamps in the same CSR layout as ctx.trainCsr. */
function timestampsCsr(ctx: FitContext): Csr {
  const t = ctx.train;
  const asRating = { user: t.user, item: t.item, rating: Float32Array.from(t.timestamp), timestamp: t.timestamp };
  // Float32 loses sub-minute precision on unix seconds; recency only needs days.
  return toCsr(asRating, ctx.nUsers, ctx.nItems);
}

/**
 * Per user: normalize(Σ_j w_j v_j) over training items, w_j = (rating_j / max rating) ·
 * 2^(−age_j / halfLife), age relative to the user's latest training interaction.
 */
function weightedMeans(train: Csr, ts: Csr, itemMat: Float32Array, dim: number, halfLifeSeconds: number): Float32Array {
  const nUsers = train.nRows;
  const maxRating = maxRatingOf(train);
  const out = new Float32Array(nUsers * dim);
  for (let u = 0; u < nUsers; u++) {
    const { items, weights } = userMeanWeights(train, ts, u, maxRating, halfLifeSeconds);
    if (items.length === 0) continue;
    const o = u * dim;
    items.forEach((i, k) => {
      const io = i * dim;
      for (let d = 0; d < dim; d++) out[o + d] += weights[k] * itemMat[io + d];
    });
    let norm = 0;
    for (let d = 0; d < dim; d++) norm += out[o + d] * out[o + d];
    norm = Math.sqrt(norm);
    if (norm > 0) for (let d = 0; d < dim; d++) out[o + d] /= norm;
  }
  return out;
}

function maxRatingOf(train: Csr): number {
  let maxRating = 0;
  for (let p = 0; p < train.values.length; p++) if (train.values[p] > maxRating) maxRating = train.values[p];
  return maxRating > 0 ? maxRating : 1;
}

/** w_j = (rating_j / max rating) · 2^(−age_j / halfLife) of each of u's training entries. */
function userMeanWeights(train: Csr, ts: Csr, u: number, maxRating: number, halfLifeSeconds: number): { items: number[]; weights: number[] } {
  const a = train.indptr[u];
  const b = train.indptr[u + 1];
  let latest = -Infinity;
  for (let p = a; p < b; p++) if (ts.values[p] > latest) latest = ts.values[p];
  const items: number[] = [];
  const weights: number[] = [];
  for (let p = a; p < b; p++) {
    const age = Math.max(0, latest - ts.values[p]);
    items.push(train.indices[p]);
    weights.push((train.values[p] / maxRating) * Math.pow(2, -age / halfLifeSeconds));
  }
  return { items, weights };
}
