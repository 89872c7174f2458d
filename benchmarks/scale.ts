/**
 * Scale benchmark (issue 11): the synthetic catalogs S and M (L on request) and ml-latest-small,
 * through import, fit, evaluation, recommend + explain and KG queries, each step in its own
 * process (benchmarks/scale-task.ts) with a time limit and a memory watchdog; a step that does
 * not finish is recorded as "timed out" (or "failed" with its message), never skipped silently.
 *
 *   npm run bench:scale                     # S, M, ml-latest-small → benchmarks/results/scale.json
 *   npx tsx benchmarks/scale.ts --sizes S --models pop,bpr --limit 120 --out /tmp/s.json
 *   npx tsx benchmarks/scale.ts --readme    # also rewrites the table in README.md ("Scale")
 *   npx tsx benchmarks/scale.ts --from benchmarks/results/scale.json --readme   # table again, no measuring
 *   --hybrid-limit-factor 3   # the hybrid step (seven sources + fusion) gets this many times the size's limit (default 3)
 *   --models ''               # import step only (e.g. --sizes L --models '' for the L import alone)
 *   --eval-users 200 --latency-users 20   # fewer sampled test users for NDCG@10 / latencies (default 1000 or 500 / 200)
 *
 * Sizes: S = 100k interactions / 10k items, M = 1M / 100k, L = 10M / 300k with 2M triples
 * (main/core/data/synthetic.ts). Protocol: recbole 8:1:1 split, seed 2020, default
 * hyper-parameters (no grid), NDCG@10 over a seeded sample of test users (full ranking, seen
 * items masked). semantic uses the hashed bag-of-words stand-in encoder (test/helpers), not the
 * ONNX model: encoding 100k–300k item sentences with MiniLM on 2 shared cores takes hours and is
 * measured on its own by `npm run bench:encode`.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { SYNTHETIC_SIZES } from '../main/core/data/synthetic';
import { ANN_DEFAULTS, ANN_MIN_VECTORS } from '../main/core/index';
import { arg, machineInfo, writeResults } from './common';
import { HASH_DIM, type TaskSpec } from './scale-task';

const DEFAULT_MODELS = ['pop', 'itemknn', 'ease', 'bpr', 'kg-profile', 'semantic', 'hybrid'];
/** The hybrid's step fits its seven sources (kg-embed included) and then the fusion: it gets this many times the limit. */
const HYBRID_LIMIT_FACTOR = Number(arg('--hybrid-limit-factor') ?? '3');
/** Seconds a step may take, per dataset (import and each model fit + evaluation). */
const DEFAULT_LIMITS: Record<string, number> = { S: 400, M: 600, L: 1200, 'ml-latest-small': 400 };
/** A step whose resident memory passes this is stopped (the machine is shared). */
const RSS_LIMIT_MB = Number(arg('--rss-limit-mb') ?? '10000');

interface StepResult {
  readonly status: 'ok' | 'timed out' | 'failed' | 'killed: memory';
  readonly limit_seconds: number;
  readonly [key: string]: unknown;
}

/** Runs one task in a child process under a time limit; polls its RSS. */
function runStep(spec: TaskSpec, limitSeconds: number): Promise<StepResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'scale-task.ts'), JSON.stringify(spec)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    let status: StepResult['status'] | null = null;
    let maxRss = 0;
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    const t0 = performance.now();
    const timer = setTimeout(() => {
      status = 'timed out';
      child.kill('SIGKILL');
    }, limitSeconds * 1000);
    const poll = setInterval(() => {
      const rss = rssMb(child.pid);
      maxRss = Math.max(maxRss, rss);
      if (rss > RSS_LIMIT_MB) {
        status = 'killed: memory';
        child.kill('SIGKILL');
      }
    }, 500);
    child.on('exit', () => {
      clearTimeout(timer);
      clearInterval(poll);
      const wall = Math.round(performance.now() - t0) / 1000;
      if (status !== null) return resolve({ status, limit_seconds: limitSeconds, wall_seconds: wall, peak_rss_mb: maxRss });
      try {
        const r = JSON.parse(out.trim().split('\n').pop() ?? '{}') as Record<string, unknown>;
        const { ok, ...rest } = r;
        resolve({ status: ok === true ? 'ok' : 'failed', limit_seconds: limitSeconds, ...rest });
      } catch {
        resolve({ status: 'failed', limit_seconds: limitSeconds, error: `no result (output: ${out.slice(-200)})`, wall_seconds: wall });
      }
    });
  });
}

