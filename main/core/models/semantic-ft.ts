/**
 * `semantic-ft`: the semantic scorer's frozen vectors passed through a trained adapter (see
 * core/train/adapter.ts): score(u, i) = ⟨userTower(u_semantic), itemTower(v_i)⟩. Unless an adapter
 * is given, fit() trains one contrastively on the fit context — (history before t, item t) pairs
 * from the TRAIN split plus relevance labels, early stopping on the validation split (the test
 * split is never seen). Cold items are scored through the item tower from their text alone.
 *
 * The adapter's user input is β·(user sentence) + (1 − β)·(recency-weighted item mean). The base's
 * β was chosen for frozen cosine scores; the adapter may learn better from another one (e.g. the
 * item mean alone, when the sentences of a language read less like the items), so fit() trains
 * one adapter per β of `blendGrid` (default: 0, then the base's) and keeps the best on validation.
 */
import { KnowrecError, throwIfAborted } from '../errors';
import type { Encoder } from '../encode/types';
import { concatInteractions, toCsr } from '../matrix';
import { userSentence, type TokenCounter } from '../text';
import { Adapter } from '../train/adapter';
import { buildPairs, checkLabels, chronological, prefixCuts, type PrefixSentences, type RelevanceLabel } from '../train/pairs';
import { TRAIN_DEFAULTS, trainAdapter, type EpochRecord, type TrainData, type TrainOptions, type TrainParams, type TrainResult } from '../train/trainer';
import { dotScores } from '../train/validate';
import type { Csr, FitContext, Interactions, Scorer } from '../types';
import { checkUser, gather, notFitted } from './scorer';
import { SEMANTIC_DEFAULTS, type SemanticScorer } from './semantic';

export type AdapterTrainer = (data: TrainData, opts: TrainOptions) => Promise<TrainResult>;

export interface SemanticFtOptions {
  /** The frozen scorer; fitted by fit() unless it already is. */
  readonly base: SemanticScorer;
  /** A trained adapter: when given, fit() trains nothing. */
  readonly adapter?: Adapter;
  /** Encoder for the user sentences of history prefixes (the base's encoder); without it pairs use the weighted mean only. */
  readonly encoder?: Encoder;
  readonly lang?: string;
  readonly countTokens?: TokenCounter;
  readonly userTokenBudget?: number;
  /** Relevance labels over dense indices; 1 = extra positive pair, 0 = labelled negative. */
  readonly labels?: readonly RelevanceLabel[];
  readonly params?: Partial<TrainParams>;
  /** Weights β of the user sentence in the adapter's user input, one training each, best on validation (the first on ties). Default [0, base's β]. */
  readonly blendGrid?: readonly number[];
  /** Prefix cut points per user at which a user sentence is encoded. Default 2. */
  readonly sentenceCuts?: number;
  /** At most this many pairs per user (0 = all). Default 0. */
  readonly maxPairsPerUser?: number;
  /** Runs the training (default in this thread; model-factory passes the worker-thread runner). */
  readonly trainer?: AdapterTrainer;
  readonly checkpointPath?: string;
  readonly resumeFrom?: string;
  readonly onEpoch?: (r: EpochRecord) => void;
}

export const SEMANTIC_FT_DEFAULTS = { sentenceCuts: 2, maxPairsPerUser: 0 } as const;

export class SemanticFtScorer implements Scorer {
  readonly name = 'semantic-ft';
  private readonly opts: SemanticFtOptions;
  private adapter: Adapter | null;
  private result: TrainResult | null = null;
  private dim = 0;
  private userMat: Float32Array | null = null;
  private itemMat: Float32Array | null = null;
  private baseFitted = false;
  /** User vectors the adapter was trained on (null: the base's). */
  private inputUsers: Float32Array | null = null;
  private inputBlend: number | null = null;
  private blendTuning: { blend: number; valid: number }[] = [];

  constructor(opts: SemanticFtOptions) {
    this.opts = opts;
    this.adapter = opts.adapter ?? null;
  }

  async fit(ctx: FitContext): Promise<void> {
    const base = this.opts.base;
    if (!isFitted(base)) {
      await base.fit(ctx);
      this.baseFitted = true;
    }
    throwIfAborted(ctx.signal);
    if (this.adapter === null) await this.train(ctx, base);
    this.project(this.adapter as Adapter);
  }

