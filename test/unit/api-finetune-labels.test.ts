/**
 * 50 relevance labels added through the Api change the next fine-tune: its version records them
 * (25 relevant, 25 not relevant) and trains on 25 more pairs than a run without labels, and —
 * scored with the two saved adapters through the production scorers — the labelled-relevant items
 * rank higher and the labelled-not-relevant items lower for their users than under the adapter
 * fine-tuned on the interactions alone (same seed and parameters).
 *
 * Data: two user groups with disjoint tastes (group a watches films a0..a11, group b films
 * b0..b11); the titles do not tell the groups apart (one made-up word per film), so the frozen
 * bag-of-words encoder cannot and fine-tuning on the interactions learns the groups. By
 * construction the positives go against that: a-users paired with b films none of them watched;
 * the negatives are unwatched films of the user's own group, what the history alone puts first.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatchApi, createApi, type JobInfo, type ModelVersion, type Result, type StartFinetuneRequest, type ApiImpl } from '../../main/api';
import { splitInteractions } from '../../main/core/eval';
import { evaluateSplit } from '../../main/core/eval/evaluate';
import { KgIndex } from '../../main/core/kg';
import { SemanticScorer } from '../../main/core/models/semantic';
import { SemanticFtScorer } from '../../main/core/models/semantic-ft';
import { Workspace } from '../../main/core/store';
import { kgFactSource } from '../../main/core/text';
import { loadAdapter } from '../../main/core/train/versions';
import type { Dataset, FitContext, Scorer } from '../../main/core/types';
import { fitContext } from '../../main/jobs/evaluate';
import { runFinetuneTask } from '../../main/jobs/job-worker-finetune';
import { inProcessExecutor } from '../../main/jobs/job-worker-host';
import { runTask } from '../../main/jobs/job-worker-tasks';
import { bagOfWordsEncoder } from '../helpers/hash-encoder';

const DIM = 64;

/** A bag-of-words encoder (hashed words, unit length) instead of the ONNX model. */
const hashEncoder = bagOfWordsEncoder(DIM);

const USERS = 10;
const ITEMS = 12;
const HISTORY = 10;

/** User `${g}u${u}` watched `${g}${(u + k) % 12}`, k = 0..9: never the other group, never `${g}${(u + 10) % 12}`, `${g}${(u + 11) % 12}`. */
function writeGroups(folder: string): void {
  mkdirSync(folder, { recursive: true });
  const lines = ['user_id:token\titem_id:token\trating:float\ttimestamp:float'];
  let t = 1;
  for (const g of ['a', 'b']) {
    for (let u = 0; u < USERS; u++) for (let k = 0; k < HISTORY; k++) lines.push(`${g}u${u}\t${g}${(u + k) % ITEMS}\t${3 + ((u + k) % 3)}\t${t++}`);
  }
  writeFileSync(join(folder, 'groups.inter'), `${lines.join('\n')}\n`);
  const items = ['item_id:token\tmovie_title:token_seq\tclass:token_seq'];
  for (const g of ['a', 'b']) for (let i = 0; i < ITEMS; i++) items.push(`${g}${i}\tFeature x${g}${i}\tDrama`);
  writeFileSync(join(folder, 'groups.item'), `${items.join('\n')}\n`);
}

interface Pair {
  readonly user: string;
  readonly item: string;
}

/** 25 relevant: a-users with b films (unwatched by construction); 3 each for au0..au4, 2 each for au5..au9. */
const POSITIVES: readonly Pair[] = Array.from({ length: 10 }, (_, u) => Array.from({ length: u < 5 ? 3 : 2 }, (_, j) => ({ user: `au${u}`, item: `b${(2 * u + j) % ITEMS}` }))).flat();
/** 25 not relevant: the two unwatched own-group films of au0..au9, and one of bu0..bu4. */
const NEGATIVES: readonly Pair[] = [
  ...Array.from({ length: 10 }, (_, u) => [10, 11].map((k) => ({ user: `au${u}`, item: `a${(u + k) % ITEMS}` }))).flat(),
  ...Array.from({ length: 5 }, (_, u) => ({ user: `bu${u}`, item: `b${(u + 10) % ITEMS}` })),
];

