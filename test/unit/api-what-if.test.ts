/**
 * whatIf and judgeExplanation through dispatchApi, on a workspace built so the answer is known:
 * films 2p and 2p+1 share director p; every user liked one pair film and nine solo films (each
 * solo by its own director) and never saw the liked film's partner. For kg-profile the partner's
 * only lift is the shared director, so the liked film is its top contributor and leaving it (or
 * its director tie) out moves the partner down.
 *
 * The what-if model is fitted only when whatIfModel {fit: true} asks, in the what-if worker thread
 * (the real one, from source): before that whatIf refuses with the precondition error, and once
 * it is ready every whatIf re-scores without fitting again (the engine's fit count stays 1).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi, dispatchApi, type ApiImpl, type Label, type Page, type Result, type WhatIfModelStatus, type WhatIfResult } from '../../main/api';
import { Workspace } from '../../main/core/store';
import type { Dataset } from '../../main/core/types';
import { tempFiles } from '../helpers/tiny-workspace';

const PAIRS = 6;
const SOLOS = 24;
const N_ITEMS = 2 * PAIRS + SOLOS;
const N_USERS = 36;
const DIRECTED_BY = 'film.film.directed_by';
const liked = (u: number): number => 2 * (u % PAIRS) + ((u >> 3) % 2);
const partner = (u: number): number => liked(u) ^ 1;
const director = (i: number): number => (i < 2 * PAIRS ? i >> 1 : PAIRS + i - 2 * PAIRS);

function dataset(): Dataset {
  const items = Array.from({ length: N_ITEMS }, (_, i) => ({ id: `f${i}`, title: `Film ${i} (1990)`, text: {}, attributes: {} }));
  const entityIds = [...items.map((it) => `film:${it.id}`), ...Array.from({ length: PAIRS + SOLOS }, (_, d) => `dir:${d}`)];
  const user: number[] = [];
  const item: number[] = [];
  for (let u = 0; u < N_USERS; u++) {
    const mine = [liked(u), ...Array.from({ length: 9 }, (_, j) => 2 * PAIRS + ((u * 5 + j * 7) % SOLOS))];
    for (const i of new Set(mine)) {
      user.push(u);
      item.push(i);
    }
  }
  return {
    name: 'pairs',
    userIds: Array.from({ length: N_USERS }, (_, u) => `u${u}`),
    itemIds: items.map((it) => it.id),
    users: Array.from({ length: N_USERS }, (_, u) => ({ id: `u${u}`, attributes: {} })),
    items,
    interactions: {
      user: Int32Array.from(user),
      item: Int32Array.from(item),
      rating: new Float32Array(user.length).fill(5),
      timestamp: Float64Array.from(user.map((_, k) => 1000 + k)),
    },
    kg: {
      entityIds,
      entityNames: entityIds.map((e) => (e.startsWith('dir:') ? `Director ${e.slice(4)}` : null)),
      relationNames: [DIRECTED_BY],
      head: Int32Array.from(items.map((_, i) => i)),
      relation: new Int32Array(N_ITEMS),
      tail: Int32Array.from(items.map((_, i) => N_ITEMS + director(i))),
      derived: new Uint8Array(N_ITEMS),
    },
    itemEntities: items.map((_, i) => Int32Array.of(i)),
  };
}

const tmp = tempFiles('knowrec-whatif-');
let api: ApiImpl;

beforeAll(() => {
  const path = tmp.fresh();
  const ws = Workspace.create(path);
  ws.importDataset(dataset());
  ws.close();
  api = createApi({ open: (p) => Workspace.open(p), workspacePath: path, appVersion: 't', modelDir: `${path}.model`, whatIf: { model: 'kg-profile', seed: 7 } });
});
afterAll(() => {
  api.close();
  tmp.cleanup();
});

async function call<T>(method: string, input: unknown): Promise<T> {
  const r = (await dispatchApi(api, method, input)).result as Result<T>;
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}

/** Polls whatIfModel until the fit ends; returns the last status. */
async function untilFitted(): Promise<WhatIfModelStatus> {
  for (;;) {
    const s = await call<WhatIfModelStatus>('whatIfModel', {});
    if (s.state !== 'fitting') return s;
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('whatIf needs a fitted what-if model and never fits', () => {
  it('refuses before the fit and while fitting; after the fit answers without a second fit', async () => {
    const before = await call<WhatIfModelStatus>('whatIfModel', {});
    expect(before).toMatchObject({ state: 'none', model: 'kg-profile', seed: 7, fits: 0, info: null });
    const refused = (await dispatchApi(api, 'whatIf', { user: 'u0', k: 3 })).result;
    expect(refused.ok).toBe(false);
    if (!refused.ok) {
      expect(refused.error.code).toBe('not-found');
      expect(refused.error.message).toContain('no what-if model (kg-profile) is fitted');
      expect(refused.error.hint).toContain('fit it first');
    }
    // asking does not start a fit
    expect((await call<WhatIfModelStatus>('whatIfModel', {})).fits).toBe(0);
    const started = await call<WhatIfModelStatus>('whatIfModel', { fit: true });
    expect(started).toMatchObject({ state: 'fitting', fits: 1 });
    const early = (await dispatchApi(api, 'whatIf', { user: 'u0', k: 3 })).result;
    expect(early.ok === false && early.error.message).toContain('is still being fitted');
    const done = await untilFitted();
    expect(done).toMatchObject({ state: 'ready', fits: 1, error: null });
    expect(done.info).toMatchObject({ name: 'kg-profile', seed: 7, tuned: false });
    // a second fit request while ready starts nothing
    expect((await call<WhatIfModelStatus>('whatIfModel', { fit: true })).fits).toBe(1);
    for (let u = 0; u < 6; u++) {
      const r = await call<WhatIfResult>('whatIf', { user: `u${u}`, k: 3, withoutHistory: [`f${liked(u)}`] });
      expect(r.model).toEqual(done.info);
    }
    const after = await call<WhatIfModelStatus>('whatIfModel', {});
    expect(after).toMatchObject({ state: 'ready', fits: 1, info: done.info });
  });
});

describe('whatIf', () => {
  beforeAll(async () => {
    await call<WhatIfModelStatus>('whatIfModel', { fit: true });
    expect((await untilFitted()).state).toBe('ready');
  });

  it('leaving the liked film, or its director tie, out moves the partner down; nothing left out changes nothing', async () => {
    let checked = 0;
    for (let u = 0; u < N_USERS && checked < 4; u++) {
      const ask = (extra: object) => call<WhatIfResult>('whatIf', { user: `u${u}`, k: 5, item: `f${partner(u)}`, ...extra });
      const base = await ask({});
      expect(base.model).toMatchObject({ name: 'kg-profile', seed: 7, tuned: false });
      for (const x of [...base.items, base.target]) expect(x?.rankAfter).toBe(x?.rankBefore);
      // the split may have put the liked film outside the training history: then it cannot drive the score
      if (base.history[0]?.item !== `f${liked(u)}`) continue;
      checked++;
      expect(base.history[0].share).toBe(1);
      expect(base.ties).toEqual([
        { item: `f${liked(u)}`, itemTitle: `Film ${liked(u)} (1990)`, relation: DIRECTED_BY, entity: `dir:${liked(u) >> 1}`, entityLabel: `Director ${liked(u) >> 1}`, removed: false },
      ]);
      const byItem = await ask({ withoutHistory: [`f${liked(u)}`] });
      expect(byItem.target?.rankBefore).toBe(base.target?.rankBefore);
      expect(byItem.target?.rankAfter).toBeGreaterThan(byItem.target?.rankBefore ?? Infinity);
      expect(byItem.history[0]).toMatchObject({ item: `f${liked(u)}`, removed: true });
      const tie = { item: `f${liked(u)}`, relation: DIRECTED_BY, entity: `dir:${liked(u) >> 1}` };
      const byTie = await ask({ withoutFacts: [tie] });
      // the liked film reaches only its director: dropping the tie is dropping the film, for kg-profile
      expect(byTie.target?.rankAfter).toBe(byItem.target?.rankAfter);
      expect(byTie.ties[0].removed).toBe(true);
      expect(byTie.ignored).toEqual({ history: [], facts: [] });
    }
    expect(checked).toBe(4);
  });

  it('names what the training history does not hold, and refuses unknown ids', async () => {
    const r = await call<WhatIfResult>('whatIf', { user: 'u0', k: 3, withoutHistory: [`f${partner(0)}`], withoutFacts: [{ item: `f${partner(0)}`, relation: DIRECTED_BY, entity: 'dir:0' }] });
    expect(r.ignored).toEqual({ history: [`f${partner(0)}`], facts: [{ item: `f${partner(0)}`, relation: DIRECTED_BY, entity: 'dir:0' }] });
    expect(r.target).toBeNull();
    expect(r.items).toHaveLength(3);
    for (const x of r.items) expect(x.rankAfter).toBe(x.rankBefore);
    const bad = (await dispatchApi(api, 'whatIf', { user: 'u0', k: 3, withoutFacts: [{ item: 'f0', relation: DIRECTED_BY, entity: 'nope' }] })).result;
    expect(bad.ok === false && bad.error.code).toBe('not-found');
    const invalid = (await dispatchApi(api, 'whatIf', { user: 'u0', k: 0 })).result;
    expect(invalid.ok === false && invalid.error.message).toContain('k must be at least 1');
  });
});

describe('judgeExplanation', () => {
  it('stores the verdict as an explanation label with its provenance, listed by kind', async () => {
    const ties = [{ item: 'f0', relation: DIRECTED_BY, entity: 'dir:0' }];
    const label = await call<Label>('judgeExplanation', { user: 'u0', item: 'f1', verdict: 'accept', history: ['f0'], facts: ['Film 0 —directed by→ Director 0'], ties, reason: 'same director' });
    expect(label).toMatchObject({ kind: 'explanation', user: 'u0', item: 'f1', value: 1, provenance: { history: ['f0'], facts: ['Film 0 —directed by→ Director 0'], ties, reason: 'same director' } });
    await call<Label>('judgeExplanation', { user: 'u1', item: 'f0', verdict: 'reject', history: [], facts: [] });
    const page = await call<Page<Label>>('listLabels', { offset: 0, limit: 10, kind: 'explanation' });
    expect(page.rows.map((l) => [l.user, l.item, l.value])).toEqual([
      ['u1', 'f0', 0],
      ['u0', 'f1', 1],
    ]);
    const relevance = await call<Page<Label>>('listLabels', { offset: 0, limit: 10, kind: 'relevance' });
    expect(relevance.total).toBe(0);
  });
});

describe('the what-if model and the workspace data', () => {
  it('a KG edit drops the fitted model (its worker stops): whatIf refuses again until the next fit', async () => {
    await call<WhatIfModelStatus>('whatIfModel', { fit: true });
    expect((await untilFitted()).state).toBe('ready');
    await call<unknown>('kgAddFact', { head: { item: 'f0' }, relation: DIRECTED_BY, tail: { entity: 'dir:1' } });
    expect(await call<WhatIfModelStatus>('whatIfModel', {})).toMatchObject({ state: 'none', fits: 0, info: null });
    const refused = (await dispatchApi(api, 'whatIf', { user: 'u0', k: 3 })).result;
    expect(refused.ok === false && refused.error.message).toContain('no what-if model (kg-profile) is fitted');
  });
});
