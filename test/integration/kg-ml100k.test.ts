import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KgIndex } from '../../main/core/kg';
import type { Dataset, ItemRecord } from '../../main/core/types';

const DATA_DIR = process.env.KNOWREC_DATA_DIR ?? '/work/shared/datasets';
const DIR = join(DATA_DIR, 'ml-100k');
const present = ['ml-100k.item', 'ml-100k.kg', 'ml-100k.link', 'ml-100k.inter'].every((f) => existsSync(join(DIR, f)));
if (!present) console.warn(`kg-ml-100k: skipped, ml-100k atomic files not found in ${DIR} (set KNOWREC_DATA_DIR)`);

const DIRECTED_BY = 'film.film.directed_by';
const DIRECTOR_FILM = 'film.director.film';
const MID = /^m\.[0-9a-z_]+$/;

/** Minimal RecBole atomic reader for this test: header `name:type`, tab-separated rows. */
function readTsv(file: string): { header: string[]; rows: string[][] } {
  const lines = readFileSync(join(DIR, file), 'utf8').split(/\r?\n/);
  const header = lines[0].split('\t').map((h) => h.split(':')[0]);
  const rows = lines.slice(1).filter((l) => l.length > 0).map((l) => l.split('\t'));
  return { header, rows };
}

interface Loaded {
  readonly dataset: Dataset;
  readonly triples: readonly (readonly [string, string, string])[];
  readonly link: ReadonlyMap<string, string>;
  readonly itemsByEntity: ReadonlyMap<string, string>;
}

function load(): Loaded {
  const item = readTsv('ml-100k.item');
  const col = (name: string): number => item.header.indexOf(name);
  const items: ItemRecord[] = item.rows.map((r) => {
    const year = r[col('release_year')];
    const raw = r[col('movie_title')];
    return {
      id: r[col('item_id')],
      title: /^\d{4}$/.test(year) ? `${raw} (${year})` : raw,
      text: {},
      attributes: { release_year: year, genres: r[col('class')].split(' ').filter((g) => g.length > 0) },
    };
  });
  const itemIndex = new Map(items.map((it, i) => [it.id, i]));

  const kg = readTsv('ml-100k.kg');
  const entityIds: string[] = [];
  const entityIndex = new Map<string, number>();
  const ent = (id: string): number => {
    let e = entityIndex.get(id);
    if (e === undefined) {
      e = entityIds.length;
      entityIndex.set(id, e);
      entityIds.push(id);
    }
    return e;
  };
  const relationNames: string[] = [];
  const relIndex = new Map<string, number>();
  const n = kg.rows.length;
  const head = new Int32Array(n);
  const relation = new Int32Array(n);
  const tail = new Int32Array(n);
  const triples: [string, string, string][] = [];
  kg.rows.forEach(([h, r, t], i) => {
    head[i] = ent(h);
    let ri = relIndex.get(r);
    if (ri === undefined) {
      ri = relationNames.length;
      relIndex.set(r, ri);
      relationNames.push(r);
    }
    relation[i] = ri;
    tail[i] = ent(t);
    triples.push([h, r, t]);
  });

  const link = new Map<string, string>();
  const itemsByEntity = new Map<string, string>();
  const itemEntities = items.map(() => new Int32Array(0));
  for (const [itemId, entityId] of readTsv('ml-100k.link').rows) {
    link.set(itemId, entityId);
    itemsByEntity.set(entityId, itemId);
    itemEntities[itemIndex.get(itemId) as number] = Int32Array.of(ent(entityId));
  }

  const inter = readTsv('ml-100k.inter');
  const userIndex = new Map<string, number>();
  const m = inter.rows.length;
  const user = new Int32Array(m);
  const itemCol = new Int32Array(m);
  inter.rows.forEach((r, k) => {
    let u = userIndex.get(r[0]);
    if (u === undefined) userIndex.set(r[0], (u = userIndex.size));
    user[k] = u;
    itemCol[k] = itemIndex.get(r[1]) as number;
  });
  const userIds = [...userIndex.keys()];
  return {
    dataset: {
      name: 'ml-100k',
      userIds,
      itemIds: items.map((it) => it.id),
      users: userIds.map((id) => ({ id, attributes: {} })),
      items,
      interactions: { user, item: itemCol, rating: new Float32Array(m).fill(1), timestamp: new Float64Array(m) },
      kg: { entityIds, entityNames: entityIds.map(() => null), relationNames, head, relation, tail, derived: new Uint8Array(n) },
      itemEntities,
    },
    triples,
    link,
    itemsByEntity,
  };
}

