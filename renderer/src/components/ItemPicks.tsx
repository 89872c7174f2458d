/** Picks a few items for a new user: search the catalog, add results, remove picks. */
import { useState } from 'react';
import { EnterSearch } from './EnterSearch';
import type { ApiError, ItemRow, Page, Result } from '../../../main/api/contract';
import { ErrorNotice } from './ErrorNotice';
import { useI18n } from '../i18n';

interface ItemPicksProps {
  /** Catalog items matching the typed text. */
  readonly findItems: (query: string) => Promise<Result<Page<ItemRow>>>;
  readonly picks: readonly ItemRow[];
  readonly onChange: (picks: readonly ItemRow[]) => void;
}

export function ItemPicks({ findItems, picks, onChange }: ItemPicksProps) {
  const [text, setText] = useState('');
  const [found, setFound] = useState<readonly ItemRow[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const { t } = useI18n();
  const search = async (): Promise<void> => {
    if (text.trim() === '') return;
    const r = await findItems(text.trim());
    if (r.ok) {
      setFound(r.value.rows);
      setError(null);
    } else setError(r.error);
  };
  return (
    <div className="item-picks">
      <div className="row">
        <label htmlFor="pick-query">{t('common.findItems')}</label>
        <EnterSearch id="pick-query" value={text} maxLength={200} onChange={setText} onEnter={() => void search()} />
        <button type="button" onClick={() => void search()}>
          {t('recs.find')}
        </button>
      </div>
      {error !== null && <ErrorNotice error={error} />}
      {found !== null && (
        <ul className="hits" aria-label={t('recs.itemsFound')}>
          {found.length === 0 && <li>{t('common.noItemsMatch')}</li>}
          {found.map((i) => (
            <li key={i.id}>
              <button type="button" className="link" disabled={picks.some((p) => p.id === i.id)} onClick={() => onChange([...picks, i])}>
                {t('recs.pick', { title: i.title })}
              </button>
            </li>
          ))}
        </ul>
      )}
      <p>
        {t('recs.picked', { count: picks.length })}{' '}
        {picks.length === 0 && <span className="muted">{t('recs.noneYet')}</span>}
      </p>
      <ul className="picks" aria-label={t('recs.pickedItems')}>
        {picks.map((p) => (
          <li key={p.id}>
            {p.title}{' '}
            <button type="button" className="small" aria-label={t('recs.removeTitle', { title: p.title })} onClick={() => onChange(picks.filter((x) => x.id !== p.id))}>
              ×
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
