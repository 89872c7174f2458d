/**
 * Source score matrices cached on disk for the fusion studies (hybrid-experiments.ts,
 * hybrid-ceiling.ts): each source is fitted (and tuned on validation) once per split through the
 * model factory, exactly as `knowrec evaluate` fits it, and its full user × item score matrix is
 * written to DIR/<source>.f32 (+ .json with its params); later runs replay it.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { HybridSource } from '../main/core/rank/features';
import { modelEntry } from '../main/core/models/registry';
import { SemanticScorer } from '../main/core/models/semantic';
import type { FitContext, Scorer } from '../main/core/types';
import { fitModel, ModelEnv, type FittedModel } from '../main/jobs/model-factory';
import { matrixScorer } from './common';

export async function cachedSources(
  dir: string,
  ctx: FitContext,
  validate: (s: Scorer) => number,
  env: ModelEnv,
): Promise<{ sources: HybridSource[]; vectors: Float32Array | null; dim: number }> {
  mkdirSync(dir, { recursive: true });
  const fitted = new Map<string, Promise<FittedModel>>();
  const sources: HybridSource[] = [];
  let vectors: Float32Array | null = null;
  let dim = 0;
  for (const name of modelEntry('hybrid').sources) {
    const file = join(dir, `${name}.f32`);
    const meta = join(dir, `${name}.json`);
    if (!existsSync(file)) {
      const t0 = performance.now();
      const f = await fitModel(name, ctx, { tune: true, validate, env, cache: fitted });
      const m = new Float32Array(ctx.nUsers * ctx.nItems);
      for (let u = 0; u < ctx.nUsers; u++) m.set(f.scorer.score(u), u * ctx.nItems);
      writeFileSync(file, Buffer.from(m.buffer));
      const info = { params: f.scorer.params(), valid_ndcg: validate(f.scorer), seconds: (performance.now() - t0) / 1000 };
      writeFileSync(meta, JSON.stringify(info));
      if (f.scorer instanceof SemanticScorer) {
        const s = f.scorer;
        dim = s.itemVector(0).length;
        const v = new Float32Array(ctx.nItems * dim);
        for (let i = 0; i < ctx.nItems; i++) v.set(s.itemVector(i), i * dim);
        writeFileSync(join(dir, 'vectors.f32'), Buffer.from(v.buffer));
      }
      process.stderr.write(`${dir}: ${name} fitted in ${info.seconds.toFixed(0)} s, valid NDCG@10 ${info.valid_ndcg.toFixed(4)}\n`);
    }
    const buf = readFileSync(file);
    const m = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
    const info = JSON.parse(readFileSync(meta, 'utf8')) as { params: Record<string, number | string | boolean> };
    sources.push({ name, scorer: matrixScorer(name, m, ctx.nItems, info.params) });
  }
  const vf = join(dir, 'vectors.f32');
  if (existsSync(vf)) {
    const buf = readFileSync(vf);
    vectors = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
    dim = vectors.length / ctx.nItems;
  }
  return { sources, vectors, dim };
}

