/** Where the prepared encoder lives and what its folder says about it. */
import { existsSync, readFileSync, statSync } from 'node:fs';
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
  return join(repoRoot(), 'resources', 'models', DEFAULT_MODEL_NAME);
}

/** The subset of manifest.json (written by tools/prepare_model.py) the encoder uses. */
export interface ModelManifest {
  readonly modelId?: string;
  readonly maxLength?: number;
  readonly dim?: number;
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
    return {
      modelId: typeof m.model_id === 'string' ? m.model_id : undefined,
      maxLength: typeof m.max_length === 'number' ? m.max_length : undefined,
      dim: typeof m.dim === 'number' ? m.dim : undefined,
    };
  }
  // A plain sentence-transformers folder: its max_seq_length.
  const stConfig = join(dir, 'sentence_bert_config.json');
  if (existsSync(stConfig)) {
    try {
      const cfg = JSON.parse(readFileSync(stConfig, 'utf8')) as Record<string, unknown>;
      if (typeof cfg.max_seq_length === 'number') return { maxLength: cfg.max_seq_length };
    } catch {
      // Not ours to validate; fall back to defaults.
    }
  }
  return {};
}
