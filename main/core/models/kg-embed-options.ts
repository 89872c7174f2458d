/** kg-embed's options, their defaults and the checks of their values (kg-embed.ts). */
import { KnowrecError } from '../errors';
import type { Scorer } from '../types';
import type { KgLossKind, KgOptimizer, NegativePool } from './kg-embed-train';

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
  /**
   * Pairs per epoch: a fresh shuffled sample of this many training pairs (and the same share of
   * the triples) instead of all of them; positive integer. Default: all (scale mode: scale.ts).
   */
  readonly pairsPerEpoch?: number;
  /** Validate every this many epochs (and after the last one); positive integer. Default 2. */
  readonly evalEvery?: number;
  /** Stop after this many validations without improvement; positive integer. Default 3. */
  readonly patience?: number;
  /**
   * Validation metric of the model in its current state (higher is better), e.g. NDCG@10 on the
   * validation split. While it runs, `scorer.score` uses the current weights.
   */
  readonly validate?: (scorer: Scorer) => number | Promise<number>;
  /** The users `validate` scores, when a sample (as BprOptions.validationUsers). */
  readonly validationUsers?: Int32Array;
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

export function checkInt(name: string, v: number, min: number, hint: string): void {
  if (!Number.isInteger(v) || v < min) {
    throw new KnowrecError('config', `kg-embed: ${name} must be an integer ≥ ${min}, got ${String(v)}`, {}, hint);
  }
}

export function checkRange(name: string, v: number, ok: (v: number) => boolean, what: string, hint: string): void {
  if (typeof v !== 'number' || !Number.isFinite(v) || !ok(v)) {
    throw new KnowrecError('config', `kg-embed: ${name} must be ${what}, got ${String(v)}`, {}, hint);
  }
}

export function oneOf(name: string, v: string, allowed: readonly string[]): void {
  if (!allowed.includes(v)) {
    throw new KnowrecError('config', `kg-embed: ${name} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got '${String(v)}'`);
  }
}
