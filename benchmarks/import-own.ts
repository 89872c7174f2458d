/**
 * Own-data read benchmark: a seeded synthetic interactions table (N rows; 1% of N users, 0.5%
 * of N items, power-law item popularity, ISO date-times) written as semicolon CSV and as Parquet,
 * then read through the own-data path (DuckDB sniffing, chunked column reads, mapping inferred)
 * and validated. Reports seconds per stage and the peak RSS seen (sampled every 50 ms).
 *
 *   npx tsx benchmarks/import-own.ts [--rows 1000000] [--seed 7] [--out benchmarks/results/import-own.json]
 */
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { TableReader } from '../main/core/data/tables';
import { resolveMapping } from '../main/core/data/mapping';
import { loadOwnFiles } from '../main/core/data/own-import';
import { arg, machineInfo, mulberry32, writeResults } from './common';

const rows = Number(arg('--rows') ?? '1000000');
const seed = Number(arg('--seed') ?? '7');

async function writeCsv(path: string): Promise<void> {
  const r = mulberry32(seed);
  const users = Math.max(10, Math.floor(rows / 100));
  const items = Math.max(10, Math.floor(rows / 200));
  const out = createWriteStream(path);
  out.write('listener_ref;track_sku;play_count;"heard at"\n');
  for (let i = 0; i < rows; i++) {
    const u = Math.floor(r() * users);
    const it = Math.floor(items * Math.pow(r(), 2.5)); // power-law popularity
    const day = 1 + Math.floor(r() * 28);
    const line = `L${u};"T;${it}";${1 + Math.floor(-Math.log(1 - r()) * 5)};2026-02-${String(day).padStart(2, '0')} 12:00:00\n`;
    if (!out.write(line)) await new Promise<void>((ok) => out.once('drain', () => ok()));
  }
  await new Promise<void>((ok, fail) => out.end((e?: Error | null) => (e ? fail(e) : ok())));
}

/** User + system CPU seconds of this process (DuckDB's threads included) since `from`. */
function cpuSeconds(from: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(from);
  return (u.user + u.system) / 1e6;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'knowrec-bench-own-'));
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  try {
    const csv = join(dir, 'plays.csv');
    let t = performance.now();
    await writeCsv(csv);
    const tWrite = (performance.now() - t) / 1000;
    const parquet = join(dir, 'plays.parquet');
    const db = await DuckDBInstance.create(':memory:');
    const con = await db.connect();
    await con.run(`COPY (SELECT * FROM read_csv('${csv}')) TO '${parquet}' (FORMAT parquet)`);
    con.closeSync();
    db.closeSync();
    const stages: Record<string, number> = {};
    for (const [name, file] of [
      ['csv', csv],
      ['parquet', parquet],
    ] as const) {
      const reader = await TableReader.open();
      t = performance.now();
      let cpu = process.cpuUsage();
      const mapping = resolveMapping({ interactions: await reader.sample(file, 1000) });
      const read = await reader.read(file, [
        { name: mapping.interactions.user, as: 'string' },
        { name: mapping.interactions.item, as: 'string' },
        { name: mapping.interactions.rating ?? '', as: 'number' },
        { name: mapping.interactions.timestamp ?? '', as: 'time' },
      ]);
      stages[`${name}_read_s`] = (performance.now() - t) / 1000;
      stages[`${name}_read_cpu_s`] = cpuSeconds(cpu);
      reader.close();
      if (read.lines.length !== rows) throw new Error(`read ${read.lines.length} rows, expected ${rows}`);
      t = performance.now();
      cpu = process.cpuUsage();
      const loaded = await loadOwnFiles({ interactions: file });
      stages[`${name}_read_validate_s`] = (performance.now() - t) / 1000;
      stages[`${name}_read_validate_cpu_s`] = cpuSeconds(cpu);
      if (name === 'csv') stages.interactions_kept = loaded.dataset.interactions.user.length;
    }
    writeResults(
      {
        benchmark: 'import-own',
        rows,
        seed,
        write_csv_s: Number(tWrite.toFixed(2)),
        ...Object.fromEntries(Object.entries(stages).map(([k, v]) => [k, Number(v.toFixed(2))])),
        peak_rss_mb: Math.round(peak / 2 ** 20),
        note: 'read = DuckDB sniff + chunked column fetch into JS arrays; read_validate = the whole own-data read (mapping inferred) + validateDataset (dense ids, duplicates dropped). Wall seconds on a machine shared with other jobs (see loadavg); *_cpu_s is this process\'s CPU time.',
        machine: machineInfo(),
      },
      arg('--out'),
    );
  } finally {
    clearInterval(sampler);
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
