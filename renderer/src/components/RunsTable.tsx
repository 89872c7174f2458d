/** The stored runs as a table sortable by any column; a row's button shows that run. */
import { useState } from 'react';
import type { RunSummary } from '../../../main/api/contract';
import { sortRuns, type RunSort, type RunSortKey } from '../eval-display';
import { useI18n } from '../i18n';

const COLUMNS: readonly RunSortKey[] = ['created', 'dataset', 'protocol', 'models', 'seeds', 'k', 'best'];

interface RunsTableProps {
  readonly runs: readonly RunSummary[];
  readonly selected: string | null;
  readonly onSelect: (id: string) => void;
}

export function RunsTable({ runs, selected, onSelect }: RunsTableProps) {
  const { t, date } = useI18n();
  const [sort, setSort] = useState<RunSort>({ key: 'created', descending: true });
  const rows = sortRuns(runs, sort);
  const click = (key: RunSortKey): void => setSort((s) => ({ key, descending: s.key === key ? !s.descending : key === 'created' }));
  return (
    <div className="table-scroll">
      <table className="runs">
        <caption className="muted">{t('eval.runsCount', { count: runs.length })}</caption>
        <thead>
          <tr>
            {COLUMNS.map((key) => (
              <th key={key} scope="col" aria-sort={sort.key === key ? (sort.descending ? 'descending' : 'ascending') : 'none'}>
                <button type="button" className="sort" onClick={() => click(key)}>
                  {t(`eval.columns.${key}`)}
                  {sort.key === key ? (sort.descending ? ' ▼' : ' ▲') : ''}
                </button>
              </th>
            ))}
            <th scope="col">
              <span className="visually-hidden">{t('eval.show')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id} className={r.id === selected ? 'selected' : undefined} aria-selected={r.id === selected} data-run={r.id}>
              <td>{date(r.created)}</td>
              <td>{r.dataset}</td>
              <td>{r.protocol}</td>
              <td>{r.models.join(', ')}</td>
              <td>{r.seeds.join(', ')}</td>
              <td className="num">{r.k}</td>
              <td>{r.best ?? '—'}</td>
              <td>
                <button type="button" onClick={() => onSelect(r.id)} disabled={r.id === selected} aria-label={t('eval.showRun', { id: r.id })}>
                  {r.id === selected ? t('eval.shown') : t('eval.show')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
