import { describe, expect, it } from 'vitest';
import { KnowrecError } from '../../main/core/errors';
import { buildFitContext } from '../../main/core/models/context';
import { KgProfileScorer, type KgProfileOptions } from '../../main/core/models/kg-profile';
import type { Dataset, FitContext, Interactions } from '../../main/core/types';

/** A fact of an item: the relation and the other entity's id; `inverse` stores it as (entity, relation, item). */
type Fact = readonly [relation: string, entity: string, inverse?: 'inverse'];

interface TinySpec {
  readonly items: readonly { readonly id: string; readonly title?: string; readonly facts: readonly Fact[] }[];
  readonly users: readonly string[];
  /** (user id, item id, rating, timestamp). */
  readonly inter: readonly (readonly [string, string, number, number?])[];
}

/** A dataset whose items each link to one entity `film:<id>` with the given facts as KG triples. */
function tinyDataset(spec: TinySpec): Dataset {
  const entityIds: string[] = [];
  const entityNames: (string | null)[] = [];
  const index = new Map<string, number>();
  const entity = (id: string, name: string | null): number => {
    let e = index.get(id);
    if (e === undefined) {
      e = entityIds.length;
      index.set(id, e);
      entityIds.push(id);
      entityNames.push(name);
    }
    return e;
  };
  const relationNames: string[] = [];
  const relation = (name: string): number => {
    let r = relationNames.indexOf(name);
    if (r < 0) r = relationNames.push(name) - 1;
    return r;
  };
  const head: number[] = [];
  const rel: number[] = [];
  const tail: number[] = [];
  const itemEntities = spec.items.map((it) => {
    const own = entity(`film:${it.id}`, it.title ?? `Film ${it.id}`);
    for (const [r, other, inverse] of it.facts) {
      const o = entity(other, null); // named by its readable id
      head.push(inverse === undefined ? own : o);
      rel.push(relation(r));
      tail.push(inverse === undefined ? o : own);
    }
    return Int32Array.of(own);
  });
  const userIndex = new Map(spec.users.map((u, i) => [u, i]));
  const itemIndex = new Map(spec.items.map((it, i) => [it.id, i]));
  const interactions: Interactions = {
    user: Int32Array.from(spec.inter, ([u]) => userIndex.get(u) as number),
    item: Int32Array.from(spec.inter, ([, i]) => itemIndex.get(i) as number),
    rating: Float32Array.from(spec.inter, ([, , r]) => r),
    timestamp: Float64Array.from(spec.inter, ([, , , t]) => t ?? 0),
  };
  return {
    name: 'tiny',
    userIds: [...spec.users],
    itemIds: spec.items.map((it) => it.id),
    users: spec.users.map((id) => ({ id, attributes: {} })),
    items: spec.items.map((it) => ({ id: it.id, title: it.title ?? `Film ${it.id}`, text: {}, attributes: {} })),
    interactions,
    kg: {
      entityIds,
      entityNames,
      relationNames,
      head: Int32Array.from(head),
      relation: Int32Array.from(rel),
      tail: Int32Array.from(tail),
      derived: new Uint8Array(head.length),
    },
    itemEntities,
  };
}

function contextOf(ds: Dataset): FitContext {
  return buildFitContext({ nUsers: ds.userIds.length, nItems: ds.itemIds.length, train: ds.interactions, dataset: ds, seed: 1 });
}

/** Best unseen item of `user` by score. */
function topUnseen(scores: Float32Array, seen: readonly number[]): number {
  let best = -1;
  for (let i = 0; i < scores.length; i++) {
    if (seen.includes(i)) continue;
    if (best < 0 || scores[i] > scores[best]) best = i;
  }
  return best;
}

// ---------------------------------------------------------------- worked example

