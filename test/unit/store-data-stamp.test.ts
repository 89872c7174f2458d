/**
 * The workspace's data stamp and recorded data hash (main/core/store/data-stamp.ts) and the
 * per-user history read (catalog.ts userTopItems), on tiny built workspaces whose answers are
 * known by construction: the recorded hash is the hash of what loadDataset() reads back, a forget
 * leaves "differs from the hash before", KG changes leave the hash as it is.
 */
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { dataHash } from '../../main/core/data';
import { DATA_HASH_META_KEY, newPseudonymKey, Workspace } from '../../main/core/store';
import type { Dataset } from '../../main/core/types';
import { openDataset } from '../../main/jobs/dataset';
import { tempFiles, tinyDataset } from '../helpers/tiny-workspace';

const tmp = tempFiles('knowrec-data-stamp-');
afterAll(tmp.cleanup);

function imported(ds: Dataset = tinyDataset()): Workspace {
  const ws = Workspace.create(tmp.fresh());
  ws.importDataset(ds);
  return ws;
}

/** tinyDataset with fractional ratings and timestamps, and a user-item pair rated twice. */
function awkward(): Dataset {
  const ds = tinyDataset('awkward');
  return {
    ...ds,
    interactions: {
      user: Int32Array.of(0, 0, 0, 1, 2),
      item: Int32Array.of(2, 0, 2, 1, 1),
      rating: Float32Array.of(3.7, 0.1, 4.2, 1, 2.5),
      timestamp: Float64Array.of(1.5, 1e12 + 0.25, 3, 0, 7),
    },
  };
}

