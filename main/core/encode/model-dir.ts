/** Where the prepared encoder lives and what its folder says about it. */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { KnowrecError } from '../errors';

export const DEFAULT_MODEL_NAME = 'all-MiniLM-L6-v2';
export const DEFAULT_MAX_LENGTH = 256;
const PREPARE_HINT = 'run `npm run model` to prepare it, or point KNOWREC_MODEL_DIR at a folder holding model.onnx and tokenizer.json';

/** The repository root: the nearest folder above this module holding package.json. */
export function repoRoot(start: string = __dirname): string {
  let dir = resolve(start);
  while (true) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
}

/** KNOWREC_MODEL_DIR, else resources/models/all-MiniLM-L6-v2 under the repository root. */
export function defaultModelDir(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.KNOWREC_MODEL_DIR;
  if (fromEnv !== undefined && fromEnv !== '') return resolve(fromEnv);
  return join(modelsRoot(env), DEFAULT_MODEL_NAME);
}

/** The folder holding one sub-folder per prepared encoder: KNOWREC_MODELS_ROOT, else resources/models. */
export function modelsRoot(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.KNOWREC_MODELS_ROOT;
  if (fromEnv !== undefined && fromEnv !== '') return resolve(fromEnv);
  return join(repoRoot(), 'resources', 'models');
}

/** A prepared encoder as `knowrec models` lists it. */
export interface TextModelInfo {
  readonly name: string;
  readonly dir: string;
  readonly dim?: number;
  readonly maxLength?: number;
  /** 'en' (English-only) or 'multilingual'. */
  readonly languages: TextModelLanguages;
  readonly variants: readonly string[];
  readonly isDefault: boolean;
}

/** The prepared encoders under `root`: every sub-folder with a manifest.json and a tokenizer.json. */
export function listTextModels(root: string = modelsRoot()): TextModelInfo[] {
  if (!existsSync(root)) return [];
  const out: TextModelInfo[] = [];
  for (const name of readdirSync(root).sort()) {
    const dir = join(root, name);
    if (!existsSync(join(dir, 'manifest.json')) || !existsSync(join(dir, 'tokenizer.json'))) continue;
    const m = readManifest(dir);
    const variants = [['fp32', 'model.onnx'], ['int8', 'model.int8.onnx']].filter(([, f]) => existsSync(join(dir, f))).map(([v]) => v);
    out.push({ name: m.modelId ?? name, dir, dim: m.dim, maxLength: m.maxLength, languages: m.languages, variants, isDefault: name === DEFAULT_MODEL_NAME });
  }
  return out;
}

/** The folder of the prepared encoder called `name` (as `knowrec models` lists it). */
export function textModelDir(name: string, root: string = modelsRoot()): string {
  const models = listTextModels(root);
  const hit = models.find((m) => m.name === name || basename(m.dir) === name);
  if (hit === undefined) {
    const known = models.map((m) => m.name).join(', ') || 'none prepared';
    throw new KnowrecError('config', `Unknown text model ${JSON.stringify(name)} (prepared: ${known})`, {}, '`knowrec models` lists them; `npm run model` prepares them');
  }
  return hit.dir;
}

export type TextModelLanguages = 'en' | 'multilingual';

/** The subset of manifest.json (written by tools/prepare_model.py) the encoder uses. */
export interface ModelManifest {
  readonly modelId?: string;
  readonly maxLength?: number;
  readonly dim?: number;
  /** Prepended to queries (e5: `query: `); none when absent. */
  readonly queryPrefix?: string;
  /** Prepended to passages, i.e. every text that is not a query (e5: `passage: `). */
  readonly passagePrefix?: string;
  /** Absent in the manifest: English-only (all-MiniLM-L6-v2's training data). */
  readonly languages: TextModelLanguages;
  /** SHA-256 of each file by name (the manifest's `files`). */
  readonly sha256?: Readonly<Record<string, string>>;
}

export interface ModelFiles {
  readonly dir: string;
  readonly modelPath: string;
  readonly tokenizerPath: string;
  readonly manifest: ModelManifest;
}

/** Checks the folder holds `modelFile` and tokenizer.json; reads manifest.json when present. */
export function locateModel(dir: string, modelFile: string): ModelFiles {
  const abs = resolve(dir);
  if (!existsSync(abs) || !statSync(abs).isDirectory()) {
    throw new KnowrecError('not-found', `The encoder model folder does not exist`, { file: abs }, PREPARE_HINT);
  }
  const modelPath = join(abs, modelFile);
  const tokenizerPath = join(abs, 'tokenizer.json');
  for (const f of [modelPath, tokenizerPath]) {
    if (!existsSync(f)) throw new KnowrecError('not-found', `Missing ${basename(f)} in the encoder model folder`, { file: f }, PREPARE_HINT);
  }
  return { dir: abs, modelPath, tokenizerPath, manifest: readManifest(abs) };
}

/** The manifest's `files` as name → SHA-256 (entries without a string sha256 left out); undefined when absent. */
function fileHashes(files: unknown): Record<string, string> | undefined {
  if (typeof files !== 'object' || files === null) return undefined;
  const out: Record<string, string> = {};
  for (const [name, f] of Object.entries(files as Record<string, unknown>)) {
    const sha = typeof f === 'object' && f !== null ? (f as { sha256?: unknown }).sha256 : undefined;
    if (typeof sha === 'string') out[name] = sha;
  }
  return out;
}

function readManifest(dir: string): ModelManifest {
  const file = join(dir, 'manifest.json');
  if (existsSync(file)) {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(file, 'utf8'));
    } catch (e) {
      throw new KnowrecError('parse', `manifest.json is not valid JSON: ${(e as Error).message}`, { file }, 'run `npm run model` to prepare the folder again');
    }
    const m = (typeof json === 'object' && json !== null ? json : {}) as Record<string, unknown>;
    const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
    return {
      modelId: str(m.model_id),
      maxLength: typeof m.max_length === 'number' ? m.max_length : undefined,
      dim: typeof m.dim === 'number' ? m.dim : undefined,
      queryPrefix: str(m.query_prefix),
      passagePrefix: str(m.passage_prefix),
      languages: m.languages === 'multilingual' ? 'multilingual' : 'en',
      sha256: fileHashes(m.files),
    };
  }
  // A plain sentence-transformers folder: its max_seq_length.
  const stConfig = join(dir, 'sentence_bert_config.json');
  if (existsSync(stConfig)) {
    try {
      const cfg = JSON.parse(readFileSync(stConfig, 'utf8')) as Record<string, unknown>;
      if (typeof cfg.max_seq_length === 'number') return { maxLength: cfg.max_seq_length, languages: 'en' };
    } catch {
      // Not ours to validate; fall back to defaults.
    }
  }
  return { languages: 'en' };
}