const ATTR = 'has_attribute';
const shop = tinyDataset({
  items: [
    { id: '1', facts: [[ATTR, '高价'], [ATTR, '科技']] },
    { id: '3', facts: [[ATTR, '低价'], [ATTR, '时尚'], [ATTR, '原创']] },
    { id: '4', facts: [[ATTR, '高价'], [ATTR, '时尚'], [ATTR, '原创']] },
    { id: '5', facts: [[ATTR, '低价'], [ATTR, '食品']] },
    { id: '6', facts: [[ATTR, '中价'], [ATTR, '运动']] },
  ],
  users: ['buyer'],
  inter: [
    ['buyer', '1', 5],
    ['buyer', '3', 4],
  ],
});
const ITEM = { '1': 0, '3': 1, '4': 2, '5': 3, '6': 4 } as const;

const FORMS: readonly KgProfileOptions[] = [
  {},
  { score: 'neg-kl' },
  { backgroundWeight: 0 },
  { alpha: 1, backgroundWeight: 2 },
  { missing: 'skip' },
  { normalize: 'per-fact' },
  { ratingWeight: 'centered' },
  { ratingWeight: 'binary', alpha: 100 },
];

describe('kg-profile: worked example (shop with attribute entities)', () => {
  for (const opts of FORMS) {
    it(`ranks item 4 first among unseen items with ${JSON.stringify(opts)}`, async () => {
      const m = new KgProfileScorer({ ...opts, kgOptions: { derive: false } });
      await m.fit(contextOf(shop));
      const s = m.score(0);
      expect(s).toHaveLength(5);
      expect(topUnseen(s, [ITEM['1'], ITEM['3']])).toBe(ITEM['4']);
      // item 5 shares one entity (低价) with the history, item 6 none
      expect(s[ITEM['5']]).toBeGreaterThan(s[ITEM['6']]);
    });
  }

  it('explains item 4 by 时尚 and 原创 via item 3 and 高价 via item 1', async () => {
    const m = new KgProfileScorer({ kgOptions: { derive: false } });
    await m.fit(contextOf(shop));
    const terms = m.explain(0, ITEM['4']);
    expect(terms.map((t) => t.label).sort()).toEqual(['原创', '时尚', '高价'].sort());
    const by = new Map(terms.map((t) => [t.label, t]));
    expect(by.get('时尚')?.viaItems.map((v) => v.itemId)).toEqual(['3']);
    expect(by.get('原创')?.viaItems.map((v) => v.itemId)).toEqual(['3']);
    expect(by.get('高价')?.viaItems.map((v) => v.itemId)).toEqual(['1']);
    for (const t of terms) {
      expect(t.kind).toBe('entity');
      expect(t.relation).toBe(ATTR);
      expect(t.itemMass).toBeCloseTo(1 / 3, 12);
      expect(t.userMass).toBeGreaterThan(0);
      expect(t.userMass).toBeLessThan(1);
      expect(t.lift).toBeGreaterThan(0); // the buyer holds each of them more than the background
      expect(t.viaItems[0].label).toBe(`Film ${t.viaItems[0].itemId}`);
    }
    // sorted by lift, and the terms add up to the score
    for (let k = 1; k < terms.length; k++) expect(terms[k - 1].lift).toBeGreaterThanOrEqual(terms[k].lift);
    const sum = terms.reduce((a, t) => a + t.term, 0);
    expect(sum).toBeCloseTo(m.score(0)[ITEM['4']], 4);
  });

  it('gives the user profile the rating-weighted mixture of the history', async () => {
    // linear rating weight: item 1 weighs 5/5, item 3 weighs 4/5; each spreads 1 over its entities
    const m = new KgProfileScorer({ kgOptions: { derive: false } });
    await m.fit(contextOf(shop));
    const share = new Map(m.explain(0, ITEM['4']).map((t) => [t.label, t.userShare]));
    const total = 1 + 0.8;
    expect(share.get('高价')).toBeCloseTo(0.5 / total, 10);
    expect(share.get('时尚')).toBeCloseTo(0.8 / 3 / total, 10);
    expect(share.get('原创')).toBeCloseTo(0.8 / 3 / total, 10);
  });
});

