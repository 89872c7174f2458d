/**
 * What building a model may draw on. The caller makes it (main/jobs/model-factory.ts for jobs:
 * encoder with its cache, KG index, the job's fitted models); the registry's builds only read it.
 */
import type { Encoder } from '../encode/types';
import type { KgIndex } from '../kg';
import type { TokenCounter } from '../text';
import type { Adapter } from '../train/adapter';
import type { FitContext, Scorer } from '../types';
import type { AdapterTrainer } from './semantic-ft';

export interface ModelEnvironment {
  /** Validation metric (higher is better) of a scorer in its current state; never the test split. */
  readonly validate: (scorer: Scorer) => number;
  /**
   * The users `validate` scores, when it scores a sample (scale mode); factor models (bpr,
   * kg-embed) then score just these users natively while they validate. Absent: every user.
   */
  readonly validationUsers?: Int32Array;
  /** Whether to tune on validation (models that tune themselves do so only then). */
  readonly tune: boolean;
  /** Sentence language for text scorers. */
  readonly lang?: string;
  /** The KG index of ctx's dataset, shared within the job. */
  kgIndex(ctx: FitContext): KgIndex;
  encoder(): Promise<Encoder>;
  /** Token counter of the encoder's own tokenizer. */
  countTokens(): TokenCounter;
  /** The active fine-tuned adapter when it may score ctx without leaking, else null. */
  activeAdapter(ctx: FitContext): { readonly version: string; readonly adapter: Adapter } | null;
  /** Trains an adapter for semantic-ft. */
  readonly trainAdapter: AdapterTrainer;
  /** Another model fitted on ctx (shared within the job): a hybrid's sources, semantic-ft's base. */
  fitted(name: string, ctx: FitContext): Promise<Scorer>;
}
