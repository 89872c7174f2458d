import { describe, expect, it } from 'vitest';
import { KnowrecError } from '../../main/core/errors';
import {
  estimateTokens,
  itemSentence,
  itemTexts,
  readableTitle,
  userSentence,
  type FactSource,
  type TextFact,
  type UserHistory,
} from '../../main/core/text';
import type { Dataset, ItemRecord } from '../../main/core/types';

/** Tiny catalog: titles, genres and years are known by construction. */
function item(id: string, title: string, genres: string[], year?: string, extra: Record<string, string | number | string[]> = {}): ItemRecord {
  return { id, title, text: {}, attributes: { genres, ...(year !== undefined ? { release_year: year } : {}), ...extra } };
}

function dataset(items: ItemRecord[], ratings: number[] = [1, 2, 3, 4, 5]): Dataset {
  return {
    name: 'tiny',
    userIds: ['u0', 'u1'],
    itemIds: items.map((i) => i.id),
    users: [
      { id: 'u0', attributes: {} },
      { id: 'u1', attributes: {} },
    ],
    items,
    interactions: {
      user: new Int32Array(ratings.length),
      item: new Int32Array(ratings.length),
      rating: Float32Array.from(ratings),
      timestamp: new Float64Array(ratings.length),
    },
    kg: { entityIds: [], entityNames: [], relationNames: [], head: new Int32Array(0), relation: new Int32Array(0), tail: new Int32Array(0), derived: new Uint8Array(0) },
    itemEntities: items.map(() => new Int32Array(0)),
  };
}

const CATALOG = [
  item('1', 'Toy Story (1995)', ['Animation', "Children's", 'Comedy'], '1995'),
  item('2', 'Fargo (1996)', ['Crime', 'Drama', 'Thriller'], '1996'),
  item('3', "A Bug's Life (1998)", ['Animation', 'Comedy'], '1998'),
  item('4', 'Heat (1995)', ['Action', 'Crime'], '1995'),
  item('5', 'Sting, The (1973)', ['Comedy', 'unknown'], '1973'),
  item('6', 'Untitled', [], '2001'),
];
const DS = dataset(CATALOG);

function factsOf(map: Record<number, TextFact[]>): FactSource {
  return { itemFacts: (i) => map[i] ?? [] };
}

const TOY_FACTS = factsOf({
  0: [
    { relation: 'film.film.directed_by', entityLabel: 'John Lasseter' },
    { relation: 'film.film.actor', entityLabel: 'Tom Hanks', weight: 3 },
    { relation: 'film.film.actor', entityLabel: 'Tim Allen', weight: 2 },
    { relation: 'film.film.actor', entityLabel: 'Don Rickles', weight: 1 },
    { relation: 'film.film.actor', entityLabel: 'Jim Varney', weight: 0.5 },
    { relation: 'film.film.actor', entityLabel: 'Wallace Shawn', weight: 0.1 },
    { relation: 'film.film.language', entityLabel: 'English' },
    { relation: 'film.film.sequel', entityLabel: 'Toy Story 2 (1999)' },
  ],
});

