import type { ApiError } from '../../../main/api/contract';
import { useI18n } from '../i18n';

/**
 * An Api error. In English: its message and what to do. In another language: a headline by the
 * error's code in that language, then the main process's English message and hint as the detail
 * (marked lang="en" for screen readers).
 */
export function ErrorNotice({ error }: { readonly error: ApiError }) {
  const { t, lang } = useI18n();
  if (lang === 'en') {
    return (
      <div className="error" role="alert">
        <p>{error.message}</p>
        {error.hint !== undefined && <p className="hint">{t('common.whatToDo', { hint: error.hint })}</p>}
      </div>
    );
  }
  return (
    <div className="error" role="alert">
      <p className="error-title">
        <strong>{t(`errors.${error.code}`)}</strong>
      </p>
      <p className="error-detail">
        {t('errors.detail')}
        <span lang="en">{error.message}</span>
      </p>
      {error.hint !== undefined && (
        <p className="hint">
          {t('common.whatToDo', { hint: '' })}
          <span lang="en">{error.hint}</span>
        </p>
      )}
    </div>
  );
}
