/**
 * KG edits, labels and forgetting a user through the Api, on a tiny workspace:
 *   Toy Story (i0) and A Bug's Life (i1) are directed by John Lasseter, Heat (i2) by Michael Mann;
 *   u0 rated Toy Story, u1 rated Heat; the snapshot recommends i1 and i2 to u0 and i0 to u1.
 * Every change that alters the dataset must reach the next read and send a 'workspace' event.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dispatchApi, createApi, type ApiEvent, type Result, type ApiImpl } from '../../main/api';
import { Workspace } from '../../main/core/store';
import type { Dataset } from '../../main/core/types';
import { dataHash, saveSnapshot, SNAPSHOT_FORMAT, type Snapshot, type SnapshotItem } from '../../main/jobs/snapshot';

const DIRECTED_BY = 'film.film.directed_by';

function dataset(): Dataset {
  const items = [
    { id: 'i0', title: 'Toy Story (1995)', text: {}, attributes: {} },
    { id: 'i1', title: "A Bug's Life (1998)", text: {}, attributes: {} },
    { id: 'i2', title: 'Heat (1995)', text: {}, attributes: {} },
  ];
  return {
    name: 'tiny',
    userIds: ['u0', 'u1'],
    itemIds: items.map((i) => i.id),
    users: [
      { id: 'u0', attributes: {} },
      { id: 'u1', attributes: {} },
    ],
    items,
    interactions: { user: Int32Array.of(0, 1), item: Int32Array.of(0, 2), rating: Float32Array.of(5, 4), timestamp: Float64Array.of(1, 2) },
    kg: {
      entityIds: ['m.toy', 'm.bug', 'm.heat', 'm.lasseter', 'm.mann'],
      entityNames: [null, null, null, 'John Lasseter', 'Michael Mann'],
      relationNames: [DIRECTED_BY],
      head: Int32Array.of(0, 1, 2),
      relation: Int32Array.of(0, 0, 0),
      tail: Int32Array.of(3, 3, 4),
      derived: new Uint8Array(3),
    },
    itemEntities: [Int32Array.of(0), Int32Array.of(1), Int32Array.of(2)],
  };
}

const rec = (item: string, title: string, score: number, signals: Record<string, number>, against: Record<string, number>): SnapshotItem => ({
  item,
  title,
  score,
  explanation: { signals, against, history: [], facts: [], reason: 'r' },
});

function snapshot(hash: string): Snapshot {
  return {
    manifest: {
      format: SNAPSHOT_FORMAT,
      dataset: 'tiny',
      data_sha256: hash,
      model: 'hybrid',
      protocol: { name: 'recbole', seed: 1, note: 'fixture' },
      k: 2,
      lang: 'en',
      users: 2,
      items: 3,
      params: {},
      metrics: { valid: {}, test: {} },
      fit_seconds: 0,
      created: '2026-01-02T03:04:05.000Z',
    },
    recommendations: {
      // u0/i2: the signals disagree (half for, half against): it must come first
      u0: [rec('i1', "A Bug's Life (1998)", 0.9, { itemknn: 1 }, {}), rec('i2', 'Heat (1995)', 0.2, { semantic: 1 }, { ease: 1 })],
      u1: [rec('i0', 'Toy Story (1995)', 0.5, { pop: 1 }, {})],
    },
  };
}

let dir: string;
let api: ApiImpl;
let events: ApiEvent[];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'knowrec-api-labels-'));
  const path = join(dir, 'w.sqlite');
  const ws = Workspace.create(path);
  ws.importDataset(dataset());
  const hash = dataHash(ws.loadDataset());
  ws.close();
  saveSnapshot(join(dir, 'model'), snapshot(hash));
  api = createApi({ open: (p) => Workspace.open(p), workspacePath: path, appVersion: 't', modelDir: join(dir, 'model') });
  events = [];
  api.onEvent((e) => events.push(e));
});

afterEach(() => {
  api.close();
  rmSync(dir, { recursive: true, force: true });
});

function value<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}

const directors = async (item: string): Promise<string[]> =>
  value(await api.kgItem({ item }))
    .facts.filter((f) => f.relation === DIRECTED_BY)
    .map((f) => f.entityLabel)
    .sort();

describe('KG edits', () => {
  it('adds a fact the explorer sees at once, undoes it, and keeps the history', async () => {
    expect(await directors('i2')).toEqual(['Michael Mann']);
    const added = value(await api.kgAddFact({ head: { item: 'i2' }, relation: DIRECTED_BY, tail: { entity: 'm.lasseter' } }));
    expect(added).toMatchObject({ op: 'add', head: 'm.heat', relation: DIRECTED_BY, tail: 'm.lasseter', tailLabel: 'John Lasseter', undone: false });
    expect(await directors('i2')).toEqual(['John Lasseter', 'Michael Mann']);
    expect(events.filter((e) => e.type === 'workspace')).toHaveLength(1);

    const undone = value(await api.kgUndo());
    expect(undone?.id).toBe(added.id);
    expect(undone?.undone).toBe(true);
    expect(await directors('i2')).toEqual(['Michael Mann']);
    expect(value(await api.kgUndo())).toBeNull();

    const history = value(await api.kgEdits({ offset: 0, limit: 10 }));
    expect(history.total).toBe(1);
    expect(history.rows[0].undone).toBe(true);
  });

  it('removes a fact, with a new entity by name too; unknown facts are not-found', async () => {
    value(await api.kgRemoveFact({ head: 'm.heat', relation: DIRECTED_BY, tail: 'm.mann' }));
    expect(await directors('i2')).toEqual([]);
    const named = value(await api.kgAddFact({ head: { item: 'i2' }, relation: DIRECTED_BY, tail: { name: 'Someone New' } }));
    expect(named.tailLabel).toBe('Someone New');
    expect(await directors('i2')).toEqual(['Someone New']);
    const missing = await api.kgRemoveFact({ head: 'm.heat', relation: DIRECTED_BY, tail: 'm.lasseter' });
    expect(!missing.ok && missing.error.code).toBe('not-found');
    const invalid = await dispatchApi(api, 'kgAddFact', { head: { item: 'i2', entity: 'm.heat' }, relation: DIRECTED_BY, tail: { entity: 'm.mann' } });
    expect(invalid.status).toBe('invalid-input');
  });
});

describe('labels', () => {
  it('queues the disagreeing pair first, skips labelled pairs, counts and undoes', async () => {
    const queue = value(await api.labelQueue({ limit: 10 }));
    expect(queue).toHaveLength(3);
    expect(queue[0]).toMatchObject({ user: 'u0', item: 'i2', title: 'Heat (1995)', modelVersion: 'hybrid@2026-01-02T03:04:05.000Z' });
    expect(queue[0].priority).toBeGreaterThanOrEqual(queue[1].priority);
    expect(value(await api.labelStats()).queued).toBe(3);

    const label = value(await api.addLabel({ kind: 'relevance', user: 'u0', item: 'i2', value: 0, modelVersion: queue[0].modelVersion }));
    expect(label).toMatchObject({ kind: 'relevance', user: 'u0', item: 'i2', value: 0, modelVersion: queue[0].modelVersion });
    const after = value(await api.labelQueue({ limit: 10 }));
    expect(after.map((p) => `${p.user}/${p.item}`)).not.toContain('u0/i2');
    expect(value(await api.labelStats())).toEqual({ relevant: 0, notRelevant: 1, factCorrect: 0, factWrong: 0, queued: 2 });
    expect(value(await api.listLabels({ offset: 0, limit: 10, kind: 'relevance' })).total).toBe(1);

    expect(value(await api.undoLabel())?.id).toBe(label.id);
    expect(value(await api.labelStats()).queued).toBe(3);
    expect(value(await api.undoLabel())).toBeNull();
  });

  it('a fact labelled wrong disappears from the KG; unknown users are not-found', async () => {
    value(await api.addLabel({ kind: 'fact', head: 'm.toy', relation: DIRECTED_BY, tail: 'm.lasseter', value: 0 }));
    expect(await directors('i0')).toEqual([]);
    expect(events.some((e) => e.type === 'workspace')).toBe(true);
    value(await api.undoLabel());
    expect(await directors('i0')).toEqual(['John Lasseter']);
    const r = await api.addLabel({ kind: 'relevance', user: 'nobody', item: 'i0', value: 1 });
    expect(!r.ok && r.error.code).toBe('not-found');
  });
});

describe('forgetUser', () => {
  it('removes the user everywhere, and the Api no longer sees them', async () => {
    value(await api.addLabel({ kind: 'relevance', user: 'u1', item: 'i0', value: 1 }));
    const report = value(await api.forgetUser({ user: 'u1' }));
    expect(report.user).toBe('u1');
    expect(report.removed).toMatchObject({ interactions: 1, labels: 1, users: 1 });
    const s = value(await api.workspaceSummary());
    expect([s.users, s.interactions]).toEqual([1, 1]);
    expect(value(await api.listUsers({ offset: 0, limit: 10 })).rows.map((u) => u.id)).toEqual(['u0']);
    const ev = events.filter((e): e is Extract<ApiEvent, { type: 'workspace' }> => e.type === 'workspace').at(-1);
    expect(ev?.summary.users).toBe(1);
    const again = await api.forgetUser({ user: 'u1' });
    expect(!again.ok && again.error.code).toBe('not-found');
  });
});