describe('itemSentence (en)', () => {
  it('joins title, genres, decade and KG facts in order', () => {
    const r = itemSentence(DS, 0, { lang: 'en', facts: TOY_FACTS });
    expect(r.text).toBe(
      "Toy Story (1995). Animation, Children's, Comedy. Released in the 1990s. Directed by John Lasseter. " +
        'Starring Tom Hanks, Tim Allen, Don Rickles. Also starring Jim Varney, Wallace Shawn. Language: English. ' +
        'Followed by Toy Story 2 (1999).',
    );
    expect(r.parts.map((p) => p.kind)).toEqual([
      'title',
      'genres',
      'year',
      'fact:director',
      'fact:actor',
      'fact:actor-extra',
      'fact:language',
      'fact:generic',
    ]);
    expect(r.parts.every((p) => p.kept)).toBe(true);
    expect(r.tokens).toBe(estimateTokens(r.text));
    expect(r.overBudget).toBe(false);
  });

  it('prints the year itself when the title lacks it, and reads flipped titles naturally', () => {
    expect(itemSentence(DS, 5).text).toBe('Untitled. Released in 2001.');
    expect(itemSentence(DS, 4).text).toBe('The Sting (1973). Comedy. Released in the 1970s.');
    expect(itemSentence(DS, 4, { rawTitles: true }).text).toBe('Sting, The (1973). Comedy. Released in the 1970s.');
    expect(readableTitle('Postino, Il (1994)')).toBe('Il Postino (1994)');
    expect(readableTitle('Sex, Lies, and Videotape (1989)')).toBe('Sex, Lies, and Videotape (1989)');
  });

  it('orders facts of one relation by weight, then input order, and caps them', () => {
    const facts = factsOf({
      1: [
        { relation: 'film.film.written_by', entityLabel: 'Ethan Coen' },
        { relation: 'film.film.written_by', entityLabel: 'Joel Coen', weight: 5 },
        { relation: 'film.film.written_by', entityLabel: 'Ethan Coen' },
        { relation: 'film.film.written_by', entityLabel: 'Someone Else' },
        { relation: 'film.film.written_by', entityLabel: 'Fourth Writer' },
      ],
    });
    const r = itemSentence(DS, 1, { facts });
    expect(r.text).toBe('Fargo (1996). Crime, Drama, Thriller. Released in the 1990s. Written by Joel Coen, Ethan Coen, Someone Else.');
  });

  it('names shared entities through other items and skips KG genres already in the catalog', () => {
    const facts = factsOf({
      2: [
        { relation: 'film.film.directed_by', entityLabel: null, sharedWith: ['Toy Story (1995)', "A Bug's Life (1998)"] },
        { relation: 'film.film.genre', entityLabel: 'Comedy' },
        { relation: 'film.film.genre', entityLabel: 'Family' },
      ],
    });
    const r = itemSentence(DS, 2, { facts });
    expect(r.text).toBe("A Bug's Life (1998). Animation, Comedy. Released in the 1990s. Same director as Toy Story (1995). Genre: Family.");
  });

  it('uses the inverse phrase for facts pointing at the item', () => {
    const facts = factsOf({ 3: [{ relation: 'film.film.sequel', entityLabel: 'Heat 0 (1990)', direction: 'in' }] });
    expect(itemSentence(DS, 3, { facts }).text).toBe('Heat (1995). Action, Crime. Released in the 1990s. Preceded by Heat 0 (1990).');
    const unknown = factsOf({ 3: [{ relation: 'film.film.music_supervisor', entityLabel: 'Jane Doe' }] });
    expect(itemSentence(DS, 3, { facts: unknown }).text).toBe('Heat (1995). Action, Crime. Released in the 1990s. Music supervisor: Jane Doe.');
  });

  it('prints other catalog attributes but not ids or links', () => {
    const ds = dataset([item('9', 'Box (2000)', ['Drama'], '2000', { studio: 'Acme', item_id: '77', url: 'http://x.y/z', language_list: ['en', 'fr'] })]);
    expect(itemSentence(ds, 0).text).toBe('Box (2000). Drama. Released in the 2000s. Studio: Acme. Language list: en, fr.');
  });

  it('throws a KnowrecError for an item out of range', () => {
    expect(() => itemSentence(DS, 99)).toThrow(KnowrecError);
  });
});

describe('itemSentence (zh)', () => {
  // the fixture's items are films (their facts come from TOY_FACTS, not the dataset's KG), so say so: domain 'works'
  it('uses Chinese phrases, 、 between list entries and 。 after each sentence', () => {
    const r = itemSentence(DS, 0, { lang: 'zh', domain: 'works', facts: TOY_FACTS, leadActors: 2, maxActors: 2 });
    expect(r.text).toBe(
      '《Toy Story (1995)》。类型：动画、儿童、喜剧。1990年代上映。导演：John Lasseter。主演：Tom Hanks、Tim Allen。语言：English。续集：Toy Story 2 (1999)。',
    );
    expect(r.text).not.toContain(', ');
    expect(r.text).not.toContain('. ');
  });

  it('translates the genres and reads the year in Chinese', () => {
    expect(itemSentence(DS, 1, { lang: 'zh', domain: 'works' }).text).toBe('《Fargo (1996)》。类型：犯罪、剧情、惊悚。1990年代上映。');
    expect(itemSentence(DS, 5, { lang: 'zh', domain: 'works' }).text).toBe('《Untitled》。2001年上映。');
  });
});

