/**
 * First-call latency of the Api calls the views make on their first render, on a big workspace
 * (issue 11: "every view's first render ≤ 1.5 s" at 300k items / 10M interactions / 2M triples).
 *
 *   # 1. build a synthetic workspace once (seeded generator of benchmarks/scale.ts, no files)
 *   npx tsx benchmarks/api-large.ts --build M --workspace /tmp/api-M/workspace.sqlite
 *   # 2. time the calls: every call alone in a fresh process on a fresh Api ("cold": what a view
 *   #    waits for when it is the first one opened) and the views' sequence on one Api
 *   npx tsx benchmarks/api-large.ts --workspace /tmp/api-M/workspace.sqlite --size M --label after \
 *       --out benchmarks/results/api-large.json
 *   # beside another checkout's code ("before": e.g. `git archive <commit> main package.json
 *   # tsconfig*.json | tar -x -C /tmp/base` + a node_modules link), call by call alternately
 *   npx tsx benchmarks/api-large.ts --workspace ... --size M --label after --baseline /tmp/base --out ...
 *
 * --out merges into the file: results[size][label] is replaced, other entries are kept.
 *
 * Each child's Api loads the dataset and the KG index as the app's and `knowrec serve`'s do (a
 * worker; the KG index from the file saved beside the workspace). Before session 15 it had no KG
 * index loader, so its first KG call read the whole dataset to build the index (28.7 s at L).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { arg, machineInfo, writeResults } from './common';

/** What the views ask for first (App: workspaceSummary; Datasets: listItems; Recommendations: the picks search; Labeling: userHistory; KG: kgEdits, then kgSearch / kgItem). */
const CALLS: readonly (readonly [string, string, Record<string, unknown>])[] = [
  ['workspaceSummary', 'workspaceSummary', {}],
  ['listItems', 'listItems', { offset: 0, limit: 50 }],
  ['listItems(page 1000)', 'listItems', { offset: 50_000, limit: 50 }],
  ['listItems(query)', 'listItems', { offset: 0, limit: 50, query: '$WORD' }],
  ['listUsers', 'listUsers', { offset: 0, limit: 50 }],
  ['userHistory', 'userHistory', { user: '$USER', limit: 20 }],
  ['kgEdits', 'kgEdits', { offset: 0, limit: 20 }],
  ['kgSearch', 'kgSearch', { query: '$WORD', limit: 20 }],
  ['kgItem', 'kgItem', { item: '$ITEM' }],
];
/** listItems sent while the first kgSearch loads the dataset: how long the other views wait (first), and the kgSearch (again). */
const WHILE_LOADING = 'listItems(while kgSearch loads)';

interface Timing {
  readonly first: number;
  readonly again: number;
  readonly ok: boolean;
  readonly error?: string;
}

const round = (x: number): number => Math.round(x * 10) / 10;

/** Builds the workspace of a synthetic size (generator → reader tables → validate → store → the KG index saved beside it, as an import does). */
async function build(size: string, file: string, seed: number): Promise<void> {
  const { generateSynthetic, syntheticRaw, SYNTHETIC_SIZES } = await import('../main/core/data/synthetic');
  const { validateDataset } = await import('../main/core/data');
  const { Workspace } = await import('../main/core/store');
  const spec = SYNTHETIC_SIZES[size as keyof typeof SYNTHETIC_SIZES];
  if (spec === undefined) throw new Error(`unknown size ${size} (S, M or L)`);
  mkdirSync(dirname(file), { recursive: true });
  let t0 = performance.now();
  const raw = syntheticRaw(generateSynthetic({ ...spec, seed }), `synthetic-${size}`);
  const v = validateDataset(raw);
  process.stderr.write(`generated + validated in ${round((performance.now() - t0) / 1000)} s\n`);
  t0 = performance.now();
  const ws = Workspace.create(file);
  ws.importDataset(v.dataset, { report: v.report });
  ws.close();
  process.stderr.write(`stored in ${round((performance.now() - t0) / 1000)} s\n`);
  // as `knowrec import` ends: the KG explorer's index saved beside the workspace
  t0 = performance.now();
  const { saveKgIndexCache } = await import('../main/jobs/kg-index-loader');
  await saveKgIndexCache(file);
  process.stderr.write(`KG index saved in ${round((performance.now() - t0) / 1000)} s\n`);
}

