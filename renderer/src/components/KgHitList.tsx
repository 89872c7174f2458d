import type { KgHit } from '../../../main/api/contract';

interface KgHitListProps {
  readonly hits: readonly KgHit[];
  readonly onOpen: (hit: KgHit) => void;
}

export function KgHitList({ hits, onOpen }: KgHitListProps) {
  if (hits.length === 0) return <p>Nothing matches.</p>;
  return (
    <ul className="hits" aria-label="Search results">
      {hits.map((h) => (
        <li key={`${h.kind}:${h.entity ?? ''}:${h.item ?? ''}`}>
          <button type="button" className="link" onClick={() => onOpen(h)} disabled={h.entity === null && h.item === null}>
            {h.label}
          </button>{' '}
          <span className="muted">{h.kind === 'item' ? `item ${h.item ?? ''}` : 'entity'}</span>
        </li>
      ))}
    </ul>
  );
}
