/** Fine-tuned adapter versions: config, seed, data, best validation NDCG; "Make active". */
import type { ModelVersion } from '../../../main/api/contract';
import { useI18n } from '../i18n';

interface VersionsTableProps {
  readonly versions: readonly ModelVersion[];
  readonly busy: boolean;
  readonly onActivate: (id: string) => void;
}

const configText = (c: ModelVersion['config']): string =>
  Object.entries(c)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(', ');

export function VersionsTable({ versions, busy, onActivate }: VersionsTableProps) {
  const { t, date, fixed } = useI18n();
  if (versions.length === 0) return <p className="muted">{t('ft.noVersions')}</p>;
  return (
    <table className="versions">
      <thead>
        <tr>
          <th scope="col">{t('ft.cols.version')}</th>
          <th scope="col">{t('ft.cols.created')}</th>
          <th scope="col">{t('ft.cols.config')}</th>
          <th scope="col" className="num">
            {t('ft.cols.seed')}
          </th>
          <th scope="col" className="num">
            {t('ft.cols.labels')}
          </th>
          <th scope="col" className="num">
            {t('ft.cols.valid')}
          </th>
          <th scope="col" className="num">
            {t('ft.cols.bestEpoch')}
          </th>
          <th scope="col">{t('ft.cols.active')}</th>
        </tr>
      </thead>
      <tbody>
        {versions.map((v) => (
          <tr key={v.id} className={v.active ? 'selected' : undefined} data-version={v.id}>
            <th scope="row">{v.id}</th>
            <td>{date(v.created)}</td>
            <td className="config" title={t('ft.data', { hash: v.dataHash })}>
              {configText(v.config)}
            </td>
            <td className="num">{v.seed}</td>
            <td className="num">{v.labels}</td>
            <td className="num">{v.validNdcg === null ? '—' : fixed(v.validNdcg, 4)}</td>
            <td className="num">{v.bestEpoch ?? '—'}</td>
            <td>
              {v.active ? (
                <strong>{t('ft.active')}</strong>
              ) : (
                <button type="button" disabled={busy} onClick={() => onActivate(v.id)} aria-label={t('ft.makeActiveLabel', { id: v.id })}>
                  {t('ft.makeActive')}
                </button>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
