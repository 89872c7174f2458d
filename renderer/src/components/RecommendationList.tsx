import type { Recommendation } from '../../../main/api/contract';
import { useI18n } from '../i18n';

interface RecommendationListProps {
  readonly items: readonly Recommendation[];
  readonly selected: string | null;
  readonly onSelect: (item: string) => void;
}

export function RecommendationList({ items, selected, onSelect }: RecommendationListProps) {
  const { t, fixed } = useI18n();
  if (items.length === 0) return <p>{t('recs.none')}</p>;
  return (
    <table className="recs">
      <thead>
        <tr>
          <th scope="col">#</th>
          <th scope="col">{t('recs.item')}</th>
          <th scope="col" className="num">
            {t('recs.score')}
          </th>
          <th scope="col">
            <span className="sr-only">{t('recs.explanation')}</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {items.map((r, i) => (
          <tr key={r.item} aria-selected={r.item === selected} className={r.item === selected ? 'selected' : undefined}>
            <td>{i + 1}</td>
            <td>{r.title}</td>
            <td className="num">{fixed(r.score, 4)}</td>
            <td>
              <button type="button" onClick={() => onSelect(r.item)} aria-pressed={r.item === selected}>
                {t('recs.why')}
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
