/**
 * The workspace's text model (the encoder that reads queries and item sentences): the prepared
 * ones, English-only marked. The view owns the calls (listTextModels / setTextModel).
 */
import type { TextModelRow } from '../../../main/api/contract';
import { useI18n } from '../i18n';

interface TextModelPickerProps {
  readonly models: readonly TextModelRow[];
  readonly onChoose: (name: string) => void;
  readonly failure: string | null;
}

export function TextModelPicker({ models, onChoose, failure }: TextModelPickerProps) {
  const { t } = useI18n();
  if (models.length === 0) return null;
  const active = models.find((m) => m.active)?.name ?? '';
  return (
    <span className="check lang">
      <label htmlFor="rec-text-model">{t('recs.textModel')}</label>
      <select id="rec-text-model" value={active} onChange={(e) => onChoose(e.target.value)}>
        {models.map((m) => (
          <option key={m.name} value={m.name}>
            {m.name}
            {m.languages === 'en' ? t('recs.englishOnly') : t('recs.multilingual')}
          </option>
        ))}
      </select>
      {failure !== null && <span className="error">{failure}</span>}
    </span>
  );
}
