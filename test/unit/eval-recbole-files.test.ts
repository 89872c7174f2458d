import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KnowrecError } from '../../main/core/errors';
import {
  RECBOLE_INTER_HEADER,
  exportRecboleSplit,
  formatFloat32,
  formatInterFile,
  importRecboleSplit,
  parseInterFile,
} from '../../main/core/eval/recbole-files';
import { splitInteractions } from '../../main/core/eval/split';
import type { Interactions } from '../../main/core/types';

const userIds = ['u10', 'u20', 'u30'];
const itemIds = ['i1', 'i2', 'i3', 'i4'];

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'knowrec-recbole-'));
  dirs.push(d);
  return d;
}
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

function sample(): Interactions {
  const rows: [number, number, number, number][] = [];
  for (let u = 0; u < 3; u++) for (let i = 0; i < 4; i++) rows.push([u, i, 0.5 + u + i * 0.1, 881250949 + u * 100 + i]);
  return {
    user: Int32Array.from(rows.map((r) => r[0])),
    item: Int32Array.from(rows.map((r) => r[1])),
    rating: Float32Array.from(rows.map((r) => r[2])),
    timestamp: Float64Array.from(rows.map((r) => r[3])),
  };
}

describe('RecBole benchmark files', () => {
  it('formatFloat32 writes the shortest decimal that reads back to the same float32', () => {
    expect(formatFloat32(3)).toBe('3');
    expect(formatFloat32(Math.fround(0.1))).toBe('0.1');
    expect(formatFloat32(Math.fround(3.7))).toBe('3.7');
    for (const v of [0.3, 1 / 3, 123.456, 1e-7, 65504.5]) {
      const f = Math.fround(v);
      expect(Math.fround(Number(formatFloat32(f)))).toBe(f);
    }
  });

  it('formats the header and rows with string ids', () => {
    const x: Interactions = {
      user: Int32Array.from([1]),
      item: Int32Array.from([3]),
      rating: Float32Array.from([4]),
      timestamp: Float64Array.from([881250949]),
    };
    expect(formatInterFile(x, userIds, itemIds)).toBe(`${RECBOLE_INTER_HEADER}\nu20\ti4\t4\t881250949\n`);
  });

  it('round-trips a split through the three files', async () => {
    const dir = await tempDir();
    const split = splitInteractions(sample(), 3, 4, 'recbole', 7);
    const paths = await exportRecboleSplit(split, dir, 'toy', userIds, itemIds);
    expect(paths.map((p) => p.slice(dir.length + 1))).toEqual(['toy.train.inter', 'toy.valid.inter', 'toy.test.inter']);
    const back = await importRecboleSplit(dir, 'toy', userIds, itemIds, { protocol: 'recbole', seed: 7 });
    expect(back.train).toEqual(split.train);
    expect(back.valid).toEqual(split.valid);
    expect(back.test).toEqual(split.test);
    expect([back.nUsers, back.nItems, back.protocol, back.seed]).toEqual([3, 4, 'recbole', 7]);
    const text = await readFile(paths[2], 'utf8');
    expect(text.split('\n')[0]).toBe(RECBOLE_INTER_HEADER);
  });

  it('reads columns in any order, CRLF line ends, and missing rating/timestamp', () => {
    const text = 'item_id:token\tuser_id:token\r\ni2\tu30\r\ni1\tu10\r\n\r\n';
    const x = parseInterFile(text, userIds, itemIds);
    expect(Array.from(x.user)).toEqual([2, 0]);
    expect(Array.from(x.item)).toEqual([1, 0]);
    expect(Array.from(x.rating)).toEqual([1, 1]);
    expect(Array.from(x.timestamp)).toEqual([0, 0]);
  });

  it('names file, line and column for an unknown id', () => {
    const text = `${RECBOLE_INTER_HEADER}\nu10\ti1\t4\t1\nu10\ti9\t4\t1\n`;
    try {
      parseInterFile(text, userIds, itemIds, 'toy.test.inter');
      expect.unreachable('unknown item must throw');
    } catch (e) {
      expect(e).toBeInstanceOf(KnowrecError);
      const k = e as KnowrecError;
      expect(k.code).toBe('validation');
      expect(k.location).toEqual({ file: 'toy.test.inter', line: 3, column: 2 });
      expect(k.message).toContain("'i9'");
    }
  });

  it('names the column of a bad number and a short row', () => {
    expect(() => parseInterFile(`${RECBOLE_INTER_HEADER}\nu10\ti1\tfour\t1\n`, userIds, itemIds, 'f')).toThrow(
      /f, line 2, column 3: 'four' is not a number/,
    );
    expect(() => parseInterFile(`${RECBOLE_INTER_HEADER}\nu10\ti1\n`, userIds, itemIds, 'f')).toThrow(/line 2/);
    expect(() => parseInterFile('user_id:token\trating:float\nu10\t1\n', userIds, itemIds, 'f')).toThrow(
      /Header lacks item_id/,
    );
  });

  it('reports a missing file as not-found with its path', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'toy.train.inter'), `${RECBOLE_INTER_HEADER}\n`);
    await expect(importRecboleSplit(dir, 'toy', userIds, itemIds)).rejects.toThrow(/toy\.valid\.inter/);
  });
});
