/**
 * What a labeler needs beside a (user, item) pair: the user's highest-rated history (titles and
 * ratings, with their attributes) and the item's card (attributes and its first KG facts).
 */
import type { ItemCard, Result, UserHistory } from '../../../main/api/contract';
import { ErrorNotice } from './ErrorNotice';
import { attrName, useI18n } from '../i18n';

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
  const { t, count, relation, entity } = useI18n();
  return (
    <div className="pair-context">
      <section className="card" aria-labelledby="pair-user-title">
        <h4 id="pair-user-title">{t('label.historyTitle')}</h4>
        {history === null && <p aria-live="polite">{t('common.loading')}</p>}
        {history?.ok === false && <ErrorNotice error={history.error} />}
        {history?.ok === true && (
          <>
            <p className="muted">
              {t('common.user', { id: history.value.user })}
              {Object.entries(history.value.attributes).map(([k, v]) => ` · ${attrName(t, k)} ${text(v)}`)} · {t('common.interactions', { count: history.value.total, n: count(history.value.total) })}
            </p>
            <ol className="pair-history" aria-label={t('label.historyLabel')}>
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
        <h4 id="pair-item-title">{t('label.theItem')}</h4>
        {card === null && <p aria-live="polite">{t('common.loading')}</p>}
        {card?.ok === false && <ErrorNotice error={card.error} />}
        {card?.ok === true && (
          <>
            <p>
              <strong className="pair-item-name">{card.value.title}</strong> <span className="muted">· {t('common.interactions', { count: card.value.interactions, n: count(card.value.interactions) })}</span>
            </p>
            <dl className="attributes">
              {Object.entries(card.value.attributes).map(([k, v]) => (
                <div key={k}>
                  <dt>{attrName(t, k)}</dt>
                  <dd>{text(v)}</dd>
                </div>
              ))}
            </dl>
            {card.value.facts.length > 0 && (
              <ul className="pair-facts" aria-label={t('label.itemFacts')}>
                {card.value.facts.slice(0, FACTS_SHOWN).map((f, i) => (
                  <li key={`${f.relation}:${f.entity}:${i}`}>
                    <span className="muted">{relation(f.relation, f.label)}</span> {entity(f.entityLabel, f.entityDescribed)}
                  </li>
                ))}
                {card.value.facts.length > FACTS_SHOWN && <li className="muted">{t('label.moreFacts', { count: card.value.facts.length - FACTS_SHOWN })}</li>}
              </ul>
            )}
          </>
        )}
      </section>
    </div>
  );
}
