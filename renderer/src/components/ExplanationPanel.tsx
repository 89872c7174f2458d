/**
 * Why one item was recommended: the reason sentence, the counterfactual line, signal shares as
 * bars, the KG paths from the user's history to the item (when a user is known), the cited
 * history items with their shares of the score, and facts; `children` (the what-if) come last.
 */
import type { ReactNode } from 'react';
import type { ApiError, KgSubgraph, Recommendation } from '../../../main/api/contract';
import { ErrorNotice } from './ErrorNotice';
import { KgGraph } from './KgGraph';
import { signalName } from '../../../main/api/display-names';
import { SignalBars } from './SignalBars';
import { counterfactualLine } from '../explain-text';

const pct = (v: number): string => `${Math.round(v * 100)}%`;

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
  const cf = counterfactualLine(x.counterfactual, k);
  const against = Object.entries(x.against).sort((a, b) => b[1] - a[1]);
  return (
    <section className="explanation" aria-labelledby="explanation-title">
      <h2 id="explanation-title">Why {rec.title}?</h2>
      {actions}
      <p className="reason">{x.reason}</p>
      {cf !== null && <p className="counterfactual">{cf}</p>}
      <h3>Signals</h3>
      <SignalBars shares={x.signals} />
      {against.length > 0 && <p className="muted">Held back by: {against.map(([k, v]) => `${signalName(k)} ${pct(v)}`).join(', ')}</p>}
      {path !== undefined && (
        <>
          <h3>KG paths from the history</h3>
          {path === null && <p aria-live="polite">Loading the paths…</p>}
          {path !== null && 'error' in path && <ErrorNotice error={path.error} />}
          {path !== null && 'graph' in path && path.graph.edges.length === 0 && <p className="path-empty">No KG path of 3 hops or fewer links the history to this item.</p>}
          {path !== null && 'graph' in path && path.graph.edges.length > 0 && (
            <KgGraph graph={path.graph} onNode={() => undefined} name="KG paths from the history to the item" testId="path-graph" size="small" />
          )}
        </>
      )}
      <h3>Matched history</h3>
      {x.history.length === 0 ? (
        <p>No history item matched.</p>
      ) : (
        <ul className="history">
          {x.history.map((h) => (
            <li key={h.item}>
              {h.title} <span className="muted">— {h.relation}</span>
              {h.share !== null && <span className="share"> · {pct(h.share)} of the score</span>}
            </li>
          ))}
        </ul>
      )}
      <h3>Facts</h3>
      {x.facts.length === 0 ? (
        <p>No KG facts connect it.</p>
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
