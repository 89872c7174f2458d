/** The KG edit history, newest first, with Undo (reverts the last edit not yet undone). */
import type { KgEdit, Page } from '../../../main/api/contract';
import { useI18n } from '../i18n';

interface EditHistoryProps {
  readonly page: Page<KgEdit>;
  readonly onUndo: () => void;
  readonly busy: boolean;
}

export function EditHistory({ page, onUndo, busy }: EditHistoryProps) {
  const canUndo = page.rows.some((e) => !e.undone);
  const { t, date, relation } = useI18n();
  return (
    <section className="edit-history" aria-labelledby="edit-history-title">
      <h3 id="edit-history-title">
        {t('edits.title')} <span className="muted">({page.total})</span>
      </h3>
      <button type="button" onClick={onUndo} disabled={busy || !canUndo} aria-keyshortcuts="Control+Z">
        {t('edits.undo')}
      </button>
      {page.rows.length === 0 ? (
        <p>{t('edits.none')}</p>
      ) : (
        <ol className="edits">
          {page.rows.map((e) => (
            <li key={e.id} className={e.undone ? 'undone' : undefined}>
              <strong>{e.op === 'add' ? t('edits.added') : t('edits.removed')}</strong> {e.headLabel} — {relation(e.relation, e.relation)} → {e.tailLabel}
              <span className="muted">
                {' '}
                · {e.author}, {date(e.created)}
                {e.undone && t('edits.undone')}
              </span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
