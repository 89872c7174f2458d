/**
 * The work of each job kind, run by the job worker (or in-process in tests). Each task opens
 * its own connection to the workspace file; nothing here touches the Api's state.
 */
import { basename, resolve } from 'node:path';
import { KnowrecError, throwIfAborted } from '../core/errors';
import { loadAtomicFolder, loadOwnFiles, loadRegistryDataset } from '../core/data';
import { attributePolicy, keyFromBytes, Workspace } from '../core/store';
import type { StartImportOwnRequest, StartImportRequest } from '../api/contract';
import type { Dataset, Progress } from '../core/types';
import type { ImportReport } from '../core/data/report';
import { SERVING_SPLIT_SEED } from '../core/rank';
import { runFit } from './fit';
import { saveKgIndexCache } from './kg-index-loader';
import { runFinetuneTask } from './job-worker-finetune';
import type { JobResult, JobSpec, TaskContext } from './job-worker-spec';
import { runEvaluationTask } from './runs';
import { progressParts, partsText } from './job-message';

/** Seed of the serving fit (the same split seed as `knowrec fit`'s default). */
export const FIT_SEED = SERVING_SPLIT_SEED;
/** Items kept per user by a fit job when the request does not say. */
export const FIT_K = 20;

export async function runTask(spec: JobSpec, ctx: TaskContext): Promise<JobResult> {
  throwIfAborted(ctx.signal);
  switch (spec.kind) {
    case 'import':
      return runImportTask(spec.workspace, spec.request, ctx, spec.pseudonymKey);
    case 'evaluate':
      return runEvaluationTask(spec.workspace, spec.id, spec.request, ctx, spec.adapterRoot);
    case 'fit':
      return runFitTask(spec.workspace, spec.out, spec.request.k ?? FIT_K, spec.request.finetuned === true, spec.adapterRoot, ctx);
    case 'finetune':
      return runFinetuneTask(spec, ctx);
  }
}

/** Reports a progress event: its English line and the same in parts (job-message.ts). */
function report(ctx: TaskContext, fraction: number | null, p: Progress): void {
  const parts = progressParts(p);
  ctx.progress(fraction, partsText(parts), parts);
}

/**
 * Reads and validates a registry dataset or a RecBole folder, then stores it in one transaction
 * (user ids pseudonymized with `pseudonymKey` (hex) when asked or when the workspace already
 * is; quasi-identifiers dropped or generalized when asked). Returns the per-file import report.
 */
export async function runImportTask(workspace: string, request: StartImportRequest | StartImportOwnRequest, ctx: TaskContext, pseudonymKey?: string): Promise<ImportReport> {
  const onProgress = (p: Progress): void => report(ctx, p.stage === 'store' ? (p.fraction ?? null) : null, p);
  let loaded: { dataset: Dataset; report: ImportReport };
  if ('interactions' in request) loaded = await loadOwnFiles(request, { mapping: request.mapping, name: request.name, onProgress, signal: ctx.signal });
  else if (request.dataset !== undefined) loaded = loadRegistryDataset(request.dataset, { onProgress, signal: ctx.signal });
  else if (request.folder !== undefined) {
    const dir = resolve(request.folder);
    loaded = loadAtomicFolder(dir, request.name ?? basename(dir), { onProgress, signal: ctx.signal });
  } else throw new KnowrecError('config', 'give a registry dataset name or a folder', {}, 'send {"dataset": "ml-100k"}');
  throwIfAborted(ctx.signal);
  const ws = Workspace.open(workspace, pseudonymKey === undefined ? {} : { pseudonymKey: keyFromBytes(Buffer.from(pseudonymKey, 'hex')) });
  let imported: ImportReport;
  try {
    const attributes = 'interactions' in request || (request.dropAttributes === undefined && request.generalize === undefined) ? undefined : attributePolicy(request.dropAttributes, request.generalize);
    ws.importDataset(loaded.dataset, { report: loaded.report, onProgress, signal: ctx.signal, pseudonymize: request.pseudonymize, attributes });
    imported = ws.importReport() ?? loaded.report;
  } finally {
    ws.close();
  }
  // the KG explorer's index, built now so that the explorer reads it instead of building it (best effort)
  onProgress({ stage: 'kg', message: 'KG explorer index', code: 'kgIndex' });
  await saveKgIndexCache(workspace).catch(() => undefined);
  return imported;
}

async function runFitTask(workspace: string, out: string, k: number, finetuned: boolean, adapterRoot: string | undefined, ctx: TaskContext): Promise<{ dir: string }> {
  const stages: Readonly<Record<string, number>> = { load: 0.02, fit: 0.05, explain: 0.8 };
  await runFit({
    workspace,
    out,
    seed: FIT_SEED,
    k,
    model: finetuned ? 'hybrid-ft' : 'hybrid',
    adapterRoot,
    lang: 'en',
    signal: ctx.signal,
    onProgress: (p) => {
      const base = stages[p.stage];
      const fraction = p.stage === 'explain' ? 0.8 + 0.2 * (p.fraction ?? 0) : (base ?? null);
      report(ctx, fraction, p);
    },
  });
  return { dir: out };
}