/** The same for both runs; early stopping keeps the epoch with the best validation NDCG@10. */
const PARAMS = { epochs: 15, patience: 15, batchSize: 32, learningRate: 0.05, temperature: 0.1, dropout: 0, seed: 3 } as const satisfies StartFinetuneRequest;

let dir: string;
let api: ApiImpl;
let plain: ModelVersion;
let labelled: ModelVersion;

function value<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}

async function settle(job: JobInfo): Promise<JobInfo> {
  for (let i = 0; i < 6000; i++) {
    const j = value(await api.getJob({ id: job.id }));
    if (j.state === 'done' || j.state === 'failed' || j.state === 'cancelled') return j;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`job ${job.id} did not finish`);
}

/**
 * Runs a fine-tune through the Api to the end and returns its listed version. Version folders are
 * named by the second and seed, so a start within the second of the previous one is refused
 * ('config'); it is retried.
 */
async function finetune(request: StartFinetuneRequest): Promise<ModelVersion> {
  for (let attempt = 0; ; attempt++) {
    const started = await dispatchApi(api, 'startFinetune', request);
    expect(started.status).toBe('done');
    if (started.result.ok) {
      const job = await settle(started.result.value as JobInfo);
      expect(job.error).toBeNull();
      expect(job.state).toBe('done');
      const id = (job.result as { version: string }).version;
      const found = value(await api.listModelVersions()).find((v) => v.id === id);
      if (found === undefined) throw new Error(`version ${id} is not listed`);
      return found;
    }
    if (attempt >= 30 || started.result.error.code !== 'config') throw new Error(`startFinetune: ${JSON.stringify(started.result)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The frozen semantic scorer as the fine-tuning job fits it (same dataset, split, seed, encoder and KG facts). */
async function frozenScorer(dataset: Dataset, seed: number): Promise<{ base: SemanticScorer; ctx: FitContext; validNdcg: (s: Scorer) => number }> {
  const split = splitInteractions(dataset.interactions, dataset.userIds.length, dataset.itemIds.length, 'recbole', seed);
  const ctx = fitContext(dataset, split, seed);
  const popularity = new Float32Array(dataset.itemIds.length);
  for (let i = 0; i < split.train.item.length; i++) popularity[split.train.item[i]]++;
  const validNdcg = (s: Scorer): number => evaluateSplit(s, split, 'valid', [10]).metrics['ndcg@10'];
  const base = new SemanticScorer({ encoder: hashEncoder, facts: kgFactSource(new KgIndex(dataset), { popularity }), validate: validNdcg });
  await base.fit(ctx);
  return { base, ctx, validNdcg };
}

/** Rank (1 = first) of `item` in `scores` among the items outside `seen`; ties count half. */
function rankOf(scores: Float32Array, item: number, seen: ReadonlySet<number>): number {
  let rank = 1;
  for (let j = 0; j < scores.length; j++) {
    if (j === item || seen.has(j)) continue;
    if (scores[j] > scores[item]) rank += 1;
    else if (scores[j] === scores[item]) rank += 0.5;
  }
  return rank;
}

function mean(xs: readonly number[]): number {
  return xs.reduce((s, x) => s + x, 0) / xs.length;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'knowrec-api-ft-labels-'));
  Workspace.create(join(dir, 'w.sqlite')).close();
  const executor = inProcessExecutor((spec, ctx) => (spec.kind === 'finetune' ? runFinetuneTask(spec, ctx, { encoder: hashEncoder, inWorker: false }) : runTask(spec, ctx)));
  api = createApi({ open: (p) => Workspace.open(p), workspacePath: join(dir, 'w.sqlite'), appVersion: 't', executor, adapterDir: join(dir, 'adapters') });
  writeGroups(join(dir, 'groups'));
  const imported = await settle(value(await api.startImport({ folder: join(dir, 'groups') })));
  expect(imported.state).toBe('done');
  for (const [pairs, v] of [[POSITIVES, 1], [NEGATIVES, 0]] as const) {
    for (const p of pairs) {
      const r = await dispatchApi(api, 'addLabel', { kind: 'relevance', user: p.user, item: p.item, value: v });
      expect(r.status === 'done' && r.result.ok).toBe(true);
    }
  }
  plain = await finetune({ ...PARAMS, useLabels: false });
  labelled = await finetune({ ...PARAMS, useLabels: true });
}, 120_000);

afterAll(() => {
  api?.close();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

describe('50 relevance labels through the Api and the next fine-tune', () => {
  it('the labels are stored and counted', async () => {
    const stats = value(await api.labelStats());
    expect(stats.relevant).toBe(25);
    expect(stats.notRelevant).toBe(25);
  });

  it('change the training data: the labelled version records them and trains on 25 more pairs', () => {
    expect(plain.labels).toBe(0);
    expect(labelled.labels).toBe(50);
    const metaPlain = loadAdapter(join(dir, 'adapters', plain.id)).meta;
    const metaLabelled = loadAdapter(join(dir, 'adapters', labelled.id)).meta;
    expect(metaPlain.labels).toMatchObject({ positive: 0, negative: 0 });
    expect(metaLabelled.labels).toMatchObject({ positive: 25, negative: 25 });
    // the same interactions, other training data: the version's data hash tells them apart
    expect(metaLabelled.data_sha256).toBe(metaPlain.data_sha256);
    expect(metaLabelled.labels.sha256).not.toBe(metaPlain.labels.sha256);
    expect(labelled.dataHash).not.toBe(plain.dataHash);
    expect(plain.dataHash).toBe(metaPlain.data_sha256);
    // each positive label is one more (user, item) training pair; negatives join the batches' columns
    expect(metaPlain.metrics.pairs).toBeGreaterThan(0);
    expect(metaLabelled.metrics.pairs - metaPlain.metrics.pairs).toBe(25);
    // everything else the same
    expect(labelled.seed).toBe(plain.seed);
    expect(labelled.config).toEqual(plain.config);
    // both kept a trained epoch (not the identity adapter), so the comparison below is between two fine-tunes
    expect(plain.bestEpoch).toBeGreaterThan(0);
    expect(labelled.bestEpoch).toBeGreaterThan(0);
  });

  it('move the labelled-relevant items up and the labelled-not-relevant items down (mean rank over the labelled pairs)', async () => {
    const ws = Workspace.open(join(dir, 'w.sqlite'));
    let dataset: Dataset;
    try {
      dataset = ws.loadDataset();
    } finally {
      ws.close();
    }
    const { base, ctx, validNdcg } = await frozenScorer(dataset, PARAMS.seed);
    const scorer = new SemanticFtScorer({ base, adapter: loadAdapter(join(dir, 'adapters', plain.id)).adapter });
    await scorer.fit(ctx);
    // the scorer rebuilt here is the one the job validated: same validation NDCG@10 as the version records
    expect(validNdcg(scorer)).toBeCloseTo(plain.validNdcg ?? Number.NaN, 6);

    const users = new Map(dataset.userIds.map((id, i) => [id, i]));
    const items = new Map(dataset.itemIds.map((id, i) => [id, i]));
    const csr = ctx.trainCsr;
    const ranks = (pairs: readonly Pair[]): number[] =>
      pairs.map((p) => {
        const u = users.get(p.user);
        const i = items.get(p.item);
        if (u === undefined || i === undefined) throw new Error(`unknown pair ${p.user} ${p.item}`);
        return rankOf(scorer.score(u), i, new Set(csr.indices.subarray(csr.indptr[u], csr.indptr[u + 1])));
      });
    const before = { pos: mean(ranks(POSITIVES)), neg: mean(ranks(NEGATIVES)) };
    scorer.useAdapter(loadAdapter(join(dir, 'adapters', labelled.id)).adapter);
    expect(validNdcg(scorer)).toBeCloseTo(labelled.validNdcg ?? Number.NaN, 6);
    const after = { pos: mean(ranks(POSITIVES)), neg: mean(ranks(NEGATIVES)) };

    // the labels go against what the interactions teach: without them, the "not relevant" films rank above the "relevant" ones
    expect(before.neg).toBeLessThan(before.pos);
    // lower rank = nearer the top
    expect(after.pos).toBeLessThan(before.pos);
    expect(after.neg).toBeGreaterThan(before.neg);
  });
});
