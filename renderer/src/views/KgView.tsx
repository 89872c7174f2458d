/**
 * Knowledge graph explorer: search → results → a neighbourhood (capped, "show more" raises the
 * cap; relation checkboxes filter it) drawn with cytoscape, and the card of the centre item.
 */
import { useEffect, useState } from 'react';
import type { Api, ItemCard, KgHit, KgSubgraph, Result } from '../../../main/api';
import { ErrorNotice } from '../components/ErrorNotice';
import { ItemCardView } from '../components/ItemCardView';
import { KgGraph } from '../components/KgGraph';
import { KgHitList } from '../components/KgHitList';
import { RelationFilter } from '../components/RelationFilter';
import { SearchForm } from '../components/SearchForm';

const FIRST_CAP = 200;
const MAX_CAP = 2000;

type Centre = { readonly item: string } | { readonly entity: string };

export function KgView({ api }: { readonly api: Api }) {
  const [query, setQuery] = useState('');
  const [hits, setHits] = useState<Result<readonly KgHit[]> | null>(null);
  const [centre, setCentre] = useState<Centre | null>(null);
  const [hops, setHops] = useState(1);
  const [cap, setCap] = useState(FIRST_CAP);
  const [shown, setShown] = useState<ReadonlySet<string> | null>(null);
  const [graph, setGraph] = useState<Result<KgSubgraph> | null>(null);
  const [card, setCard] = useState<Result<ItemCard> | null>(null);

  useEffect(() => {
    if (query === '') return undefined;
    let live = true;
    void api.kgSearch({ query, limit: 20 }).then((r) => live && setHits(r));
    return () => {
      live = false;
    };
  }, [api, query]);

  useEffect(() => {
    if (centre === null) return undefined;
    let live = true;
    setGraph(null);
    void api
      .kgSubgraph({ ...centre, hops, cap, ...(shown === null ? {} : { relations: [...shown] }) })
      .then((r) => live && setGraph(r));
    return () => {
      live = false;
    };
  }, [api, centre, hops, cap, shown]);

  useEffect(() => {
    if (centre === null || !('item' in centre)) {
      setCard(null);
      return undefined;
    }
    let live = true;
    void api.kgItem({ item: centre.item }).then((r) => live && setCard(r));
    return () => {
      live = false;
    };
  }, [api, centre]);

  const open = (next: Centre): void => {
    setCentre(next);
    setCap(FIRST_CAP);
    setShown(null);
  };
  const openHit = (h: KgHit): void => {
    if (h.item !== null) open({ item: h.item });
    else if (h.entity !== null) open({ entity: h.entity });
  };
  const g = graph?.ok === true ? graph.value : null;

  return (
    <div className="kg-layout">
      <section aria-labelledby="kg-search-title" className="kg-side">
        <h2 id="kg-search-title">Find an item or entity</h2>
        <SearchForm id="kg-query" label="Search the KG" placeholder="title or name" initial={query} onSearch={(q) => setQuery(q.trim())} />
        {hits?.ok === false && <ErrorNotice error={hits.error} />}
        {hits?.ok === true && <KgHitList hits={hits.value} onOpen={openHit} />}
        {card?.ok === false && <ErrorNotice error={card.error} />}
        {card?.ok === true && <ItemCardView card={card.value} onItem={(item) => open({ item })} onEntity={(entity) => open({ entity })} />}
      </section>

      <section aria-labelledby="kg-graph-title" className="kg-main">
        <h2 id="kg-graph-title">Neighbourhood</h2>
        {centre === null && <p className="muted">Search, then pick a result to see its neighbours.</p>}
        {centre !== null && graph === null && <p aria-live="polite">Loading…</p>}
        {graph?.ok === false && <ErrorNotice error={graph.error} />}
        {g !== null && (
          <>
            <div className="kg-controls">
              <label htmlFor="kg-hops">Hops</label>
              <select id="kg-hops" value={hops} onChange={(e) => setHops(Number(e.target.value))}>
                <option value={1}>1</option>
                <option value={2}>2</option>
              </select>
              <span aria-live="polite" className="kg-count">
                {g.nodes.length} nodes, {g.edges.length} edges of {g.totalNeighbours + g.center.length} entities
              </span>
              {g.truncated && cap < MAX_CAP && (
                <button type="button" onClick={() => setCap(Math.min(MAX_CAP, cap * 2))}>
                  Show more
                </button>
              )}
            </div>
            <RelationFilter relations={g.relations} shown={shown} onChange={setShown} />
            {g.nodes.length === 0 ? <p>This item has no KG facts.</p> : <KgGraph graph={g} onItem={(item) => open({ item })} onEntity={(entity) => open({ entity })} />}
          </>
        )}
      </section>
    </div>
  );
}
