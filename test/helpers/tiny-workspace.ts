import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach } from 'vitest';
import { Workspace } from '../../main/core/store';
import type { Dataset } from '../../main/core/types';
import { workersExited } from '../../main/core/worker-launcher';

/**
 * Three users, three items; KG: Toy Story (m.toy) and A Bug's Life (m.bug) are directed by
 * Lasseter, Heat (m.heat) by Mann; Toy Story has genre Animation (m.anim).
 */
export function tinyDataset(name = 'tiny'): Dataset {
  const userIds = ['alice', 'bob', 'carol'];
  return {
    name,
    userIds,
    itemIds: ['i1', 'i2', 'i3'],
    users: userIds.map((id, k) => ({ id, attributes: { age: String(20 + k) } })),
    items: [
      { id: 'i1', title: 'Toy Story (1995)', text: {}, attributes: {} },
      { id: 'i2', title: 'Heat (1995)', text: {}, attributes: {} },
      { id: 'i3', title: "A Bug's Life (1998)", text: {}, attributes: {} },
    ],
    interactions: {
      // alice: i1, i3; bob: i2, i1; carol: i3, i2
      user: Int32Array.of(0, 0, 1, 1, 2, 2),
      item: Int32Array.of(0, 2, 1, 0, 2, 1),
      rating: Float32Array.of(5, 4, 3, 1, 5, 2),
      timestamp: Float64Array.of(100, 200, 300, 400, 500, 600),
    },
    kg: {
      entityIds: ['m.toy', 'm.lasseter', 'm.bug', 'm.heat', 'm.mann', 'm.anim'],
      entityNames: [null, 'John Lasseter', null, null, 'Michael Mann', 'Animation'],
      relationNames: ['directed_by', 'genre'],
      head: Int32Array.of(0, 2, 3, 0),
      relation: Int32Array.of(0, 0, 0, 1),
      tail: Int32Array.of(1, 1, 4, 5),
      derived: Uint8Array.of(0, 0, 0, 0),
    },
    itemEntities: [Int32Array.of(0), Int32Array.of(3), Int32Array.of(2)],
  };
}

/** A temporary folder with fresh file names; call `cleanup` in afterAll. */
export function tempFiles(prefix: string): { fresh: () => string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  let n = 0;
  return { fresh: () => join(dir, `ws${n++}.sqlite`), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Registers, for the calling test file: before each test a fresh workspace file holding
 * tinyDataset() (its path and a model folder beside it passed to `fresh`); after each test every
 * Api given to `keep` closed; after all, the workers awaited and the files removed.
 */
export function tinyWorkspaceEachTest(prefix: string, fresh: (paths: { wsPath: string; modelDir: string }) => void): { keep<T extends { close(): void }>(api: T): T } {
  const tmp = tempFiles(prefix);
  const kept: { close(): void }[] = [];
  beforeEach(() => {
    const wsPath = tmp.fresh();
    const ws = Workspace.create(wsPath);
    ws.importDataset(tinyDataset());
    ws.close();
    fresh({ wsPath, modelDir: `${wsPath}.model` });
  });
  afterEach(() => {
    for (const a of kept.splice(0)) a.close();
  });
  afterAll(async () => {
    await workersExited();
    tmp.cleanup();
  });
  return {
    keep: (api) => {
      kept.push(api);
      return api;
    },
  };
}

/** The (head, relation, tail) facts of a dataset's KG as readable strings, sorted. */
export function factsOf(ds: Dataset): string[] {
  const kg = ds.kg;
  const out: string[] = [];
  for (let i = 0; i < kg.head.length; i++) out.push(`${kg.entityIds[kg.head[i]]} ${kg.relationNames[kg.relation[i]]} ${kg.entityIds[kg.tail[i]]}`);
  return out.sort();
}
