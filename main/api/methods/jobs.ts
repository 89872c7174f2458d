/**
 * Api methods that start and manage jobs (import, evaluate, fit, fine-tune) and the import
 * report. Requests are checked here, before anything is queued, so a bad request fails at once
 * with a typed error instead of as a failed job.
 */
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Api, ApiGroupMethod } from '../contract';
import { type ApiContext, type Opened } from '../context';
import { folderName } from '../paths';
import { guard } from '../result';
import { findDataset } from '../../core/data';
import { KnowrecError } from '../../core/errors';
import { modelCatalog, modelNames } from '../../core/models/registry';
import { FINETUNE_SEED, hasCheckpoint } from '../../jobs/job-worker-finetune';
import { versionName } from '../../core/train/versions';
import { importOwnMethods } from './import-own';

type JobMethods = Pick<Api, ApiGroupMethod<'jobs'>>;

async function datasetName(ctx: ApiContext, o: Opened): Promise<string> {
  const s = await ctx.summaryOf(o);
  if (s.dataset === null || s.interactions === 0) {
    throw new KnowrecError('not-found', 'the workspace holds no dataset yet', { file: o.path }, 'import one first (Datasets → Import)');
  }
  return s.dataset;
}

/** A stored job names its folders; a resumed one may write only where a new one would. */
function insideAdapterRoot(root: string, spec: { readonly outDir: string; readonly root: string }): void {
  if (resolve(spec.root) !== root || dirname(resolve(spec.outDir)) !== root) {
    throw new KnowrecError('validation', 'this job\'s folder is not in the dataset\'s adapter folder', {}, 'start a new fine-tuning job');
  }
}

export function jobMethods(ctx: ApiContext): JobMethods {
  return {
    ...importOwnMethods(ctx),
    startImport: (request) =>
      guard(async () => {
        const o = await ctx.ensureOpen();
        if (request.dataset !== undefined) findDataset(request.dataset); // unknown names fail here, with the known ones
        let checked = request;
        if (request.folder !== undefined) {
          // Only a folder under the allowed roots; the job gets the resolved path, checked here.
          const dir = ctx.allowedPath(request.folder);
          if (!existsSync(dir) || !statSync(dir).isDirectory()) {
            throw new KnowrecError('not-found', 'no folder at this path', { file: dir }, 'give the folder holding the RecBole atomic files (<name>.inter, .item, .kg, .link)');
          }
          folderName(request.name ?? basename(dir));
          checked = { ...request, folder: dir };
        } else if (request.name !== undefined) folderName(request.name);
        // the key travels to the job in memory only (never into the jobs table)
        const key = request.pseudonymize === true || o.ws.users.isPseudonymized() ? ctx.options.pseudonymKey?.(request.pseudonymize === true) : undefined;
        const pseudonymKey = key?.bytes.toString('hex');
        return ctx.runner(o).submit((id) => ({ id, kind: 'import', workspace: o.path, request: checked, ...(pseudonymKey === undefined ? {} : { pseudonymKey }) }));
      }),

    importReport: () => guard(async () => (await ctx.ensureOpen()).ws.importReport()),

    listModels: () => guard(() => modelCatalog()),

    startEvaluation: (request) =>
      guard(async () => {
        const o = await ctx.ensureOpen();
        const known = modelNames();
        const unknown = request.models.filter((m) => !known.includes(m));
        if (unknown.length > 0) throw new KnowrecError('config', `unknown model ${unknown.map((m) => `"${m}"`).join(', ')}`, {}, `known models: ${known.join(', ')}`);
        if (new Set(request.models).size !== request.models.length) throw new KnowrecError('config', 'a model is listed twice', {}, 'list each model once');
        if (new Set(request.seeds).size !== request.seeds.length) throw new KnowrecError('config', 'a seed is listed twice', {}, 'list each seed once');
        const name = await datasetName(ctx, o);
        const adapterRoot = ctx.adapterRootFor(name);
        return ctx.runner(o).submit((id) => ({ id, kind: 'evaluate', workspace: o.path, request, adapterRoot }));
      }),

    startFit: (request) =>
      guard(async () => {
        const o = await ctx.ensureOpen();
        const name = await datasetName(ctx, o);
        const out = ctx.modelDirFor(name);
        const adapterRoot = ctx.adapterRootFor(name);
        return ctx.runner(o).submit((id) => ({ id, kind: 'fit', workspace: o.path, request, out, adapterRoot }));
      }),

    startFinetune: (request) =>
      guard(async () => {
        const o = await ctx.ensureOpen();
        const name = await datasetName(ctx, o);
        if (request.useInteractions === false) {
          throw new KnowrecError('config', 'training on labels alone is not supported', {}, 'keep "useInteractions" on; labels are added to the interactions');
        }
        const root = ctx.adapterRootFor(name);
        const outDir = join(root, versionName(new Date(), request.seed ?? FINETUNE_SEED));
        if (existsSync(outDir)) throw new KnowrecError('config', 'a version with this name is being written', { file: outDir }, 'start again in a second');
        return ctx.runner(o).submit((id) => ({ id, kind: 'finetune', workspace: o.path, request, outDir, root }));
      }),

    resumeJob: (request) =>
      guard(async () => {
        const o = await ctx.ensureOpen();
        const runner = ctx.runner(o);
        const old = runner.stored(request.id);
        if (old === null) throw new KnowrecError('not-found', `no job with id "${request.id}"`, {}, 'list the jobs to see their ids');
        if (old.kind !== 'finetune' || !old.resumable) {
          throw new KnowrecError('config', `job ${old.id} (${old.kind}, ${old.state}) cannot be resumed`, {}, 'only a cancelled or interrupted fine-tuning job with a checkpoint resumes; start a new job instead');
        }
        const spec = old.spec;
        const noCheckpoint = (): KnowrecError => new KnowrecError('not-found', `job ${old.id} left no checkpoint to resume from`, {}, 'start a new fine-tuning job');
        if (spec === null || spec.kind !== 'finetune') throw noCheckpoint();
        insideAdapterRoot(ctx.adapterRootFor(await datasetName(ctx, o)), spec);
        if (!hasCheckpoint(spec.outDir)) throw noCheckpoint();
        return runner.submit((id) => ({ ...spec, id, workspace: o.path, resume: true }), { resumeOf: old.id });
      }),

    cancelJob: (request) => guard(async () => ctx.runner(await ctx.ensureOpen()).cancel(request.id)),

    getJob: (request) =>
      guard(async () => {
        const job = ctx.runner(await ctx.ensureOpen()).get(request.id);
        if (job === null) throw new KnowrecError('not-found', `no job with id "${request.id}"`, {}, 'list the jobs to see their ids');
        return job;
      }),

    listJobs: () => guard(async () => ctx.runner(await ctx.ensureOpen()).list()),
  };
}
