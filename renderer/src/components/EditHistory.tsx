/** The KG edit history, newest first, with Undo (reverts the last edit not yet undone). */
import type { KgEdit, Page } from '../../../main/api/contract';

interface EditHistoryProps {
  readonly page: Page<KgEdit>;
  readonly onUndo: () => void;
  readonly busy: boolean;
}

export function EditHistory({ page, onUndo, busy }: EditHistoryProps) {
  const canUndo = page.rows.some((e) => !e.undone);
  return (
    <section className="edit-history" aria-labelledby="edit-history-title">
      <h3 id="edit-history-title">
        Edit history <span className="muted">({page.total})</span>
      </h3>
      <button type="button" onClick={onUndo} disabled={busy || !canUndo} aria-keyshortcuts="Control+Z">
        Undo last edit
      </button>
      {page.rows.length === 0 ? (
        <p>No edits yet.</p>
      ) : (
        <ol className="edits">
          {page.rows.map((e) => (
            <li key={e.id} className={e.undone ? 'undone' : undefined}>
              <strong>{e.op === 'add' ? 'Added' : 'Removed'}</strong> {e.headLabel} — {e.relation} → {e.tailLabel}
              <span className="muted">
                {' '}
                · {e.author}, {e.created}
                {e.undone && ' · undone'}
              </span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