// ---------------------------------------------------------------- one shared director

const DIRECTED_BY = 'film.film.directed_by';
const DIRECTOR_FILM = 'film.director.film';
const GENRE = 'film.film.genre';

/** Item with a director (both directions, as in Freebase) and genres. */
function film(id: string, director: string | null, genres: readonly string[]): TinySpec['items'][number] {
  const facts: Fact[] = genres.map((g) => [GENRE, g] as const);
  if (director !== null) facts.push([DIRECTED_BY, director], [DIRECTOR_FILM, director, 'inverse']);
  return { id, title: `Film ${id}`, facts };
}

const cinema = tinyDataset({
  items: [
    film('A', 'dir:Ang', ['Comedy']), // the history of user "fan"
    film('B', 'dir:Ang', ['Comedy']), // shares the director (and the genre)
    film('C', 'dir:Bo', ['Comedy']),
    film('D', 'dir:Cy', ['Comedy']),
    film('E', 'dir:Di', ['Comedy', 'Drama']),
    film('F', null, ['Drama']), // no director
    { id: 'G', title: 'Film G', facts: [] }, // no facts at all
    film('H', 'dir:Bo', ['Drama']),
  ],
  users: ['fan', 'other', 'third', 'newbie'],
  inter: [
    ['fan', 'A', 5, 1000],
    ['other', 'C', 4, 1000],
    ['other', 'D', 3, 2000],
    ['other', 'F', 5, 3000],
    ['third', 'E', 2, 1000],
    ['third', 'H', 4, 2000],
    ['third', 'C', 1, 3000],
  ],
});
const [A, B, C, D, E, F, G, H] = [0, 1, 2, 3, 4, 5, 6, 7];

/**
 * Every film is a Comedy with one director; each director's films were watched equally often,
 * so nothing but the shared director tells the candidates apart.
 */
const directors = tinyDataset({
  items: [film('A', 'dir:Ang', ['Comedy']), film('B', 'dir:Ang', ['Comedy']), film('C', 'dir:Bo', ['Comedy']), film('D', 'dir:Cy', ['Comedy']), film('E', 'dir:Di', ['Comedy'])],
  users: ['fan', 'other'],
  inter: [
    ['fan', 'A', 5],
    ['other', 'C', 5],
    ['other', 'D', 5],
    ['other', 'E', 5],
  ],
});

describe('kg-profile: a KG where only one candidate shares a director', () => {
  for (const opts of FORMS) {
    it(`ranks that candidate first with ${JSON.stringify(opts)}`, async () => {
      const m = new KgProfileScorer(opts);
      await m.fit(contextOf(directors));
      const s = m.score(0);
      expect(topUnseen(s, [0])).toBe(1);
      // the other candidates are interchangeable
      expect(s[2]).toBeCloseTo(s[3], 5);
      expect(s[3]).toBeCloseTo(s[4], 5);
      expect(s[1] - s[2]).toBeGreaterThan(1e-3);
    });
  }

  it('puts forward/inverse relations in one family and names the director through the shared film', async () => {
    const m = new KgProfileScorer();
    await m.fit(contextOf(cinema));
    const fams = m.families();
    const director = fams.find((f) => f.relations.includes(DIRECTED_BY));
    expect(director?.relations.slice().sort()).toEqual([DIRECTED_BY, DIRECTOR_FILM].sort());
    expect(director?.name).toBe(DIRECTED_BY); // read from the film's side
    expect(director?.slots).toBe(6); // one director slot per film with a director
    expect(fams.find((f) => f.relations.includes(GENRE))?.relations).toEqual([GENRE]);

    const terms = m.explain(0, B);
    const top = terms[0];
    expect(top.kind).toBe('entity');
    expect(top.entityId).toBe('dir:Ang');
    expect(top.label).toBe('Ang'); // readable id, never a raw MID
    expect(top.relation).toBe(DIRECTED_BY);
    expect(top.relationLabel).toBe('directed by');
    expect(top.viaItems).toEqual([{ item: A, itemId: 'A', label: 'Film A' }]);
  });

  it('keeps the scorer\'s params readable and the families\' weights in them', async () => {
    const m = new KgProfileScorer({ relationWeights: { [DIRECTOR_FILM]: 3 } });
    await m.fit(contextOf(cinema));
    const p = m.params();
    expect(p[`w:${DIRECTED_BY}`]).toBe(3); // a weight applies to the whole family
    expect(p[`w:${GENRE}`]).toBe(1);
    expect(p.tuned).toBe(false);
    expect(p.score).toBe('cross-entropy');
  });
});

