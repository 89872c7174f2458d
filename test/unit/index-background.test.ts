/** BackgroundAnnIndex: the ANN index built in a worker thread, null until ready, then the saved one. */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BackgroundAnnIndex, ExactIndex, recallAtK } from '../../main/core/index';
import { unitVectors } from '../helpers/random-vectors';

const dir = mkdtempSync(join(tmpdir(), 'knowrec-bg-index-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('BackgroundAnnIndex', () => {
  const vectors = unitVectors(600, 16, 7);

  it('answers null while building, then an index that finds the exact neighbours, saved on disk', async () => {
    const bg = new BackgroundAnnIndex(join(dir, 'ws.index'), 'items-m', vectors);
    expect(bg.current()).toBeNull();
    expect(bg.state().state).toBe('building');
    const s = await bg.settled;
    if (s.state !== 'ready') throw new Error(`not ready: ${JSON.stringify(s)}`);
    expect(s.loaded).toBe(false);
    const ann = bg.current();
    expect(ann?.size).toBe(600);
    const exact = new ExactIndex(16);
    exact.add(Int32Array.from(vectors.keys()), vectors);
    const queries = unitVectors(30, 16, 8);
    expect(recallAtK(ann!, exact, queries, 10)).toBeGreaterThan(0.95);
    expect(readdirSync(join(dir, 'ws.index')).filter((f) => f.endsWith('.usearch'))).toHaveLength(1);
  });

  it('reads the saved index for the same vectors, and builds anew for changed ones', async () => {
    const again = await new BackgroundAnnIndex(join(dir, 'ws.index'), 'items-m', vectors).settled;
    expect(again).toMatchObject({ state: 'ready', loaded: true });
    const changed = vectors.map((v, i) => (i === 0 ? v.map((x) => -x) : v));
    const other = await new BackgroundAnnIndex(join(dir, 'ws.index'), 'items-m', changed).settled;
    expect(other).toMatchObject({ state: 'ready', loaded: false });
    expect(readdirSync(join(dir, 'ws.index')).filter((f) => f.endsWith('.usearch'))).toHaveLength(1);
  });

  it('a dropped build settles as cancelled and never hands out an index', async () => {
    const bg = new BackgroundAnnIndex(join(dir, 'other.index'), 'items-m', vectors);
    bg.dispose();
    expect(await bg.settled).toMatchObject({ state: 'failed' });
    expect(bg.current()).toBeNull();
  });
});
