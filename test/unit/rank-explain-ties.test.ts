/**
 * A KG tie in an explanation says exactly what the graph says. The tiny music KG, answers by
 * construction:
 *   Skye —birthPlace→ London; Morcheeba —hometown→ London; Faithless —hometown→ London;
 *   Dido —birthPlace→ London and —hometown→ London;
 *   Wild Bunch —bandMember→ Tricky, Wild Bunch —bandMember→ Daddy G (both items are members);
 *   Beak —memberOf→ Crew only, Crew —hasMember→ Nite only, and four fillers stating both
 *   memberOf and hasMember with Band, so memberOf and hasMember are found to be inverses.
 * Skye and Morcheeba reach London through different relations: never "shared birth place".
 */
import { describe, expect, it } from 'vitest';
import { KgIndex } from '../../main/core/kg';
import { explainRecommendation } from '../../main/core/rank';
import type { ContributionSource } from '../../main/core/rank';
import { sameRelation } from '../../main/core/rank/explain-ties';
import type { Dataset } from '../../main/core/types';

const ITEMS = ['Skye', 'Morcheeba', 'Faithless', 'Dido', 'Tricky', 'Daddy G', 'Beak', 'Nite', 'F1', 'F2', 'F3', 'F4'];
const OTHER = ['London', 'Wild Bunch', 'Crew', 'Band'];
const RELATIONS = ['dbo:birthPlace', 'dbo:hometown', 'dbo:bandMember', 'ex:memberOf', 'ex:hasMember'];
const item = (name: string): number => ITEMS.indexOf(name);
const ent = (name: string): number => (ITEMS.includes(name) ? item(name) : ITEMS.length + OTHER.indexOf(name));

const TRIPLES: readonly (readonly [string, string, string])[] = [
  ['Skye', 'dbo:birthPlace', 'London'],
  ['Morcheeba', 'dbo:hometown', 'London'],
  ['Faithless', 'dbo:hometown', 'London'],
  ['Dido', 'dbo:birthPlace', 'London'],
  ['Dido', 'dbo:hometown', 'London'],
  ['Wild Bunch', 'dbo:bandMember', 'Tricky'],
  ['Wild Bunch', 'dbo:bandMember', 'Daddy G'],
  ['Beak', 'ex:memberOf', 'Crew'],
  ['Crew', 'ex:hasMember', 'Nite'],
  ...['F1', 'F2', 'F3', 'F4'].flatMap((f): [string, string, string][] => [
    [f, 'ex:memberOf', 'Band'],
    ['Band', 'ex:hasMember', f],
  ]),
];

function musicDataset(): Dataset {
  const userIds = ['u0'];
  return {
    name: 'music',
    userIds,
    itemIds: ITEMS.map((_, i) => String(i + 1)),
    users: [{ id: 'u0', attributes: {} }],
    items: ITEMS.map((title, i) => ({ id: String(i + 1), title, text: {}, attributes: {} })),
    interactions: { user: Int32Array.of(0), item: Int32Array.of(1), rating: Float32Array.of(1), timestamp: Float64Array.of(0) },
    kg: {
      entityIds: [...ITEMS, ...OTHER].map((n) => `http://dbpedia.org/resource/${n.replace(/ /g, '_')}`),
      entityNames: [...ITEMS, ...OTHER],
      relationNames: RELATIONS,
      head: Int32Array.from(TRIPLES.map((t) => ent(t[0]))),
      relation: Int32Array.from(TRIPLES.map((t) => RELATIONS.indexOf(t[1]))),
      tail: Int32Array.from(TRIPLES.map((t) => ent(t[2]))),
      derived: new Uint8Array(TRIPLES.length),
    },
    itemEntities: ITEMS.map((_, i) => Int32Array.of(i)),
  };
}

/** A KG-overlap lead: the reason names the cited history item and its ties. */
const overlap: ContributionSource = { contributions: () => ({ signals: { 'kg-overlap': 1 } }) };
const dataset = musicDataset();
const kg = new KgIndex(dataset);

function explain(candidate: string, liked: string, lang: 'en' | 'zh'): ReturnType<typeof explainRecommendation> {
  const trainHistory = (): { items: number[] } => ({ items: [item(liked)] });
  return explainRecommendation({ hybrid: overlap, user: 0, item: item(candidate), dataset, kg, trainHistory, lang });
}

