import { useI18n } from '../i18n';
interface PagerProps {
  readonly offset: number;
  readonly limit: number;
  readonly total: number;
  readonly onOffset: (offset: number) => void;
}

export function Pager({ offset, limit, total, onOffset }: PagerProps) {
  const first = total === 0 ? 0 : offset + 1;
  const last = Math.min(offset + limit, total);
  const { t, count } = useI18n();
  return (
    <nav className="pager" aria-label={t('items.pages')}>
      <button type="button" disabled={offset === 0} onClick={() => onOffset(Math.max(0, offset - limit))}>
        {t('items.previous')}
      </button>
      <span aria-live="polite">
        {t('items.range', { first: count(first), last: count(last), total: count(total) })}
      </span>
      <button type="button" disabled={offset + limit >= total} onClick={() => onOffset(offset + limit)}>
        {t('items.next')}
      </button>
    </nav>
  );
}