describe('recorded data hash', () => {
  it('an import records the hash of what loadDataset() reads back', () => {
    for (const ds of [tinyDataset(), awkward()]) {
      const ws = imported(ds);
      try {
        const s = ws.dataHashState();
        expect(s.sha256).toBe(dataHash(ws.loadDataset()));
        expect(s.sha256).toBe(dataHash(ds));
        expect(s.differsFrom).toBeNull();
      } finally {
        ws.close();
      }
    }
  });

  it('a pseudonymized import records the hash of the stored data too', () => {
    const ws = Workspace.create(tmp.fresh(), { pseudonymKey: newPseudonymKey() });
    try {
      ws.importDataset(tinyDataset(), { pseudonymize: true });
      expect(ws.loadDataset().userIds[0]).not.toBe('alice');
      expect(ws.dataHashState().sha256).toBe(dataHash(ws.loadDataset()));
    } finally {
      ws.close();
    }
  });

  it('a re-import moves the stamp and records the new hash (the same hash for the same data)', () => {
    const ws = imported();
    try {
      const first = ws.dataHashState();
      ws.importDataset(awkward());
      const second = ws.dataHashState();
      expect(second.stamp).not.toBe(first.stamp);
      expect(second.sha256).toBe(dataHash(ws.loadDataset()));
      expect(second.sha256).not.toBe(first.sha256);
      ws.importDataset(tinyDataset());
      expect(ws.dataHashState().sha256).toBe(first.sha256);
    } finally {
      ws.close();
    }
  });

  it('forgetting a user moves the stamp: the hash is unknown, and known to differ from the one before', () => {
    const ws = imported();
    try {
      const before = ws.dataHashState();
      ws.users.forget('bob');
      const after = ws.dataHashState();
      expect(after.stamp).not.toBe(before.stamp);
      expect(after.sha256).toBeNull();
      expect(after.differsFrom).toBe(before.sha256);
      expect(dataHash(ws.loadDataset())).not.toBe(before.sha256);
      // a second forget: the data differs from the first state still
      ws.users.forget('carol');
      expect(ws.dataHashState()).toMatchObject({ sha256: null, differsFrom: before.sha256 });
    } finally {
      ws.close();
    }
  });

  it('a reader records the hash it computed at a stamp, not once the data changed since', () => {
    const ws = imported();
    try {
      const before = ws.dataHashState();
      ws.users.forget('bob');
      const { stamp } = ws.dataHashState();
      const sha = dataHash(ws.loadDataset());
      expect(ws.recordDataHash(before.stamp, 'stale')).toBe(false);
      expect(ws.dataHashState().sha256).toBeNull();
      expect(ws.recordDataHash(stamp, sha)).toBe(true);
      expect(ws.dataHashState()).toEqual({ stamp, sha256: sha, differsFrom: null });
      // recorded: a later forget knows what it differs from
      ws.users.forget('carol');
      expect(ws.dataHashState().differsFrom).toBe(sha);
    } finally {
      ws.close();
    }
  });

  it('loadDatasetRecordingHash (what fits read) records the hash the workspace did not know', () => {
    const ws = imported();
    try {
      ws.users.forget('bob');
      const ds = ws.loadDatasetRecordingHash();
      expect(ws.dataHashState().sha256).toBe(dataHash(ds));
      expect(ds.userIds).toEqual(['alice', 'carol']);
    } finally {
      ws.close();
    }
  });

  it('loadDatasetRecordingHash still reads while another connection writes (recording skipped, not an error)', () => {
    const ws = imported();
    const other = new Database(ws.path);
    try {
      ws.users.forget('bob');
      other.exec('BEGIN IMMEDIATE');
      const ds = ws.loadDatasetRecordingHash();
      expect(ds.userIds).toEqual(['alice', 'carol']);
      expect(ws.dataHashState().sha256).toBeNull();
      other.exec('COMMIT');
      ws.loadDatasetRecordingHash();
      expect(ws.dataHashState().sha256).toBe(dataHash(ds));
    } finally {
      other.close();
      ws.close();
    }
  });

  it("a fit's read of the workspace (openDataset) records it too", () => {
    const ws = imported();
    ws.users.forget('carol');
    ws.close();
    const opened = openDataset({ workspace: ws.path });
    expect(opened.imported).toBe(false);
    const again = Workspace.open(ws.path);
    try {
      expect(again.dataHashState().sha256).toBe(dataHash(opened.dataset));
    } finally {
      again.close();
    }
  });

  it('a workspace imported before hashes were recorded knows nothing, and a forget there records nothing', () => {
    const ws = imported();
    try {
      ws.setMeta(DATA_HASH_META_KEY, '{not json');
      expect(ws.dataHashState()).toMatchObject({ sha256: null, differsFrom: null });
      ws.users.forget('bob');
      expect(ws.dataHashState()).toMatchObject({ sha256: null, differsFrom: null });
      expect(ws.getMeta(DATA_HASH_META_KEY)).toBeNull();
    } finally {
      ws.close();
    }
  });

  it('KG edits and facts labelled wrong leave the stamp and the hash (the hash covers the interactions)', () => {
    const ws = imported();
    try {
      const before = ws.dataHashState();
      ws.edits.add({ head: { item: 'i2' }, relation: 'genre', tail: { entity: 'm.anim' } });
      expect(ws.dataHashState()).toEqual(before);
      expect(dataHash(ws.loadDataset())).toBe(before.sha256);
    } finally {
      ws.close();
    }
  });
});

describe('userTopItems', () => {
  it("gives a user's items best rated first, then catalog order, duplicates kept, up to the limit", () => {
    const ws = imported(awkward());
    try {
      // alice: i3 at 3.7 and 4.2, i1 at 0.1
      expect(ws.userTopItems('alice', 10)).toEqual(['i3', 'i3', 'i1']);
      expect(ws.userTopItems('alice', 1)).toEqual(['i3']);
      expect(ws.userTopItems('alice', 0)).toEqual([]);
      expect(ws.userTopItems('nobody', 5)).toBeNull();
    } finally {
      ws.close();
    }
  });

  it('breaks rating ties by catalog order, and follows the renumbering of a forget', () => {
    const ds = tinyDataset();
    const ws = imported({ ...ds, interactions: { ...ds.interactions, rating: Float32Array.of(4, 4, 3, 3, 5, 5) } });
    try {
      // alice rated i1 (idx 0) and i3 (idx 2) 4; bob i2 (idx 1) and i1 3; carol i3 and i2 5
      expect(ws.userTopItems('alice', 5)).toEqual(['i1', 'i3']);
      expect(ws.userTopItems('carol', 5)).toEqual(['i2', 'i3']);
      ws.users.forget('alice');
      expect(ws.userTopItems('alice', 5)).toBeNull();
      expect(ws.userTopItems('carol', 5)).toEqual(['i2', 'i3']);
      expect(ws.userTopItems('bob', 5)).toEqual(['i1', 'i2']);
    } finally {
      ws.close();
    }
  });
});