describe("KG ties name each side's relation exactly", () => {
  it('keeps the one-relation wording when both items use the same relation', () => {
    const en = explain('Faithless', 'Morcheeba', 'en');
    expect(en.history[0].relation).toBe('shared hometown (London)');
    expect(en.reason).toBe('Recommended because you chose Morcheeba: shared hometown (London).');
    expect(en.facts).toEqual(['Morcheeba —has hometown→ London ←has hometown— Faithless']);
    const zh = explain('Faithless', 'Morcheeba', 'zh');
    expect(zh.history[0].relation).toBe('共同的家乡（London）');
    expect(zh.reason).toBe('因为您选择了“Morcheeba”：共同的家乡（London）。');
  });

  it('names both relations when the items reach the entity through different ones', () => {
    const en = explain('Skye', 'Morcheeba', 'en');
    expect(en.history[0].relation).toBe('both tied to London (birth place of Skye, hometown of Morcheeba)');
    expect(en.reason).toBe('Recommended because you chose Morcheeba: both tied to London (birth place of Skye, hometown of Morcheeba).');
    expect(en.reason).not.toMatch(/shared birth place|shared hometown/);
    // the quoted facts are the graph's own edges
    expect(en.facts).toEqual(['Morcheeba —has hometown→ London ←has birth place— Skye']);
    const zh = explain('Skye', 'Morcheeba', 'zh');
    expect(zh.history[0].relation).toBe('都与London有关（“Skye”的出生地，“Morcheeba”的家乡）');
    expect(zh.reason).toBe('因为您选择了“Morcheeba”：都与London有关（“Skye”的出生地，“Morcheeba”的家乡）。');
    expect(zh.facts).toEqual(['Morcheeba —家乡→ London ←出生地— Skye']);
  });

  it('picks the relation both share when one item reaches the entity through several', () => {
    // Dido's birth place and hometown are London: with Morcheeba it shares the hometown, with Skye the birth place
    expect(explain('Dido', 'Morcheeba', 'en').history[0].relation).toBe('shared hometown (London)');
    expect(explain('Dido', 'Skye', 'en').history[0].relation).toBe('shared birth place (London)');
    expect(explain('Skye', 'Dido', 'zh').history[0].relation).toBe('共同的出生地（London）');
  });

  it('says "each a member of" when both items are the entity\'s members, never "shared band member"', () => {
    const en = explain('Tricky', 'Daddy G', 'en');
    expect(en.history[0].relation).toBe('each a band member of Wild Bunch');
    expect(en.facts).toEqual(['Daddy G ←has band member— Wild Bunch —has band member→ Tricky']);
    expect(explain('Tricky', 'Daddy G', 'zh').history[0].relation).toBe('都是Wild Bunch的乐队成员');
  });

  it('takes a relation and its inverse as the same relation', () => {
    expect(kg.inverseRelations()[RELATIONS.indexOf('ex:memberOf')]).toBe(RELATIONS.indexOf('ex:hasMember'));
    // Beak —memberOf→ Crew and Crew —hasMember→ Nite: both are members of Crew
    expect(explain('Beak', 'Nite', 'en').history[0].relation).toBe('each a member of Crew');
    expect(explain('Nite', 'Beak', 'en').history[0].relation).toBe('each a member of Crew');
  });

  it('compares relations by canonical name, direction, inverse and kind of fact', () => {
    const none = Int32Array.of(-1, -1);
    const f = (relation: string, direction: 'out' | 'in', relationIndex = 0): { relation: string; direction: 'out' | 'in'; relationIndex: number; derived: boolean } => ({ relation, direction, relationIndex, derived: false });
    expect(sameRelation(f('http://dbpedia.org/ontology/hometown', 'out'), f('dbo:hometown', 'out', 1), none)).toBe(true);
    expect(sameRelation(f('dbo:hometown', 'out'), f('dbo:hometown', 'in'), none)).toBe(false);
    expect(sameRelation(f('dbo:birthPlace', 'out'), f('dbo:hometown', 'out', 1), none)).toBe(false);
    expect(sameRelation(f('ex:a', 'out', 0), f('ex:b', 'in', 1), Int32Array.of(1, 0))).toBe(true);
    expect(sameRelation(f('ex:a', 'out', 0), f('ex:b', 'out', 1), Int32Array.of(1, 0))).toBe(false);
    // two names of "director": the kind says it
    expect(sameRelation(f('film.film.directed_by', 'out'), f('film.director.film', 'in', 1), none)).toBe(true);
  });
});
