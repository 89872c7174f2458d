import type { KgHit } from '../../../main/api/contract';
import { useI18n } from '../i18n';

interface KgHitListProps {
  readonly hits: readonly KgHit[];
  readonly onOpen: (hit: KgHit) => void;
}

export function KgHitList({ hits, onOpen }: KgHitListProps) {
  const { t, entity } = useI18n();
  if (hits.length === 0) return <p>{t('common.nothingMatches')}</p>;
  return (
    <ul className="hits" aria-label={t('kg.searchResults')}>
      {hits.map((h) => (
        <li key={`${h.kind}:${h.entity ?? ''}:${h.item ?? ''}`}>
          <button type="button" className="link" onClick={() => onOpen(h)} disabled={h.entity === null && h.item === null}>
            {entity(h.label, h.described)}
          </button>{' '}
          <span className="muted">{h.kind === 'item' ? t('common.itemId', { id: h.item ?? '' }) : t('common.entity')}</span>
        </li>
      ))}
    </ul>
  );
}
