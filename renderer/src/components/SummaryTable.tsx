import type { WorkspaceSummary } from '../../../main/api/contract';

const COUNTS: readonly (readonly [keyof WorkspaceSummary, string])[] = [
  ['users', 'Users'],
  ['items', 'Items'],
  ['interactions', 'Interactions'],
  ['entities', 'KG entities'],
  ['relations', 'KG relations'],
  ['triples', 'KG triples'],
  ['links', 'Item–entity links'],
];

export function SummaryTable({ summary }: { readonly summary: WorkspaceSummary }) {
  return (
    <table className="summary">
      <caption>
        {summary.dataset ?? 'No dataset imported yet'} <span className="muted">({summary.path}, schema v{summary.schemaVersion})</span>
      </caption>
      <tbody>
        {COUNTS.map(([key, label]) => (
          <tr key={key}>
            <th scope="row">{label}</th>
            <td className="num">{Number(summary[key]).toLocaleString('en-US')}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
