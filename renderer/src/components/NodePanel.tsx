/**
 * The selected node of the explorer: its name, its relations (with counts) as "expand" buttons,
 * and a way to make it the centre. Every control is a button, reachable with Tab.
 */
import type { ApiError, KgNode, KgRelationCount } from '../../../main/api/contract';
import { ErrorNotice } from './ErrorNotice';

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
  return (
    <section className="node-panel" aria-labelledby="node-panel-title">
      <h3 id="node-panel-title">
        {node.label} <span className="muted">({node.kind === 'item' ? `item ${node.item ?? ''}` : 'entity'})</span>
      </h3>
      <button type="button" onClick={onOpen}>
        Open as centre
      </button>
      {error !== null && <ErrorNotice error={error} />}
      {relations === null && error === null && <p aria-live="polite">Loading its relations…</p>}
      {relations !== null && relations.length === 0 && <p>No relations.</p>}
      {relations !== null && relations.length > 0 && (
        <ul className="expand-list" aria-label={`Relations of ${node.label}`}>
          {relations.map((r) => (
            <li key={r.relation}>
              <button type="button" onClick={() => onExpand(r.relation)} disabled={expanded.has(r.relation)} title={r.relation}>
                Expand {r.label} ({r.count})
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