// ---------------------------------------------------------------- terms and scores

describe('kg-profile: explanation terms add up to the score', () => {
  for (const opts of FORMS) {
    it(`for every user and item with facts, ${JSON.stringify(opts)}`, async () => {
      const m = new KgProfileScorer(opts);
      await m.fit(contextOf(cinema));
      for (let u = 0; u < cinema.userIds.length; u++) {
        const s = m.score(u);
        for (let i = 0; i < cinema.itemIds.length; i++) {
          const terms = m.explain(u, i);
          if (i === G) {
            expect(terms).toEqual([]);
            continue;
          }
          expect(terms.length).toBeGreaterThan(0);
          const sum = terms.reduce((a, t) => a + t.term, 0);
          expect(Math.abs(sum - s[i])).toBeLessThan(1e-4 * Math.max(1, Math.abs(s[i])));
          const massSum = terms.reduce((a, t) => a + t.itemMass, 0);
          expect(massSum).toBeCloseTo(1, 10); // q_i (with filled families) is a distribution
        }
      }
    });
  }

  it('fills a family the item lacks with an "average" term (missing: average)', async () => {
    const m = new KgProfileScorer();
    await m.fit(contextOf(cinema));
    const terms = m.explain(0, F); // F has no director
    const avg = terms.filter((t) => t.kind === 'average');
    expect(avg).toHaveLength(1);
    expect(avg[0].entity).toBe(-1);
    expect(avg[0].family).toBe(DIRECTED_BY);
    expect(avg[0].itemMass).toBeCloseTo(0.5, 12); // two families of weight 1
    expect(avg[0].viaItems).toEqual([]);
    const skip = new KgProfileScorer({ missing: 'skip' });
    await skip.fit(contextOf(cinema));
    expect(skip.explain(0, F).every((t) => t.kind === 'entity')).toBe(true);
  });
});

