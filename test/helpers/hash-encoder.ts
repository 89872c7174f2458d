/**
 * A stand-in for the ONNX encoder in tests: lower-cased words (matching `words`) hashed into
 * `dim` buckets, counted, L2-normalized. Deterministic and instant; texts sharing words get
 * similar vectors, which is all the tests need.
 */
import type { Encoder } from '../../main/core/encode/types';

export function bagOfWordsEncoder(dim: number, words: RegExp = /[a-z0-9]+/g): Encoder {
  return {
    modelId: 'bag-of-words',
    dim,
    encode: async (texts) =>
      texts.map((t) => {
        const v = new Float32Array(dim);
        for (const w of t.toLowerCase().match(words) ?? []) {
          let h = 7;
          for (const c of w) h = (h * 31 + c.charCodeAt(0)) >>> 0;
          v[h % dim] += 1;
        }
        let n = 0;
        for (const x of v) n += x * x;
        n = Math.sqrt(n) || 1;
        return v.map((x) => x / n);
      }),
  };
}
