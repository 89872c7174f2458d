import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ort } from '../../main/core/ort';
import { afterAll, describe, expect, it } from 'vitest';
import { KnowrecError } from '../../main/core/errors';
import { OnnxEncoder, meanPoolNormalize, type SessionFactory, type SessionLike, type SessionRequest } from '../../main/core/encode/encoder';
import { defaultModelDir } from '../../main/core/encode/model-dir';
import type { EncodeLogger } from '../../main/core/encode/types';

// A model folder whose "model" is a fake session: the hidden state of a token is the one-hot
// vector of (token id mod DIM), and padding positions carry garbage (1000s) so that pooling
// over them would show. The expected embedding of a text is therefore known by construction.
const DIM = 8;
const VOCAB = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'a', 'b', 'c', 'd', 'e', 'f', 'g'];
const dir = mkdtempSync(join(tmpdir(), 'knowrec-enc-'));
writeFileSync(join(dir, 'model.onnx'), 'not used by the fake session');
writeFileSync(
  join(dir, 'tokenizer.json'),
  JSON.stringify({
    added_tokens: [],
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: { type: 'BertProcessing', cls: ['[CLS]', 2], sep: ['[SEP]', 3] },
    model: { type: 'WordPiece', unk_token: '[UNK]', vocab: Object.fromEntries(VOCAB.map((t, i) => [t, i])) },
  }),
);
writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ model_id: 'fake-model', max_length: 6 }));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface FakeLog {
  requests: SessionRequest[];
  batchShapes: number[][];
}

function fakeFactory(log: FakeLog, failCuda: boolean): SessionFactory {
  return async (req) => {
    log.requests.push(req);
    if (req.provider === 'cuda' && failCuda) throw new Error('no CUDA here\nsecond line');
    const session: SessionLike = {
      inputNames: ['input_ids', 'attention_mask', 'token_type_ids'],
      outputNames: ['last_hidden_state'],
      release: async () => undefined,
      run: async (feeds) => {
        const ids = (feeds as Record<string, ort.Tensor>).input_ids;
        const mask = (feeds as Record<string, ort.Tensor>).attention_mask;
        const [b, s] = ids.dims;
        log.batchShapes.push([b, s]);
        const idData = ids.data as BigInt64Array;
        const maskData = mask.data as BigInt64Array;
        const out = new Float32Array(b * s * DIM);
        for (let i = 0; i < b * s; i++) {
          if (maskData[i] === 0n) out.fill(1000, i * DIM, (i + 1) * DIM);
          else out[i * DIM + (Number(idData[i]) % DIM)] = 1;
        }
        return { last_hidden_state: new ort.Tensor('float32', out, [b, s, DIM]) } as unknown as Awaited<ReturnType<SessionLike['run']>>;
      },
    };
    return session;
  };
}

function expected(text: string, maxLen = 6): Float32Array {
  const tokens = ['[CLS]', ...text.split(' ').filter((w) => w !== '').slice(0, maxLen - 2), '[SEP]'];
  const v = new Float32Array(DIM);
  for (const t of tokens) v[VOCAB.indexOf(t) % DIM] += 1 / tokens.length;
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

function recordingLogger(): EncodeLogger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, info: (m) => lines.push(`info: ${m}`), warn: (m) => lines.push(`warn: ${m}`) };
}

