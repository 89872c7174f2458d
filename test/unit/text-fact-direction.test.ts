/**
 * Item sentences state every KG fact in the direction of its triple. Built data (answers by
 * construction): three artists and one film, all items, with their own entities —
 *   Morcheeba —dbo:bandMember→ Skye       (Skye is a member OF Morcheeba)
 *   Morcheeba —dbo:hometown→ London       (an entity that is no item)
 *   Some Film —dbo:director→ Skye         (Skye directed Some Film; Skye has no director)
 *   Some Film —film.film.directed_by→ Ann Director
 *   Ann Director —film.director.film→ Other Film (Other Film is directed by Ann: kind director)
 * Skye's sentence must say "member of Morcheeba" and "director of Some Film", never "Band
 * member: Morcheeba" nor "Directed by Some Film"; Morcheeba's keeps "Band member: Skye".
 */
import { describe, expect, it } from 'vitest';
import { factKind, KgIndex } from '../../main/core/kg';
import { linkKind } from '../../main/core/rank/explain-ties';
import { itemSentence, kgFactSource, relationPhrase, getTemplates } from '../../main/core/text';
import type { Dataset, ItemRecord } from '../../main/core/types';
import { catalogDataset } from '../../main/core/data/catalog-dataset';

const BAND_MEMBER = 'http://dbpedia.org/ontology/bandMember';
const HOMETOWN = 'http://dbpedia.org/ontology/hometown';
const DBO_DIRECTOR = 'http://dbpedia.org/ontology/director';
const DIRECTED_BY = 'film.film.directed_by';
const DIRECTOR_FILM = 'film.director.film';

function dataset(): Dataset {
  // entities: 0 Morcheeba, 1 Skye, 2 Some Film, 3 Other Film (items 0..3), 4 London, 5 Ann Director
  const items: ItemRecord[] = ['Morcheeba', 'Skye', 'Some Film', 'Other Film'].map((title, i) => ({ id: `i${i}`, title, text: {}, attributes: {} }));
  return catalogDataset(
    'directions',
    items,
    {
      entityIds: ['e.morcheeba', 'e.skye', 'e.film', 'e.other', 'e.london', 'e.ann'],
      entityNames: ['Morcheeba', 'Skye', 'Some Film', 'Other Film', 'London', 'Ann Director'],
      relationNames: [BAND_MEMBER, HOMETOWN, DBO_DIRECTOR, DIRECTED_BY, DIRECTOR_FILM],
      head: Int32Array.of(0, 0, 2, 2, 5),
      relation: Int32Array.of(0, 1, 2, 3, 4),
      tail: Int32Array.of(1, 4, 1, 5, 3),
      derived: new Uint8Array(5),
    },
    [Int32Array.of(0), Int32Array.of(1), Int32Array.of(2), Int32Array.of(3)],
  );
}

const ds = dataset();
const facts = kgFactSource(new KgIndex(ds, { derive: false }));
const en = (item: number): string => itemSentence(ds, item, { facts }).text;
const zh = (item: number): string => itemSentence(ds, item, { facts, lang: 'zh' }).text;

describe('item sentences: incoming facts in the inverse wording', () => {
  it('Skye is a band member of Morcheeba and the director of Some Film (en)', () => {
    const s = en(1);
    expect(s).toContain('Member of Morcheeba');
    // no en phrase for dbo:director read backwards: the KG module's inverse phrase
    expect(s).toContain('Director of: Some Film');
    expect(s).not.toMatch(/Band member: Morcheeba/);
    expect(s).not.toMatch(/Directed by Some Film/);
  });

  it("Morcheeba's own triples keep the forward wording (en)", () => {
    const s = en(0);
    // the words it had before the direction fix: no sentence without an incoming fact changes
    expect(s).toContain('Band member: Skye');
    expect(s).toContain('Hometown: London');
  });

  it('a relation stated from the entity (film.director.film) pointing at the item is its kind', () => {
    expect(en(3)).toContain('Directed by Ann Director');
    expect(en(2)).toContain('Directed by Skye, Ann Director');
    expect(zh(3)).toContain('导演：Ann Director');
  });

  it('zh: the inverse phrase of the templates (所属乐队), the forward one for the head', () => {
    expect(zh(1)).toContain('所属乐队：Morcheeba');
    expect(zh(1)).not.toContain('乐队成员：Morcheeba');
    expect(zh(0)).toContain('乐队成员：Skye');
    // no zh phrase for dbo:director read backwards: the KG module's inverse phrase, not 导演
    expect(zh(1)).toContain('director of：Some Film');
    expect(zh(1)).not.toContain('导演：Some Film');
  });
});

describe('relation kinds and phrases read from the item', () => {
  it('factKind gives the kind only where the entity plays the role', () => {
    expect([factKind(DIRECTED_BY, 'out'), factKind(DIRECTED_BY, 'in')]).toEqual(['director', 'generic']);
    expect([factKind(DIRECTOR_FILM, 'out'), factKind(DIRECTOR_FILM, 'in')]).toEqual(['generic', 'director']);
    expect([factKind(DBO_DIRECTOR, 'out'), factKind(DBO_DIRECTOR, 'in')]).toEqual(['director', 'generic']);
    expect([factKind('film.film_genre.films_in_this_genre', 'in'), factKind('film.film.genre', 'out')]).toEqual(['genre', 'genre']);
    expect([factKind('has_genre', 'out'), factKind('has_genre', 'in')]).toEqual(['genre', 'generic']);
  });

  it('explain ties use the same direction-aware kind', () => {
    expect([linkKind(DBO_DIRECTOR, 'out'), linkKind(DBO_DIRECTOR, 'in')]).toEqual(['director', 'generic']);
    expect([linkKind('released_in_decade', 'out'), linkKind('released_in_decade', 'in')]).toEqual(['decade', 'generic']);
  });

  it('an unknown relation read backwards takes the inverse phrase', () => {
    const t = getTemplates('en');
    const founder = 'http://dbpedia.org/ontology/foundingMember';
    expect(relationPhrase(founder, t, 'out')).toEqual({ phrase: 'founding member', known: false });
    expect(relationPhrase(founder, t, 'in')).toEqual({ phrase: 'founding member of', known: false });
    expect(relationPhrase(BAND_MEMBER, t, 'in')).toEqual({ phrase: 'member of', known: true });
    expect(relationPhrase(DIRECTED_BY, t, 'in')).toEqual({ phrase: 'director of', known: true });
  });
});
