/**
 * Knowledge graph explorer: search → a neighbourhood drawn with cytoscape (rings by hop, nodes
 * coloured by type with a legend; capped, "show more" raises the cap; beyond one hop each node
 * brings its best-connected neighbours only; relation checkboxes filter it, a relation the KG
 * states both ways is one checkbox) → pick a node (click, or the Node list with the keyboard) →
 * expand its neighbours by one relation (they land beside it; "no new neighbours" when none).
 * "Path to…" finds what joins the centre to another node; views can be saved and restored.
 * The centre item's card lists its facts with Remove / Correct / Wrong; facts can be added,
 * edits undone, and the history is listed. Edits change the explorer at once and the serving
 * model at the next fit.
 */
import { useDeferredValue, useEffect, useMemo, useState } from 'react';
import type { ApiError, KgFact, KgHit, KgRelationCount, KgSubgraph, Result } from '../../../main/api/contract';
import { EditHistory } from '../components/EditHistory';
import { ErrorNotice } from '../components/ErrorNotice';
import { FactEditor } from '../components/FactEditor';
import { ItemCardView } from '../components/ItemCardView';
import { JobPanel } from '../components/JobPanel';
import { KgGraph } from '../components/lazy';
import { KgHitList } from '../components/KgHitList';
import { NodePanel } from '../components/NodePanel';
import { NodePicker } from '../components/NodePicker';
import { RelationFilter } from '../components/RelationFilter';
import { SearchForm } from '../components/SearchForm';
import { KgLegend } from '../components/KgLegend';
import { KgPathPanel } from '../components/KgPathPanel';
import { SceneBar } from '../components/SceneBar';
import { addedCounts, mergeExpansions, type Expansion } from '../graph-merge';
import { legendOf } from '../graph-style';
import { graphIn, typeName, useI18n } from '../i18n';
import type { Scene } from '../kg-scenes';
import { useJob, type ApiWithEvents } from '../hooks/useJob';
import { useResult } from '../hooks/useResult';

const FIRST_CAP = 200;
const MAX_CAP = 2000;
const EXPAND_CAP = 200;
/** Beyond the first hop, new neighbours kept per node by default (best connected first). */
const PER_NODE = 8;
const PER_NODE_CHOICES = [4, 8, 16, 32] as const;

type Centre = { readonly item: string } | { readonly entity: string };
type ExpandRequest = { readonly entity: string; readonly relation: string };

interface KgViewProps {
  readonly api: ApiWithEvents;
  /** Bumped when the workspace changes (import, edits elsewhere): everything reloads. */
  readonly revision: number;
}

