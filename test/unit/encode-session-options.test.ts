import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ort } from '../../main/core/ort';
import { afterAll, describe, expect, it } from 'vitest';
import { OnnxEncoder, sessionOptions, type SessionLike, type SessionRequest } from '../../main/core/encode/encoder';

type Extra = { session: { intra_op: { allow_spinning: string } } };

describe('sessionOptions', () => {
  it('turns intra-op spinning off unless spinWait is set, and passes the thread count', () => {
    const off = sessionOptions({ modelPath: 'm.onnx', provider: 'cpu', intraOpThreads: 2 });
    expect((off.extra as Extra).session.intra_op.allow_spinning).toBe('0');
    expect(off.intraOpNumThreads).toBe(2);
    expect(off.interOpNumThreads).toBe(1);
    expect(off.executionMode).toBe('sequential');
    expect(off.graphOptimizationLevel).toBe('all');
    expect(off.executionProviders).toEqual(['cpu']);
    const on = sessionOptions({ modelPath: 'm.onnx', provider: 'cpu', spinWait: true });
    expect((on.extra as Extra).session.intra_op.allow_spinning).toBe('1');
    expect('intraOpNumThreads' in on).toBe(false);
  });

  it('quiets onnxruntime logging only for the CUDA attempt', () => {
    expect(sessionOptions({ modelPath: 'm', provider: 'cuda' }).logSeverityLevel).toBe(4);
    expect(sessionOptions({ modelPath: 'm', provider: 'cpu' }).logSeverityLevel).toBe(2);
  });
});

describe('OnnxEncoder threading options', () => {
  const dir = mkdtempSync(join(tmpdir(), 'knowrec-encopt-'));
  writeFileSync(join(dir, 'model.onnx'), 'unused');
  writeFileSync(
    join(dir, 'tokenizer.json'),
    JSON.stringify({
      added_tokens: [],
      normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
      pre_tokenizer: { type: 'BertPreTokenizer' },
      post_processor: { type: 'BertProcessing', cls: ['[CLS]', 2], sep: ['[SEP]', 3] },
      model: { type: 'WordPiece', unk_token: '[UNK]', vocab: { '[PAD]': 0, '[UNK]': 1, '[CLS]': 2, '[SEP]': 3, a: 4 } },
    }),
  );
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const factory = (requests: SessionRequest[]) => async (req: SessionRequest): Promise<SessionLike> => {
    requests.push(req);
    return {
      inputNames: ['input_ids', 'attention_mask'],
      outputNames: ['last_hidden_state'],
      release: async () => undefined,
      run: async (feeds) => {
        const [b, s] = (feeds as Record<string, ort.Tensor>).input_ids.dims;
        return { last_hidden_state: new ort.Tensor('float32', new Float32Array(b * s * 4).fill(1), [b, s, 4]) } as unknown as Awaited<ReturnType<SessionLike['run']>>;
      },
    };
  };

  it('hands spinWait and intraOpThreads to the session factory', async () => {
    const requests: SessionRequest[] = [];
    const enc = await OnnxEncoder.create({ modelDir: dir, executionProvider: 'cpu', intraOpThreads: 2, spinWait: true, sessionFactory: factory(requests) });
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ provider: 'cpu', intraOpThreads: 2, spinWait: true });
    const [v] = await enc.encode(['a']);
    expect(v.length).toBe(4);
    expect(Math.hypot(...v)).toBeCloseTo(1, 6);
  });

  it('leaves spinWait unset by default', async () => {
    const requests: SessionRequest[] = [];
    await OnnxEncoder.create({ modelDir: dir, executionProvider: 'cpu', sessionFactory: factory(requests) });
    expect(requests[0].spinWait).toBeUndefined();
    expect((sessionOptions(requests[0]).extra as Extra).session.intra_op.allow_spinning).toBe('0');
  });
});
