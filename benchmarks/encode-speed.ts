/**
 * Encoder speed: the TypeScript ONNX encoder (fp32 and int8, cold embedding cache, plus a warm
 * cache pass) against Python sentence-transformers `model.encode` on the same texts, same
 * machine, same batch size and thread count. Also checks the vectors agree (cosine).
 *
 *   npx tsx benchmarks/encode-speed.ts [texts.json] [--out benchmarks/results/encode-speed.json]
 *       [--threads N] [--batch-size 32] [--repeat 3] [--no-python] [--spin]
 *
 * Texts: a JSON list of strings, else the verbalizer's sentence for every ml-100k item (with KG facts)
 * from $KNOWREC_DATA_DIR (default /work/shared/datasets). Needs `npm run model` first.
 *
 * Per model and language (interleaved rounds, see encode-speed-compare.ts):
 *   npx tsx benchmarks/encode-speed.ts --text-model multilingual-e5-small,all-MiniLM-L6-v2
 *       --lang en,zh [--sample 300] [--seed 7] [--repeat 2] [--out benchmarks/results/encode-speed-e5.json]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CachedEncoder, MemoryEmbeddingCache } from '../main/core/encode/cache';
import { OnnxEncoder, type ModelVariant } from '../main/core/encode/encoder';
import { defaultModelDir, repoRoot } from '../main/core/encode/model-dir';
import { loadTokenizer } from '../main/core/encode/tokenizer';
import { loadRegistryDataset } from '../main/core/data';
import { KgIndex } from '../main/core/kg';
import { itemSentence, kgFactSource } from '../main/core/text';
import { arg, cosineStats } from './common';
import { compareModels } from './encode-speed-compare';

const flagsWithValue = new Set(['--out', '--threads', '--batch-size', '--repeat', '--text-model', '--lang', '--sample', '--seed']);
const positional = process.argv.slice(2).filter((a, i, all) => !a.startsWith('--') && !flagsWithValue.has(all[i - 1] ?? ''));

const root = repoRoot();
const out = arg('--out') ?? join(root, 'benchmarks', 'results', 'encode-speed.json');
const threads = Number(arg('--threads') ?? String(cpus().length));
const batchSize = Number(arg('--batch-size') ?? '32');
const repeat = Math.max(1, Number(arg('--repeat') ?? '3'));
const withPython = !process.argv.includes('--no-python');
/** Let onnxruntime threads busy-wait (OnnxEncoder's spinWait); off by default, as in the app. */
const spinWait = process.argv.includes('--spin');

/** The real ml-100k item sentences: the verbalizer (en) with KG facts, token budget 128. */
function itemSentences(): { texts: string[]; source: string } {
  const { dataset, resolved } = loadRegistryDataset('ml-100k');
  const kg = new KgIndex(dataset);
  const facts = kgFactSource(kg);
  const tok = loadTokenizer(join(defaultModelDir(), 'tokenizer.json'));
  const countTokens = (t: string): number => tok.tokenize(t).length + 2;
  const texts = dataset.items.map((_, i) => itemSentence(dataset, i, { facts, countTokens, tokenBudget: 128 }).text);
  return { texts, source: `${resolved.dir} (verbalized items, en, KG facts, budget 128 tokens)` };
}