export function KgView({ api, revision }: KgViewProps) {
  const [query, setQuery] = useState('');
  const [centre, setCentre] = useState<Centre | null>(null);
  const [hops, setHops] = useState(1);
  const [cap, setCap] = useState(FIRST_CAP);
  const [shown, setShown] = useState<ReadonlySet<string> | null>(null);
  const [requests, setRequests] = useState<readonly ExpandRequest[]>([]);
  const [expansions, setExpansions] = useState<readonly Expansion[]>([]);
  const [expandError, setExpandError] = useState<ApiError | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [editError, setEditError] = useState<ApiError | null>(null);
  const [note, setNote] = useState<string>('');
  const [busy, setBusy] = useState(false);
  const [perNode, setPerNode] = useState(PER_NODE);
  const [highlight, setHighlight] = useState<string | null>(null);
  const fit = useJob(api);
  const { t, relation, entity: entityName, lang } = useI18n();

  const [hits] = useResult(query === '' ? null : () => api.kgSearch({ query, limit: 20 }), [api, query]);
  const [graph] = useResult(
    centre === null ? null : () => api.kgSubgraph({ ...centre, hops, cap, ...(hops > 1 ? { perNode } : {}), ...(shown === null ? {} : { relations: [...shown] }) }),
    [api, centre, hops, cap, shown, perNode, revision],
  );
  const item = centre !== null && 'item' in centre ? centre.item : null;
  const [loadedCard] = useResult(item === null ? null : () => api.kgItem({ item }), [api, item, revision]);
  // the card (a row and three buttons per fact) renders in the background, in slices: the graph first
  const card = useDeferredValue(loadedCard);
  const [edits, reloadEdits] = useResult(() => api.kgEdits({ offset: 0, limit: 20 }), [api, revision]);
  const [nodeRelations] = useResult<KgSubgraph>(selected === null ? null : () => api.kgSubgraph({ entity: selected, hops: 1, cap: 1 }), [api, selected, revision]);

  useEffect(() => {
    if (requests.length === 0) {
      setExpansions([]);
      return undefined;
    }
    let live = true;
    void Promise.all(requests.map((q) => api.kgSubgraph({ entity: q.entity, hops: 1, cap: EXPAND_CAP, relations: [q.relation] }))).then((rs) => {
      if (!live) return;
      const bad = rs.find((r): r is Extract<Result<KgSubgraph>, { ok: false }> => !r.ok);
      setExpandError(bad === undefined ? null : bad.error);
      setExpansions(rs.flatMap((r, i) => (r.ok ? [{ ...requests[i], graph: r.value }] : [])));
    });
    return () => {
      live = false;
    };
  }, [api, requests, revision]);

  const g = graph?.ok === true ? graph.value : null;
  const merged = useMemo(() => (g === null ? null : graphIn(lang, mergeExpansions(g, expansions))), [g, expansions, lang]);
  const legend = useMemo(() => (merged === null ? [] : legendOf(merged)), [merged]);
  // the newest expansion that found nothing new says so (instead of silently adding nothing)
  const lastAdded = useMemo(() => (g === null || expansions.length === 0 ? null : (addedCounts(g, expansions).at(-1) ?? null)), [g, expansions]);
  const lastRequest = expansions.at(-1) ?? null;
  const selectedNode = merged?.nodes.find((n) => n.id === selected) ?? null;
  const itemEntity = g !== null && item !== null ? (g.center[0] ?? null) : null;

  const open = (next: Centre): void => {
    setCentre(next);
    setCap(FIRST_CAP);
    setShown(null);
    setRequests([]);
    setSelected(null);
    setHighlight(null);
  };
  const restore = (scene: Scene): void => {
    setCentre(scene.centre);
    setHops(scene.hops);
    setPerNode(scene.perNode);
    setCap(FIRST_CAP);
    setShown(scene.shown === null ? null : new Set(scene.shown));
    setRequests(scene.expansions);
    setSelected(null);
    setHighlight(null);
    setNote(t('kg.restored', { name: scene.name }));
  };
  const openHit = (h: KgHit): void => {
    if (h.item !== null) open({ item: h.item });
    else if (h.entity !== null) open({ entity: h.entity });
  };
  const openNode = (entity: string): void => {
    const n = merged?.nodes.find((x) => x.id === entity);
    if (n !== undefined && n.item !== null) open({ item: n.item });
    else open({ entity });
  };
  const expand = (relation: string): void => {
    if (selected === null) return;
    setRequests((rs) => (rs.some((r) => r.entity === selected && r.relation === relation) ? rs : [...rs, { entity: selected, relation }]));
  };
  const changed = (text: string): void => {
    setNote(text);
    reloadEdits();
  };

  const factEnds = (f: KgFact): { head: string; tail: string } | null => {
    if (itemEntity === null) return null;
    return f.direction === 'out' ? { head: itemEntity, tail: f.entity } : { head: f.entity, tail: itemEntity };
  };
  const removeFact = async (f: KgFact): Promise<void> => {
    const ends = factEnds(f);
    if (ends === null) return;
    setBusy(true);
    const r = await api.kgRemoveFact({ ...ends, relation: f.relation });
    setBusy(false);
    if (!r.ok) setEditError(r.error);
    else {
      setEditError(null);
      changed(t('kg.removed', { head: r.value.headLabel, relation: relation(r.value.relation, r.value.relation), tail: r.value.tailLabel }));
    }
  };
  const labelFact = async (f: KgFact, value: 0 | 1): Promise<void> => {
    const ends = factEnds(f);
    if (ends === null) return;
    const r = await api.addLabel({ kind: 'fact', ...ends, relation: f.relation, value });
    if (!r.ok) setEditError(r.error);
    else {
      setEditError(null);
      const fact = `${relation(f.relation, f.label)} ${entityName(f.entityLabel, f.entityDescribed)}`;
      setNote(value === 1 ? t('kg.labelledCorrect', { fact }) : t('kg.labelledWrong', { fact }));
    }
  };
  const undo = async (): Promise<void> => {
    setBusy(true);
    const r = await api.kgUndo();
    setBusy(false);
    if (!r.ok) setEditError(r.error);
    else {
      setEditError(null);
      const e = r.value;
      changed(e === null ? t('kg.nothingToUndo') : t(e.op === 'add' ? 'kg.undoneAdded' : 'kg.undoneRemoved', { head: e.headLabel, relation: relation(e.relation, e.relation), tail: e.tailLabel }));
    }
  };

  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      const panel = document.getElementById('panel-kg');
      if (panel === null || panel.hidden || !(e.ctrlKey || e.metaKey) || e.key.toLowerCase() !== 'z' || e.shiftKey) return;
      const t = e.target as HTMLElement | null;
      if (t !== null && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA')) return;
      e.preventDefault();
      void undo();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  });

  const centreRelations: readonly KgRelationCount[] = g?.relations ?? [];
  const nodeRels = nodeRelations?.ok === true ? nodeRelations.value.relations : null;
  const expandedHere = new Set(requests.filter((r) => r.entity === selected).map((r) => r.relation));

  return (
    <div className="kg-layout">
      <section aria-labelledby="kg-search-title" className="kg-side">
        <h2 id="kg-search-title">{t('kg.findTitle')}</h2>
        <SearchForm id="kg-query" label={t('kg.searchLabel')} placeholder={t('common.titleOrName')} initial={query} onSearch={(q) => setQuery(q.trim())} />
        {hits?.ok === false && <ErrorNotice error={hits.error} />}
        {hits?.ok === true && <KgHitList hits={hits.value} onOpen={openHit} />}
        {card?.ok === false && <ErrorNotice error={card.error} />}
        {card?.ok === true && (
          <ItemCardView
            card={card.value}
            onItem={(i) => open({ item: i })}
            onEntity={(entity) => open({ entity })}
            factActions={(f) => {
              // named once per fact (three buttons say it)
              const fact = `${relation(f.relation, f.label)} ${entityName(f.entityLabel, f.entityDescribed)}`;
              return (
                <>
                  {' '}
                  <button type="button" className="small" disabled={busy} onClick={() => void removeFact(f)} aria-label={t('kg.removeFact', { fact })}>
                    {t('common.remove')}
                  </button>
                  <button type="button" className="small" onClick={() => void labelFact(f, 1)} aria-label={t('kg.labelCorrect', { fact })}>
                    {t('kg.correct')}
                  </button>
                  <button type="button" className="small" onClick={() => void labelFact(f, 0)} aria-label={t('kg.labelWrong', { fact })}>
                    {t('kg.wrong')}
                  </button>
                </>
              );
            }}
          />
        )}
        {card?.ok === true && item !== null && (
          <FactEditor
            item={item}
            title={card.value.title}
            relations={centreRelations}
            findEntities={(text) => api.kgSearch({ query: text, limit: 10 })}
            addFact={(request) => api.kgAddFact(request)}
            onAdded={(e) => changed(t('kg.added', { head: e.headLabel, relation: relation(e.relation, e.relation), tail: e.tailLabel }))}
          />
        )}
        {note !== '' && (
          <p className="notice" role="status">
            {note}
          </p>
        )}
        {editError !== null && <ErrorNotice error={editError} />}
        {edits?.ok === false && <ErrorNotice error={edits.error} />}
        {edits?.ok === true && <EditHistory page={edits.value} busy={busy} onUndo={() => void undo()} />}
        <section className="fit-note" aria-labelledby="fit-title">
          <h3 id="fit-title">{t('kg.useEdits')}</h3>
          <p className="muted">{t('kg.useEditsHelp')}</p>
          <button type="button" onClick={() => void fit.start(api.startFit({}))} disabled={fit.job !== null && (fit.job.state === 'running' || fit.job.state === 'queued')}>
            {t('kg.fitModel')}
          </button>
          <JobPanel title={t('job.titles.fit')} job={fit.job} error={fit.error} onCancel={fit.cancel} />
        </section>
      </section>

      <section aria-labelledby="kg-graph-title" className="kg-main">
        <h2 id="kg-graph-title">{t('kg.neighbourhood')}</h2>
        {centre === null && <p className="muted">{t('kg.searchFirst')}</p>}
        {centre !== null && graph === null && <p aria-live="polite">{t('common.loading')}</p>}
        {graph?.ok === false && <ErrorNotice error={graph.error} />}
        {g !== null && merged !== null && (
          <>
            <div className="kg-controls">
              <label htmlFor="kg-hops">{t('kg.hops')}</label>
              <select id="kg-hops" value={hops} onChange={(e) => setHops(Number(e.target.value))}>
                <option value={1}>1</option>
                <option value={2}>2</option>
                <option value={3}>3</option>
              </select>
              {hops > 1 && (
                <>
                  <label htmlFor="kg-per-node">{t('kg.perNode')}</label>
                  <select id="kg-per-node" value={perNode} onChange={(e) => setPerNode(Number(e.target.value))} title={t('kg.perNodeHelp')}>
                    {PER_NODE_CHOICES.map((n) => (
                      <option key={n} value={n}>
                        {t('kg.topByDegree', { n })}
                      </option>
                    ))}
                  </select>
                </>
              )}
              <span aria-live="polite" className="kg-count">
                {t('kg.count', { nodes: merged.nodes.length, edges: merged.edges.length, entities: g.totalNeighbours + g.center.length })}
              </span>
              {g.truncated && cap < MAX_CAP && (
                <button type="button" onClick={() => setCap(Math.min(MAX_CAP, cap * 2))}>
                  {t('kg.showMore')}
                </button>
              )}
              {requests.length > 0 && (
                <button type="button" onClick={() => setRequests([])}>
                  {t('kg.clearExpansions', { count: requests.length })}
                </button>
              )}
            </div>
            <RelationFilter relations={g.relations} shown={shown} onChange={setShown} />
            <KgLegend rows={legend} highlighted={highlight} onHighlight={setHighlight} />
            {highlight !== null && (
              <p className="muted" role="status">
                {t('kg.highlighted', { count: legend.find((r) => r.type === highlight)?.count ?? 0, type: typeName(t, highlight) })}
              </p>
            )}
            {lastRequest !== null && lastAdded === 0 && (
              <p className="notice" role="status">
                {t('kg.noNewNeighbours', {
                  node: merged.nodes.find((n) => n.id === lastRequest.entity)?.label ?? lastRequest.entity,
                  relation: relation(lastRequest.relation, g.relations.find((r) => r.relations.includes(lastRequest.relation))?.label ?? lastRequest.relation),
                })}
              </p>
            )}
            <NodePicker nodes={merged.nodes} selected={selected} onSelect={setSelected} />
            {selectedNode !== null && (
              <NodePanel
                node={selectedNode}
                relations={nodeRels}
                error={nodeRelations?.ok === false ? nodeRelations.error : null}
                expanded={expandedHere}
                onExpand={expand}
                onOpen={() => openNode(selectedNode.id)}
              />
            )}
            {expandError !== null && <ErrorNotice error={expandError} />}
            {merged.nodes.length === 0 ? (
              <p>{t('kg.noFacts')}</p>
            ) : (
              <KgGraph graph={merged} selected={selected} onNode={setSelected} highlightType={highlight} />
            )}
            {centre !== null && (
              <SceneBar
                current={{ centre, hops, perNode, shown: shown === null ? null : [...shown], expansions: requests }}
                centreLabel={merged.nodes.find((n) => g.center.includes(n.id))?.label ?? ''}
                onRestore={restore}
              />
            )}
            {centre !== null && (
              <KgPathPanel
                from={centre}
                fromLabel={merged.nodes.find((n) => g.center.includes(n.id))?.label ?? t('kg.theCentre')}
                search={(q) => api.kgSearch({ query: q, limit: 20 })}
                findPaths={(from, to) => api.kgPaths({ from, to })}
                onOpen={(to) => open(to.item !== undefined ? { item: to.item } : { entity: to.entity ?? '' })}
              />
            )}
          </>
        )}
      </section>
    </div>
  );
}
