/**
 * The dataset read in a worker thread (main/jobs/dataset-loader.ts): the same dataset as
 * Workspace.loadDataset (KG edits applied), the store's error with its hint, and the Api using it.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createApi } from '../../main/api';
import { KnowrecError } from '../../main/core/errors';
import { DATA_HASH_META_KEY, Workspace } from '../../main/core/store';
import { workersExited } from '../../main/core/worker-launcher';
import { loadDatasetInWorker, packDataset, recordDataHashInWorker, unpackDataset } from '../../main/jobs/dataset-loader';
import { tempFiles, tinyDataset } from '../helpers/tiny-workspace';

const files = tempFiles('knowrec-dataset-loader-');
afterAll(async () => {
  await workersExited();
  files.cleanup();
});

describe('loadDatasetInWorker', () => {
  it('packs and unpacks the per-item entity lists', () => {
    const base = tinyDataset();
    // user and item columns as two views of one buffer: it is moved once
    const both = new Int32Array(12);
    both.set(base.interactions.user, 0);
    both.set(base.interactions.item, 6);
    const ds = { ...base, interactions: { ...base.interactions, user: both.subarray(0, 6), item: both.subarray(6) } };
    const { packed, transfer } = packDataset(ds);
    expect(Array.from(packed.linkOffsets)).toEqual([0, 1, 2, 3]);
    expect(transfer.length).toBe(9);
    expect(new Set(transfer).size).toBe(transfer.length);
    expect(unpackDataset(packed)).toEqual(ds);
  });

  it('gives what Workspace.loadDataset gives, the KG edits applied', async () => {
    const ws = Workspace.create(files.fresh());
    ws.importDataset(tinyDataset());
    ws.edits.add({ head: { item: 'i2' }, relation: 'genre', tail: { entity: 'm.anim' } });
    const here = ws.loadDataset();
    expect(here.kg.head.length).toBe(5);
    expect(await loadDatasetInWorker(ws.path)).toEqual(here);
    ws.close();
  });

  it('records the data hash the workspace does not know; hashOnly records it and sends no dataset', async () => {
    const ws = Workspace.create(files.fresh());
    ws.importDataset(tinyDataset());
    const sha = ws.dataHashState().sha256;
    ws.setMeta(DATA_HASH_META_KEY, 'null');
    expect(await loadDatasetInWorker(ws.path)).toEqual(ws.loadDataset());
    expect(ws.dataHashState().sha256).toBe(sha);
    ws.setMeta(DATA_HASH_META_KEY, 'null');
    await expect(recordDataHashInWorker(ws.path)).resolves.toBeUndefined();
    expect(ws.dataHashState().sha256).toBe(sha);
    ws.close();
  });

  it("passes the store's error and hint through", async () => {
    const ws = Workspace.create(files.fresh());
    ws.close();
    const e = await loadDatasetInWorker(ws.path).then(
      () => null,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(KnowrecError);
    expect((e as KnowrecError).code).toBe('not-found');
    expect((e as KnowrecError).hint).toContain('import');
  });

  it('serves the KG explorer from the dataset the worker read', async () => {
    const ws = Workspace.create(files.fresh());
    ws.importDataset(tinyDataset());
    const path = ws.path;
    ws.close();
    const loaded: string[] = [];
    const api = createApi({
      open: (p) => Workspace.open(p),
      workspacePath: path,
      appVersion: '1',
      loadDataset: (p) => {
        loaded.push(p);
        return loadDatasetInWorker(p);
      },
    });
    const card = await api.kgItem({ item: 'i1' });
    expect(card.ok && card.value.title).toBe('Toy Story (1995)');
    expect(card.ok && card.value.interactions).toBe(2);
    const hits = await api.kgSearch({ query: 'lasseter', limit: 5 });
    expect(hits.ok && hits.value.map((h) => h.entity)).toContain('m.lasseter');
    expect(loaded).toEqual([path]);
    api.close();
  });
});
