/**
 * What a labeler needs beside a (user, item) pair: the user's highest-rated history (titles and
 * ratings, with their attributes) and the item's card (attributes and its first KG facts).
 */
import type { ItemCard, Result, UserHistory } from '../../../main/api/contract';
import { ErrorNotice } from './ErrorNotice';

/** Facts shown on the compact card; the KG view has them all. */
const FACTS_SHOWN = 8;

function text(v: string | number | readonly string[]): string {
  return Array.isArray(v) ? v.join(', ') : String(v);
}

interface PairContextProps {
  readonly history: Result<UserHistory> | null;
  readonly card: Result<ItemCard> | null;
}

export function PairContext({ history, card }: PairContextProps) {
  return (
    <div className="pair-context">
      <section className="card" aria-labelledby="pair-user-title">
        <h4 id="pair-user-title">What this user rated highest</h4>
        {history === null && <p aria-live="polite">Loading…</p>}
        {history?.ok === false && <ErrorNotice error={history.error} />}
        {history?.ok === true && (
          <>
            <p className="muted">
              user {history.value.user}
              {Object.entries(history.value.attributes).map(([k, v]) => ` · ${k} ${text(v)}`)} · {history.value.total} interactions
            </p>
            <ol className="pair-history" aria-label="User history, highest rated first">
              {history.value.items.map((h) => (
                <li key={h.item}>
                  {h.title} <span className="muted">({h.rating})</span>
                </li>
              ))}
            </ol>
          </>
        )}
      </section>
      <section className="card" aria-labelledby="pair-item-title">
        <h4 id="pair-item-title">The item</h4>
        {card === null && <p aria-live="polite">Loading…</p>}
        {card?.ok === false && <ErrorNotice error={card.error} />}
        {card?.ok === true && (
          <>
            <p>
              <strong className="pair-item-name">{card.value.title}</strong> <span className="muted">· {card.value.interactions.toLocaleString('en-US')} interactions</span>
            </p>
            <dl className="attributes">
              {Object.entries(card.value.attributes).map(([k, v]) => (
                <div key={k}>
                  <dt>{k}</dt>
                  <dd>{text(v)}</dd>
                </div>
              ))}
            </dl>
            {card.value.facts.length > 0 && (
              <ul className="pair-facts" aria-label="Item facts">
                {card.value.facts.slice(0, FACTS_SHOWN).map((f, i) => (
                  <li key={`${f.relation}:${f.entity}:${i}`}>
                    <span className="muted">{f.label}</span> {f.entityLabel}
                  </li>
                ))}
                {card.value.facts.length > FACTS_SHOWN && <li className="muted">… {card.value.facts.length - FACTS_SHOWN} more in the Knowledge graph view</li>}
              </ul>
            )}
          </>
        )}
      </section>
    </div>
  );
}
