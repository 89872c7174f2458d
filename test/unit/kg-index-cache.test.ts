/**
 * The KG index without the dataset: built from the items and KG alone (Workspace.loadKgDataset,
 * the interactions counted per item in SQL), saved beside the workspace (kg-cache.ts), restored
 * equal to the one built from the whole dataset, and not used once the KG changed (kgStamp).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createApi } from '../../main/api';
import { KgIndex } from '../../main/core/kg';
import { kgCachePath, packKgIndex, readKgCache, unpackKgIndex } from '../../main/core/kg/kg-cache';
import { Workspace } from '../../main/core/store';
import { workersExited } from '../../main/core/worker-launcher';
import { loadKgIndexCached, packWorkspaceKgIndex } from '../../main/jobs/kg-index-loader';
import { tempFiles, tinyDataset } from '../helpers/tiny-workspace';

const files = tempFiles('knowrec-kg-cache-');
afterAll(async () => {
  await workersExited();
  files.cleanup();
});

/** What a person sees of an index: labels, search, neighbourhoods, counts. */
function observe(kg: KgIndex): unknown {
  return {
    entities: kg.kg.entityIds,
    names: kg.kg.entityNames,
    records: kg.items.map((it) => [it.id, it.title, it.text, it.attributes]),
    labels: kg.kg.entityIds.map((_, e) => kg.entityLabel(e)),
    items: kg.items.map((_, i) => [kg.itemLabel(i), kg.interactionCount(i), Array.from(kg.itemEntities(i))]),
    search: kg.searchEntities('a', 20),
    sub: kg.subgraph({ item: 0 }, { hops: 2 }),
    facts: kg.itemFacts(0),
    stats: kg.stats(),
    inverse: Array.from(kg.inverseRelations()),
  };
}

function tinyWorkspace(): Workspace {
  const ws = Workspace.create(files.fresh());
  // genres make derived triples (and an item entity for none here: every item is linked)
  const ds = tinyDataset();
  ws.importDataset({ ...ds, items: ds.items.map((it, i) => ({ ...it, attributes: { genres: i === 1 ? 'Crime' : 'Animation|Comedy' } })) });
  return ws;
}