describe('raw-MID guard', () => {
  const MID_FACTS = factsOf({
    0: [
      { relation: 'film.film.directed_by', entityLabel: 'm.0bln8' },
      { relation: 'film.film.actor', entityLabel: 'g.11b6vw4x2z' },
      { relation: 'film.film.actor', entityLabel: '/m/0c3wmn' },
      { relation: 'film.film.actor', entityLabel: 'director of m.04ctbw8' },
      { relation: 'film.film.country', entityLabel: '  m.09c7w0 ' },
      { relation: 'film.film.writer', entityLabel: null, sharedWith: ['m.0abc1'] },
      { relation: 'film.film.actor', entityLabel: 'Tom Hanks' },
    ],
  });

  it('never prints a MID, even when the fact source returns one', () => {
    for (const lang of ['en', 'zh']) {
      const r = itemSentence(DS, 0, { lang, facts: MID_FACTS });
      expect(r.text).not.toMatch(/\b[mg]\.[0-9a-z_]+/);
      expect(r.text).not.toMatch(/\/m\//);
      expect(r.parts.some((p) => /[mg]\.[0-9]/.test(p.text))).toBe(false);
      expect(r.text).toContain('Tom Hanks');
    }
  });

  it('drops MID titles too and falls back to the id', () => {
    const ds = dataset([item('42', 'm.0bln8', [])]);
    expect(itemSentence(ds, 0).text).toBe('42.');
  });
});

describe('token budget (items)', () => {
  const full = itemSentence(DS, 0, { facts: TOY_FACTS });

  it('drops generic facts first, then extra actors, then the year, then genres; never the title', () => {
    const kinds = (budget: number): string[] =>
      itemSentence(DS, 0, { facts: TOY_FACTS, tokenBudget: budget })
        .parts.filter((p) => !p.kept)
        .map((p) => p.kind);
    const dropped: string[][] = [];
    for (let b = full.tokens; b >= 0; b--) dropped.push(kinds(b));
    // each budget drops a prefix of the same sequence, in the documented order
    const longest = dropped[dropped.length - 1];
    expect(longest).not.toContain('title');
    const order = ['fact:generic', 'fact:language', 'fact:actor-extra', 'year', 'genres', 'fact:actor', 'fact:director'];
    expect([...longest].sort()).toEqual([...order].sort());
    const firstDropBudget = (kind: string): number => dropped.findIndex((d) => d.includes(kind));
    for (let i = 1; i < order.length; i++) {
      expect(firstDropBudget(order[i - 1])).toBeLessThanOrEqual(firstDropBudget(order[i]));
    }
    expect(firstDropBudget('fact:generic')).toBe(1);
  });

  it('fits the budget whenever the title alone fits', () => {
    for (let b = estimateTokens('Toy Story (1995).'); b <= full.tokens; b++) {
      const r = itemSentence(DS, 0, { facts: TOY_FACTS, tokenBudget: b });
      expect(r.tokens).toBeLessThanOrEqual(b);
      expect(r.overBudget).toBe(false);
      expect(r.text.startsWith('Toy Story (1995).')).toBe(true);
    }
  });

  it('keeps the title when even the title is over budget, and says so', () => {
    const r = itemSentence(DS, 0, { facts: TOY_FACTS, tokenBudget: 1 });
    expect(r.text).toBe('Toy Story (1995).');
    expect(r.overBudget).toBe(true);
  });

  it('uses the injected token counter', () => {
    const calls: string[] = [];
    const chars = (s: string): number => {
      calls.push(s);
      return s.length;
    };
    const r = itemSentence(DS, 0, { facts: TOY_FACTS, tokenBudget: 60, countTokens: chars });
    expect(r.text.length).toBeLessThanOrEqual(60);
    expect(r.tokens).toBe(r.text.length);
    expect(calls.length).toBeGreaterThan(1);
  });

  it('is deterministic', () => {
    const a = itemTexts(DS, { facts: TOY_FACTS, tokenBudget: 20 });
    const b = itemTexts(DS, { facts: TOY_FACTS, tokenBudget: 20 });
    expect(a).toEqual(b);
    expect(a[0]).toBe(itemSentence(DS, 0, { facts: TOY_FACTS, tokenBudget: 20 }).text);
  });
});

describe('estimateTokens', () => {
  it('counts 1.3 per English word and 1 per CJK character', () => {
    expect(estimateTokens('')).toBe(0);
    expect(estimateTokens('one two three four five six seven eight nine ten')).toBe(13);
    expect(estimateTokens('用户看过')).toBe(4);
    expect(estimateTokens('用户 Toy Story')).toBe(Math.ceil(2 + 2 * 1.3));
  });
});

describe('userSentence', () => {
  // timestamps grow with position; ratings chosen so the answer is known
  const history: UserHistory = {
    items: [0, 1, 2, 3, 4],
    ratings: [5, 4, 2, 5, 3],
    timestamps: [100, 200, 300, 400, 500],
  };

  it('lists recent, highly rated items with ratings, most recent first (en)', () => {
    const r = userSentence(DS, 0, history, { lang: 'en' });
    expect(r.text).toBe('The user rated Heat (1995) 5/5, Fargo (1996) 4/5, Toy Story (1995) 5/5.');
    expect(r.parts.filter((p) => p.kind === 'user:item').map((p) => p.item)).toEqual([3, 1, 0]);
  });

  it('reads naturally in Chinese with 评分N分 and ；', () => {
    const r = userSentence(DS, 0, history, { lang: 'zh', domain: 'works' });
    expect(r.text).toBe('用户看过《Heat (1995)》，评分5分；《Fargo (1996)》，评分4分；《Toy Story (1995)》，评分5分。');
  });

  it('respects maxItems by recency and minRating', () => {
    expect(userSentence(DS, 0, history, { maxItems: 2 }).text).toBe('The user rated Heat (1995) 5/5, Fargo (1996) 4/5.');
    expect(userSentence(DS, 0, history, { minRating: 5 }).text).toBe('The user rated Heat (1995) 5/5, Toy Story (1995) 5/5.');
  });

  it('falls back to the best rated items when none reach minRating', () => {
    const low: UserHistory = { items: [0, 1, 2], ratings: [1, 3, 2], timestamps: [1, 2, 3] };
    const r = userSentence(DS, 0, low, { maxItems: 2 });
    // best rated are 1 (3) and 2 (2); shown most recent first
    expect(r.text).toBe("The user rated A Bug's Life (1998) 2/5, Fargo (1996) 3/5.");
  });

  it('uses the latest rating of an item rated twice', () => {
    const twice: UserHistory = { items: [0, 0], ratings: [5, 2], timestamps: [1, 9] };
    expect(userSentence(DS, 0, twice).text).toBe('The user rated Toy Story (1995) 2/5.');
  });

  it('drops the lowest-rated, then oldest items first to fit a budget, keeping one', () => {
    const full = userSentence(DS, 0, history);
    const r = userSentence(DS, 0, history, { tokenBudget: full.tokens - 1 });
    // the only 4/5 item goes first
    expect(r.parts.filter((p) => !p.kept).map((p) => p.item)).toEqual([1]);
    expect(r.text).toBe('The user rated Heat (1995) 5/5, Toy Story (1995) 5/5.');
    const r2 = userSentence(DS, 0, history, { tokenBudget: r.tokens - 1 });
    // then the oldest 5/5
    expect(r2.text).toBe('The user rated Heat (1995) 5/5.');
    const r3 = userSentence(DS, 0, history, { tokenBudget: 1 });
    expect(r3.text).toBe('The user rated Heat (1995) 5/5.');
    expect(r3.overBudget).toBe(true);
  });

  it('omits ratings for implicit data', () => {
    const ds = dataset(CATALOG, [1, 1, 1]);
    const h: UserHistory = { items: [0, 1], ratings: [1, 1], timestamps: [1, 2] };
    expect(userSentence(ds, 0, h).text).toBe('The user interacted with Fargo (1996), Toy Story (1995).');
    expect(userSentence(ds, 0, h, { lang: 'zh', domain: 'works' }).text).toBe('用户看过《Fargo (1996)》；《Toy Story (1995)》。');
    // nothing in this tiny catalog says its items are films: the neutral wording (text-domain.test.ts)
    expect(userSentence(ds, 0, h, { lang: 'zh' }).text).toBe('用户选择过“Fargo (1996)”；“Toy Story (1995)”。');
  });

  it('says so when the history is empty', () => {
    const r = userSentence(DS, 1, { items: [], ratings: [], timestamps: [] });
    expect(r.text).toBe('The user has no rated items yet.');
    expect(userSentence(DS, 1, { items: [], ratings: [], timestamps: [] }, { lang: 'zh' }).text).toBe('用户还没有评分记录。');
  });

  it('rejects bad input with a KnowrecError', () => {
    expect(() => userSentence(DS, 5, history)).toThrow(KnowrecError);
    expect(() => userSentence(DS, 0, { items: [0, 1], ratings: [5], timestamps: [1, 2] })).toThrow(/differ in length/);
    expect(() => userSentence(DS, 0, { items: [42], ratings: [5], timestamps: [1] })).toThrow(/out of range/);
  });
});
