/** WorkerEncoder: the prepared model (`npm run model`) encoding in a worker thread under tsx. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultModelDir } from '../../main/core/encode/model-dir';
import { WorkerEncoder } from '../../main/core/encode/worker';
import { workersExited } from '../../main/core/worker-launcher';

const modelDir = defaultModelDir();

interface Reference {
  sentences: { text: string; embedding: number[] }[];
}

describe('WorkerEncoder', () => {
  let ref: Reference;
  let enc: WorkerEncoder;
  const notes: string[] = [];
  beforeAll(async () => {
    const file = join(modelDir, 'reference.json');
    if (!existsSync(file)) {
      throw new Error(`The prepared encoder is missing (${file}). Run \`npm run model\` first (or set KNOWREC_MODEL_DIR).`);
    }
    ref = JSON.parse(readFileSync(file, 'utf8')) as Reference;
    enc = await WorkerEncoder.start({
      modelDir,
      model: 'int8',
      executionProvider: 'auto',
      intraOpThreads: 1,
      batchSize: 4,
      logger: { info: (m) => notes.push(m), warn: (m) => notes.push(m) },
    });
  });
  afterAll(async () => {
    await enc?.close();
  });

  it('loads the model in the worker and forwards its log notes', () => {
    expect(enc.dim).toBe(384);
    expect(enc.modelId).toBe('all-MiniLM-L6-v2@int8');
    expect(enc.cacheKey).toMatch(/^all-MiniLM-L6-v2@int8#[0-9a-f]{12}$/);
    // 'auto' on a machine without the CUDA provider logs the CPU fallback from the worker.
    if (enc.provider === 'cpu') expect(notes.some((n) => /falling back to CPU/.test(n))).toBe(true);
  });

  it('encodes off the main thread with progress events, in input order', async () => {
    const texts = ref.sentences.map((s) => s.text);
    const progress: [number, number][] = [];
    let mainThreadTicks = 0;
    const timer = setInterval(() => mainThreadTicks++, 1);
    const vecs = await enc.encode(texts, { onProgress: (d, t) => progress.push([d, t]) });
    clearInterval(timer);
    expect(vecs).toHaveLength(texts.length);
    vecs.forEach((v, i) => {
      let dot = 0;
      for (let d = 0; d < v.length; d++) dot += v[d] * ref.sentences[i].embedding[d];
      expect(dot).toBeGreaterThan(0.99);
    });
    const total = texts.length;
    const expected = Array.from({ length: Math.ceil(total / 4) }, (_, k) => [Math.min((k + 1) * 4, total), total]);
    expect(progress).toEqual(expected);
    // The main thread's event loop kept running while the worker encoded.
    expect(mainThreadTicks).toBeGreaterThan(0);
  });

  it('cancels a running encode and stays usable', async () => {
    const many = Array.from({ length: 400 }, (_, i) => `${ref.sentences[i % ref.sentences.length].text} ${i}`);
    const ctrl = new AbortController();
    let last = 0;
    const p = enc.encode(many, {
      signal: ctrl.signal,
      onProgress: (d) => {
        last = d;
        if (d >= 8) ctrl.abort();
      },
    });
    await expect(p).rejects.toMatchObject({ code: 'cancelled' });
    expect(last).toBeLessThan(many.length);
    const [v] = await enc.encode([ref.sentences[0].text]);
    expect(v).toHaveLength(384);
  });
});

describe('stopping an encoder worker in the middle of its work', () => {
  it('lets the thread finish its native step and exit by itself (never killed inside onnxruntime)', async () => {
    // Killing a thread while onnxruntime runs aborts the process ("Napi::Error"); the vitest fork
    // running this file would die. Each round closes the worker right after a batch has started.
    for (let round = 0; round < 4; round++) {
      const enc = await WorkerEncoder.start({ modelDir, model: 'int8', executionProvider: 'cpu', intraOpThreads: 1, batchSize: 16, logger: { info: () => undefined, warn: () => undefined } });
      const texts = Array.from({ length: 4000 }, (_, i) => `sentence number ${i} about a film with a long description ${'and more words '.repeat(8)}`);
      let started!: () => void;
      const firstBatch = new Promise<void>((r) => (started = r));
      const running = enc.encode(texts, { onProgress: () => started() }).then(
        () => 'finished',
        (e: unknown) => (e instanceof Error ? e.message : String(e)),
      );
      await firstBatch;
      await enc.close();
      expect(await running).toMatch(/closed/);
    }
    expect(await workersExited(30_000)).toBe(true);
  }, 120_000);
});
