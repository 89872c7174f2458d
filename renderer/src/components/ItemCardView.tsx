import type { ReactNode } from 'react';
import type { ItemCard, KgFact } from '../../../main/api/contract';
import { attrName, useI18n } from '../i18n';

interface ItemCardViewProps {
  readonly card: ItemCard;
  readonly onItem: (item: string) => void;
  readonly onEntity: (entity: string) => void;
  /** Extra controls after each fact (remove, correct / wrong labels). */
  readonly factActions?: (fact: KgFact) => ReactNode;
}

function attributeText(v: string | number | readonly string[]): string {
  return Array.isArray(v) ? v.join(', ') : String(v);
}

export function ItemCardView({ card, onItem, onEntity, factActions }: ItemCardViewProps) {
  const { t, count, relation, entity } = useI18n();
  return (
    <article className="card" aria-labelledby="item-card-title">
      <h3 id="item-card-title">{card.title}</h3>
      <p className="muted">
        {t('common.itemId', { id: card.id })} · {t('common.interactions', { count: card.interactions, n: count(card.interactions) })}
      </p>
      <dl className="attributes">
        {Object.entries(card.attributes).map(([k, v]) => (
          <div key={k}>
            <dt>{attrName(t, k)}</dt>
            <dd>{attributeText(v)}</dd>
          </div>
        ))}
      </dl>
      <h4>{t('kg.factsCount', { count: card.facts.length })}</h4>
      {card.facts.length === 0 ? (
        <p>{t('kg.noItemFacts')}</p>
      ) : (
        <ul className="facts">
          {card.facts.map((f, i) => (
            <li key={`${f.relation}:${f.direction}:${f.entity}:${i}`}>
              <span className="muted">{relation(f.relation, f.label)}</span>{' '}
              <button type="button" className="link" onClick={() => (f.entityItem !== null ? onItem(f.entityItem) : onEntity(f.entity))}>
                {entity(f.entityLabel, f.entityDescribed)}
              </button>
              {f.derived && <span className="muted">{t('kg.fromCatalog')}</span>}
              {factActions !== undefined && <span className="fact-actions">{factActions(f)}</span>}
            </li>
          ))}
        </ul>
      )}
    </article>
  );
}
