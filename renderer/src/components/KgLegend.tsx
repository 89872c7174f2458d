/**
 * The explorer's legend: one button per node type with its colour, shape and count. Pressing a
 * type highlights all of its nodes (pressing it again clears); the choice is announced.
 */
import type { LegendRow } from '../graph-style';
import { typeName, useI18n } from '../i18n';

interface KgLegendProps {
  readonly rows: readonly LegendRow[];
  readonly highlighted: string | null;
  readonly onHighlight: (type: string | null) => void;
}

export function KgLegend({ rows, highlighted, onHighlight }: KgLegendProps) {
  const { t } = useI18n();
  if (rows.length === 0) return null;
  return (
    <div className="kg-legend" role="group" aria-label={t('kg.legendLabel')}>
      {rows.map((r) => (
        <button
          key={r.type}
          type="button"
          className="legend-row"
          aria-pressed={highlighted === r.type}
          data-type={r.type}
          data-count={r.count}
          title={t('kg.highlightType', { type: typeName(t, r.type) })}
          onClick={() => onHighlight(highlighted === r.type ? null : r.type)}
        >
          <svg width="12" height="12" aria-hidden="true" focusable="false">
            {r.shape === 'round-rectangle' ? <rect x="1" y="1" width="10" height="10" rx="2" fill={r.colour} /> : <circle cx="6" cy="6" r="5" fill={r.colour} />}
          </svg>
          {typeName(t, r.type)} <span className="muted">({r.count})</span>
        </button>
      ))}
    </div>
  );
}
