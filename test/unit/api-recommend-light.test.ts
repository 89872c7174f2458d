/**
 * recommend and explainPath without the whole dataset (main/api/methods/recommend.ts,
 * main/api/data-match.ts): on a real tiny workspace (test/helpers/tiny-workspace.ts) they answer
 * from the snapshot, SQL reads by user and the KG index, and give what the dataset path gives.
 * By construction: alice rated Toy Story 5 and A Bug's Life 4, so the fixture recommends Heat
 * naming Toy Story; bob rated Heat 3 and Toy Story 1 (no 5s, so the fixture names no history and
 * his best-rated items are Heat then Toy Story); Toy Story and A Bug's Life share Lasseter.
 */
import { describe, expect, it } from 'vitest';
import { createApi, type ApiImpl, type KgSubgraph } from '../../main/api';
import type { WorkspaceLike } from '../../main/api/context';
import { dataHash } from '../../main/core/data';
import { KgIndex } from '../../main/core/kg';
import { DATA_HASH_META_KEY, Workspace } from '../../main/core/store';
import type { Dataset } from '../../main/core/types';
import { recordDataHashInWorker } from '../../main/jobs/dataset-loader';
import { saveSnapshot, type Snapshot } from '../../main/jobs/snapshot';
import { fixtureSnapshot } from '../e2e/fixture';
import { tinyDataset, tinyWorkspaceEachTest } from '../helpers/tiny-workspace';

let wsPath: string;
let modelDir: string;
let loads: number;
const apis = tinyWorkspaceEachTest('knowrec-api-light-', (p) => {
  ({ wsPath, modelDir } = p);
  loads = 0;
});

/** The KG index as the app reads it: without the users and the interactions. */
async function kgOnly(path: string): Promise<KgIndex> {
  const ws = Workspace.open(path);
  try {
    const { dataset, popularity } = ws.loadKgDataset();
    return new KgIndex(dataset, { popularity });
  } finally {
    ws.close();
  }
}

/** The workspace without the reads that spare the dataset load (as a test fake has it). */
function withoutCatalogReads(ws: Workspace): WorkspaceLike {
  const hidden = new Set(['userTopItems', 'dataHashState', 'recordDataHash', 'itemPage', 'userPage', 'userHistory', 'itemTitles']);
  return new Proxy(ws, {
    get(t, k) {
      if (typeof k === 'string' && hidden.has(k)) return undefined;
      const v = Reflect.get(t, k, t) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(t) : v;
    },
  }) as WorkspaceLike;
}

function api(opts: { readonly plain?: boolean; readonly recordDataHash?: (path: string) => Promise<void> } = {}): ApiImpl {
  const a = createApi({
    ...(opts.recordDataHash !== undefined ? { recordDataHash: opts.recordDataHash } : {}),
    open: (p) => (opts.plain === true ? withoutCatalogReads(Workspace.open(p)) : Workspace.open(p)),
    workspacePath: wsPath,
    appVersion: 't',
    modelDir,
    loadDataset: (p) => {
      loads++;
      const ws = Workspace.open(p);
      try {
        return Promise.resolve(ws.loadDataset());
      } finally {
        ws.close();
      }
    },
    loadKgIndex: (p) => kgOnly(p),
  });
  return apis.keep(a);
}

function withWorkspace<T>(f: (ws: Workspace) => T): T {
  const ws = Workspace.open(wsPath);
  try {
    return f(ws);
  } finally {
    ws.close();
  }
}

function snapshotFor(user: string): Snapshot {
  return withWorkspace((ws) => fixtureSnapshot(ws.loadDataset(), user));
}

