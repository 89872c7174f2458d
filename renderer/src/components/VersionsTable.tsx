/** Fine-tuned adapter versions: config, seed, data, best validation NDCG; "Make active". */
import type { ModelVersion } from '../../../main/api/contract';

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
  if (versions.length === 0) return <p className="muted">No fine-tuned version yet.</p>;
  return (
    <table className="versions">
      <thead>
        <tr>
          <th scope="col">Version</th>
          <th scope="col">Created</th>
          <th scope="col">Config</th>
          <th scope="col" className="num">
            Seed
          </th>
          <th scope="col" className="num">
            Labels
          </th>
          <th scope="col" className="num">
            Valid NDCG@10
          </th>
          <th scope="col" className="num">
            Best epoch
          </th>
          <th scope="col">Active</th>
        </tr>
      </thead>
      <tbody>
        {versions.map((v) => (
          <tr key={v.id} className={v.active ? 'selected' : undefined} data-version={v.id}>
            <th scope="row">{v.id}</th>
            <td>{v.created}</td>
            <td className="config" title={`data ${v.dataHash}`}>
              {configText(v.config)}
            </td>
            <td className="num">{v.seed}</td>
            <td className="num">{v.labels}</td>
            <td className="num">{v.validNdcg === null ? '—' : v.validNdcg.toFixed(4)}</td>
            <td className="num">{v.bestEpoch ?? '—'}</td>
            <td>
              {v.active ? (
                <strong>active</strong>
              ) : (
                <button type="button" disabled={busy} onClick={() => onActivate(v.id)} aria-label={`Make ${v.id} active`}>
                  Make active
                </button>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
