/**
 * Issue 11's first "done when": the whole evaluate command on ml-latest-small, as a user runs it,
 * timed end to end in its own process under /usr/bin/time -v (wall seconds, peak RSS), with the
 * load average before and after (the machine is shared) and per model: test NDCG@10, the seconds
 * `evaluate` reports for tuning and fitting, and the chosen parameters.
 *
 *   npm run bench:mls-evaluate   (writes benchmarks/results/mls-evaluate.json)
 *   flags: --models pop,itemknn,... --seed 2020 --cache DIR (XDG_CACHE_HOME of the run; default a
 *          fresh temporary one, so import and the one-time encoding of item text are included)
 *          --log FILE (the run's stderr, each line stamped with the Unix time it arrived)
 *
 * Needs KNOWREC_DATA_DIR (or the registry's download) for ml-latest-small.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { arg, machineInfo, writeResults } from './common';

const MODELS = 'pop,itemknn,ease,bpr,semantic,kg-profile,kg-embed,hybrid';
const LIMIT_SECONDS = 15 * 60;

interface ModelRow {
  readonly test?: Record<string, number>;
  readonly fit_seconds?: number;
  readonly tune_seconds?: number;
  readonly params?: unknown;
}

/** Wall seconds of each stage, from the first and last stderr line of each "[model] NAME" block. */
function stageSeconds(stderr: string): Record<string, number> {
  const out: Record<string, number> = {};
  let current: string | null = null;
  let start = 0;
  for (const line of stderr.split('\n')) {
    const m = /^(\d+\.\d+) \[model\] (\S+)/.exec(line);
    const t = Number(line.split(' ')[0]);
    if (m !== null) {
      if (current !== null) out[current] = Math.round((t - start) * 10) / 10;
      current = m[2];
      start = t;
    } else if (/^\d+\.\d+ \[statistics\]/.test(line) && current !== null) {
      out[current] = Math.round((t - start) * 10) / 10;
      current = null;
    }
  }
  return out;
}

function main(): void {
  const models = arg('--models') ?? MODELS;
  const seed = Number(arg('--seed') ?? '2020');
  const cacheArg = arg('--cache');
  const cache = cacheArg ?? mkdtempSync(join(tmpdir(), 'knowrec-mls-'));
  const out = join(mkdtempSync(join(tmpdir(), 'knowrec-mls-out-')), 'evaluate.json');
  const loadBefore = loadavg();
  // each stderr line stamped with the time it arrived (stage timings), the run itself under GNU time
  const script = `/usr/bin/time -v node --import tsx main/cli.ts evaluate --dataset ml-latest-small --models ${models} --seed ${seed} --json ${out} 2>&1 >/dev/null`
    + ` | while IFS= read -r l; do printf '%s %s\\n' "$(date +%s.%N)" "$l"; done`;
  const t0 = Date.now();
  const r = spawnSync('bash', ['-c', script], { env: { ...process.env, XDG_CACHE_HOME: cache }, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const wall = (Date.now() - t0) / 1000;
  const loadAfter = loadavg();
  const stderr = r.stdout;
  const log = arg('--log');
  if (log !== undefined) writeFileSync(log, stderr);
  const rssKb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(stderr)?.[1] ?? NaN);
  const exit = Number(/Exit status: (\d+)/.exec(stderr)?.[1] ?? NaN);
  const timeField = (re: RegExp): number => Number(re.exec(stderr)?.[1] ?? NaN);
  const cpuSeconds = timeField(/User time \(seconds\): ([\d.]+)/) + timeField(/System time \(seconds\): ([\d.]+)/);
  const results = exit === 0 ? (JSON.parse(readFileSync(out, 'utf8')) as { results: Record<string, ModelRow>; data: unknown }) : null;
  const per: Record<string, unknown> = {};
  for (const [name, m] of Object.entries(results?.results ?? {})) {
    per[name] = { test_ndcg10: m.test?.['ndcg@10'], tune_seconds: m.tune_seconds, fit_seconds: m.fit_seconds, params: m.params };
  }
  writeResults({
    benchmark: 'mls-evaluate',
    command: `npx knowrec evaluate --dataset ml-latest-small --models ${models} --seed ${seed}`,
    protocol: 'recbole 8:1:1 per user, seed as given; hyper-parameters tuned on valid NDCG@10; full ranking, seen items excluded; test NDCG@10',
    cache: cacheArg === undefined ? 'fresh XDG_CACHE_HOME: import and the one-time item/user text encoding are inside the wall time' : `XDG_CACHE_HOME=${cacheArg} (reused: import and text encodings may come from it)`,
    exit_status: exit,
    wall_seconds: Math.round(wall * 10) / 10,
    limit_seconds: LIMIT_SECONDS,
    within_limit: exit === 0 && wall <= LIMIT_SECONDS,
    cpu_seconds: Math.round(cpuSeconds * 10) / 10,
    cpu_share: timeField(/Percent of CPU this job got: (\d+)%/) / 100,
    peak_rss_mb: Math.round(rssKb / 1024),
    loadavg_before: loadBefore.map((x) => Math.round(x * 100) / 100),
    loadavg_after: loadAfter.map((x) => Math.round(x * 100) / 100),
    stage_wall_seconds: stageSeconds(stderr),
    data: results?.data,
    models: per,
    note: 'a 2-core machine shared with other sessions (the run at nice 10): wall times are upper bounds that depend on the load shown; '
      + 'cpu_seconds (user + system, all threads) is what the run itself cost, cpu_share the share of one core it got on average',
    machine: machineInfo(),
  }, arg('--out'));
  if (cacheArg === undefined) rmSync(cache, { recursive: true, force: true });
}

main();
