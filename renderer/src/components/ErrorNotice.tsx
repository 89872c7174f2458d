import type { ApiError } from '../../../main/api/contract';
import { useI18n } from '../i18n';

export function ErrorNotice({ error }: { readonly error: ApiError }) {
  const { t } = useI18n();
  return (
    <div className="error" role="alert">
      <p>{error.message}</p>
      {error.hint !== undefined && <p className="hint">{t('common.whatToDo', { hint: error.hint })}</p>}
    </div>
  );
}