describe('KG index cache', () => {
  it('the index built without the interactions equals the one built from the whole dataset', () => {
    const ws = tinyWorkspace();
    const { dataset, popularity } = ws.loadKgDataset();
    expect(dataset.interactions.user.length).toBe(0);
    // i1 twice (alice, bob), i2 twice (bob, carol), i3 twice (alice, carol)
    expect(Array.from(popularity)).toEqual([2, 2, 2]);
    expect(observe(new KgIndex(dataset, { popularity }))).toEqual(observe(new KgIndex(ws.loadDataset())));
    ws.close();
  });

  it('round-trips through the packed bytes: same answers, labels kept, stamp checked', () => {
    const ws = tinyWorkspace();
    const built = new KgIndex(ws.loadDataset());
    const bytes = packKgIndex(built.parts(), 'stamp-1');
    expect(unpackKgIndex(bytes, 'stamp-2')).toBeNull();
    // a copy at an odd offset: the arrays must not depend on the buffer's alignment
    const odd = new Uint8Array(bytes.length + 3);
    odd.set(bytes, 3);
    const back = unpackKgIndex(odd.subarray(3), 'stamp-1');
    expect(back?.stamp).toBe('stamp-1');
    expect(back?.parts.packed?.labels.all()).toEqual(built.kg.entityIds.map((_, e) => built.entityLabel(e)));
    expect(observe(new KgIndex(back!.parts))).toEqual(observe(built));
    expect(unpackKgIndex(bytes.subarray(0, bytes.length - 8))).toBeNull();
    expect(unpackKgIndex(new TextEncoder().encode('not a cache file at all'))).toBeNull();
    ws.close();
  });

  it('prepare() makes the id maps and the search in chunks, pausing between them; look-ups answer as before', async () => {
    const ws = tinyWorkspace();
    const kg = new KgIndex(ws.loadDataset());
    const lazy = new KgIndex(ws.loadDataset());
    let pauses = 0;
    await kg.prepare(() => {
      pauses++;
      return Promise.resolve();
    }, 2);
    // search, search text, the entities (genres included) in chunks of 2, 3 items in chunks of 2
    expect(pauses).toBe(2 + Math.ceil(lazy.kg.entityIds.length / 2) + 2);
    for (const id of [...lazy.kg.entityIds, 'nope']) expect(kg.entityIndex(id)).toBe(lazy.entityIndex(id));
    for (const id of ['i1', 'i2', 'i3', 'nope']) expect(kg.itemIndex(id)).toBe(lazy.itemIndex(id));
    expect(observe(kg)).toEqual(observe(lazy));
    ws.close();
  });

  it('keeps null and empty names apart, a name holding NUL, and item text and attributes', () => {
    const ds = tinyDataset();
    const odd: typeof ds = {
      ...ds,
      items: ds.items.map((it, i) => ({ ...it, text: { plot: `plot ${i} — é` }, attributes: { genres: ['Animation'], year: 1995 + i } })),
      kg: { ...ds.kg, entityNames: [null, 'John\u0000Lasseter', '', null, 'Michael Mann', 'Animation'] },
    };
    const built = new KgIndex(odd);
    const back = unpackKgIndex(packKgIndex(built.parts(), 's'));
    expect(back?.parts.kg.entityNames.slice(0, 6)).toEqual([null, 'John\u0000Lasseter', '', null, 'Michael Mann', 'Animation']);
    expect(observe(new KgIndex(back!.parts))).toEqual(observe(built));
  });

  it('a file written by another version is not read', () => {
    const ws = tinyWorkspace();
    const bytes = packKgIndex(new KgIndex(ws.loadDataset()).parts(), 'x');
    bytes[7] = 0x39; // the magic's version digit
    expect(unpackKgIndex(bytes)).toBeNull();
    expect(unpackKgIndex(new TextEncoder().encode('not a cache file at all'))).toBeNull();
    ws.close();
  });

  it('the stamp moves with a KG edit, its undo, a fact labelled wrong and a re-import, and not with a relevance label', () => {
    const ws = tinyWorkspace();
    const s0 = ws.kgStamp();
    expect(ws.kgStamp()).toBe(s0);
    ws.labels.add({ kind: 'relevance', user: 'alice', item: 'i2', value: 1 });
    expect(ws.kgStamp()).toBe(s0);
    ws.edits.add({ head: { item: 'i2' }, relation: 'genre', tail: { entity: 'm.anim' } });
    const s1 = ws.kgStamp();
    expect(s1).not.toBe(s0);
    ws.edits.undo();
    expect(ws.kgStamp()).toBe(s0);
    ws.labels.add({ kind: 'fact', head: 'm.toy', relation: 'directed_by', tail: 'm.lasseter', value: 0 });
    const s2 = ws.kgStamp();
    expect(s2).not.toBe(s0);
    ws.importDataset(tinyDataset());
    expect(ws.kgStamp()).not.toBe(s2);
    ws.close();
  });

  it('builds in a worker, saves beside the workspace, restores from the file, and builds again after a KG edit', async () => {
    const ws = tinyWorkspace();
    const file = kgCachePath(ws.path);
    const first = await loadKgIndexCached(ws.path, ws.kgStamp());
    expect(first.source).toBe('built');
    expect(existsSync(file)).toBe(true);
    expect(observe(first.kg)).toEqual(observe(new KgIndex(ws.loadDataset())));
    const again = await loadKgIndexCached(ws.path, ws.kgStamp());
    expect(again.source).toBe('cache');
    expect(observe(again.kg)).toEqual(observe(first.kg));

    ws.edits.add({ head: { item: 'i2' }, relation: 'genre', tail: { entity: 'm.anim' } });
    expect(await readKgCache(file, ws.kgStamp())).toBeNull();
    const edited = await loadKgIndexCached(ws.path, ws.kgStamp());
    expect(edited.source).toBe('built');
    expect(edited.kg.itemFacts(1).map((f) => `${f.relation} ${edited.kg.kg.entityIds[f.entity]}`)).toContain('genre m.anim');
    expect(observe(edited.kg)).toEqual(observe(new KgIndex(ws.loadDataset())));
    ws.close();
  });

  it('finds an inverse pair whose head is a hub (reading the shorter row of each triple)', () => {
    const n = 6;
    const ds = tinyDataset();
    // hub —has→ e_k for every k, and e_k —of→ hub: "of" is "has" stated the other way
    const entityIds = ['hub', ...Array.from({ length: n }, (_, k) => `e${k}`)];
    const head = [...Array.from({ length: n }, () => 0), ...Array.from({ length: n }, (_, k) => k + 1)];
    const tail = [...Array.from({ length: n }, (_, k) => k + 1), ...Array.from({ length: n }, () => 0)];
    const relation = [...Array.from({ length: n }, () => 0), ...Array.from({ length: n }, () => 1)];
    const kg = new KgIndex(
      {
        ...ds,
        kg: { entityIds, entityNames: entityIds.map(() => null), relationNames: ['has', 'of'], head: Int32Array.from(head), relation: Int32Array.from(relation), tail: Int32Array.from(tail), derived: new Uint8Array(2 * n) },
        itemEntities: [Int32Array.of(0), Int32Array.of(1), Int32Array.of(2)],
      },
      { derive: false },
    );
    expect(Array.from(kg.inverseRelations())).toEqual([1, 0]);
  });

  it('round-trips a KG without entities and a catalog without items, through a file too (empty lists in the checksum)', async () => {
    const ds = tinyDataset();
    const empty = { ...ds, itemIds: [], items: [], itemEntities: [], kg: { entityIds: [], entityNames: [], relationNames: [], head: new Int32Array(0), relation: new Int32Array(0), tail: new Int32Array(0), derived: new Uint8Array(0) } };
    const bytes = packKgIndex(new KgIndex(empty).parts(), 's');
    const back = unpackKgIndex(bytes);
    expect(back?.parts.items).toEqual([]);
    expect(back?.parts.kg.entityIds).toEqual([]);
    expect(new KgIndex(back!.parts).searchEntities('a')).toEqual([]);
    // empty runs (no memory behind them) between non-empty ones: zlib would restart the CRC at a null buffer
    const untitled = { ...ds, items: ds.items.map((it) => ({ ...it, title: '' })) };
    const dir = mkdtempSync(join(tmpdir(), 'kg-crc-'));
    try {
      for (const [name, d] of [['empty', empty], ['untitled', untitled]] as const) {
        writeFileSync(join(dir, name), packKgIndex(new KgIndex(d).parts(), 's'));
        expect(await readKgCache(join(dir, name), 's'), name).not.toBeNull();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a damaged cache file is built again', async () => {
    const ws = tinyWorkspace();
    writeFileSync(kgCachePath(ws.path), 'KRKGIX04 damaged');
    const r = await loadKgIndexCached(ws.path, ws.kgStamp(), { save: false });
    expect(r.source).toBe('built');
    ws.close();
  });

  it('a file with one flipped bit anywhere in its body is not read (CRC-32 in the header): built again', async () => {
    const ws = tinyWorkspace();
    const good = packKgIndex(new KgIndex(ws.loadKgDataset().dataset).parts(), ws.kgStamp());
    const file = kgCachePath(ws.path);
    writeFileSync(file, good);
    expect(await readKgCache(file, ws.kgStamp())).not.toBeNull();
    // bits in the body's first, middle and last bytes (arrays, strings, item details)
    // the body starts after the 16-byte prefix and the header (its length at byte 8), padded to 8 bytes
    const bodyStart = Math.ceil((16 + new DataView(good.buffer, good.byteOffset).getUint32(8, true)) / 8) * 8;
    for (const at of [bodyStart + 1, Math.floor((bodyStart + good.length) / 2), good.length - 1]) {
      const bad = new Uint8Array(good);
      bad[at] ^= 0x10;
      writeFileSync(file, bad);
      // without the check, unpacking still succeeded and the damage showed later (wrong labels, a search running for seconds)
      expect(unpackKgIndex(bad, ws.kgStamp())).not.toBeNull();
      expect(await readKgCache(file, ws.kgStamp())).toBeNull();
    }
    expect((await loadKgIndexCached(ws.path, ws.kgStamp())).source).toBe('built');
    ws.close();
  });

  it('a file marked with the format before (04) is not read: built again, saved as 07, read from then on', async () => {
    const ws = tinyWorkspace();
    const current = packKgIndex(new KgIndex(ws.loadKgDataset().dataset).parts(), ws.kgStamp());
    // the layout this version writes, under the old magic: what an older session left
    const old = new Uint8Array(current);
    old.set(new TextEncoder().encode('KRKGIX04'), 0);
    writeFileSync(kgCachePath(ws.path), old);
    expect(await readKgCache(kgCachePath(ws.path), ws.kgStamp())).toBeNull();
    const r = await loadKgIndexCached(ws.path, ws.kgStamp());
    expect(r.source).toBe('built');
    expect(readFileSync(kgCachePath(ws.path)).subarray(0, 8).toString('latin1')).toBe('KRKGIX07');
    expect((await loadKgIndexCached(ws.path, ws.kgStamp())).source).toBe('cache');
    ws.close();
  });

  it('a small index is its own buffer (a pooled one cannot move to another thread), and reads back', () => {
    const ws = tinyWorkspace();
    const { bytes, stamp } = packWorkspaceKgIndex(ws);
    expect([bytes.byteOffset, bytes.byteLength]).toEqual([0, bytes.buffer.byteLength]);
    expect(stamp).toBe(ws.kgStamp());
    expect(observe(new KgIndex(unpackKgIndex(bytes, stamp)!.parts))).toEqual(observe(new KgIndex(ws.loadKgDataset().dataset, { popularity: ws.loadKgDataset().popularity })));
    ws.close();
  });

  it('removes temporary files of ended processes beside the cache, and keeps those of a running one', async () => {
    const ws = tinyWorkspace();
    const dead = `${kgCachePath(ws.path)}.999999999.1.abcd.tmp`;
    const live = `${kgCachePath(ws.path)}.${process.pid}.1.abcd.tmp`;
    writeFileSync(dead, 'half');
    writeFileSync(live, 'half');
    await loadKgIndexCached(ws.path, ws.kgStamp(), { save: false });
    expect([existsSync(dead), existsSync(live)]).toEqual([false, true]);
    ws.close();
  });

  it('the Api answers the KG explorer and item cards from the cached index, never loading the dataset', async () => {
    const ws = tinyWorkspace();
    const path = ws.path;
    ws.close();
    let datasetLoads = 0;
    const api = createApi({
      open: (p) => Workspace.open(p),
      workspacePath: path,
      appVersion: 'test',
      loadDataset: (p) => {
        datasetLoads++;
        return Promise.resolve(Workspace.open(p).loadDataset());
      },
      loadKgIndex: (p, stamp) => loadKgIndexCached(p, stamp).then((r) => r.kg),
    });
    const hits = await api.kgSearch({ query: 'toy', limit: 5 });
    expect(hits.ok && hits.value[0]?.item).toBe('i1');
    const card = await api.kgItem({ item: 'i1' });
    expect(card.ok && card.value.interactions).toBe(2);
    expect(card.ok && card.value.facts.map((f) => f.entity)).toEqual(expect.arrayContaining(['m.lasseter', 'm.anim', 'genre:Animation', 'genre:Comedy']));
    // an edit through the Api drops the index: the next search sees it
    const added = await api.kgAddFact({ head: { item: 'i2' }, relation: 'genre', tail: { entity: 'm.anim' } });
    expect(added.ok).toBe(true);
    const card2 = await api.kgItem({ item: 'i2' });
    expect(card2.ok && card2.value.facts.map((f) => f.entity)).toContain('m.anim');
    expect(datasetLoads).toBe(0);
    api.close();
  });

  it('prewarm with loadKgIndex: the index comes through it, and a small workspace has its dataset read too', async () => {
    const ws = tinyWorkspace();
    const path = ws.path;
    ws.close();
    let datasetLoads = 0;
    let indexLoads = 0;
    const api = createApi({
      open: (p) => Workspace.open(p),
      workspacePath: path,
      appVersion: 'test',
      prewarm: true,
      loadDataset: (p) => {
        datasetLoads++;
        return Promise.resolve(Workspace.open(p).loadDataset());
      },
      loadKgIndex: (p, stamp) => {
        indexLoads++;
        return loadKgIndexCached(p, stamp).then((r) => r.kg);
      },
    });
    expect((await api.workspaceSummary()).ok).toBe(true);
    for (let t = 0; t < 250 && (datasetLoads === 0 || indexLoads === 0); t++) await new Promise((r) => setTimeout(r, 20));
    expect([datasetLoads, indexLoads]).toEqual([1, 1]);
    expect((await api.kgSearch({ query: 'heat', limit: 5 })).ok).toBe(true);
    expect([datasetLoads, indexLoads]).toEqual([1, 1]);
    api.close();
  });
});
