import { afterAll, describe, expect, it } from 'vitest';
import { Workspace } from '../../main/core/store';
import { failure } from '../helpers/failure';
import { factsOf, tempFiles, tinyDataset } from '../helpers/tiny-workspace';

const tmp = tempFiles('knowrec-labels-');
afterAll(tmp.cleanup);

function workspace(): Workspace {
  const ws = Workspace.create(tmp.fresh());
  ws.importDataset(tinyDataset());
  return ws;
}

describe('LabelStore', () => {
  it('stores who, when and the proposing model version of each label', () => {
    const ws = workspace();
    const labels = ws.labels;
    const before = Date.now();
    const a = labels.add({ kind: 'relevance', user: 'alice', item: 'i2', value: 1, author: 'ann', modelVersion: 'hybrid@v3' });
    const b = labels.add({ kind: 'fact', item: 'i1', relation: 'genre', tail: 'm.anim', value: 1 });
    expect(a).toMatchObject({ kind: 'relevance', user: 'alice', item: 'i2', value: 1, author: 'ann', modelVersion: 'hybrid@v3' });
    expect(Date.parse(a.created)).toBeGreaterThanOrEqual(before - 1000);
    expect(a.created).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(b).toMatchObject({ kind: 'fact', item: 'i1', head: null, relation: 'genre', tail: 'm.anim', author: 'analyst', modelVersion: null });
    expect(labels.get(a.id)).toEqual(a);
    ws.close();
  });

  it('rejects unknown users and items, and bad values, with an actionable message', () => {
    const ws = workspace();
    const labels = ws.labels;
    expect(failure(() => labels.add({ kind: 'relevance', user: 'zed', item: 'i1', value: 1 })).code).toBe('not-found');
    expect(failure(() => labels.add({ kind: 'relevance', user: 'alice', item: 'nope', value: 0 })).message).toMatch(/no item "nope"/);
    expect(failure(() => labels.add({ kind: 'relevance', user: 'alice', item: 'i1', value: 2 as 1 })).code).toBe('validation');
    expect(failure(() => labels.add({ kind: 'fact', item: 'i1', head: 'm.toy', relation: 'genre', tail: 'm.anim', value: 0 })).message).toMatch(/exactly one of item and head/);
    expect(labels.stats().total).toBe(0);
    ws.close();
  });

  it('lists newest first with filters and pages, and counts per kind and value', () => {
    const ws = workspace();
    const labels = ws.labels;
    labels.add({ kind: 'relevance', user: 'alice', item: 'i2', value: 1, author: 'ann' });
    labels.add({ kind: 'relevance', user: 'bob', item: 'i3', value: 0, author: 'ben' });
    labels.add({ kind: 'relevance', user: 'carol', item: 'i1', value: 1, author: 'ann' });
    labels.add({ kind: 'fact', head: 'm.heat', relation: 'directed_by', tail: 'm.mann', value: 1, author: 'ben' });
    labels.add({ kind: 'fact', item: 'i3', relation: 'directed_by', tail: 'm.lasseter', value: 0, author: 'ann' });

    const all = labels.list();
    expect(all.total).toBe(5);
    expect(all.rows.map((l) => l.id)).toEqual([...all.rows.map((l) => l.id)].sort((a, b) => b - a));
    const page = labels.list({ offset: 1, limit: 2 });
    expect(page.rows.map((l) => l.id)).toEqual(all.rows.slice(1, 3).map((l) => l.id));
    expect(page.total).toBe(5);
    expect(labels.list({ kind: 'relevance', author: 'ann' }).rows.map((l) => l.user)).toEqual(['carol', 'alice']);
    expect(labels.list({ value: 0 }).total).toBe(2);
    expect(labels.list({ item: 'i3' }).total).toBe(2); // the relevance label and the fact label on i3
    expect(labels.stats()).toEqual({ relevant: 2, notRelevant: 1, factCorrect: 1, factWrong: 1, explanationsAccepted: 0, explanationsRejected: 0, total: 5, byAuthor: { ann: 3, ben: 2 } });
    expect(failure(() => labels.list({ limit: 0 })).code).toBe('config');
    ws.close();
  });

  it('relabeling a pair replaces the older label; undo brings the older one back', () => {
    const ws = workspace();
    const labels = ws.labels;
    const first = labels.add({ kind: 'relevance', user: 'alice', item: 'i2', value: 1, author: 'ann' });
    const second = labels.add({ kind: 'relevance', user: 'alice', item: 'i2', value: 0, author: 'ben' });
    expect(labels.list().rows.map((l) => l.id)).toEqual([second.id]);
    expect(labels.stats()).toMatchObject({ relevant: 0, notRelevant: 1, total: 1 });
    expect(labels.get(first.id)).toBeNull();
    expect(labels.undo()).toEqual(second);
    expect(labels.list().rows).toEqual([first]);
    expect(labels.stats()).toMatchObject({ relevant: 1, notRelevant: 0 });
    ws.close();
  });

  it('undo removes the last label overall or of one author, and returns null when empty', () => {
    const ws = workspace();
    const labels = ws.labels;
    const a1 = labels.add({ kind: 'relevance', user: 'alice', item: 'i2', value: 1, author: 'ann' });
    const b1 = labels.add({ kind: 'relevance', user: 'bob', item: 'i3', value: 1, author: 'ben' });
    const a2 = labels.add({ kind: 'relevance', user: 'carol', item: 'i1', value: 0, author: 'ann' });
    expect(labels.undo('ben')).toEqual(b1);
    expect(labels.undo()).toEqual(a2);
    expect(labels.list().rows).toEqual([a1]);
    expect(labels.undo('ben')).toBeNull();
    expect(labels.undo('ann')).toEqual(a1);
    expect(labels.undo()).toBeNull();
    ws.close();
  });

  it('explanation labels keep their provenance; accepted ones train as positives unless a relevance label judges the pair, rejected ones never', () => {
    const ws = workspace();
    const labels = ws.labels;
    const provenance = { history: ['i1'], facts: ['Film 1 —genre→ Animation'], ties: [{ item: 'i1', relation: 'genre', entity: 'm.anim' }], reason: 'because of i1' };
    const accepted = labels.add({ kind: 'explanation', user: 'alice', item: 'i3', value: 1, provenance });
    expect(accepted).toMatchObject({ kind: 'explanation', user: 'alice', item: 'i3', value: 1, provenance });
    labels.add({ kind: 'explanation', user: 'bob', item: 'i3', value: 0, provenance: { history: [], facts: [], ties: [], reason: null } });
    // carol's accepted explanation on i2 yields to her relevance label on the same pair (0)
    labels.add({ kind: 'explanation', user: 'carol', item: 'i2', value: 1, provenance });
    labels.add({ kind: 'relevance', user: 'carol', item: 'i2', value: 0 });
    const ds = ws.loadDataset();
    const alice = ds.userIds.indexOf('alice');
    const carol = ds.userIds.indexOf('carol');
    expect(labels.relevanceLabels(ds)).toEqual({
      labels: [
        { user: carol, item: ds.itemIds.indexOf('i2'), value: 0 },
        { user: alice, item: ds.itemIds.indexOf('i3'), value: 1 },
      ],
      skipped: 0,
      fromExplanations: 1,
    });
    expect(labels.stats()).toMatchObject({ explanationsAccepted: 2, explanationsRejected: 1, relevant: 0, notRelevant: 1 });
    expect(labels.list({ kind: 'explanation' }).rows.map((l) => [l.user, l.item, l.value])).toEqual([
      ['carol', 'i2', 1],
      ['bob', 'i3', 0],
      ['alice', 'i3', 1],
    ]);
    // judging again replaces the verdict (the older one is kept as superseded, like any label)
    labels.add({ kind: 'explanation', user: 'alice', item: 'i3', value: 0, provenance });
    expect(labels.relevanceLabels(ds).fromExplanations).toBe(0);
    expect(failure(() => labels.add({ kind: 'explanation', user: 'nobody', item: 'i3', value: 1, provenance })).code).toBe('not-found');
    ws.close();
  });

  it('relevance labels map to the dataset indices; unknown ids are skipped and counted', () => {
    const ws = workspace();
    const labels = ws.labels;
    labels.add({ kind: 'relevance', user: 'carol', item: 'i1', value: 1 });
    labels.add({ kind: 'relevance', user: 'alice', item: 'i2', value: 0 });
    labels.add({ kind: 'fact', item: 'i1', relation: 'genre', tail: 'm.anim', value: 1 });
    const ds = ws.loadDataset();
    expect(labels.relevanceLabels(ds)).toEqual({
      labels: [
        { user: 2, item: 0, value: 1 },
        { user: 0, item: 1, value: 0 },
      ],
      skipped: 0,
      fromExplanations: 0,
    });
    // a dataset without carol: her label is skipped and counted
    const smaller = { ...ds, userIds: ['alice', 'bob'], users: ds.users.slice(0, 2) };
    expect(labels.relevanceLabels(smaller)).toEqual({ labels: [{ user: 0, item: 1, value: 0 }], skipped: 1, fromExplanations: 0 });
    expect(labels.labelledPairs()).toEqual([
      { user: 'carol', item: 'i1' },
      { user: 'alice', item: 'i2' },
    ]);
    ws.close();
  });

  it('a fact labelled wrong is hidden from loadDataset, whether given by item or by head entity; undo shows it again', () => {
    const ws = workspace();
    const labels = ws.labels;
    const all = factsOf(ws.loadDataset());
    expect(all).toContain('m.bug directed_by m.lasseter');
    labels.add({ kind: 'fact', item: 'i3', relation: 'directed_by', tail: 'm.lasseter', value: 0 });
    expect(factsOf(ws.loadDataset())).toEqual(all.filter((f) => f !== 'm.bug directed_by m.lasseter'));
    labels.add({ kind: 'fact', head: 'm.heat', relation: 'directed_by', tail: 'm.mann', value: 0 });
    expect(factsOf(ws.loadDataset())).toHaveLength(all.length - 2);
    // a correct label does not hide; relabeling the Heat fact as correct brings it back
    labels.add({ kind: 'fact', head: 'm.heat', relation: 'directed_by', tail: 'm.mann', value: 1 });
    expect(factsOf(ws.loadDataset())).toContain('m.heat directed_by m.mann');
    labels.undo();
    labels.undo();
    labels.undo();
    expect(factsOf(ws.loadDataset())).toEqual(all);
    // the stored triples were never touched
    expect(factsOf(ws.loadStoredDataset())).toEqual(all);
    ws.close();
  });

  it('a fact label whose head is an item id (as the Api passes it) hides the fact of the linked entity', () => {
    const ws = workspace();
    ws.labels.add({ kind: 'fact', head: 'i1', relation: 'genre', tail: 'm.anim', value: 0 });
    expect(factsOf(ws.loadDataset())).toEqual(factsOf(ws.loadStoredDataset()).filter((f) => f !== 'm.toy genre m.anim'));
    ws.close();
  });

  it('labels and hidden facts survive close and reopen', () => {
    const ws = workspace();
    const path = ws.path;
    const l = ws.labels.add({ kind: 'fact', item: 'i1', relation: 'genre', tail: 'm.anim', value: 0, modelVersion: 'v1' });
    ws.close();
    const again = Workspace.open(path);
    expect(again.labels.list().rows).toEqual([l]);
    expect(factsOf(again.loadDataset())).not.toContain('m.toy genre m.anim');
    again.close();
  });
});
