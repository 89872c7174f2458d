/** The last import's per-file report: rows read and kept, and each warning with its line numbers. */
import type { ApiValue } from '../../../main/api/contract';
import { useI18n } from '../i18n';

export type ImportReport = NonNullable<ApiValue<'importReport'>>;

export function ImportReportView({ report }: { readonly report: ImportReport }) {
  const { t, count: n, date } = useI18n();
  return (
    <div className="import-report">
      <p className="muted">
        {t('importReport.from', { dataset: report.dataset, source: report.source, created: date(report.created) })}
      </p>
      {report.feedback !== undefined && (
        <p className="feedback">
          {t('importReport.feedback', {
            kind: t(`importReport.feedbackKind.${report.feedback.kind}`),
            use: t(`importReport.feedbackUse.${report.feedback.column === null ? 'none' : report.feedback.kind}`, { column: report.feedback.column ?? '' }),
          })}
        </p>
      )}
      {report.link !== undefined && (
        <p className="link-rate">
          {t('importReport.linked', { linked: n(report.link.linked), items: n(report.link.items), rate: (100 * report.link.rate).toFixed(1), by: report.link.by })}
          {report.link.unmatchedItems.length > 0 && <span className="muted">{t('importReport.notLinked', { examples: report.link.unmatchedItems.slice(0, 3).join('; ') })}</span>}
        </p>
      )}
      <table className="files">
        <caption>{t('importReport.files')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('importReport.file')}</th>
            <th scope="col">{t('importReport.kind')}</th>
            <th scope="col" className="num">
              {t('importReport.rowsRead')}
            </th>
            <th scope="col" className="num">
              {t('importReport.rowsKept')}
            </th>
          </tr>
        </thead>
        <tbody>
          {report.files.map((f) => (
            <tr key={f.file}>
              <td>{f.file}</td>
              <td>{f.kind}</td>
              <td className="num">{n(f.rows)}</td>
              <td className="num">{n(f.kept)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>{t('importReport.warnings', { count: report.warnings.length })}</h3>
      {report.warnings.length === 0 ? (
        <p>{t('importReport.noWarnings')}</p>
      ) : (
        <ul className="warnings">
          {report.warnings.map((w) => (
            <li key={`${w.file}:${w.code}`}>
              <strong>{w.file}</strong>: {n(w.count)} {t(`importReport.warning.${w.code}`)}
              {w.lines.length > 0 && <span className="muted">{t('importReport.lines', { lines: `${w.lines.join(', ')}${w.count > w.lines.length ? ', …' : ''}` })}</span>}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
