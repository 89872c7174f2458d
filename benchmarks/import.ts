/**
 * Import benchmark: full ml-100k (100,000 interactions, 91,631 triples) through
 * resolve + verify → parse → validate → store import (fresh temp workspace) → loadDataset.
 *
 *   npx tsx benchmarks/import.ts [--out benchmarks/results/import.json] [--data DIR] [--repeat 3]
 *
 * Data: --data DIR, else $KNOWREC_DATA_DIR, else /work/shared/datasets when present, else the
 * user cache (see main/core/data/registry.ts). Prints the JSON and writes it to --out if given.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { clearChecksumCache, readResolvedDataset, resolveDataset, validateDataset, type ResolveOptions } from '../main/core/data';
import { Workspace } from '../main/core/store';
import { arg } from './common';

const out = arg('--out');
const repeat = Math.max(1, Number(arg('--repeat') ?? '3'));
const env = { ...process.env };
if (env.KNOWREC_DATA_DIR === undefined && existsSync('/work/shared/datasets')) env.KNOWREC_DATA_DIR = '/work/shared/datasets';
const resolveOpts: ResolveOptions = { dataDir: arg('--data'), env };

const time = <T>(f: () => T): [T, number] => {
  const t = performance.now();
  const r = f();
  return [r, (performance.now() - t) / 1000];
};
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const stages: Record<string, number[]> = { resolveVerifyCold: [], resolveVerifyCached: [], parse: [], validate: [], storeImport: [], loadDataset: [] };
const tmp = mkdtempSync(join(tmpdir(), 'knowrec-bench-import-'));
let counts: Record<string, number> = {};
try {
  for (let run = 0; run < repeat; run++) {
    clearChecksumCache();
    const [resolved, tCold] = time(() => resolveDataset('ml-100k', resolveOpts));
    const [, tWarm] = time(() => resolveDataset('ml-100k', resolveOpts));
    const [raw, tParse] = time(() => readResolvedDataset(resolved));
    const [v, tValidate] = time(() => validateDataset(raw));
    const ws = Workspace.create(join(tmp, `run${run}.sqlite`));
    const [, tStore] = time(() => ws.importDataset(v.dataset, { report: v.report }));
    const [ds, tLoad] = time(() => ws.loadDataset());
    ws.close();
    if (ds.interactions.user.length !== 100000 || ds.kg.head.length !== 91631) {
      throw new Error(`unexpected counts: ${ds.interactions.user.length} interactions, ${ds.kg.head.length} triples`);
    }
    counts = { ...v.report.counts };
    stages.resolveVerifyCold.push(tCold);
    stages.resolveVerifyCached.push(tWarm);
    stages.parse.push(tParse);
    stages.validate.push(tValidate);
    stages.storeImport.push(tStore);
    stages.loadDataset.push(tLoad);
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

const seconds = Object.fromEntries(Object.entries(stages).map(([k, xs]) => [k, Number(median(xs).toFixed(4))]));
const total = stages.resolveVerifyCold.reduce((s, _, i) => s + stages.resolveVerifyCold[i] + stages.parse[i] + stages.validate[i] + stages.storeImport[i] + stages.loadDataset[i], 0) / repeat;
const result = {
  benchmark: 'import',
  dataset: 'ml-100k',
  counts,
  repeat,
  seconds,
  secondsTotalMean: Number(total.toFixed(4)),
  runs: Object.fromEntries(Object.entries(stages).map(([k, xs]) => [k, xs.map((x) => Number(x.toFixed(4)))])),
  node: process.version,
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model ?? 'unknown',
  date: new Date().toISOString(),
};
const json = JSON.stringify(result, null, 2);
console.log(json);
if (out !== undefined) {
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${json}\n`);
}