describe('kg-profile: items without facts and edge cases', () => {
  for (const opts of FORMS) {
    it(`scores an item without facts finite and below every item with facts, ${JSON.stringify(opts)}`, async () => {
      const m = new KgProfileScorer(opts);
      await m.fit(contextOf(cinema));
      for (let u = 0; u < cinema.userIds.length; u++) {
        const s = m.score(u);
        for (const v of s) expect(Number.isFinite(v)).toBe(true);
        for (let i = 0; i < s.length; i++) if (i !== G) expect(s[G]).toBeLessThan(s[i]);
      }
    });
  }

  it('scores a user without history by the background alone (same ranking as the pooled profile)', async () => {
    const m = new KgProfileScorer();
    await m.fit(contextOf(cinema));
    const s = m.score(3); // "newbie" has no interactions
    for (const v of s) expect(Number.isFinite(v)).toBe(true);
    // no profile: every lift term is log(α/(0+α)) = 0, so the score is the background cross-entropy
    for (const t of m.explain(3, B)) expect(t.lift).toBeCloseTo(0, 12);
  });

  it('scores a subset of items exactly as the full vector, on both code paths', async () => {
    const m = new KgProfileScorer({ score: 'neg-kl' });
    await m.fit(contextOf(cinema));
    const full = m.score(1);
    const one = m.score(1, Int32Array.of(E)); // few items: per-item path
    expect(one[0]).toBeCloseTo(full[E], 5);
    const many = Int32Array.of(H, G, F, E, D, C, B, A); // many items: all-items path
    const sub = m.score(1, many);
    for (let j = 0; j < many.length; j++) expect(sub[j]).toBeCloseTo(full[many[j]], 5);
    expect(() => m.score(1, Int32Array.of(99))).toThrow(KnowrecError);
  });

  it('drops a family with weight 0 and treats items left without facts as factless', async () => {
    const m = new KgProfileScorer({ relationWeights: { [GENRE]: 0 } });
    await m.fit(contextOf(cinema));
    expect(m.explain(0, F)).toEqual([]); // F only has a genre
    const s = m.score(0);
    expect(s[F]).toBe(s[G]);
    expect(m.families().find((f) => f.name === GENRE)?.slots).toBe(0);
  });

  it('weights recent history more with a recency time constant', async () => {
    const ds = tinyDataset({
      items: [film('old', 'dir:X', []), film('new', 'dir:Y', []), film('x2', 'dir:X', []), film('y2', 'dir:Y', [])],
      users: ['u'],
      inter: [
        ['u', 'old', 5, 1_000_000],
        ['u', 'new', 5, 1_000_000 + 90 * 86_400],
      ],
    });
    const flat = new KgProfileScorer();
    await flat.fit(contextOf(ds));
    const f = flat.score(0);
    expect(f[2]).toBeCloseTo(f[3], 6); // equal without recency
    const recent = new KgProfileScorer({ recencyDays: 30 });
    await recent.fit(contextOf(ds));
    const r = recent.score(0);
    expect(r[3]).toBeGreaterThan(r[2]); // the director of the recent film wins
  });
});

// ---------------------------------------------------------------- tuning and errors

describe('kg-profile: tuning on a validation callback', () => {
  it('keeps only improvements and leaves the scorer in its best state', async () => {
    // validation metric: how far "fan" ranks H (a Drama by Bo) above B (Ang's Comedy)
    const margin = (s: { score(u: number, items?: Int32Array): Float32Array }): number => {
      const v = s.score(0, Int32Array.of(H, B));
      return v[0] - v[1];
    };
    const calls: number[] = [];
    const m = new KgProfileScorer({
      validate: (s) => {
        const v = margin(s);
        calls.push(v);
        return v;
      },
      weightGrid: [0, 1, 3],
      alphaGrid: [1, 10],
    });
    const progress: number[] = [];
    const ctx = { ...contextOf(cinema), onProgress: (p: { fraction?: number }) => progress.push(p.fraction ?? -1) };
    await m.fit(ctx);
    const log = m.tuningLog();
    expect(log.length).toBe(calls.length);
    expect(log[0].knob).toBe('initial');
    const best = Math.max(...calls);
    expect(m.params().valid).toBe(best);
    expect(m.params().tuned).toBe(true);
    expect(margin(m)).toBeCloseTo(best, 6); // the kept state is the best one seen
    expect(best).toBeGreaterThanOrEqual(calls[0]);
    // each kept step improved on everything before it
    let running = log[0].valid;
    for (const step of log.slice(1)) {
      if (step.kept) {
        expect(step.valid).toBeGreaterThan(running);
        running = step.valid;
      } else {
        expect(step.valid).toBeLessThanOrEqual(running + 1e-9);
      }
    }
    expect(progress[progress.length - 1]).toBe(1);
  });

  it('never tunes options that were given, nor knobs left out of tuneKnobs', async () => {
    const seen = new Set<string>();
    const m = new KgProfileScorer({
      alpha: 7,
      relationWeights: { [GENRE]: 2 },
      tuneKnobs: ['alpha', 'relationWeights', 'score'],
      validate: (s) => {
        seen.add(JSON.stringify([s.params().alpha, s.params()[`w:${GENRE}`], s.params().backgroundWeight]));
        return 0;
      },
    });
    await m.fit(contextOf(cinema));
    for (const key of seen) {
      const [alpha, genre, beta] = JSON.parse(key) as [number, number, number];
      expect(alpha).toBe(7);
      expect(genre).toBe(2);
      expect(beta).toBe(1);
    }
    const knobs = new Set(m.tuningLog().map((l) => l.knob));
    expect(knobs).toEqual(new Set(['initial', 'score', `w:${DIRECTED_BY}`]));
  });

  it('stops on cancel', async () => {
    const ac = new AbortController();
    const m = new KgProfileScorer({
      validate: () => {
        ac.abort();
        return 0;
      },
    });
    await expect(m.fit({ ...contextOf(cinema), signal: ac.signal })).rejects.toMatchObject({ code: 'cancelled' });
  });
});

