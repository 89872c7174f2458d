import { describe, expect, it } from 'vitest';
import {
  humanizeRelation,
  inverseRelation,
  isOpaqueId,
  itemLabel,
  readableId,
  relationKind,
  relationPhrases,
  relationWords,
  roleOf,
} from '../../main/core/kg';

describe('relation humanizer', () => {
  it('reads Freebase verb-phrase relations', () => {
    expect(humanizeRelation('film.film.directed_by')).toBe('directed by');
    expect(inverseRelation('film.film.directed_by')).toBe('director of');
    expect(relationPhrases('film.film.written_by')).toEqual({ forward: 'written by', inverse: 'writer of' });
    expect(relationPhrases('film.film.produced_by')).toEqual({ forward: 'produced by', inverse: 'producer of' });
  });

  it('reads relations that name the domain again as the head type\'s role', () => {
    expect(relationPhrases('film.director.film')).toEqual({ forward: 'director of', inverse: 'has director' });
    expect(relationPhrases('film.film_genre.films_in_this_genre')).toEqual({ forward: 'film genre of', inverse: 'has film genre' });
    expect(relationPhrases('film.production_company.films').forward).toBe('production company of');
    expect(relationPhrases('film.actor.film').forward).toBe('actor in');
  });

  it('reads noun relations', () => {
    expect(relationPhrases('film.film.actor')).toEqual({ forward: 'has actor', inverse: 'actor in' });
    expect(relationPhrases('film.film.genre')).toEqual({ forward: 'has genre', inverse: 'genre of' });
    expect(relationPhrases('film.film.production_companies')).toEqual({
      forward: 'has production company',
      inverse: 'production company of',
    });
    expect(relationPhrases('film.film.cinematography').inverse).toBe('cinematographer of');
    expect(relationPhrases('film.film.sequel').inverse).toBe('sequel to');
    expect(relationPhrases('film.film.subjects').inverse).toBe('subject of');
    expect(relationPhrases('film.film.award_won')).toEqual({ forward: 'won award', inverse: 'award won by' });
  });

  it('reads URIs, prefixed names, snake_case and camelCase', () => {
    expect(relationPhrases('http://dbpedia.org/ontology/director')).toEqual({ forward: 'has director', inverse: 'director of' });
    expect(relationPhrases('<http://dbpedia.org/ontology/starring>')).toEqual({ forward: 'has actor', inverse: 'actor in' });
    expect(relationPhrases('dbo:writer').inverse).toBe('writer of');
    expect(relationPhrases('directedBy')).toEqual({ forward: 'directed by', inverse: 'director of' });
    expect(relationPhrases('has_genre')).toEqual({ forward: 'has genre', inverse: 'genre of' });
    expect(relationPhrases('located_in').forward).toBe('located in');
  });

  it('gives role phrases for an entity at either end', () => {
    expect(roleOf('film.film.directed_by', false)).toBe('director of');
    expect(roleOf('film.director.film', true)).toBe('director of');
    expect(roleOf('film.film.actor', true)).toBe('with actor');
  });
});

describe('relation kinds', () => {
  it('classifies Freebase, DBpedia and unknown relation names', () => {
    expect(relationKind('film.film.directed_by')).toBe('director');
    expect(relationKind('film.director.film')).toBe('director');
    expect(relationKind('film.film.actor')).toBe('actor');
    expect(relationKind('dbo:starring')).toBe('actor');
    expect(relationKind('http://dbpedia.org/ontology/writer')).toBe('writer');
    expect(relationKind('film.producer.film')).toBe('producer');
    expect(relationKind('film.production_company.films')).toBe('generic');
    expect(relationKind('film.film.award_won')).toBe('award');
    expect(relationKind('film.film.award_nomination')).toBe('nomination');
    expect(relationKind('film.film_genre.films_in_this_genre')).toBe('genre');
    expect(relationKind('film.film.language')).toBe('language');
    expect(relationKind('film.film.country')).toBe('country');
    expect(relationKind('film.film.cinematography')).toBe('generic');
    expect(relationWords('film.film.production_companies')).toBe('production companies');
    expect(relationWords('dbo:musicComposer')).toBe('music composer');
  });
});

describe('labels', () => {
  it('recognises opaque Freebase ids', () => {
    expect(isOpaqueId('m.0dyb1')).toBe(true);
    expect(isOpaqueId('g.11b6v_2k5m')).toBe(true);
    expect(isOpaqueId('genre:Comedy')).toBe(false);
    expect(isOpaqueId('http://dbpedia.org/resource/Toy_Story')).toBe(false);
  });

  it('makes readable ids', () => {
    expect(readableId('http://dbpedia.org/resource/John_Lasseter')).toBe('John Lasseter');
    expect(readableId('<http://example.org/onto#Caf%C3%A9_Society>')).toBe('Café Society');
    expect(readableId('genre:Film-Noir')).toBe('Film-Noir');
    expect(readableId('http://dbpedia.org/resource/Cars_(film)')).toBe('Cars');
    expect(readableId('http://dbpedia.org/resource/Heat_(1995)')).toBe('Heat (1995)');
  });

  it('labels items with their year once', () => {
    const item = (title: string, attributes: Record<string, string | number>) => ({ id: '7', title, text: {}, attributes });
    expect(itemLabel(item('Toy Story', { release_year: '1995' }))).toBe('Toy Story (1995)');
    expect(itemLabel(item('Toy Story (1995)', { release_year: '1995' }))).toBe('Toy Story (1995)');
    expect(itemLabel(item('Heat', { year: 1995 }))).toBe('Heat (1995)');
    expect(itemLabel(item('unkonwn', { release_year: 'unkonwn' }))).toBe('unkonwn');
    expect(itemLabel(item('', {}))).toBe('item 7');
  });
});