  /** One training per β of the grid (valid early stopping each); keeps the best valid NDCG@10 (the first on ties). */
  private async train(ctx: FitContext, base: SemanticScorer): Promise<void> {
    const grid = adapterBlends(this.opts.blendGrid, base.vectors().blend);
    this.blendTuning = [];
    let best: { result: TrainResult; blend: number; users: Float32Array } | null = null;
    for (const blend of grid) {
      throwIfAborted(ctx.signal);
      ctx.onProgress?.({ stage: 'semantic-ft', message: `building training pairs (sentence weight ${blend})`, code: 'trainingPairs' });
      const users = base.userVectorsAt(blend);
      const data = await prepareTrainData(ctx, base, this.opts, { blend, users });
      const result = await this.runTrainer(ctx, data);
      this.blendTuning.push({ blend, valid: result.bestValidNdcg });
      if (best === null || result.bestValidNdcg > best.result.bestValidNdcg) best = { result, blend, users };
    }
    if (best === null) throw new KnowrecError('config', 'semantic-ft: blendGrid is empty', {}, 'give at least one weight in [0, 1]');
    this.result = best.result;
    this.adapter = best.result.adapter;
    this.inputBlend = best.blend;
    this.inputUsers = best.users;
  }

  private runTrainer(ctx: FitContext, data: TrainData): Promise<TrainResult> {
    const trainer = this.opts.trainer ?? trainAdapter;
    const t0 = Date.now();
    return trainer(data, {
      seed: ctx.seed,
      params: this.opts.params,
      signal: ctx.signal,
      checkpointPath: this.opts.checkpointPath,
      resumeFrom: this.opts.resumeFrom,
      onEpoch: (r) => {
        ctx.onProgress?.({
          stage: 'semantic-ft',
          fraction: r.epoch / (this.opts.params?.epochs ?? TRAIN_DEFAULTS.epochs),
          message: `epoch ${r.epoch}`,
          code: 'epoch',
          params: { n: r.epoch },
          metrics: { loss: r.loss, valid_ndcg: r.validNdcg, seconds: Math.round((Date.now() - t0) / 100) / 10 },
        });
        this.opts.onEpoch?.(r);
      },
    });
  }

  /** Uses another adapter (e.g. a saved version) without refitting the base. */
  useAdapter(a: Adapter): void {
    // a saved version was trained on the base's user vectors, not on this fit's chosen input
    this.inputUsers = null;
    this.inputBlend = null;
    this.adapter = a;
    this.project(a);
  }

  private project(a: Adapter): void {
    const v = this.opts.base.vectors();
    this.dim = v.dim;
    this.userMat = a.projectAll('user', this.inputUsers ?? v.users);
    this.itemMat = a.projectAll('item', v.items);
  }

  score(user: number, items?: Int32Array): Float32Array {
    const um = this.userMat;
    const im = this.itemMat;
    if (um === null || im === null) throw notFitted(this.name);
    checkUser(this.name, user, um.length / this.dim);
    return gather(this.name, dotScores(um, im, user, this.dim), items);
  }

  /** Adapted unit vector of item i (shared view, do not modify). */
  itemVector(i: number): Float32Array {
    const m = this.itemMat;
    if (m === null) throw notFitted(this.name);
    return m.subarray(i * this.dim, (i + 1) * this.dim);
  }

  /** Scores of a free-text query vector (unit, frozen space) through the user tower. */
  scoreVector(q: Float32Array): Float32Array {
    const a = this.adapter;
    const im = this.itemMat;
    if (a === null || im === null) throw notFitted(this.name);
    return dotScores(a.projectAll('user', q, 1), im, 0, this.dim);
  }

  /** The adapter in use (after fit). */
  currentAdapter(): Adapter {
    if (this.adapter === null) throw notFitted(this.name);
    return this.adapter;
  }

  /** What the last training did (null when the adapter was given). */
  trainResult(): TrainResult | null {
    return this.result;
  }

  params(): Readonly<Record<string, number | string | boolean>> {
    const out: Record<string, number | string | boolean> = { ...(this.baseFitted || isFitted(this.opts.base) ? this.opts.base.params() : {}) };
    const a = this.adapter;
    if (a !== null) out.adapterRank = a.config.rank === 0 ? 'full' : a.config.rank;
    const r = this.result;
    if (r !== null) {
      out.temperature = r.params.temperature;
      out.lr = r.params.lr;
      out.weightDecay = r.params.weightDecay;
      out.dropout = r.params.dropout;
      out.batchSize = r.params.batchSize;
      out.logQ = r.params.logQ;
      out.epochsRun = r.history.length;
      out.bestEpoch = r.bestEpoch;
      out.pairs = r.pairs;
      out.validCurve = [r.initialValidNdcg, ...r.history.map((h) => h.validNdcg)].map((x) => x.toFixed(4)).join(' ');
      out.lossCurve = r.history.map((h) => h.loss.toFixed(4)).join(' ');
      if (this.inputBlend !== null) out.adapterBlend = this.inputBlend;
      if (this.blendTuning.length > 1) out.adapterBlendTuning = this.blendTuning.map((t) => `${t.blend}:${t.valid.toFixed(4)}`).join(' ');
      out.epochSeconds = r.history.length > 0 ? Math.round((10 * r.history.reduce((t, h) => t + h.seconds, 0)) / r.history.length) / 10 : 0;
    }
    return out;
  }
}

