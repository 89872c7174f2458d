/**
 * What kind of things a catalog's items are, as far as wording goes. Chinese quotes titles of
 * works (films, books, albums, songs) in 《》; bands, people and products take a neutral form.
 * And "用户看过" (watched) fits films only. So text and reasons ask catalogDomain:
 *   - 'works' when the dataset is a registry dataset known to be films (DatasetEntry.catalog),
 *     or when at least half of the items the imported KG describes carry a relation of a work
 *     (Freebase film./book./tv. relations, DBpedia dbo:director, dbo:starring, dbo:author …,
 *     or an rdf:type such as dbo:Film / dbo:Book / dbo:Album);
 *   - 'general' otherwise (music artists, products, anything without such evidence).
 */
import { BUILTIN_DATASETS } from '../data/registry';
import type { Dataset } from '../types';

export type CatalogDomain = 'works' | 'general';

/** Relations only a work (film, book, album, song, show) has, by name (prefix dropped). */
const WORK_RELATION =
  /^(?:film|book|tv|music\.(?:album|recording|composition))\.|^(?:director|starring|cinematography|editing|musicComposer|distributor|author|publisher|literaryGenre|isbn|numberOfPages|screenplay|runtime|album|previousWork|subsequentWork)$/;
/** rdf:type values of works. */
const WORK_TYPE = /(?:^|[/#:])(?:Film|Movie|Book|Novel|Album|Single|Song|MusicalWork|TelevisionShow|VideoGame|WrittenWork)$/;
const TYPE_RELATION = /(?:^|[/#:])(?:type|rdf-syntax-ns#type)$/;

/** `dbo:director`, `<http://dbpedia.org/ontology/director>` → `director`; Freebase names stay. */
function localName(relation: string): string {
  const r = relation.replace(/^<|>$/g, '');
  if (/^https?:\/\//.test(r)) return r.replace(/^.*[/#]/, '');
  const m = /^[A-Za-z]+:(?!\/)(.+)$/.exec(r);
  return m !== null ? m[1] : r;
}

const cache = new WeakMap<Dataset, CatalogDomain>();

export function catalogDomain(dataset: Dataset): CatalogDomain {
  const hit = cache.get(dataset);
  if (hit !== undefined) return hit;
  const domain = BUILTIN_DATASETS.some((e) => e.name === dataset.name && e.catalog === 'works') ? 'works' : kgDomain(dataset);
  cache.set(dataset, domain);
  return domain;
}

/** 'works' when at least half the items the imported KG says anything about carry a work relation. */
function kgDomain(dataset: Dataset): CatalogDomain {
  const kg = dataset.kg;
  const itemOf = new Map<number, number[]>();
  dataset.itemEntities.forEach((es, i) => {
    for (const e of es) {
      const list = itemOf.get(e);
      if (list === undefined) itemOf.set(e, [i]);
      else list.push(i);
    }
  });
  if (itemOf.size === 0) return 'general';
  const isWork = kg.relationNames.map((r) => WORK_RELATION.test(localName(r)));
  const isType = kg.relationNames.map((r) => TYPE_RELATION.test(r.replace(/>$/, '')));
  const described = new Set<number>();
  const works = new Set<number>();
  for (let t = 0; t < kg.head.length; t++) {
    if (kg.derived[t] === 1) continue;
    const r = kg.relation[t];
    for (const [e, other] of [[kg.head[t], kg.tail[t]], [kg.tail[t], kg.head[t]]] as const) {
      const items = itemOf.get(e);
      if (items === undefined) continue;
      const work = isWork[r] || (isType[r] && e === kg.head[t] && WORK_TYPE.test(kg.entityIds[other].replace(/>$/, '')));
      for (const i of items) {
        described.add(i);
        if (work) works.add(i);
      }
    }
  }
  return works.size > 0 && works.size * 2 >= described.size ? 'works' : 'general';
}
