/**
 * "Path to…": what connects the explorer's centre to another item or entity. Search, pick,
 * and the best paths (≤ 3 edges) are listed in words and drawn.
 */
import { useState } from 'react';
import type { KgHit, KgPathParts, KgPaths, Result } from '../../../main/api/contract';
import type { KgEndpoint } from '../../../main/api/requests';
import { useResult } from '../hooks/useResult';
import { ErrorNotice } from './ErrorNotice';
import { KgGraph } from './lazy';
import { SearchForm } from './SearchForm';
import { useI18n } from '../i18n';

interface KgPathPanelProps {
  readonly from: KgEndpoint;
  readonly fromLabel: string;
  readonly search: (query: string) => Promise<Result<readonly KgHit[]>>;
  readonly findPaths: (from: KgEndpoint, to: KgEndpoint) => Promise<Result<KgPaths>>;
  readonly onOpen: (to: KgEndpoint) => void;
}

export function KgPathPanel({ from, fromLabel, search, findPaths, onOpen }: KgPathPanelProps) {
  const [query, setQuery] = useState('');
  const { t, entity, relation, lang } = useI18n();
  /** A path in the language from its parts; the Api's English line when it has none (or in English). */
  const pathIn = (text: string, p: KgPathParts | undefined): string =>
    lang === 'en' || p === undefined
      ? text
      : p.steps.reduce((s, st) => `${s}${st.direction === 'out' ? ` —${relation(st.relation, st.label)}→ ` : ` ←${relation(st.relation, st.label)}— `}${entity(st.to.label, st.to.described)}`, entity(p.start.label, p.start.described));
  const [to, setTo] = useState<{ end: KgEndpoint; label: string } | null>(null);
  const [hits] = useResult(query === '' ? null : () => search(query), [query]);
  const [found] = useResult(to === null ? null : () => findPaths(from, to.end), [from.item, from.entity, to]);
  const pick = (h: KgHit): void => {
    const end: KgEndpoint | null = h.item !== null ? { item: h.item } : h.entity !== null ? { entity: h.entity } : null;
    if (end !== null) setTo({ end, label: entity(h.label, h.described) });
  };
  return (
    <section className="kg-paths" aria-labelledby="kg-paths-title">
      <h3 id="kg-paths-title">{t('kg.pathTitle', { from: fromLabel })}</h3>
      <SearchForm id="kg-path-query" label={t('kg.otherEnd')} placeholder={t('common.titleOrName')} initial={query} onSearch={(q) => setQuery(q.trim())} />
      {hits?.ok === false && <ErrorNotice error={hits.error} />}
      {hits?.ok === true && to === null && (
        <ul className="hits" aria-label={t('kg.pathEnds')}>
          {hits.value.length === 0 && <li>{t('common.nothingMatches')}</li>}
          {hits.value.map((h) => (
            <li key={`${h.kind}:${h.entity ?? ''}:${h.item ?? ''}`}>
              <button type="button" className="link" onClick={() => pick(h)} aria-label={t('kg.pathTo', { label: entity(h.label, h.described) })}>
                {entity(h.label, h.described)}
              </button>
            </li>
          ))}
        </ul>
      )}
      {to !== null && (
        <p>
          {t('kg.to')} <strong>{to.label}</strong>{' '}
          <button type="button" className="small" onClick={() => setTo(null)}>
            {t('kg.change')}
          </button>{' '}
          <button type="button" className="small" onClick={() => onOpen(to.end)}>
            {t('kg.openIt')}
          </button>
        </p>
      )}
      {found?.ok === false && <ErrorNotice error={found.error} />}
      {found?.ok === true && found.value.paths.length === 0 && <p role="status">{t('kg.noPath')}</p>}
      {found?.ok === true && found.value.paths.length > 0 && (
        <>
          <ol className="path-list" aria-label={t('kg.paths')}>
            {found.value.paths.map((p, i) => (
              <li key={p}>{pathIn(p, found.value.parts?.[i])}</li>
            ))}
          </ol>
          <KgGraph graph={found.value.graph} onNode={() => undefined} size="small" name={t('kg.pathsBetween')} testId="kg-path-graph" />
        </>
      )}
    </section>
  );
}