/** Child: one fresh Api over the workspace, the given calls in order, each timed first and again. */
async function child(spec: { src: string; file: string; calls: string[]; args: Record<string, string> }): Promise<Record<string, Timing>> {
  const apiMod = (await import(join(spec.src, 'main/api/index.ts'))) as typeof import('../main/api');
  const storeMod = (await import(join(spec.src, 'main/core/store/index.ts'))) as typeof import('../main/core/store');
  // as the app and serve load it (a worker thread) when this checkout has the loader
  const loaderFile = join(spec.src, 'main/jobs/dataset-loader.ts');
  const loader = existsSync(loaderFile) ? ((await import(loaderFile)) as typeof import('../main/jobs/dataset-loader')) : null;
  // and the KG index from the file saved beside the workspace (built in a worker and saved when missing), when this checkout has that loader
  const kgLoaderFile = join(spec.src, 'main/jobs/kg-index-loader.ts');
  const kgLoader = existsSync(kgLoaderFile) ? ((await import(kgLoaderFile)) as typeof import('../main/jobs/kg-index-loader')) : null;
  const api = apiMod.createApi({
    open: (p) => storeMod.Workspace.open(p),
    workspacePath: spec.file,
    appVersion: 'bench',
    ...(loader !== null ? { loadDataset: (p: string) => loader.loadDatasetInWorker(p) } : {}),
    ...(kgLoader !== null ? { loadKgIndex: kgLoader.loadKgIndexForApi } : {}),
  });
  const out: Record<string, Timing> = {};
  try {
    for (const key of spec.calls) {
      if (key === WHILE_LOADING) {
        out[key] = await whileLoading(apiMod.dispatchApi, api, spec.args);
        continue;
      }
      const [, method, req] = CALLS.find((c) => c[0] === key) ?? [];
      if (method === undefined || req === undefined) throw new Error(`unknown call ${key}`);
      const input = JSON.parse(JSON.stringify(req).replace(/"\$(\w+)"/g, (_, k: string) => JSON.stringify(spec.args[k]))) as unknown;
      let t0 = performance.now();
      const r = await apiMod.dispatchApi(api, method, input);
      const first = performance.now() - t0;
      t0 = performance.now();
      await apiMod.dispatchApi(api, method, input);
      const again = performance.now() - t0;
      out[key] = { first: round(first), again: round(again), ok: r.result.ok, ...(r.result.ok ? {} : { error: r.result.error.message }) };
    }
  } finally {
    await api.close();
  }
  return out;
}

/**
 * Starts the first kgSearch and, 50 ms later, a listItems: first = from those 50 ms to the
 * listItems answer (a load on the Api's thread holds the timer and the call back), again = the
 * kgSearch's own time.
 */
async function whileLoading(dispatch: typeof import('../main/api').dispatchApi, api: import('../main/api').ApiImpl, args: Record<string, string>): Promise<Timing> {
  const t0 = performance.now();
  const search = dispatch(api, 'kgSearch', { query: args.WORD, limit: 20 });
  await new Promise((r) => setTimeout(r, 50));
  const list = await dispatch(api, 'listItems', { offset: 0, limit: 50 });
  const waited = performance.now() - (t0 + 50);
  const s = await search;
  return { first: round(waited), again: round(performance.now() - t0), ok: list.result.ok && s.result.ok };
}

