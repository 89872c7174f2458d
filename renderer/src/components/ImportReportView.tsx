/** The last import's per-file report: rows read and kept, and each warning with its line numbers. */
import type { ApiValue } from '../../../main/api/contract';

export type ImportReport = NonNullable<ApiValue<'importReport'>>;

export function ImportReportView({ report }: { readonly report: ImportReport }) {
  const n = (v: number): string => v.toLocaleString('en-US');
  return (
    <div className="import-report">
      <p className="muted">
        {report.dataset} from {report.source} · {report.created}
      </p>
      {report.feedback !== undefined && <p className="feedback">Feedback ({report.feedback.kind}): {report.feedback.use}</p>}
      {report.link !== undefined && (
        <p className="link-rate">
          Linked {n(report.link.linked)} of {n(report.link.items)} items to KG entities ({(100 * report.link.rate).toFixed(1)}%, by {report.link.by})
          {report.link.unmatchedItems.length > 0 && <span className="muted">; not linked, e.g. {report.link.unmatchedItems.slice(0, 3).join('; ')}</span>}
        </p>
      )}
      <table className="files">
        <caption>Files</caption>
        <thead>
          <tr>
            <th scope="col">File</th>
            <th scope="col">Kind</th>
            <th scope="col" className="num">
              Rows read
            </th>
            <th scope="col" className="num">
              Rows kept
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
      <h3>Warnings ({report.warnings.length})</h3>
      {report.warnings.length === 0 ? (
        <p>No rows were dropped or changed.</p>
      ) : (
        <ul className="warnings">
          {report.warnings.map((w) => (
            <li key={`${w.file}:${w.code}`}>
              <strong>{w.file}</strong>: {n(w.count)} {w.message}
              {w.lines.length > 0 && <span className="muted"> (lines {w.lines.join(', ')}{w.count > w.lines.length ? ', …' : ''})</span>}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