async function ok<T>(p: Promise<{ ok: true; value: T } | { ok: false; error: { message: string } }>): Promise<T> {
  const r = await p;
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

const nodeIds = (g: KgSubgraph): string[] => g.nodes.map((n) => n.id).sort();

describe('recommend without the dataset', () => {
  it("reads the user's list and the data match from the workspace, loading nothing", async () => {
    saveSnapshot(modelDir, snapshotFor('alice'));
    const r = await ok(api().recommend({ user: 'alice', k: 5 }));
    expect(r.items.map((i) => i.item)).toEqual(['i2']);
    expect(r.model.dataMatches).toBe(true);
    expect(loads).toBe(0);
    const unknown = await api().recommend({ user: 'nobody', k: 5 });
    expect(!unknown.ok && unknown.error.message).toContain('no user with id "nobody" in dataset tiny');
    expect(!unknown.ok && unknown.error.hint).toContain('pick one of the 3 users');
    expect(loads).toBe(0);
  });

  it('says the data differ from a snapshot fitted on other data, loading nothing', async () => {
    const other: Dataset = { ...tinyDataset(), interactions: { ...tinyDataset().interactions, rating: Float32Array.of(1, 1, 1, 1, 1, 1) } };
    saveSnapshot(modelDir, { ...snapshotFor('alice'), manifest: { ...snapshotFor('alice').manifest, data_sha256: dataHash(other) } });
    expect((await ok(api().recommend({ user: 'alice', k: 5 }))).model.dataMatches).toBe(false);
    expect(loads).toBe(0);
  });

  it('after a forget: stale and not matching, still without loading the dataset', async () => {
    saveSnapshot(modelDir, snapshotFor('alice'));
    const a = api();
    await ok(a.forgetUser({ user: 'carol' }));
    const r = await ok(a.recommend({ user: 'alice', k: 5 }));
    expect(r.model.dataMatches).toBe(false);
    expect(r.model.stale).toContain('refit');
    expect(loads).toBe(0);
  });

  it('a refit after a forget matches again: hashed once from the loaded dataset, then recorded for later sessions', async () => {
    saveSnapshot(modelDir, snapshotFor('alice'));
    await ok(api().forgetUser({ user: 'carol' }));
    saveSnapshot(modelDir, snapshotFor('alice')); // "refit" on the data left
    expect((await ok(api().recommend({ user: 'alice', k: 5 }))).model.dataMatches).toBe(true);
    expect(loads).toBe(1);
    expect(withWorkspace((ws) => ws.dataHashState().sha256)).toBe(snapshotFor('alice').manifest.data_sha256);
    expect((await ok(api().recommend({ user: 'alice', k: 5 }))).model.dataMatches).toBe(true);
    expect(loads).toBe(1);
  });

  it('a workspace imported before hashes were recorded: hashed once, then recorded', async () => {
    withWorkspace((ws) => ws.setMeta(DATA_HASH_META_KEY, 'null'));
    saveSnapshot(modelDir, snapshotFor('alice'));
    expect((await ok(api().recommend({ user: 'alice', k: 5 }))).model.dataMatches).toBe(true);
    expect(loads).toBe(1);
    expect((await ok(api().recommend({ user: 'alice', k: 5 }))).model.dataMatches).toBe(true);
    expect(loads).toBe(1);
  });

  it('imported before hashes were recorded, with a recorder: the view waits for it, loading nothing itself', async () => {
    withWorkspace((ws) => ws.setMeta(DATA_HASH_META_KEY, 'null'));
    saveSnapshot(modelDir, snapshotFor('alice'));
    let recorded = 0;
    const a = api({ recordDataHash: (p) => recordDataHashInWorker(p).then(() => void recorded++) });
    const [r1, r2] = await Promise.all([ok(a.recommend({ user: 'alice', k: 5 })), ok(a.recommend({ user: 'alice', k: 5 }))]);
    expect([r1.model.dataMatches, r2.model.dataMatches]).toEqual([true, true]);
    expect(recorded).toBe(1);
    expect(loads).toBe(0);
    expect(withWorkspace((ws) => ws.dataHashState().sha256)).toBe(snapshotFor('alice').manifest.data_sha256);
    expect((await ok(a.recommend({ user: 'alice', k: 5 }))).model.dataMatches).toBe(true);
    expect(recorded).toBe(1);
  });

  it('gives what the dataset path gives', async () => {
    saveSnapshot(modelDir, snapshotFor('alice'));
    const light = await ok(api().recommend({ user: 'alice', k: 5 }));
    const plain = await ok(api({ plain: true }).recommend({ user: 'alice', k: 5 }));
    expect(light).toEqual(plain);
    expect(loads).toBe(1);
  });
});

describe('explainPath without the dataset', () => {
  it('the snapshot names the history: the path from Toy Story is looked for, nothing loaded', async () => {
    saveSnapshot(modelDir, snapshotFor('alice'));
    const g = await ok(api().explainPath({ user: 'alice', item: 'i2' }));
    // Toy Story and Heat share nothing within 3 hops: only Heat's own entity
    expect(g.center).toEqual(['m.heat']);
    expect(loads).toBe(0);
    expect(g).toEqual(await ok(api({ plain: true }).explainPath({ user: 'alice', item: 'i2' })));
  });

  it("no history named: the user's best-rated items from SQL; the path through Lasseter", async () => {
    const snap = snapshotFor('bob');
    expect(snap.recommendations.bob.map((r) => [r.item, r.explanation.history.length])).toEqual([['i3', 0]]);
    saveSnapshot(modelDir, snap);
    const g = await ok(api().explainPath({ user: 'bob', item: 'i3' }));
    expect(g.center).toEqual(['m.bug']);
    expect(nodeIds(g)).toEqual(['m.bug', 'm.lasseter', 'm.toy']);
    expect(g.nodes.find((n) => n.id === 'm.toy')?.item).toBe('i1');
    expect(loads).toBe(0);
    expect(g).toEqual(await ok(api({ plain: true }).explainPath({ user: 'bob', item: 'i3' })));
  });

  it('without a snapshot, and for unknown users and items', async () => {
    const g = await ok(api().explainPath({ user: 'bob', item: 'i3' }));
    expect(nodeIds(g)).toEqual(['m.bug', 'm.lasseter', 'm.toy']);
    const noUser = await api().explainPath({ user: 'nobody', item: 'i3' });
    expect(!noUser.ok && noUser.error.code).toBe('not-found');
    expect(!noUser.ok && noUser.error.message).toContain('no user with id "nobody"');
    const noItem = await api().explainPath({ user: 'bob', item: 'i9' });
    expect(!noItem.ok && noItem.error.code).toBe('not-found');
    expect(!noItem.ok && noItem.error.message).toContain('no item with id "i9"');
    expect(loads).toBe(0);
  });
});
