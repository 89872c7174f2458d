/** The stored runs as a table sortable by any column; a row's button shows that run. */
import { useState } from 'react';
import type { RunSummary } from '../../../main/api/contract';
import { sortRuns, type RunSort, type RunSortKey } from '../eval-display';

const COLUMNS: readonly [RunSortKey, string][] = [
  ['created', 'Created'],
  ['dataset', 'Dataset'],
  ['protocol', 'Protocol'],
  ['models', 'Models'],
  ['seeds', 'Seeds'],
  ['k', 'k'],
  ['best', 'Best (NDCG)'],
];

interface RunsTableProps {
  readonly runs: readonly RunSummary[];
  readonly selected: string | null;
  readonly onSelect: (id: string) => void;
}

export function RunsTable({ runs, selected, onSelect }: RunsTableProps) {
  const [sort, setSort] = useState<RunSort>({ key: 'created', descending: true });
  const rows = sortRuns(runs, sort);
  const click = (key: RunSortKey): void => setSort((s) => ({ key, descending: s.key === key ? !s.descending : key === 'created' }));
  return (
    <div className="table-scroll">
      <table className="runs">
        <caption className="muted">{runs.length} {runs.length === 1 ? "run" : "runs"} · click a column to sort</caption>
        <thead>
          <tr>
            {COLUMNS.map(([key, label]) => (
              <th key={key} scope="col" aria-sort={sort.key === key ? (sort.descending ? 'descending' : 'ascending') : 'none'}>
                <button type="button" className="sort" onClick={() => click(key)}>
                  {label}
                  {sort.key === key ? (sort.descending ? ' ▼' : ' ▲') : ''}
                </button>
              </th>
            ))}
            <th scope="col">
              <span className="visually-hidden">Show</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id} className={r.id === selected ? 'selected' : undefined} aria-selected={r.id === selected} data-run={r.id}>
              <td>{r.created.replace('T', ' ').slice(0, 19)}</td>
              <td>{r.dataset}</td>
              <td>{r.protocol}</td>
              <td>{r.models.join(', ')}</td>
              <td>{r.seeds.join(', ')}</td>
              <td className="num">{r.k}</td>
              <td>{r.best ?? '—'}</td>
              <td>
                <button type="button" onClick={() => onSelect(r.id)} disabled={r.id === selected} aria-label={`Show run ${r.id}`}>
                  {r.id === selected ? 'Shown' : 'Show'}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