describe('OnnxEncoder with a fake session', () => {
  it('falls back from CUDA to CPU and logs why (warn when CUDA was asked for)', async () => {
    const log: FakeLog = { requests: [], batchShapes: [] };
    const logger = recordingLogger();
    const enc = await OnnxEncoder.create({ modelDir: dir, executionProvider: 'cuda', sessionFactory: fakeFactory(log, true), logger, intraOpThreads: 3 });
    expect(enc.provider).toBe('cpu');
    expect(log.requests.map((r) => r.provider)).toEqual(['cuda', 'cpu']);
    expect(log.requests.every((r) => r.intraOpThreads === 3)).toBe(true);
    expect(logger.lines).toHaveLength(1);
    expect(logger.lines[0]).toMatch(/^warn: CUDA execution provider unavailable \(no CUDA here\); falling back to CPU$/);
  });

  it("'auto' uses CUDA when the session opens, notes the fallback otherwise; 'cpu' never tries CUDA", async () => {
    const okLog: FakeLog = { requests: [], batchShapes: [] };
    const onCuda = await OnnxEncoder.create({ modelDir: dir, executionProvider: 'auto', sessionFactory: fakeFactory(okLog, false), logger: recordingLogger() });
    expect(onCuda.provider).toBe('cuda');
    const failLog: FakeLog = { requests: [], batchShapes: [] };
    const logger = recordingLogger();
    const fellBack = await OnnxEncoder.create({ modelDir: dir, executionProvider: 'auto', sessionFactory: fakeFactory(failLog, true), logger });
    expect(fellBack.provider).toBe('cpu');
    expect(logger.lines[0]).toMatch(/^info: .*falling back to CPU/);
    const cpuLog: FakeLog = { requests: [], batchShapes: [] };
    await OnnxEncoder.create({ modelDir: dir, executionProvider: 'cpu', sessionFactory: fakeFactory(cpuLog, true), logger: recordingLogger() });
    expect(cpuLog.requests.map((r) => r.provider)).toEqual(['cpu']);
  });

  it('reads dim from the output, model id and max length from the manifest', async () => {
    const enc = await OnnxEncoder.create({ modelDir: dir, executionProvider: 'cpu', sessionFactory: fakeFactory({ requests: [], batchShapes: [] }, true) });
    expect(enc.dim).toBe(DIM);
    expect(enc.modelId).toBe('fake-model');
    expect(enc.maxLength).toBe(6);
  });

  it('mean-pools over real tokens only, L2-normalizes, and keeps input order across length-sorted batches', async () => {
    const log: FakeLog = { requests: [], batchShapes: [] };
    const enc = await OnnxEncoder.create({ modelDir: dir, executionProvider: 'cpu', batchSize: 2, sessionFactory: fakeFactory(log, true) });
    log.batchShapes.length = 0;
    const texts = ['a', 'b c d', 'e', 'f g', 'a b c d e f g', ''];
    const got = await enc.encode(texts);
    expect(got).toHaveLength(texts.length);
    texts.forEach((t, i) => {
      const want = expected(t);
      for (let d = 0; d < DIM; d++) expect(got[i][d]).toBeCloseTo(want[d], 6);
      expect(Math.hypot(...got[i])).toBeCloseTo(1, 6);
    });
    // Sorted longest first: lengths (with [CLS]/[SEP], max 6) are 3,5,3,4,6,2 → batches [6,5], [4,3], [3,2].
    expect(log.batchShapes).toEqual([[2, 6], [2, 4], [2, 3]]);
  });

  it('reports progress per batch and stops when cancelled', async () => {
    const enc = await OnnxEncoder.create({ modelDir: dir, executionProvider: 'cpu', batchSize: 2, sessionFactory: fakeFactory({ requests: [], batchShapes: [] }, true) });
    const seen: [number, number][] = [];
    await enc.encode(['a', 'b', 'c', 'd', 'e'], { onProgress: (d, t) => seen.push([d, t]) });
    expect(seen).toEqual([[2, 5], [4, 5], [5, 5]]);
    const ctrl = new AbortController();
    const p = enc.encode(['a', 'b', 'c', 'd', 'e'], { signal: ctrl.signal, onProgress: (d) => d >= 2 && ctrl.abort() });
    await expect(p).rejects.toMatchObject({ code: 'cancelled' });
  });

  it('tells to run `npm run model` when the folder or a file is missing', async () => {
    await expect(OnnxEncoder.create({ modelDir: join(dir, 'nope') })).rejects.toThrow(/npm run model/);
    await expect(OnnxEncoder.create({ modelDir: dir, model: 'int8' })).rejects.toMatchObject({ code: 'not-found' });
    await expect(OnnxEncoder.create({ modelDir: dir, batchSize: 0 })).rejects.toBeInstanceOf(KnowrecError);
  });

  it('resolves the default model folder under the repo root unless KNOWREC_MODEL_DIR is set', () => {
    expect(defaultModelDir({})).toMatch(/resources[/\\]models[/\\]all-MiniLM-L6-v2$/);
    expect(defaultModelDir({ KNOWREC_MODEL_DIR: dir })).toBe(dir);
  });
});

describe('meanPoolNormalize', () => {
  it('averages only masked-in positions', () => {
    // batch 1, seq 3 (last is padding), dim 2: rows (3,0), (0,4), (100,100)
    const hidden = Float32Array.of(3, 0, 0, 4, 100, 100);
    const batch = {
      inputIds: new BigInt64Array(3),
      attentionMask: BigInt64Array.of(1n, 1n, 0n),
      typeIds: new BigInt64Array(3),
      lengths: Int32Array.of(2),
      batchSize: 1,
      seqLen: 3,
    };
    const [v] = meanPoolNormalize(hidden, batch, 2);
    // mean (1.5, 2) → normalized (0.6, 0.8)
    expect(v[0]).toBeCloseTo(0.6, 6);
    expect(v[1]).toBeCloseTo(0.8, 6);
  });
});
