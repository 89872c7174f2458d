/** Item embeddings for ild_emb: the item vectors of a fitted text model of the run, when there is one. */
import type { ItemVectors } from '../core/eval/list-metrics';
import type { FittedModel } from './model-factory';

/** Models whose item vectors are the encoder's (fine-tuned ones are not the plain embedding space). */
const TEXT_MODELS = ['semantic'] as const;

interface WithVectors {
  vectors(): { dim: number; items: Float32Array };
}

function hasVectors(s: unknown): s is WithVectors {
  return typeof s === 'object' && s !== null && typeof (s as Partial<WithVectors>).vectors === 'function';
}

/** The item vectors of the run's fitted `semantic` model (a hybrid's source counts); undefined without one. */
export async function itemVectorsOf(fitted: ReadonlyMap<string, Promise<FittedModel>>): Promise<ItemVectors | undefined> {
  for (const name of TEXT_MODELS) {
    const f = fitted.get(name);
    if (f === undefined) continue;
    const scorer = (await f).scorer;
    if (!hasVectors(scorer)) continue;
    const { dim, items } = scorer.vectors();
    return { dim, items };
  }
  return undefined;
}