/** The adapter's input weights to try: `grid` (default [0, base's]: the item mean alone first) without repeats, each checked to be in [0, 1]. */
export function adapterBlends(grid: readonly number[] | undefined, baseBlend: number): number[] {
  const out: number[] = [];
  for (const b of grid ?? [0, baseBlend]) {
    if (!(b >= 0 && b <= 1)) throw new KnowrecError('config', `semantic-ft: blendGrid values must be in [0, 1], got ${b}`);
    if (!out.includes(b)) out.push(b);
  }
  return out;
}

function isFitted(s: SemanticScorer): boolean {
  try {
    s.vectors();
    return true;
  } catch {
    return false;
  }
}

/** Per-user CSR of the items in `x` (values 1). */
function itemSets(x: Interactions, nUsers: number, nItems: number): Csr {
  return toCsr({ ...x, rating: new Float32Array(x.user.length).fill(1) }, nUsers, nItems);
}

function labelInteractions(labels: readonly RelevanceLabel[]): Interactions {
  return {
    user: Int32Array.from(labels, (l) => l.user),
    item: Int32Array.from(labels, (l) => l.item),
    rating: new Float32Array(labels.length).fill(1),
    timestamp: new Float64Array(labels.length),
  };
}

/**
 * The training data of a fit context: pairs (with prefix sentences), positives, labelled negatives,
 * validation. `input`: the sentence weight and user vectors of the adapter's user input (default the base's).
 */
export async function prepareTrainData(
  ctx: FitContext,
  base: SemanticScorer,
  o: Omit<SemanticFtOptions, 'base'>,
  input?: { readonly blend: number; readonly users: Float32Array },
): Promise<TrainData> {
  const bv = base.vectors();
  const v = input === undefined ? bv : { ...bv, blend: input.blend, users: input.users };
  const d = v.dim;
  const labels = o.labels ?? [];
  checkLabels(labels, ctx.nUsers, ctx.nItems);
  let sentences: PrefixSentences | undefined;
  const nCuts = o.sentenceCuts ?? SEMANTIC_FT_DEFAULTS.sentenceCuts;
  if (o.encoder !== undefined && v.blend > 0 && nCuts > 0) {
    const hist = chronological(ctx.train, ctx.nUsers);
    const cuts = hist.map((rows) => prefixCuts(rows.length, nCuts));
    const texts: string[] = [];
    const first = new Int32Array(ctx.nUsers);
    const lang = o.lang ?? SEMANTIC_DEFAULTS.lang;
    for (let u = 0; u < ctx.nUsers; u++) {
      first[u] = texts.length;
      for (const c of cuts[u]) {
        const rows = hist[u].subarray(0, c);
        texts.push(userSentence(ctx.dataset, u, {
          items: Int32Array.from(rows, (r) => ctx.train.item[r]),
          ratings: Float32Array.from(rows, (r) => ctx.train.rating[r]),
          timestamps: Float32Array.from(rows, (r) => ctx.train.timestamp[r]),
        }, { lang, countTokens: o.countTokens, tokenBudget: o.userTokenBudget ?? SEMANTIC_DEFAULTS.userTokenBudget }).text);
      }
    }
    ctx.onProgress?.({ stage: 'semantic-ft', message: `encoding ${texts.length} history-prefix sentences`, code: 'encodingPrefixesN', params: { n: texts.length } });
    const vecs = await o.encoder.encode(texts, {
      signal: ctx.signal,
      onProgress: (done, total) => ctx.onProgress?.({ stage: 'semantic-ft', fraction: done / total, message: 'encoding history prefixes', code: 'encodingPrefixes' }),
    });
    sentences = { cuts, vec: (u, k) => vecs[first[u] + k] };
  }
  const pairs = buildPairs({
    train: ctx.train,
    nUsers: ctx.nUsers,
    nItems: ctx.nItems,
    dim: d,
    itemVecs: v.items,
    blend: sentences !== undefined ? v.blend : 0,
    halfLifeSeconds: v.halfLifeDays * 86400,
    sentences,
    maxPairsPerUser: o.maxPairsPerUser ?? SEMANTIC_FT_DEFAULTS.maxPairsPerUser,
    seed: ctx.seed,
    labels,
    userVecs: v.users,
  });
  const pos = labels.filter((l) => l.value === 1);
  const neg = labels.filter((l) => l.value === 0);
  return {
    nUsers: ctx.nUsers,
    nItems: ctx.nItems,
    dim: d,
    userVecs: v.users,
    itemVecs: v.items,
    train: ctx.trainCsr,
    valid: ctx.valid,
    pairs,
    positives: itemSets(concatInteractions([ctx.train, labelInteractions(pos)]), ctx.nUsers, ctx.nItems),
    negatives: neg.length > 0 ? itemSets(labelInteractions(neg), ctx.nUsers, ctx.nItems) : undefined,
  };
}
