import type { Recommendation } from '../../../main/api';
import { SignalBars } from './SignalBars';

const pct = (v: number): string => `${Math.round(v * 100)}%`;

export function ExplanationPanel({ rec }: { readonly rec: Recommendation }) {
  const x = rec.explanation;
  const against = Object.entries(x.against).sort((a, b) => b[1] - a[1]);
  return (
    <section className="explanation" aria-labelledby="explanation-title">
      <h2 id="explanation-title">Why {rec.title}?</h2>
      <p className="reason">{x.reason}</p>
      <h3>Signals</h3>
      <SignalBars shares={x.signals} />
      {against.length > 0 && (
        <p className="muted">
          Held back by: {against.map(([k, v]) => `${k} ${pct(v)}`).join(', ')}
        </p>
      )}
      <h3>Matched history</h3>
      {x.history.length === 0 ? (
        <p>No history item matched.</p>
      ) : (
        <ul className="history">
          {x.history.map((h) => (
            <li key={h.item}>
              {h.title} <span className="muted">— {h.relation}</span>
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
    </section>
  );
}