/** Directors of a film entity according to the file (both relation directions). */
function directorsOf(triples: Loaded['triples'], film: string): Set<string> {
  const out = new Set<string>();
  for (const [h, r, t] of triples) {
    if (r === DIRECTED_BY && h === film) out.add(t);
    if (r === DIRECTOR_FILM && t === film) out.add(h);
  }
  return out;
}

/** Films of a director according to the file. */
function filmsOf(triples: Loaded['triples'], director: string): Set<string> {
  const out = new Set<string>();
  for (const [h, r, t] of triples) {
    if (r === DIRECTED_BY && t === director) out.add(h);
    if (r === DIRECTOR_FILM && h === director) out.add(t);
  }
  return out;
}

describe.skipIf(!present)('KG on the real ml-100k', () => {
  const t0 = performance.now();
  const data = present ? load() : null;
  const t1 = performance.now();
  const kg = data === null ? null : new KgIndex(data.dataset);
  const t2 = performance.now();
  if (data !== null) console.log(`kg-ml-100k: parse ${(t1 - t0).toFixed(0)} ms, KgIndex build ${(t2 - t1).toFixed(0)} ms`);
  const D = (): Loaded => data as Loaded;
  const K = (): KgIndex => kg as KgIndex;
  const item = (id: string): number => K().itemIndex(id) as number;

  it('has the 24 imported relations plus the derived ones', () => {
    const fileRelations = new Set(D().triples.map((t) => t[1]));
    expect(fileRelations.size).toBe(24);
    const plain = new KgIndex(D().dataset, { derive: false });
    expect(plain.relationCount).toBe(24);
    expect(plain.tripleCount).toBe(D().triples.length);
    const st = K().stats();
    expect(st.relations).toBe(24 + 2);
    expect([...st.derivedRelations].sort()).toEqual(['has_genre', 'released_in_decade']);
    // derived triples: one per known genre plus one per 4-digit year, computed from the item rows;
    // every item with such a fact or a link has an entity afterwards
    let expected = 0;
    let withEntity = 0;
    D().dataset.items.forEach((it, i) => {
      const genres = new Set((it.attributes.genres as string[]).filter((g) => g !== 'unknown')).size;
      const year = /^\d{4}$/.test(it.attributes.release_year as string) ? 1 : 0;
      expected += genres + year;
      if (genres + year > 0 || D().dataset.itemEntities[i].length > 0) withEntity++;
    });
    expect(st.derivedTriples).toBe(expected);
    expect(st.triples).toBe(D().triples.length + expected);
    expect(st.itemsWithEntity).toBe(withEntity);
  });

  it('gives Toy Story (item 1) its director from the file', () => {
    const toyEntity = D().link.get('1') as string;
    const fromFile = directorsOf(D().triples, toyEntity);
    expect(fromFile.size).toBeGreaterThan(0);
    const facts = K().itemFacts(item('1'), { relations: [DIRECTED_BY] });
    expect(new Set(facts.map((f) => K().kg.entityIds[f.entity]))).toEqual(fromFile);
    expect(facts.every((f) => f.direction === 'out' && !f.derived)).toBe(true);
    for (const d of fromFile) {
      const label = K().entityLabel(K().entityIndex(d) as number);
      expect(label).not.toMatch(MID);
      // the director is named through one of its films that is an item
      const itemLabels = [...filmsOf(D().triples, d)]
        .map((f) => D().itemsByEntity.get(f))
        .filter((x): x is string => x !== undefined)
        .map((id) => K().itemLabel(item(id)));
      expect(itemLabels.map((l) => `director of ${l}`)).toContain(label);
    }
    expect(K().itemFacts(item('1')).some((f) => f.derived && f.relation === 'has_genre')).toBe(true);
  });

  it("finds exactly the items that share Toy Story's director, as the file says", () => {
    const toyEntity = D().link.get('1') as string;
    const expected = new Set<string>();
    for (const d of directorsOf(D().triples, toyEntity)) {
      for (const f of filmsOf(D().triples, d)) {
        const other = D().itemsByEntity.get(f);
        if (other !== undefined && other !== '1') expected.add(other);
      }
    }
    const got = new Set<string>();
    const rels = [DIRECTED_BY, DIRECTOR_FILM];
    for (const f of K().itemFacts(item('1'), { relations: rels })) {
      for (const n of K().neighbours(f.entity, 1, { relations: rels })) {
        for (const i of K().entityItems(n.entity)) if (K().items[i].id !== '1') got.add(K().items[i].id);
      }
    }
    expect(got).toEqual(expected);
    for (const other of expected) {
      const shared = K().sharedEntities(item('1'), item(other), { relations: rels });
      expect(shared.length).toBeGreaterThan(0);
    }
    console.log(`kg-ml-100k: items sharing Toy Story's director (from the file): ${expected.size}`);
  });

  it('finds a shared director and the 2-hop path for a pair the file says shares one', () => {
    // the first director in file order with two or more linked films
    let pair: [string, string, string] | null = null;
    for (const [h, r, t] of D().triples) {
      if (r !== DIRECTED_BY) continue;
      const items = [...filmsOf(D().triples, t)].map((f) => D().itemsByEntity.get(f)).filter((x): x is string => x !== undefined);
      if (items.length >= 2 && D().itemsByEntity.has(h)) {
        const a = D().itemsByEntity.get(h) as string;
        pair = [a, items.find((x) => x !== a) as string, t];
        break;
      }
    }
    expect(pair).not.toBeNull();
    const [a, b, director] = pair as [string, string, string];
    const shared = K().sharedEntities(item(a), item(b), { relations: [DIRECTED_BY, DIRECTOR_FILM] });
    expect(shared.map((s) => s.id)).toContain(director);
    const s = shared.find((x) => x.id === director);
    expect(s?.viaA.map((v) => `${v.relation}:${v.direction}`)).toContain(`${DIRECTED_BY}:out`);
    expect(s?.label).not.toMatch(MID);
    const ps = K().paths(item(a), item(b), { maxLen: 2 });
    const through = ps.find((p) => p.steps.length === 2 && K().kg.entityIds[p.steps[0].entity] === director);
    expect(through).toBeDefined();
    const text = K().formatPath(through as NonNullable<typeof through>);
    expect(text).toContain('directed by');
    expect(text.split(/ [—←][^—→]*[—→] /).some((part) => MID.test(part))).toBe(false);
    console.log(`kg-ml-100k: ${text}`);
    // all of a length-3 search stays fast
    const t = performance.now();
    const all = K().paths(item(a), item(b), { maxLen: 3, limit: 50 });
    console.log(`kg-ml-100k: paths maxLen 3 → ${all.length} in ${(performance.now() - t).toFixed(1)} ms`);
    expect(all.length).toBeGreaterThan(0);
    expect(all[0].steps.length).toBeLessThanOrEqual(2);
  });

  it('caps the subgraph around item 1', () => {
    const toyEntity = D().link.get('1') as string;
    const oneHop = new Set<string>();
    for (const [h, , t] of D().triples) {
      if (h === toyEntity) oneHop.add(t);
      if (t === toyEntity) oneHop.add(h);
    }
    const genres = (D().dataset.items[item('1')].attributes.genres as string[]).length;
    const g1 = K().subgraph({ item: item('1') }, { hops: 1 });
    expect(g1.totalNeighbours).toBe(oneHop.size + genres + 1); // + the 1990s decade
    const g = K().subgraph({ item: item('1') }, { hops: 2 });
    expect(g.nodes.length).toBeLessThanOrEqual(200);
    expect(g.truncated).toBe(g.totalNeighbours + 1 > 200);
    expect(g.totalNeighbours).toBeGreaterThan(200);
    expect(g.nodes[0]).toMatchObject({ id: toyEntity, kind: 'item', itemId: '1', label: 'Toy Story (1995)' });
    const small = K().subgraph({ item: item('1') }, { hops: 1, cap: 10, relations: [DIRECTED_BY, 'has_genre'] });
    expect(small.nodes.length).toBeLessThanOrEqual(10);
    expect(small.edges.every((e) => e.relation === DIRECTED_BY || e.relation === 'has_genre')).toBe(true);
    const ids = new Set(g.nodes.map((n) => n.id));
    expect(g.edges.every((e) => ids.has(e.source) && ids.has(e.target))).toBe(true);
  });

  it('never labels an entity with a raw MID, and search finds Toy Story', () => {
    const t = performance.now();
    for (let e = 0; e < K().entityCount; e++) expect(MID.test(K().entityLabel(e))).toBe(false);
    console.log(`kg-ml-100k: labelled ${K().entityCount} entities in ${(performance.now() - t).toFixed(0)} ms`);
    const hits = K().searchEntities('toy story', 5);
    expect(hits[0]).toMatchObject({ kind: 'item', itemId: '1', label: 'Toy Story (1995)' });
    expect(K().searchEntities('film-noir', 3)[0]).toMatchObject({ kind: 'entity', id: 'genre:Film-Noir' });
  });
});