function rssMb(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m === null ? 0 : Math.round(Number(m[1]) / 1024);
  } catch {
    return 0;
  }
}

/** Least-squares slope of log(y) on log(x): cost ∝ size^slope. Null with fewer than 2 points. */
export function logLogSlope(points: readonly (readonly [number, number])[]): number | null {
  const p = points.filter(([x, y]) => x > 0 && y > 0);
  if (p.length < 2) return null;
  const lx = p.map(([x]) => Math.log(x));
  const ly = p.map(([, y]) => Math.log(y));
  const mx = lx.reduce((a, b) => a + b, 0) / p.length;
  const my = ly.reduce((a, b) => a + b, 0) / p.length;
  let num = 0;
  let den = 0;
  for (let i = 0; i < p.length; i++) {
    num += (lx[i] - mx) * (ly[i] - my);
    den += (lx[i] - mx) ** 2;
  }
  return den === 0 ? null : Math.round((num / den) * 100) / 100;
}

type DatasetResult = { import: StepResult; models: Record<string, StepResult> };

/** Cost measures per synthetic size, and their log-log slope against the interaction count. */
function growth(results: Record<string, DatasetResult>, models: readonly string[]): Record<string, unknown> {
  const sizes = Object.keys(results).filter((s) => s in SYNTHETIC_SIZES && results[s].import.status === 'ok');
  const x = (s: string): number => SYNTHETIC_SIZES[s as keyof typeof SYNTHETIC_SIZES].interactions;
  const series: Record<string, [number, number][]> = {};
  const put = (name: string, s: string, v: unknown): void => {
    if (typeof v === 'number') (series[name] ??= []).push([x(s), v]);
  };
  for (const s of sizes) {
    const r = results[s];
    put('import_seconds', s, r.import.import_seconds);
    put('import_peak_rss_mb', s, r.import.peak_rss_mb);
    put('kg_query_p99_ms', s, (r.import.kg_query_ms as { all?: { p99: number } } | undefined)?.all?.p99);
    for (const m of models) {
      const f = r.models[m];
      if (f?.status !== 'ok') continue;
      put(`${m}.fit_seconds`, s, f.fit_seconds);
      put(`${m}.peak_rss_mb`, s, f.peak_rss_mb);
      put(`${m}.recommend_explain_p99_ms`, s, (f.recommend_explain_ms as { p99: number }).p99);
    }
  }
  return Object.fromEntries(Object.entries(series).map(([k, pts]) => [k, { points: pts, exponent: logLogSlope(pts) }]));
}

const fmt = (v: unknown): string => (typeof v === 'number' ? String(v) : '—');

