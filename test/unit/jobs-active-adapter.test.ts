/**
 * semantic-ft may reuse the active adapter only when it was trained on the very split being
 * evaluated (same data hash, protocol and seed, no filters): otherwise its training pairs could
 * include this split's test interactions. Built data; the adapter is a saved random one.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { splitInteractions } from '../../main/core/eval';
import { createRng } from '../../main/core/random';
import { Adapter } from '../../main/core/train/adapter';
import { TRAIN_DEFAULTS } from '../../main/core/train/trainer';
import { ADAPTER_FORMAT, saveAdapter, setActiveAdapter, type AdapterMeta } from '../../main/core/train/versions';
import type { Dataset } from '../../main/core/types';
import { fitContext } from '../../main/jobs/evaluate';
import { usableActiveAdapter } from '../../main/jobs/model-factory';
import { dataHash } from '../../main/jobs/snapshot';
import { tinyDataset } from '../helpers/tiny-workspace';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'knowrec-active-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function save(ds: Dataset, version: string, seed: number, protocol = 'recbole'): Adapter {
  const adapter = Adapter.init({ dim: 8, rank: 2 }, createRng(seed), 0.5);
  const meta: AdapterMeta = {
    format: ADAPTER_FORMAT,
    config: adapter.config,
    dataset: ds.name,
    data_sha256: dataHash(ds),
    seed,
    base: {},
    params: TRAIN_DEFAULTS,
    labels: { positive: 0, negative: 0 },
    protocol: { name: protocol, seed, note: 'test' },
    metrics: { initial_valid_ndcg: 0, best_valid_ndcg: 0, best_epoch: 0, curve: [], stopped_early: false, pairs: 0, train_seconds: 0 },
    created: new Date(0).toISOString(),
  };
  saveAdapter(join(root, version), adapter, meta);
  return adapter;
}

function ctxFor(ds: Dataset, seed: number) {
  const split = splitInteractions(ds.interactions, ds.userIds.length, ds.itemIds.length, 'recbole', seed);
  return fitContext(ds, split, seed);
}

describe('usableActiveAdapter', () => {
  it('uses the active version only for the split it was trained on', () => {
    const ds = tinyDataset();
    save(ds, 'v-7', 7);
    const saved = save(ds, 'v-9', 9);
    const opts = { adapterRoot: root, split: { protocol: 'recbole', filtered: false } };
    expect(usableActiveAdapter(opts, ctxFor(ds, 9))).toBeNull(); // nothing active yet
    setActiveAdapter(root, 'v-9');
    const got = usableActiveAdapter(opts, ctxFor(ds, 9));
    expect(got?.version).toBe('v-9');
    expect(Array.from(got?.adapter.params ?? [])).toEqual(Array.from(saved.params));
    expect(usableActiveAdapter(opts, ctxFor(ds, 7))).toBeNull(); // another seed: another split
    expect(usableActiveAdapter({ ...opts, split: { protocol: 'loo', filtered: false } }, ctxFor(ds, 9))).toBeNull();
    expect(usableActiveAdapter({ ...opts, split: { protocol: 'recbole', filtered: true } }, ctxFor(ds, 9))).toBeNull();
    expect(usableActiveAdapter({ split: opts.split }, ctxFor(ds, 9))).toBeNull(); // no folder given
  });

  it('refuses an adapter trained on other data', () => {
    const ds = tinyDataset();
    save(ds, 'v-9', 9);
    setActiveAdapter(root, 'v-9');
    const changed: Dataset = { ...ds, interactions: { ...ds.interactions, rating: ds.interactions.rating.map((r) => (r === 5 ? 4 : r)) } };
    expect(dataHash(changed)).not.toBe(dataHash(ds));
    expect(usableActiveAdapter({ adapterRoot: root, split: { protocol: 'recbole', filtered: false } }, ctxFor(changed, 9))).toBeNull();
  });
});
