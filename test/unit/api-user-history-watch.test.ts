/** A user's history for labeling in context, and the model watcher that brings CLI fits to the views. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { userHistoryOf } from '../../main/api/methods/workspace';
import { modelStamp, watchModels } from '../../main/api/model-watch';
import { failure } from '../helpers/failure';
import { tinyDataset } from '../helpers/tiny-workspace';

describe('userHistoryOf', () => {
  it('lists the user\u2019s items highest rated first, then newest, with titles and the total', () => {
    // tinyDataset: alice rated i1 5 (t 100) and i3 4 (t 200); bob i2 3 (t 300) and i1 1 (t 400)
    const h = userHistoryOf(tinyDataset(), 'alice', 10);
    expect(h.total).toBe(2);
    expect(h.items.map((x) => [x.item, x.title, x.rating])).toEqual([
      ['i1', 'Toy Story (1995)', 5],
      ['i3', "A Bug's Life (1998)", 4],
    ]);
    expect(h.attributes).toEqual({ age: '20' });
    expect(userHistoryOf(tinyDataset(), 'bob', 1).items.map((x) => x.item)).toEqual(['i2']);
  });

  it('says which user is unknown', () => {
    expect(failure(() => userHistoryOf(tinyDataset(), 'zed', 5)).code).toBe('not-found');
  });
});

describe('watchModels', () => {
  let dir = '';
  afterEach(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it('calls back when the manifest appears or changes, not when nothing moved', async () => {
    dir = mkdtempSync(join(tmpdir(), 'knowrec-watch-'));
    const paths = { modelDir: join(dir, 'model'), adapterRoot: join(dir, 'adapters') };
    const seen: string[] = [];
    const stop = watchModels(() => paths, (p) => seen.push(p.modelDir), 20);
    await new Promise((r) => setTimeout(r, 80));
    expect(seen).toEqual([]);
    mkdirSync(paths.modelDir, { recursive: true });
    writeFileSync(join(paths.modelDir, 'manifest.json'), '{}');
    await new Promise((r) => setTimeout(r, 80));
    expect(seen).toEqual([paths.modelDir]);
    const later = new Date(Date.now() + 5000);
    utimesSync(join(paths.modelDir, 'manifest.json'), later, later);
    await new Promise((r) => setTimeout(r, 80));
    expect(seen).toHaveLength(2);
    stop();
    writeFileSync(join(paths.modelDir, 'manifest.json'), '{"changed": true}');
    await new Promise((r) => setTimeout(r, 80));
    expect(seen).toHaveLength(2);
  });

  it('stamps nothing when there is nothing open', () => {
    expect(modelStamp(null)).toBe('');
  });
});
