/**
 * The selected node of the explorer: its name, its relations (with counts) as "expand" buttons,
 * and a way to make it the centre. Every control is a button, reachable with Tab.
 */
import type { ApiError, KgNode, KgRelationCount } from '../../../main/api/contract';
import { ErrorNotice } from './ErrorNotice';
import { useI18n } from '../i18n';

interface NodePanelProps {
  readonly node: KgNode;
  /** Relations around the node; null while loading. */
  readonly relations: readonly KgRelationCount[] | null;
  readonly error: ApiError | null;
  /** Relations already expanded for this node. */
  readonly expanded: ReadonlySet<string>;
  readonly onExpand: (relation: string) => void;
  readonly onOpen: () => void;
}

export function NodePanel({ node, relations, error, expanded, onExpand, onOpen }: NodePanelProps) {
  const { t, relation } = useI18n();
  return (
    <section className="node-panel" aria-labelledby="node-panel-title">
      <h3 id="node-panel-title">
        {node.label} <span className="muted">({node.kind === 'item' ? t('common.itemId', { id: node.item ?? '' }) : t('common.entity')})</span>
      </h3>
      <button type="button" onClick={onOpen}>
        {t('kg.openAsCentre')}
      </button>
      {error !== null && <ErrorNotice error={error} />}
      {relations === null && error === null && <p aria-live="polite">{t('kg.loadingRelations')}</p>}
      {relations !== null && relations.length === 0 && <p>{t('kg.noRelations')}</p>}
      {relations !== null && relations.length > 0 && (
        <ul className="expand-list" aria-label={t('kg.relationsOf', { node: node.label })}>
          {relations.map((r) => (
            <li key={r.relation}>
              <button type="button" onClick={() => onExpand(r.relation)} disabled={expanded.has(r.relation)} title={r.relation}>
                {t('kg.expand', { relation: relation(r.relation, r.label), count: r.count })}
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