describe('kg-profile: errors', () => {
  it('rejects bad options with a config error', () => {
    const bad: KgProfileOptions[] = [
      { alpha: 0 },
      { alpha: Number.NaN },
      { catalogShare: 0 },
      { recencyDays: -1 },
      { backgroundWeight: -1 },
      { weightGrid: [] },
      { tuneRounds: 0 },
      { relationWeights: { x: -1 } },
      { score: 'kl' as unknown as 'neg-kl' },
      { tuneKnobs: ['nope' as unknown as 'alpha'] },
    ];
    for (const o of bad) {
      expect(() => new KgProfileScorer(o), JSON.stringify(o)).toThrow(KnowrecError);
      try {
        new KgProfileScorer(o);
      } catch (e) {
        expect((e as KnowrecError).code).toBe('config');
      }
    }
  });

  it('rejects an unknown relation name at fit', async () => {
    const m = new KgProfileScorer({ relationWeights: { 'film.film.nope': 2 } });
    await expect(m.fit(contextOf(cinema))).rejects.toMatchObject({ code: 'config' });
  });

  it('refuses to score before fit and checks user indices', async () => {
    const m = new KgProfileScorer();
    expect(() => m.score(0)).toThrow(/before fit/);
    await m.fit(contextOf(cinema));
    expect(() => m.score(4)).toThrow(KnowrecError);
    expect(() => m.explain(0, -1)).toThrow(KnowrecError);
  });
});

describe('kg-profile: history attribution', () => {
  it('splits the positive lifts over the history items holding the entities', async () => {
    const m = new KgProfileScorer({ kgOptions: { derive: false } });
    await m.fit(contextOf(cinema));
    // "other" holds C (by Bo, 4 stars), D (3 stars) and F (Drama, 5 stars); H is a Drama by Bo
    const other = 1;
    const parts = m.attribute(other, H);
    expect(parts.map((p) => p.item).sort()).toEqual([C, F].sort());
    for (const p of parts) expect(p.weight).toBeGreaterThan(0);
    const lifts = m.explain(other, H).filter((t) => t.kind === 'entity' && t.lift > 0).reduce((a, t) => a + t.lift, 0);
    expect(parts.reduce((a, p) => a + p.weight, 0)).toBeCloseTo(lifts, 5);
    // "fan" holds only A, which shares B's director and genre: A carries all of it
    const fan = m.attribute(0, B);
    expect(fan.map((p) => p.item)).toEqual([A]);
    // nothing in fan's history ties to H
    expect(m.attribute(0, H)).toEqual([]);
    // without A, fan's profile is empty: B (Ang's) loses what it had over C (Bo's)
    const full = m.score(0);
    const without = m.scoreWithout(0, new Set([A]));
    expect(full[B] - full[C]).toBeGreaterThan(without[B] - without[C] + 1e-3);
    // and an empty profile scores as the empty-history user does
    const newbie = m.score(3);
    for (const i of [B, C, D, H]) expect(without[i]).toBeCloseTo(newbie[i], 5);
    expect(Array.from(m.scoreWithout(0, new Set()))).toEqual(Array.from(full));
  });
});
