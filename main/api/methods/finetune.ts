/**
 * Fine-tuned model versions (adapters, main/core/train/versions.ts): list them with their
 * config, data hash, seed, curve and best validation NDCG@10, and make one active. The active
 * version is recorded in the adapter folder (active.json, read by the scorers) and in the
 * workspace meta 'active_adapter' (the labeling queue names it as the proposing model).
 */
import { createHash } from 'node:crypto';
import type { Api, ApiGroupMethod, ModelVersion } from '../contract';
import { type ApiContext, type Opened } from '../context';
import { guard } from '../result';
import { ACTIVE_ADAPTER_KEY } from './labels';
import { KnowrecError } from '../../core/errors';
import { listAdapterVersions, setActiveAdapter, type AdapterVersion } from '../../core/train/versions';

function toModelVersion(v: AdapterVersion): ModelVersion {
  const m = v.meta;
  const config: Record<string, number | string | boolean> = {};
  for (const [k, val] of Object.entries({ ...m.params, ...m.config })) {
    if (typeof val === 'number' || typeof val === 'string' || typeof val === 'boolean') config[k] = val;
  }
  return {
    id: v.version,
    created: m.created,
    config,
    // interactions' hash, and with labels the hash of both (labels change the training data)
    dataHash: m.labels.sha256 === undefined || m.labels.positive + m.labels.negative === 0 ? m.data_sha256 : createHash('sha256').update(`${m.data_sha256} ${m.labels.sha256}`).digest('hex'),
    seed: m.seed,
    validNdcg: Number.isFinite(m.metrics.best_valid_ndcg) ? m.metrics.best_valid_ndcg : null,
    bestEpoch: Number.isFinite(m.metrics.best_epoch) ? m.metrics.best_epoch : null,
    curve: m.metrics.curve.map((p) => ({ epoch: p.epoch, loss: p.loss, validNdcg: p.validNdcg, seconds: p.seconds })),
    labels: m.labels.positive + m.labels.negative,
    active: v.active,
  };
}

async function rootOf(ctx: ApiContext, o: Opened): Promise<string> {
  const s = await ctx.summaryOf(o);
  if (s.dataset === null) throw new KnowrecError('not-found', 'the workspace holds no dataset yet', { file: o.path }, 'import one first');
  return ctx.adapterRootFor(s.dataset);
}

export function finetuneMethods(ctx: ApiContext): Pick<Api, ApiGroupMethod<'finetune'>> {
  return {
    listModelVersions: () =>
      guard(async () => {
        const o = await ctx.ensureOpen();
        const s = await ctx.summaryOf(o);
        if (s.dataset === null) return [];
        return listAdapterVersions(ctx.adapterRootFor(s.dataset)).map(toModelVersion).reverse();
      }),

    activateModelVersion: (request) =>
      guard(async () => {
        const o = await ctx.ensureOpen();
        const root = await rootOf(ctx, o);
        const found = listAdapterVersions(root).find((v) => v.version === request.id);
        if (found === undefined) throw new KnowrecError('not-found', `no model version "${request.id}"`, { file: root }, 'pick one of the versions listed in the Fine-tune view');
        setActiveAdapter(root, found.version);
        o.ws.setMeta(ACTIVE_ADAPTER_KEY, found.version);
        return toModelVersion({ ...found, active: true });
      }),
  };
}