function runChild(spec: object): Record<string, Timing> {
  const r = spawnSync(process.execPath, ['--import', 'tsx', __filename, '--child', JSON.stringify(spec)], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`child failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as Record<string, Timing>;
}

/** A word of an item title, a user and an item, read straight from the file (same for every label). */
async function probeArgs(file: string): Promise<Record<string, string>> {
  const Database = (await import('better-sqlite3')).default;
  const db = new Database(file, { readonly: true });
  try {
    const item = db.prepare('SELECT id, title FROM items WHERE idx = 0').get() as { id: string; title: string };
    const user = db.prepare('SELECT id FROM users WHERE idx = 0').pluck().get() as string;
    return { ITEM: item.id, USER: user, WORD: item.title.split(' ')[1] ?? item.title };
  } finally {
    db.close();
  }
}

function gitHead(dir: string): string {
  try {
    return execFileSync('git', ['-C', dir, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

async function measure(): Promise<void> {
  const file = resolve(arg('--workspace') ?? '');
  const size = arg('--size') ?? 'M';
  const label = arg('--label') ?? 'after';
  const src = resolve(arg('--src') ?? join(__dirname, '..'));
  const only = arg('--calls')?.split(',') ?? [...CALLS.map((c) => c[0]), WHILE_LOADING];
  const args = await probeArgs(file);
  // --baseline DIR: the same calls on another checkout, each run just before this one's (the load of a shared machine drifts)
  const base = arg('--baseline');
  const runs = [...(base !== undefined ? [{ label: arg('--baseline-label') ?? 'before', src: resolve(base) }] : []), { label, src }];
  const cold = runs.map(() => ({}) as Record<string, Timing>);
  for (const key of only) {
    runs.forEach((r, i) => {
      process.stderr.write(`cold ${key} (${r.label})…\n`);
      Object.assign(cold[i], runChild({ src: r.src, file, calls: [key], args }));
    });
  }
  const sequence = runs.map((r) => {
    process.stderr.write(`sequence (${r.label})…\n`);
    return runChild({ src: r.src, file, calls: only.filter((c) => c !== WHILE_LOADING), args });
  });
  const out = arg('--out');
  const previous = out !== undefined && existsSync(out) ? (JSON.parse(readFileSync(out, 'utf8')) as { results?: Record<string, Record<string, unknown>> }) : {};
  const results = previous.results ?? {};
  const machine = { ...machineInfo(), shared: 'yes: 2 cores shared with ~5 other sessions; noisy upper bounds' };
  results[size] = { ...(results[size] ?? {}), ...Object.fromEntries(runs.map((r, i) => [r.label, { code: `${r.src} @ ${gitHead(r.src)}`, cold_ms: cold[i], sequence_ms: sequence[i], machine, date: new Date().toISOString() }])) };
  writeResults(
    {
      benchmark: 'api-large',
      protocol: {
        workspace: 'synthetic catalog of benchmarks/scale.ts (main/core/data/synthetic.ts, seed 2020), stored through validateDataset + Workspace.importDataset (no files)',
        cold: 'each call alone: a fresh process, a fresh Api (createApi over Workspace.open), dispatchApi timed (validation included); again = the same call repeated; with --baseline the two checkouts run call by call, alternately',
        sequence: 'the calls in the order listed on one Api (a later call may find the dataset already loaded)',
        while_loading: `${WHILE_LOADING}: first = how long a listItems sent 50 ms after the first kgSearch waits (the dataset loading meanwhile), again = that kgSearch's time`,
        dataset_load: 'the checkout\'s default: on the Api thread (before); in a worker thread when main/jobs/dataset-loader.ts exists, as the app and serve do (after)',
        args: 'query = second word of item 0\'s title, user = user 0, item = item 0',
        command: 'npx tsx benchmarks/api-large.ts --build SIZE --workspace FILE; npx tsx benchmarks/api-large.ts --workspace FILE --size SIZE --label after [--baseline CHECKOUT --baseline-label before] --out benchmarks/results/api-large.json',
      },
      results,
    },
    out,
  );
}

async function main(): Promise<void> {
  const c = arg('--child');
  if (c !== undefined) {
    process.stdout.write(`${JSON.stringify(await child(JSON.parse(c) as Parameters<typeof child>[0]))}\n`);
    return;
  }
  const b = arg('--build');
  if (b !== undefined) return build(b, resolve(arg('--workspace') ?? `/tmp/api-${b}/workspace.sqlite`), Number(arg('--seed') ?? '2020'));
  return measure();
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
