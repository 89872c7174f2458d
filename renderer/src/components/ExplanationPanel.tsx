/**
 * Why one item was recommended: the reason sentence, the counterfactual line, signal shares as
 * bars, the KG paths from the user's history to the item (when a user is known), the cited
 * history items with their shares of the score, and facts; `children` (the what-if) come last.
 */
import type { ReactNode } from 'react';
import type { ApiError, KgSubgraph, Recommendation } from '../../../main/api/contract';
import { ErrorNotice } from './ErrorNotice';
import { KgGraph } from './lazy';
import { SignalBars } from './lazy';
import { counterfactualIn, useI18n } from '../i18n';


interface ExplanationPanelProps {
  readonly rec: Recommendation;
  /** The KG path subgraph; undefined: not asked (new user); null: loading. */
  readonly path?: { readonly graph: KgSubgraph } | { readonly error: ApiError } | null;
  /** Controls shown under the title (language switch, add to report). */
  readonly actions?: ReactNode;
  /** Length of the list the counterfactual asks about (the fit's k). */
  readonly k?: number;
  readonly children?: ReactNode;
}

export function ExplanationPanel({ rec, path, actions, k = 10, children }: ExplanationPanelProps) {
  const x = rec.explanation;
  const { t, pct, signal } = useI18n();
  const cf = counterfactualIn(t, x.counterfactual, k);
  const against = Object.entries(x.against).sort((a, b) => b[1] - a[1]);
  return (
    <section className="explanation" aria-labelledby="explanation-title">
      <h2 id="explanation-title">{t('explain.title', { title: rec.title })}</h2>
      {actions}
      <p className="reason">{x.reason}</p>
      {cf !== null && <p className="counterfactual">{cf}</p>}
      <h3>{t('explain.signals')}</h3>
      <SignalBars shares={x.signals} />
      {against.length > 0 && <p className="muted">{t('explain.heldBack', { list: against.map(([k, v]) => `${signal(k)} ${pct(v)}`).join(t('explain.listSep')) })}</p>}
      {path !== undefined && (
        <>
          <h3>{t('explain.pathsTitle')}</h3>
          {path === null && <p aria-live="polite">{t('explain.loadingPaths')}</p>}
          {path !== null && 'error' in path && <ErrorNotice error={path.error} />}
          {path !== null && 'graph' in path && path.graph.edges.length === 0 && <p className="path-empty">{t('explain.noPath')}</p>}
          {path !== null && 'graph' in path && path.graph.edges.length > 0 && (
            <KgGraph graph={path.graph} onNode={() => undefined} name={t('explain.pathGraph')} testId="path-graph" size="small" />
          )}
        </>
      )}
      <h3>{t('explain.matched')}</h3>
      {x.history.length === 0 ? (
        <p>{t('explain.noMatched')}</p>
      ) : (
        <ul className="history">
          {x.history.map((h) => (
            <li key={h.item}>
              {h.title} <span className="muted">— {h.relation}</span>
              {h.share !== null && <span className="share">{t('explain.ofScore', { pct: pct(h.share) })}</span>}
            </li>
          ))}
        </ul>
      )}
      <h3>{t('explain.facts')}</h3>
      {x.facts.length === 0 ? (
        <p>{t('explain.noFacts')}</p>
      ) : (
        <ul className="facts">
          {x.facts.map((f) => (
            <li key={f}>{f}</li>
          ))}
        </ul>
      )}
      {children}
    </section>
  );
}