/** The README table: per dataset and step, seconds / peak RSS / latency / quality, and the exponents. */
function table(results: Record<string, DatasetResult>, models: readonly string[], g: Record<string, unknown>): string {
  const names = Object.keys(results);
  const lines = [`| step | ${names.join(' | ')} | exponent |`, `|---|${names.map(() => '---').join('|')}|---|`];
  const cell = (r: StepResult | undefined, f: (r: StepResult) => unknown): string =>
    r === undefined ? 'not run' : r.status === 'ok' ? (typeof f(r) === 'string' ? String(f(r)) : fmt(f(r))) : `${r.status} (${r.limit_seconds} s)`;
  const exp = (k: string): string => fmt((g[k] as { exponent?: number } | undefined)?.exponent);
  lines.push(`| import s (peak RSS MB) | ${names.map((n) => cell(results[n].import, (r) => `${fmt(r.import_seconds)} (${fmt(r.peak_rss_mb)})`)).join(' | ')} | ${exp('import_seconds')} |`);
  const slowestView = (r: StepResult): string => {
    const api = (r.api_ms ?? {}) as Record<string, { first: number }>;
    const [m, v] = Object.entries(api).sort((a, b) => b[1].first - a[1].first)[0] ?? ['—', { first: 0 }];
    return `${v.first} (${m})`;
  };
  lines.push(`| Api first call, slowest view ms | ${names.map((n) => cell(results[n].import, slowestView)).join(' | ')} | |`);
  lines.push(`| KG query p99 ms | ${names.map((n) => cell(results[n].import, (r) => (r.kg_query_ms as { all: { p99: number } }).all.p99)).join(' | ')} | ${exp('kg_query_p99_ms')} |`);
  for (const m of models) {
    lines.push(`| ${m} fit s (peak RSS MB) | ${names.map((n) => cell(results[n].models[m], (r) => `${fmt(r.fit_seconds)} (${fmt(r.peak_rss_mb)})`)).join(' | ')} | ${exp(`${m}.fit_seconds`)} |`);
    lines.push(`| ${m} NDCG@10 · rec+explain p50/p99 ms | ${names.map((n) => cell(results[n].models[m], (r) => `${fmt(r.ndcg10)} · ${(r.recommend_explain_ms as { p50: number }).p50}/${(r.recommend_explain_ms as { p99: number }).p99}`)).join(' | ')} | ${exp(`${m}.recommend_explain_p99_ms`)} |`);
  }
  const ann = (n: string): StepResult | undefined => results[n].models.semantic;
  lines.push(`| ANN recall@10 · build s · query p99 ms (exact p99) | ${names.map((n) => cell(ann(n), (r) => { const a = r.ann as Record<string, { p99: number } & number>; return `${a.recall_at_10} · ${a.ann_build_seconds} · ${a.ann_query_ms.p99} (${a.exact_query_ms.p99})`; })).join(' | ')} | |`);
  return lines.join('\n');
}

function updateReadme(md: string): void {
  const path = join(__dirname, '..', 'README.md');
  const text = readFileSync(path, 'utf8');
  const begin = '<!-- scale-table:begin -->';
  const end = '<!-- scale-table:end -->';
  const a = text.indexOf(begin);
  const b = text.indexOf(end);
  if (a < 0 || b < a) throw new Error(`README.md has no ${begin} … ${end} markers`);
  writeFileSync(path, `${text.slice(0, a + begin.length)}\n${md}\n${text.slice(b)}`);
}

/** `--from FILE`: the table and exponents again from a results file (no measuring). */
function fromFile(file: string): void {
  const r = JSON.parse(readFileSync(file, 'utf8')) as { datasets: Record<string, DatasetResult>; growth: unknown; table_markdown: string };
  const models = [...new Set(Object.values(r.datasets).flatMap((d) => Object.keys(d.models)))];
  r.growth = growth(r.datasets, models);
  r.table_markdown = table(r.datasets, models, r.growth as Record<string, unknown>);
  writeResults(r, arg('--out') ?? file);
  if (process.argv.includes('--readme')) updateReadme(r.table_markdown);
}

