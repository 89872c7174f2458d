import type { WorkspaceSummary } from '../../../main/api/contract';
import { useI18n } from '../i18n';

const COUNTS = ['users', 'items', 'interactions', 'entities', 'relations', 'triples', 'links'] as const satisfies readonly (keyof WorkspaceSummary)[];

export function SummaryTable({ summary }: { readonly summary: WorkspaceSummary }) {
  const { t, count } = useI18n();
  return (
    <table className="summary">
      <caption>
        {summary.dataset ?? t('summary.noDataset')} <span className="muted">({t('summary.schema', { path: summary.path, version: summary.schemaVersion })})</span>
      </caption>
      <tbody>
        {COUNTS.map((key) => (
          <tr key={key}>
            <th scope="row">{t(`summary.${key}`)}</th>
            <td className="num">{count(Number(summary[key]))}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
