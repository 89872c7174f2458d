import { afterAll, describe, expect, it } from 'vitest';
import { Workspace, applyKgChanges } from '../../main/core/store';
import { failure } from '../helpers/failure';
import { factsOf, tempFiles, tinyDataset } from '../helpers/tiny-workspace';

const tmp = tempFiles('knowrec-edits-');
afterAll(tmp.cleanup);

function workspace(): Workspace {
  const ws = Workspace.create(tmp.fresh());
  ws.importDataset(tinyDataset());
  return ws;
}

describe('KgEditStore', () => {
  it('adds a fact between existing entities: loadDataset shows it; undo removes it', () => {
    const ws = workspace();
    const edits = ws.edits;
    const before = factsOf(ws.loadDataset());
    const e = edits.add({ head: { entity: 'm.heat' }, relation: 'genre', tail: { entity: 'm.anim' }, author: 'ann' });
    expect(e).toMatchObject({ op: 'add', head: 'm.heat', relation: 'genre', tail: 'm.anim', tailName: 'Animation', author: 'ann', undone: false });
    expect(factsOf(ws.loadDataset())).toEqual([...before, 'm.heat genre m.anim'].sort());
    const u = edits.undo();
    expect(u).toMatchObject({ id: e.id, undone: true });
    expect(u?.undoneAt).toMatch(/^\d{4}-/);
    expect(factsOf(ws.loadDataset())).toEqual(before);
    ws.close();
  });

  it('an item end maps to its linked entity; a named tail becomes a new entity and a new relation is created', () => {
    const ws = workspace();
    const edits = ws.edits;
    const stored = ws.loadDataset();
    const e = edits.add({ head: { item: 'i1' }, relation: 'produced_by', tail: { name: 'Pixar' } });
    expect(e).toMatchObject({ head: 'm.toy', headItem: 'i1', headName: 'Toy Story (1995)', tail: 'edit:Pixar', tailName: 'Pixar' });
    edits.add({ head: { item: 'i3' }, relation: 'produced_by', tail: { name: 'Pixar' } });
    const ds = ws.loadDataset();
    expect(ds.kg.entityIds).toEqual([...stored.kg.entityIds, 'edit:Pixar']);
    expect(ds.kg.entityNames[ds.kg.entityIds.length - 1]).toBe('Pixar');
    expect(ds.kg.relationNames).toEqual([...stored.kg.relationNames, 'produced_by']);
    expect(factsOf(ds)).toEqual([...factsOf(stored), 'm.toy produced_by edit:Pixar', 'm.bug produced_by edit:Pixar'].sort());
    // the new entity can be used as an existing one by later edits
    edits.add({ head: { entity: 'edit:Pixar' }, relation: 'genre', tail: { entity: 'm.anim' } });
    expect(factsOf(ws.loadDataset())).toContain('edit:Pixar genre m.anim');
    // undo all three: back to the stored graph, no new entity or relation left
    edits.undo();
    edits.undo();
    edits.undo();
    const back = ws.loadDataset();
    expect(back.kg.entityIds).toEqual(stored.kg.entityIds);
    expect(back.kg.relationNames).toEqual(stored.kg.relationNames);
    expect(factsOf(back)).toEqual(factsOf(stored));
    ws.close();
  });

  it('an item without linked entity gets an item:<id> entity, linked to the item', () => {
    const ws = Workspace.create(tmp.fresh());
    const base = tinyDataset();
    ws.importDataset({ ...base, itemEntities: [base.itemEntities[0], Int32Array.of(), base.itemEntities[2]] });
    ws.edits.add({ head: { item: 'i2' }, relation: 'directed_by', tail: { entity: 'm.mann' } });
    const ds = ws.loadDataset();
    const e = ds.kg.entityIds.indexOf('item:i2');
    expect(e).toBeGreaterThanOrEqual(0);
    expect(ds.kg.entityNames[e]).toBe('Heat (1995)');
    expect(Array.from(ds.itemEntities[1])).toEqual([e]);
    expect(factsOf(ds)).toContain('item:i2 directed_by m.mann');
    ws.close();
  });

  it('removes a real triple (by entity or item id); undo brings it back; the stored triples are untouched', () => {
    const ws = workspace();
    const edits = ws.edits;
    const before = factsOf(ws.loadDataset());
    const e = edits.remove({ head: 'i3', relation: 'directed_by', tail: 'm.lasseter' });
    expect(e).toMatchObject({ op: 'remove', head: 'm.bug', tail: 'm.lasseter', headItem: 'i3' });
    expect(factsOf(ws.loadDataset())).toEqual(before.filter((f) => f !== 'm.bug directed_by m.lasseter'));
    expect(factsOf(ws.loadStoredDataset())).toEqual(before);
    edits.undo();
    expect(factsOf(ws.loadDataset())).toEqual(before);
    ws.close();
  });

  it('refuses to add a fact that is there and to remove one that is not, naming what to fix', () => {
    const ws = workspace();
    const edits = ws.edits;
    expect(failure(() => edits.add({ head: { entity: 'm.toy' }, relation: 'directed_by', tail: { entity: 'm.lasseter' } })).message).toMatch(/already in the KG/);
    expect(failure(() => edits.remove({ head: 'm.toy', relation: 'directed_by', tail: 'm.mann' })).code).toBe('not-found');
    expect(failure(() => edits.add({ head: { entity: 'm.nope' }, relation: 'x', tail: { entity: 'm.toy' } })).message).toMatch(/no entity "m.nope"/);
    expect(failure(() => edits.add({ head: { item: 'i9' }, relation: 'x', tail: { entity: 'm.toy' } })).message).toMatch(/no item "i9"/);
    expect(failure(() => edits.add({ head: { entity: 'm.toy' }, relation: '  ', tail: { entity: 'm.mann' } })).code).toBe('validation');
    // removing then re-adding a stored fact works, and the graph has it once
    edits.remove({ head: 'm.toy', relation: 'directed_by', tail: 'm.lasseter' });
    expect(failure(() => edits.remove({ head: 'm.toy', relation: 'directed_by', tail: 'm.lasseter' })).code).toBe('not-found');
    edits.add({ head: { entity: 'm.toy' }, relation: 'directed_by', tail: { entity: 'm.lasseter' } });
    expect(factsOf(ws.loadDataset()).filter((f) => f === 'm.toy directed_by m.lasseter')).toHaveLength(1);
    expect(edits.list().total).toBe(2);
    ws.close();
  });

  it('keeps the history newest first, undone edits included, and survives close/reopen', () => {
    const ws = workspace();
    const path = ws.path;
    const edits = ws.edits;
    const a = edits.add({ head: { entity: 'm.heat' }, relation: 'genre', tail: { entity: 'm.anim' }, author: 'ann' });
    const b = edits.remove({ head: 'm.toy', relation: 'genre', tail: 'm.anim', author: 'ben' });
    const c = edits.add({ head: { item: 'i2' }, relation: 'produced_by', tail: { name: 'Forward Pass' }, author: 'ann' });
    expect(edits.undo('ben')?.id).toBe(b.id);
    ws.close();

    const again = Workspace.open(path);
    const store = again.edits;
    const history = store.list();
    expect(history.rows.map((r) => [r.id, r.undone])).toEqual([
      [c.id, false],
      [b.id, true],
      [a.id, false],
    ]);
    expect(store.list(1, 1).rows.map((r) => r.id)).toEqual([b.id]);
    expect(store.active().map((r) => r.id)).toEqual([a.id, c.id]);
    const facts = factsOf(again.loadDataset());
    expect(facts).toContain('m.heat genre m.anim');
    expect(facts).toContain('m.toy genre m.anim');
    expect(facts).toContain('m.heat produced_by edit:Forward Pass');
    expect(store.undo()?.id).toBe(c.id);
    expect(store.undo()?.id).toBe(a.id);
    expect(store.undo()).toBeNull();
    expect(factsOf(again.loadDataset())).toEqual(factsOf(again.loadStoredDataset()));
    again.close();
  });

  it('a wrong-fact label also hides a fact added by an edit; the report counts each change', () => {
    const ws = workspace();
    ws.edits.add({ head: { entity: 'm.heat' }, relation: 'genre', tail: { entity: 'm.anim' } });
    ws.edits.remove({ head: 'm.toy', relation: 'genre', tail: 'm.anim' });
    const labels = ws.labels;
    labels.add({ kind: 'fact', item: 'i2', relation: 'genre', tail: 'm.anim', value: 0 });
    labels.add({ kind: 'fact', item: 'i3', relation: 'directed_by', tail: 'm.lasseter', value: 0 });
    labels.add({ kind: 'fact', head: 'm.unknown', relation: 'genre', tail: 'm.anim', value: 0 });
    const { dataset, report } = applyKgChanges(ws.loadStoredDataset(), ws.edits.active(), ws.labels.wrongFacts());
    expect(report).toEqual({ added: 0, removed: 1, hidden: 2, skipped: 1 });
    expect(factsOf(dataset)).toEqual(['m.heat directed_by m.mann', 'm.toy directed_by m.lasseter']);
    ws.close();
  });
});
