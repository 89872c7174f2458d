/**
 * Strict reading: the fatal UTF-8 decoder and where it points, control characters, the size
 * limits at their exact boundaries, the number ranges, and `echo` (values in messages).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAtomic } from '../../main/core/data/atomic';
import { parseCsv } from '../../main/core/data/csv';
import { atomicInteractions, atomicItems } from '../../main/core/data/from-atomic';
import { csvInteractions, MOVIELENS_CSV } from '../../main/core/data/from-csv';
import { echo, FLOAT32_MAX, MAX_FIELD_BYTES, MAX_ID_BYTES, MAX_TITLE_BYTES, TIMESTAMP_MAX } from '../../main/core/data/limits';
import { parseNTriples } from '../../main/core/data/ntriples';
import { decodeUtf8, firstInvalidUtf8, readTextFile } from '../../main/core/data/text-file';
import { validateDataset } from '../../main/core/data/validate';
import { failure } from '../helpers/failure';

const dir = mkdtempSync(join(tmpdir(), 'knowrec-strict-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const fatal = new TextDecoder('utf-8', { fatal: true });

describe('echo', () => {
  it('strips control, bidi and zero-width characters and caps the length with an ellipsis', () => {
    expect(echo('a\u001b[31mb\u009bc\u202ed\u200be\ufefff\tg\nh')).toBe('a[31mbcdefgh');
    expect(echo('x'.repeat(80))).toBe('x'.repeat(80));
    expect(echo('x'.repeat(81))).toBe(`${'x'.repeat(80)}…`);
    expect(echo('abcdef', 3)).toBe('abc…');
    // a surrogate pair counts as one character and is never cut in half
    expect(echo(`${'x'.repeat(79)}😀`)).toBe(`${'x'.repeat(79)}😀`);
    expect(echo(`${'x'.repeat(79)}😀y`)).toBe(`${'x'.repeat(79)}😀…`);
    expect(echo(`${'x'.repeat(80)}😀`)).toBe(`${'x'.repeat(80)}…`);
  });

  it('costs nothing on a 5 MB value', () => {
    const t = performance.now();
    expect(echo('\u001b'.repeat(5_000_000) + 'ok')).toBe('ok');
    expect(echo('y'.repeat(5_000_000))).toHaveLength(81);
    expect(performance.now() - t).toBeLessThan(1000);
  });
});

describe('UTF-8', () => {
  it('firstInvalidUtf8 agrees with the fatal TextDecoder on any bytes', () => {
    const byte = fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(0x80, 0xbf, 0xc2, 0xe0, 0xed, 0xf0, 0xf4, 0xa0, 0x9f, 0x90, 0x8f));
    fc.assert(
      fc.property(fc.array(byte, { maxLength: 12 }), (arr) => {
        const b = Uint8Array.from(arr);
        const at = firstInvalidUtf8(b);
        let ok = true;
        try {
          fatal.decode(b);
        } catch {
          ok = false;
        }
        expect(at === b.length).toBe(ok);
        if (!ok) expect(() => fatal.decode(b.subarray(0, at))).not.toThrow();
      }),
      { numRuns: 1500 },
    );
  });

  it('points at the line and the character position of the first bad byte', () => {
    const b = Buffer.concat([Buffer.from('a\tb\nc\u00e9\u{1F600}d'), Buffer.from([0xff]), Buffer.from('\n')]);
    const e = failure(() => decodeUtf8(b, 'f.inter'));
    expect(e.code).toBe('parse');
    expect(e.location).toEqual({ file: 'f.inter', line: 2, column: 5 });
    expect(e.message).toContain('byte 0xff at byte offset 12');
  });

  it('two ids that differ only in invalid bytes are refused, never merged', () => {
    const p = join(dir, 'merge.inter');
    writeFileSync(p, Buffer.concat([Buffer.from('user_id:token\titem_id:token\n'), Buffer.from([0xff, 0x39]), Buffer.from('\ti\n'), Buffer.from([0xfe, 0x39]), Buffer.from('\ti\n')]));
    expect(failure(() => readTextFile(p)).location).toEqual({ file: p, line: 2, column: 1 });
  });

  it('a leading BOM is dropped; a BOM later on and control characters are errors', () => {
    const p = join(dir, 'bom.inter');
    writeFileSync(p, '\ufeffuser_id:token\n1\n');
    expect(readTextFile(p)).toBe('user_id:token\n1\n');
    writeFileSync(p, 'user_id:token\n1\ufeff\n');
    expect(failure(() => readTextFile(p)).location).toEqual({ file: p, line: 2, column: 2 });
    writeFileSync(p, 'user_id:token\r\n\t1\u0007\r\n');
    const e = failure(() => readTextFile(p));
    expect(e.location).toEqual({ file: p, line: 2, column: 3 });
    expect(e.message).toContain('control character U+0007');
  });
});

const INTER = 'user_id:token\titem_id:token\trating:float\ttimestamp:float\n';

function interactions(row: string): ReturnType<typeof validateDataset> {
  const t = parseAtomic(`${INTER}${row}\n`, 'x.inter');
  return validateDataset({ name: 'x', source: dir, interactions: atomicInteractions(t) });
}

describe('number ranges', () => {
  it('ratings up to the float32 maximum are stored; beyond it is an error at the cell', () => {
    expect(interactions(`u\ti\t${FLOAT32_MAX}\t1`).dataset.interactions.rating[0]).toBe(Math.fround(FLOAT32_MAX));
    expect(interactions(`u\ti\t-3.4028234e38\t1`).dataset.interactions.rating[0]).toBeLessThan(-3e38);
    const e = failure(() => interactions('u\ti\t3.4028236e38\t1'));
    expect(e.code).toBe('validation');
    expect(e.location).toEqual({ file: 'x.inter', line: 2, column: 3 });
  });

  it('timestamps are float64 within ±(2^53 − 1)', () => {
    expect(interactions(`u\ti\t1\t${TIMESTAMP_MAX}`).dataset.interactions.timestamp[0]).toBe(TIMESTAMP_MAX);
    expect(interactions('u\ti\t1\t1.5').dataset.interactions.timestamp[0]).toBe(1.5);
    expect(failure(() => interactions('u\ti\t1\t-9007199254740993')).location).toEqual({ file: 'x.inter', line: 2, column: 4 });
  });

  it('numbers beyond float64 are parse errors in atomic and CSV files; underflow is not', () => {
    expect(failure(() => parseAtomic('v:float_seq\n1 2 -1e999\n', 'v.item')).message).toContain('"-1e999" in column "v" is beyond the float64 range');
    expect(interactions('u\ti\t1e-400\t1').dataset.interactions.rating[0]).toBe(0);
    const t = parseCsv('userId,movieId,rating,timestamp\n1,2,4, 1e309 \n', 'r.csv');
    const e = failure(() => csvInteractions(t, MOVIELENS_CSV.interactions.mapping));
    expect(e.location).toEqual({ file: 'r.csv', line: 2, column: 4 });
  });
});

describe('size limits at their boundaries', () => {
  it(`ids: ${MAX_ID_BYTES} bytes pass, one more byte is an error (bytes, not characters)`, () => {
    const id = 'é'.repeat(MAX_ID_BYTES / 2);
    expect(interactions(`${id}\ti\t1\t1`).dataset.userIds).toEqual([id]);
    const e = failure(() => interactions(`u\t${id}x\t1\t1`));
    expect(e.message).toContain(`the item id is ${MAX_ID_BYTES + 1} bytes long; the limit is 256 bytes`);
    expect(e.location).toEqual({ file: 'x.inter', line: 2 });
  });

  it(`titles: ${MAX_TITLE_BYTES} bytes pass, one more byte is an error`, () => {
    const ok = parseAtomic(`item_id:token\ttitle:token\ni\t${'t'.repeat(MAX_TITLE_BYTES)}\n`, 'x.item');
    const inter = atomicInteractions(parseAtomic(`${INTER}u\ti\t1\t1\n`, 'x.inter'));
    expect(validateDataset({ name: 'x', source: dir, interactions: inter, items: atomicItems(ok) }).dataset.items[0].title).toHaveLength(MAX_TITLE_BYTES);
    const long = parseAtomic(`item_id:token\ttitle:token\ni\t${'t'.repeat(MAX_TITLE_BYTES + 1)}\n`, 'x.item');
    const e = failure(() => validateDataset({ name: 'x', source: dir, interactions: inter, items: atomicItems(long) }));
    expect(e.location).toEqual({ file: 'x.item', line: 2, column: 2 });
    expect(e.message.length).toBeLessThan(300);
  });

  it(`fields: ${MAX_FIELD_BYTES} bytes pass, one more byte is an error (atomic and CSV)`, () => {
    const v = 'd'.repeat(MAX_FIELD_BYTES);
    expect(parseAtomic(`id:token\tdescription:token\ni\t${v}\n`, 'x.item').rows).toBe(1);
    expect(failure(() => parseAtomic(`id:token\tdescription:token\ni\t${v}d\n`, 'x.item')).location).toEqual({ file: 'x.item', line: 2, column: 2 });
    expect(parseCsv(`a,b\n1,"${v}"\n`, 'x.csv').rows).toHaveLength(1);
    expect(failure(() => parseCsv(`a,b\n1,"${v}d"\n`, 'x.csv')).location).toEqual({ file: 'x.csv', line: 2, column: 2 });
  });

  it('column names: 256 bytes pass, 257 are an error', () => {
    expect(parseAtomic(`${'c'.repeat(256)}:token\nx\n`, 'x.item').columns[0].name).toHaveLength(256);
    expect(failure(() => parseAtomic(`a:token\t${'c'.repeat(257)}:token\nx\ty\n`, 'x.item')).location).toEqual({ file: 'x.item', line: 1, column: 2 });
    expect(failure(() => parseCsv(`a,${'c'.repeat(257)}\n1,2\n`, 'x.csv')).location).toEqual({ file: 'x.csv', line: 1, column: 2 });
  });
});

describe('CSV and N-Triples rules', () => {
  it('MovieLens ids are integers without sign, decimals or leading zeros', () => {
    const m = MOVIELENS_CSV.interactions.mapping;
    expect(csvInteractions(parseCsv('userId,movieId,rating,timestamp\n0,10,4,1\n', 'r.csv'), m).user).toEqual(['0']);
    for (const bad of ['007', '+7', '1e3', ' 7']) {
      const e = failure(() => csvInteractions(parseCsv(`userId,movieId,rating,timestamp\n${bad},10,4,1\n`, 'r.csv'), m));
      expect(e.location, bad).toEqual({ file: 'r.csv', line: 2, column: 1 });
    }
  });

  it('a header name twice is an error', () => {
    expect(failure(() => parseCsv('a,b,a\n1,2,3\n', 'x.csv')).message).toContain('column "a" appears twice in the header (columns 1 and 3)');
  });

  it('N-Triples escapes may not produce control characters or surrogates', () => {
    const s = '<http://x/s> <http://x/p> ';
    expect(parseNTriples(`${s}"a\\tb\\nc" .\n`, 'k.nt')[0].object.value).toBe('a\tb\nc');
    expect(failure(() => parseNTriples(`${s}"a\\bb" .\n`, 'k.nt')).location).toEqual({ file: 'k.nt', line: 1, column: 29 });
    expect(failure(() => parseNTriples(`${s}<http://x/\\u0000> .\n`, 'k.nt')).message).toContain('U+0000');
    expect(failure(() => parseNTriples(`${s}"\\uDFFF" .\n`, 'k.nt')).message).toContain('surrogate');
  });
});
