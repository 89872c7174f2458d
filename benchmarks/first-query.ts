/**
 * The first free-text query on a freshly imported ml-100k workspace, through the Api as the
 * Recommendations view calls it, in two cases:
 *   cold:      nothing encoded yet: the first query encodes every item's sentence;
 *   after-fit: the serving fit's semantic source has encoded the items first (its item sentences,
 *              recbole split seed 2020, `lang` en, encoded through the job's model environment,
 *              which caches them in the workspace), as after the app's Fit. The fit's user
 *              sentences are left out: the query does not use them.
 * Records the 'prepare' job events the view shows meanwhile, and how many of the query's item
 * sentences equal the fit's (equal text = the same cached vector).
 *
 *   tsx benchmarks/first-query.ts [--case cold|after-fit|both] [--out benchmarks/results/first-query.json]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createApi, type ApiImpl, type JobInfo, type Result } from '../main/api';
import { splitInteractions } from '../main/core/eval';
import { KgIndex } from '../main/core/kg';
import { SEMANTIC_DEFAULTS } from '../main/core/models/semantic';
import { querySentences, servingPopularity } from '../main/core/rank';
import { Workspace } from '../main/core/store';
import { itemSentence, kgFactSource } from '../main/core/text';
import { jobModelEnv } from '../main/jobs/model-factory';
import { FIT_SEED } from '../main/jobs/job-worker-tasks';
import { arg, machineInfo, writeResults } from './common';

function value<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

const round = (s: number, d = 100): number => Math.round(s * d) / d;

/** The item sentences the serving fit's semantic source encodes, encoded the same way (cached in the workspace). */
async function encodeAsTheFit(wsPath: string): Promise<{ seconds: number; same: number; items: number }> {
  const ws = Workspace.open(wsPath);
  const ds = ws.loadDataset();
  ws.close();
  const split = splitInteractions(ds.interactions, ds.userIds.length, ds.itemIds.length, 'recbole', FIT_SEED);
  const env = jobModelEnv(wsPath, { lang: 'en' }, { protocol: 'recbole', filtered: false });
  try {
    const t = performance.now();
    const encoder = await env.getEncoder();
    const popularity = new Float32Array(ds.itemIds.length);
    for (let i = 0; i < split.train.item.length; i++) popularity[split.train.item[i]]++;
    const kg = new KgIndex(ds);
    const facts = kgFactSource(kg, { popularity });
    const countTokens = env.countTokens();
    const texts = ds.items.map((_, i) => itemSentence(ds, i, { lang: 'en', facts, countTokens, tokenBudget: SEMANTIC_DEFAULTS.itemTokenBudget }).text);
    await encoder.encode(texts);
    const query = querySentences(ds, kg, countTokens, 'en', servingPopularity(ds));
    return { seconds: round((performance.now() - t) / 1000), same: texts.filter((x, i) => x === query[i]).length, items: texts.length };
  } finally {
    await env.close();
  }
}

async function firstQueries(api: ApiImpl): Promise<Record<string, unknown>> {
  const events: { t: number; state: string; progress: number | null; message: string }[] = [];
  let t0 = performance.now();
  api.onEvent((e) => {
    if (e.type === 'job' && e.job.kind === 'prepare') events.push({ t: round((performance.now() - t0) / 1000), state: e.job.state, progress: e.job.progress === null ? null : round(e.job.progress), message: e.job.message });
  });
  const query = 'light-hearted animated film for children';
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    t0 = performance.now();
    value(await api.recommendQuery({ query, k: 10 }));
    times.push((performance.now() - t0) / 1000);
  }
  return {
    first_query_s: round(times[0]),
    later_queries_s: times.slice(1).map((t) => round(t, 1000)),
    // 'prepare' job events the view shows during the first query: how many, when the first came, a sample
    prepare_events: events.length,
    first_prepare_event_s: events[0]?.t ?? null,
    prepare_events_sample: [events[0], events[Math.floor(events.length / 2)], events[events.length - 1]].filter((e) => e !== undefined),
  };
}

async function runCase(name: string): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'knowrec-first-query-'));
  const wsPath = join(dir, 'ws.sqlite');
  Workspace.create(wsPath).close();
  const api = createApi({ open: (p) => Workspace.open(p), workspacePath: wsPath, appVersion: 'bench', modelDir: join(dir, 'model'), adapterDir: join(dir, 'adapters') });
  try {
    let job: JobInfo = value(await api.startImport({ dataset: 'ml-100k' }));
    while (job.state === 'queued' || job.state === 'running') {
      await new Promise((r) => setTimeout(r, 200));
      job = value(await api.getJob({ id: job.id }));
    }
    if (job.state !== 'done') throw new Error(`import ${job.state}`);
    const fit = name === 'after-fit' ? await encodeAsTheFit(wsPath) : null;
    return { case: name, ...(fit === null ? {} : { fit_item_encoding_s: fit.seconds, query_sentences_equal_to_fit: `${fit.same}/${fit.items}` }), ...(await firstQueries(api)) };
  } finally {
    api.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const which = arg('--case') ?? 'both';
  const cases = which === 'both' ? ['cold', 'after-fit'] : [which];
  const results = [];
  for (const c of cases) results.push(await runCase(c));
  writeResults(
    {
      command: `tsx benchmarks/first-query.ts ${process.argv.slice(2).join(' ')}`.trim(),
      note: 'fresh workspaces of ml-100k (embedding cache empty at the start); the machine was shared with other jobs, which inflates every time',
      results,
      machine: machineInfo(),
    },
    arg('--out'),
  );
}

void main();
