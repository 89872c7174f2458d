/**
 * The fine-tuning job: trains the text adapter (main/jobs/finetune.ts runFinetune) on the
 * workspace's interactions and, unless turned off, its relevance labels; one curve point per
 * epoch; the new version folder is `spec.outDir` (a checkpoint is kept beside it after every
 * epoch, so a cancelled or interrupted job resumes where it stopped).
 */
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import type { StartFinetuneRequest } from '../api/contract';
import type { Encoder } from '../core/encode/types';
import { KnowrecError } from '../core/errors';
import { Workspace } from '../core/store';
import type { RelevanceLabel } from '../core/train/pairs';
import type { TrainParams } from '../core/train/trainer';
import { checkpointPathFor, runFinetune } from './finetune';
import type { JobSpec, TaskContext } from './job-worker-spec';
import { part, partsText, progressParts } from './job-message';

/** Seed of a fine-tuning job when the request does not say (the split seed of `knowrec fit`). */
/** Share of the progress bar for the preparation (encoding) before the first epoch. */
const PREPARE_SHARE = 0.25;

export const FINETUNE_SEED = 2020;

/** The trainer's parameters named by the request (the rest keep the trainer's defaults). */
export function trainParams(r: StartFinetuneRequest): Partial<TrainParams> {
  const p: { -readonly [K in keyof TrainParams]?: TrainParams[K] } = {};
  if (r.epochs !== undefined) p.epochs = r.epochs;
  if (r.learningRate !== undefined) p.lr = r.learningRate;
  if (r.temperature !== undefined) p.temperature = r.temperature;
  if (r.weightDecay !== undefined) p.weightDecay = r.weightDecay;
  if (r.dropout !== undefined) p.dropout = r.dropout;
  if (r.rank !== undefined) p.rank = r.rank;
  if (r.batchSize !== undefined) p.batchSize = r.batchSize;
  if (r.patience !== undefined) p.patience = r.patience;
  return p;
}

/** True when `outDir` has a checkpoint to resume from. */
export function hasCheckpoint(outDir: string): boolean {
  return existsSync(checkpointPathFor(outDir));
}

/** The workspace's relevance labels on the dense indices of its dataset (as loaded now). */
function workspaceLabels(path: string): RelevanceLabel[] {
  const ws = Workspace.open(path);
  try {
    return ws.labels.relevanceLabels(ws.loadDataset()).labels.map((l) => ({ user: l.user, item: l.item, value: l.value }));
  } finally {
    ws.close();
  }
}

/** What a test may swap in (an in-process job only: these do not cross a thread boundary). */
export interface FinetuneDeps {
  readonly encoder?: Encoder;
  /** Train on this thread instead of the trainer's own worker. */
  readonly inWorker?: boolean;
}

export async function runFinetuneTask(spec: Extract<JobSpec, { kind: 'finetune' }>, ctx: TaskContext, deps: FinetuneDeps = {}): Promise<{ version: string }> {
  const r = spec.request;
  if (r.useInteractions === false) {
    throw new KnowrecError('config', 'training on labels alone is not supported', {}, 'keep "useInteractions" on; labels are added to the interactions');
  }
  if (spec.resume === true && !hasCheckpoint(spec.outDir)) {
    throw new KnowrecError('not-found', 'no checkpoint to resume from', { file: checkpointPathFor(spec.outDir) }, 'start a new fine-tuning job');
  }
  const labels = r.useLabels === false ? [] : workspaceLabels(spec.workspace);
  const params = trainParams(r);
  const epochs = params.epochs ?? 10;
  ctx.progress(0, `preparing (${labels.length} labels)`, [part('preparingLabels', `preparing (${labels.length} labels)`, { n: labels.length })]);
  const result = await runFinetune({
    workspace: spec.workspace,
    labels,
    params,
    seed: r.seed ?? FINETUNE_SEED,
    outDir: spec.outDir,
    ...(spec.resume === true ? { resumeFrom: spec.outDir } : {}),
    signal: ctx.signal,
    ...(deps.encoder !== undefined ? { encoder: deps.encoder } : {}),
    ...(deps.inWorker !== undefined ? { inWorker: deps.inWorker } : {}),
    // encoding the catalog and the users (the 'semantic' stage, with its own fraction) fills the
    // first PREPARE_SHARE of the bar, the epochs the rest, so the bar moves from the first moment
    onProgress: (p) => {
      const fraction = p.stage === 'semantic' && p.fraction !== undefined ? PREPARE_SHARE * p.fraction : null;
      const pct = p.fraction !== undefined ? ` ${Math.round(p.fraction * 100)}%` : '';
      // the percent rides on the message's part (params.pct, which the UI appends to a translated part)
      const parts = progressParts(p);
      if (parts.length > 1 && pct !== '') parts[1] = { ...parts[1], text: `${parts[1].text}${pct}`, params: { ...parts[1].params, pct: pct.trim() } };
      ctx.progress(fraction, partsText(parts), parts);
    },
    onEpoch: (e) => {
      ctx.curve({ epoch: e.epoch, loss: e.loss, validNdcg: e.validNdcg, seconds: e.seconds });
      const parts = [part('epochOf', `epoch ${e.epoch}/${epochs}`, { epoch: e.epoch, epochs }), part('lossValid', `loss ${e.loss.toFixed(4)}, valid NDCG@10 ${e.validNdcg.toFixed(4)}`, { loss: e.loss.toFixed(4), ndcg: e.validNdcg.toFixed(4) })];
      ctx.progress(Math.min(0.99, PREPARE_SHARE + ((1 - PREPARE_SHARE) * e.epoch) / epochs), partsText(parts), parts);
    },
  });
  return { version: result.version || basename(spec.outDir) };
}
