/**
 * Fine-tuning through the Api (in-process job, a bag-of-words encoder instead of ONNX): labels
 * go into the training data, one curve point per epoch arrives as events, the version is listed
 * with its curve and can be made active; a cancelled job resumes from its checkpoint.
 * Data: two user groups with disjoint tastes (see writeGroups).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dispatchApi, createApi, type ApiEvent, type JobInfo, type Result, type ApiImpl } from '../../main/api';
import { Workspace } from '../../main/core/store';
import { inProcessExecutor } from '../../main/jobs/job-worker-host';
import { runFinetuneTask } from '../../main/jobs/job-worker-finetune';
import { runTask } from '../../main/jobs/job-worker-tasks';
import { bagOfWordsEncoder } from '../helpers/hash-encoder';

const hashEncoder = bagOfWordsEncoder(32);

function writeGroups(folder: string): void {
  mkdirSync(folder, { recursive: true });
  const lines = ['user_id:token\titem_id:token\trating:float\ttimestamp:float'];
  let t = 1;
  for (const g of ['a', 'b']) {
    for (let u = 0; u < 10; u++) for (let k = 0; k < 10; k++) lines.push(`${g}u${u}\t${g}${(u + k) % 12}\t${3 + ((u + k) % 3)}\t${t++}`);
  }
  writeFileSync(join(folder, 'groups.inter'), `${lines.join('\n')}\n`);
  const items = ['item_id:token\tmovie_title:token_seq\tclass:token_seq'];
  for (const g of ['a', 'b']) for (let i = 0; i < 12; i++) items.push(`${g}${i}\t${g === 'a' ? 'Animated' : 'Crime'} Film ${i}\t${g === 'a' ? 'Animation' : 'Crime'}`);
  writeFileSync(join(folder, 'groups.item'), `${items.join('\n')}\n`);
}

let dir: string;
let api: ApiImpl;
let events: ApiEvent[];

function value<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}

async function settle(job: JobInfo): Promise<JobInfo> {
  for (let i = 0; i < 3000; i++) {
    const j = value(await api.getJob({ id: job.id }));
    if (j.state === 'done' || j.state === 'failed' || j.state === 'cancelled') return j;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`job ${job.id} did not finish`);
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'knowrec-api-ft-'));
  Workspace.create(join(dir, 'w.sqlite')).close();
  const executor = inProcessExecutor((spec, ctx) => (spec.kind === 'finetune' ? runFinetuneTask(spec, ctx, { encoder: hashEncoder, inWorker: false }) : runTask(spec, ctx)));
  api = createApi({ open: (p) => Workspace.open(p), workspacePath: join(dir, 'w.sqlite'), appVersion: 't', executor, adapterDir: join(dir, 'adapters') });
  events = [];
  api.onEvent((e) => events.push(e));
  writeGroups(join(dir, 'groups'));
  const imported = await settle(value(await api.startImport({ folder: join(dir, 'groups') })));
  expect(imported.state).toBe('done');
});

afterEach(() => {
  api.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('fine-tuning jobs', () => {
  it('trains with the labels, streams the curve, stores a version that can be made active', async () => {
    for (let i = 0; i < 5; i++) value(await api.addLabel({ kind: 'relevance', user: `au${i}`, item: `a${(i + 11) % 12}`, value: 1 }));
    const job = await settle(value(await api.startFinetune({ epochs: 3, batchSize: 16, seed: 7, patience: 5 })));
    expect(job.error).toBeNull();
    expect(job.state).toBe('done');
    expect(job.curve.length).toBeGreaterThanOrEqual(1);
    expect(job.curve.map((p) => p.epoch)).toEqual(job.curve.map((_, i) => i + 1));
    // one event per epoch carried a longer curve
    const lengths = new Set(events.filter((e): e is Extract<ApiEvent, { type: 'job' }> => e.type === 'job' && e.job.id === job.id).map((e) => e.job.curve.length));
    for (let n = 1; n <= job.curve.length; n++) expect(lengths.has(n)).toBe(true);
    const version = (job.result as { version: string }).version;
    const versions = value(await api.listModelVersions());
    expect(versions.map((v) => v.id)).toEqual([version]);
    expect(versions[0]).toMatchObject({ seed: 7, labels: 5, active: false });
    expect(versions[0].curve).toHaveLength(job.curve.length);
    expect(versions[0].config.batchSize).toBe(16);
    const active = value(await api.activateModelVersion({ id: version }));
    expect(active.active).toBe(true);
    expect(value(await api.listModelVersions())[0].active).toBe(true);
    const missing = await api.activateModelVersion({ id: 'nope' });
    expect(!missing.ok && missing.error.code).toBe('not-found');
  }, 60_000);

  it('a cancelled job resumes from its checkpoint as a new job', async () => {
    let cancelled = false;
    api.onEvent((e) => {
      if (!cancelled && e.type === 'job' && e.job.kind === 'finetune' && e.job.curve.length === 1) {
        cancelled = true;
        void api.cancelJob({ id: e.job.id });
      }
    });
    const first = await settle(value(await api.startFinetune({ epochs: 40, patience: 40, batchSize: 8, seed: 3 })));
    expect(first.state).toBe('cancelled');
    expect(first.resumable).toBe(true);
    const resumed = value(await api.resumeJob({ id: first.id }));
    expect(resumed.id).not.toBe(first.id);
    const done = await settle(resumed);
    expect(done.error).toBeNull();
    expect(done.state).toBe('done');
    // it went on after the epochs the first job finished
    expect(done.curve[0].epoch).toBeGreaterThan(1);
    const again = await api.resumeJob({ id: done.id });
    expect(!again.ok && again.error.code).toBe('config');
  }, 60_000);

  it('refuses labels-only training and bad parameters', async () => {
    const r = await api.startFinetune({ useInteractions: false });
    expect(!r.ok && r.error.code).toBe('config');
    const bad = await dispatchApi(api, 'startFinetune', { epochs: 0 });
    expect(bad.status).toBe('invalid-input');
  });
});