async function main(): Promise<void> {
  const from = arg('--from');
  if (from !== undefined) return fromFile(from);
  const seed = Number(arg('--seed') ?? '2020');
  const sizes = (arg('--sizes') ?? 'S,M,ml-latest-small').split(',');
  const models = (arg('--models') ?? DEFAULT_MODELS.join(',')).split(',').filter((m) => m !== '');
  const limit = arg('--limit');
  const results: Record<string, DatasetResult> = {};
  const loadStart = loadavg().map((x) => Math.round(x * 100) / 100);
  for (const name of sizes) {
    const dir = mkdtempSync(join(tmpdir(), `knowrec-scale-${name}-`));
    const limitSeconds = limit !== undefined ? Number(limit) : (DEFAULT_LIMITS[name] ?? 300);
    const evalUsers = Number(arg('--eval-users') ?? (name === 'M' || name === 'L' ? 500 : 1000));
    const base = { dataset: name, dir, seed, evalUsers, latencyUsers: Number(arg('--latency-users') ?? 200) };
    try {
      process.stderr.write(`${name}: import\n`);
      const { views, ...imp } = await runStep({ ...base, task: 'import' }, limitSeconds);
      results[name] = { import: imp, models: {} };
      if (imp.status !== 'ok' || !existsSync(join(dir, 'workspace.sqlite'))) continue;
      // the views' first Api calls in a process of their own, as the app's (scale-task.ts viewsTask)
      const v = await runStep({ ...base, task: 'views', views: views as TaskSpec['views'] }, limitSeconds);
      results[name].import = { ...imp, api_ms: v.status === 'ok' ? v.api_ms : { status: v.status, error: v.error } };
      for (const m of models) {
        process.stderr.write(`${name}: ${m}\n`);
        const r = await runStep({ ...base, task: 'fit', model: m }, m === 'hybrid' ? limitSeconds * HYBRID_LIMIT_FACTOR : limitSeconds);
        results[name].models[m] = r;
        process.stderr.write(`  ${r.status} fit ${fmt(r.fit_seconds)} s, ndcg@10 ${fmt(r.ndcg10)}, rss ${fmt(r.peak_rss_mb)} MB\n`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const g = growth(results, models);
  const md = table(results, models, g);
  const defaultNote = 'not run: see README "Scale" (time on a 2-core machine shared by several sessions)';
  const notRun = Object.fromEntries(
    Object.keys(SYNTHETIC_SIZES).filter((s) => !sizes.includes(s)).map((s) => [s, (s === 'L' ? arg('--l-note') : arg('--not-run-note')) ?? defaultNote]),
  );
  const result = {
    benchmark: 'scale',
    sizes: SYNTHETIC_SIZES,
    protocol: {
      split: 'recbole 8:1:1', seed, k: 10, candidates: 'all items, seen masked',
      tuning: 'none: default hyper-parameters for every model and every hybrid source; the hybrid learns its fusion (ranker choice, trees) on the validation split only (an 80/20 split of the validation users), the test split is never used for a choice',
      fit_seconds: 'build + fit in the step\'s own process; hybrid: its seven sources (semantic, itemknn, ease, bpr, kg-profile, kg-embed, pop, default hyper-parameters, the same stand-in encoder) fitted in its step (source_fit_seconds) + the fusion (fusion_seconds)',
      ndcg_users: `seeded sample of test users: ${arg('--eval-users') ?? '1000 (S, ml-latest-small), 500 (M, L)'}; early stopping (bpr, kg-embed) on NDCG@10 of 500 sampled valid users`,
      scale_mode: 'from 250M user × item cells (M, L; main/core/models/scale.ts): the hybrid fusion learns on a seeded sample of validation users, bpr sparse Adam with fewer epochs, kg-embed fewer sampled epochs, ease a smaller head; each step records scale_mode and the params',
      semantic_encoder: `hashed bag of words, ${HASH_DIM} dims (test/helpers/hash-encoder.ts), not the ONNX MiniLM`,
      recommend: 'score all items + mask seen + top-10, 200 sampled users; explain = explainRecommendation of the top item; from session 15 two more users of the same seeded draw go first, untimed (the JIT, the first copy of the item matrices to the native products worker): their times are cold_ms, outside the quantiles (earlier results files timed the first users cold, inside them)',
      kg_query: 'facts, 2-hop neighbours (limit 200), subgraph (2 hops, cap 200), paths (≤ 3 edges, 20), entity search, 200 random items',
      api_ms: 'the views\' first Api calls on a fresh Api over the imported workspace (the KG index read from the file the import saved), first and again; from session 15 in a process of their own, as the app\'s and knowrec serve\'s (before, in the import step\'s process, which holds the whole generated dataset: its heap slowed the first calls, e.g. kgSearch at L 3.3 s there, 0.4 s in a fresh process)',
      ann: `usearch HNSW (M ${ANN_DEFAULTS.connectivity}, ef_add ${ANN_DEFAULTS.expansionAdd}, ef_search ${ANN_DEFAULTS.expansionSearch}) over the semantic item vectors vs exact search; auto-chosen from ${ANN_MIN_VECTORS} items`,
      limits: { seconds: limit ?? DEFAULT_LIMITS, hybrid_factor: HYBRID_LIMIT_FACTOR, rss_mb: RSS_LIMIT_MB },
      growth: 'exponent = least-squares slope of log(cost) on log(interactions) over the synthetic sizes that ran',
    },
    datasets: results,
    growth: g,
    not_run: notRun,
    table_markdown: md,
    machine: { ...machineInfo(), loadavg_at_start: loadStart, shared: arg('--shared-note') ?? 'yes: 2 cores shared with ~5 other sessions; timings are noisy upper bounds' },
    date: new Date().toISOString(),
  };
  writeResults(result, arg('--out'));
  if (process.argv.includes('--readme')) updateReadme(md);
}

if (require.main === module) void main();
