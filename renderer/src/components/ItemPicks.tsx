/** Picks a few items for a new user: search the catalog, add results, remove picks. */
import { useState } from 'react';
import { EnterSearch } from './EnterSearch';
import type { ApiError, ItemRow, Page, Result } from '../../../main/api/contract';
import { ErrorNotice } from './ErrorNotice';

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
        <label htmlFor="pick-query">Find items</label>
        <EnterSearch id="pick-query" value={text} maxLength={200} onChange={setText} onEnter={() => void search()} />
        <button type="button" onClick={() => void search()}>
          Find
        </button>
      </div>
      {error !== null && <ErrorNotice error={error} />}
      {found !== null && (
        <ul className="hits" aria-label="Items found">
          {found.length === 0 && <li>No items match.</li>}
          {found.map((i) => (
            <li key={i.id}>
              <button type="button" className="link" disabled={picks.some((p) => p.id === i.id)} onClick={() => onChange([...picks, i])}>
                Pick {i.title}
              </button>
            </li>
          ))}
        </ul>
      )}
      <p>
        Picked ({picks.length}):{' '}
        {picks.length === 0 && <span className="muted">none yet</span>}
      </p>
      <ul className="picks" aria-label="Picked items">
        {picks.map((p) => (
          <li key={p.id}>
            {p.title}{' '}
            <button type="button" className="small" aria-label={`Remove ${p.title}`} onClick={() => onChange(picks.filter((x) => x.id !== p.id))}>
              ×
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