function loadTexts(): { texts: string[]; source: string } {
  if (positional.length > 0) {
    const texts = JSON.parse(readFileSync(positional[0], 'utf8')) as unknown;
    if (!Array.isArray(texts) || !texts.every((t) => typeof t === 'string')) throw new Error(`${positional[0]} must hold a JSON list of strings`);
    return { texts: texts as string[], source: positional[0] };
  }
  return itemSentences();
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

interface Timing {
  seconds: number;
  runs_seconds: number[];
  best_sentences_per_second: number;
  sentences_per_second: number;
  create_seconds: number;
}

async function timeTs(variant: ModelVariant, texts: string[]): Promise<{ timing: Timing; vectors: Float32Array[]; cached: Record<string, number> }> {
  const t0 = performance.now();
  const enc = await OnnxEncoder.create({ model: variant, executionProvider: 'cpu', intraOpThreads: threads, spinWait, batchSize, logger: { info: () => undefined, warn: console.warn } });
  const createSeconds = (performance.now() - t0) / 1000;
  await enc.encode(texts.slice(0, 64)); // warm-up, like the Python side
  const runs: number[] = [];
  let vectors: Float32Array[] = [];
  for (let r = 0; r < repeat; r++) {
    const t = performance.now();
    vectors = await enc.encode(texts);
    runs.push((performance.now() - t) / 1000);
  }
  // Through the embeddings cache: the first pass encodes (cold), the second is served from memory.
  const cachedEnc = new CachedEncoder(enc, new MemoryEmbeddingCache());
  let t = performance.now();
  await cachedEnc.encode(texts);
  const coldSeconds = (performance.now() - t) / 1000;
  t = performance.now();
  await cachedEnc.encode(texts);
  const warmSeconds = (performance.now() - t) / 1000;
  await enc.dispose();
  const seconds = median(runs);
  return {
    timing: { seconds, runs_seconds: runs, best_sentences_per_second: texts.length / Math.min(...runs), sentences_per_second: texts.length / seconds, create_seconds: createSeconds },
    vectors,
    cached: {
      cold_seconds: coldSeconds,
      cold_sentences_per_second: texts.length / coldSeconds,
      warm_seconds: warmSeconds,
      warm_sentences_per_second: texts.length / warmSeconds,
    },
  };
}

const load = (): number[] => loadavg().map((x) => Math.round(x * 100) / 100);

async function main(): Promise<void> {
  const loadBefore = load();
  const { texts, source } = loadTexts();
  console.log(`encode-speed: ${texts.length} texts from ${source}; ${threads} threads, batch ${batchSize}, ${repeat} runs`);
  const fp32 = await timeTs('fp32', texts);
  console.log(`  ts fp32: ${fp32.timing.sentences_per_second.toFixed(1)} sentences/s`);
  const int8 = await timeTs('int8', texts);
  console.log(`  ts int8: ${int8.timing.sentences_per_second.toFixed(1)} sentences/s; cached warm ${int8.cached.warm_sentences_per_second.toFixed(0)}/s`);

  let python: Record<string, unknown> | null = null;
  let pythonNote: string | undefined;
  let fidelity: Record<string, { min: number; mean: number }> | undefined;
  const venvPython = join(root, '.venv-model', process.platform === 'win32' ? 'Scripts/python.exe' : 'bin/python');
  if (!withPython) pythonNote = 'skipped (--no-python)';
  else if (!existsSync(venvPython)) pythonNote = `skipped: ${venvPython} missing (run \`npm run model\`)`;
  else {
    const tmp = mkdtempSync(join(tmpdir(), 'knowrec-encode-speed-'));
    try {
      const textsFile = join(tmp, 'texts.json');
      const embFile = join(tmp, 'st.f32');
      writeFileSync(textsFile, JSON.stringify(texts));
      const res = spawnSync(
        venvPython,
        [join(root, 'tools', 'bench_st.py'), textsFile, '--threads', String(threads), '--batch-size', String(batchSize), '--repeat', String(repeat), '--embeddings', embFile],
        { encoding: 'utf8', env: { ...process.env, HF_HUB_OFFLINE: '1', TRANSFORMERS_OFFLINE: '1' }, maxBuffer: 1 << 24 },
      );
      if (res.status !== 0) throw new Error(`bench_st.py failed (${res.status}): ${res.stderr.slice(-2000)}`);
      const lastLine = res.stdout.trim().split('\n').pop() ?? '';
      python = JSON.parse(lastLine) as Record<string, unknown>;
      const buf = readFileSync(embFile);
      const flat = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
      fidelity = { fp32_vs_python: cosineStats(fp32.vectors, flat), int8_vs_python: cosineStats(int8.vectors, flat) };
      console.log(`  python sentence-transformers: ${(python.sentences_per_second as number).toFixed(1)} sentences/s`);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }

  const pySps = python === null ? null : (python.sentences_per_second as number);
  const result = {
    benchmark: 'encode-speed',
    date: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      cpu_model: cpus()[0]?.model ?? 'unknown',
      node: process.version,
      // 1/5/15-minute load averages: above ~0.5 other work shared the cores and the figures are noisy.
      load_average_before: loadBefore,
      load_average_after: load(),
    },
    texts: { n: texts.length, source },
    settings: {
      threads,
      batch_size: batchSize,
      repeat,
      spin_wait: spinWait,
      execution_provider: 'cpu',
      timing: 'median of runs after a 64-text warm-up (best run also given); embeddings cache cold unless noted',
    },
    typescript: {
      fp32: fp32.timing,
      int8: int8.timing,
      int8_through_cache: int8.cached,
      fp32_through_cache: fp32.cached,
    },
    python_sentence_transformers: python ?? { note: pythonNote },
    ratios:
      pySps === null
        ? null
        : {
            ts_fp32_over_python: fp32.timing.sentences_per_second / pySps,
            ts_int8_over_python: int8.timing.sentences_per_second / pySps,
            ts_int8_warm_cache_over_python: int8.cached.warm_sentences_per_second / pySps,
          },
    fidelity: fidelity ?? null,
  };
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result.ratios));
  console.log(`wrote ${out}`);
}

const compare = arg('--text-model') !== undefined || arg('--lang') !== undefined;
(compare ? compareModels() : main()).catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
