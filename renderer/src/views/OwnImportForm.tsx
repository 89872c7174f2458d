/**
 * "Import your own": paths of the analyst's files (interactions and items tables as CSV/TSV,
 * Parquet or JSON Lines; KG files as Turtle or N-Triples; a links table), a preview of the first
 * rows with the role inferred for each column, the mapping as editable JSON (previewed again
 * with the edits), then the import as a job (progress and Cancel in the view's job panel).
 */
import { useState, type FormEvent } from 'react';
import type { ApiValue, FileChooser, ImportFileRole, ImportMappingRequest, JobInfo, PreviewImportRequest, Result } from '../../../main/api/contract';
import { ErrorNotice } from '../components/ErrorNotice';
import { FormError } from '../components/FormError';
import type { ApiWithEvents } from '../hooks/useJob';
import i18next from 'i18next';
import { useI18n } from '../i18n';

type Preview = ApiValue<'previewImport'>;

interface OwnImportFormProps {
  readonly api: ApiWithEvents;
  readonly running: boolean;
  readonly onStart: (call: Promise<Result<JobInfo>>) => void;
  /** The OS file dialog (desktop app: window.files); absent in a browser, where the paths are typed. */
  readonly chooser?: FileChooser;
}

/** "Choose…" beside a path field when there is a file dialog; the picked path goes to `onPath`. */
function ChooseButton({ chooser, role, label, onPath }: { readonly chooser?: FileChooser; readonly role: ImportFileRole; readonly label: string; readonly onPath: (path: string) => void }) {
  const { t } = useI18n();
  if (chooser === undefined) return null;
  const choose = async (): Promise<void> => {
    const path = await chooser.chooseFile(role);
    if (path !== null) onPath(path);
  };
  return (
    <button type="button" aria-label={t('own.chooseFor', { field: label })} onClick={() => void choose()}>
      {t('own.choose')}
    </button>
  );
}

/** The mapping typed in the box: undefined when empty, else parsed JSON (an object) or an error message. */
export function parseMappingText(text: string): ImportMappingRequest | undefined | string {
  if (text.trim() === '') return undefined;
  try {
    const v = JSON.parse(text) as unknown;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return i18next.t('own.notObject');
    return v as ImportMappingRequest;
  } catch (e) {
    return i18next.t('own.notJson', { message: (e as Error).message });
  }
}

function PreviewTables({ preview }: { readonly preview: Preview }) {
  const { t: tr } = useI18n();
  return (
    <>
      {preview.tables.map((t) => (
        <div className="table-scroll" key={t.role}>
          <table className="preview">
            <caption>
              {t.role}: {t.file} ({t.format}
              {t.delimiter !== undefined ? tr('own.delimiter', { delimiter: JSON.stringify(t.delimiter) }) : ''})
            </caption>
            <thead>
              <tr>
                {t.columns.map((c) => (
                  <th scope="col" key={c.name}>
                    {c.name}
                    <br />
                    <span className={`role role-${c.role.split(' ')[0]}`}>{c.role}</span>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {t.rows.map((r, i) => (
                <tr key={i}>
                  {r.map((v, j) => (
                    <td key={j}>{v ?? ''}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ))}
    </>
  );
}

export function OwnImportForm({ api, running, onStart, chooser }: OwnImportFormProps) {
  const [interactions, setInteractions] = useState('');
  const [items, setItems] = useState('');
  const [kg, setKg] = useState('');
  const [links, setLinks] = useState('');
  const [name, setName] = useState('');
  const [pseudonymize, setPseudonymize] = useState(false);
  const [mappingText, setMappingText] = useState('');
  const [preview, setPreview] = useState<Result<Preview> | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const { t } = useI18n();

  const request = (): PreviewImportRequest | null => {
    const mapping = parseMappingText(mappingText);
    if (typeof mapping === 'string') {
      setFormError(mapping);
      return null;
    }
    setFormError(null);
    const kgFiles = kg
      .split('\n')
      .map((s) => s.trim())
      .filter((s) => s !== '');
    return {
      interactions: interactions.trim(),
      ...(items.trim() === '' ? {} : { items: items.trim() }),
      ...(links.trim() === '' ? {} : { links: links.trim() }),
      ...(kgFiles.length === 0 ? {} : { kg: kgFiles }),
      ...(mapping === undefined ? {} : { mapping }),
    };
  };

  const showPreview = async (): Promise<void> => {
    const r = request();
    if (r === null) return;
    setBusy(true);
    try {
      const p = await api.previewImport(r);
      setPreview(p);
      if (p.ok) setMappingText(JSON.stringify(p.value.mapping, null, 2));
    } finally {
      setBusy(false);
    }
  };

  const submit = (e: FormEvent<HTMLFormElement>): void => {
    e.preventDefault();
    const r = request();
    if (r === null) return;
    onStart(api.startImportOwn({ ...r, ...(name.trim() === '' ? {} : { name: name.trim() }), pseudonymize }));
  };

  return (
    <form className="import-form own-import" onSubmit={submit} aria-label={t('own.formLabel')}>
      <p className="muted">
        {t('own.help')}
      </p>
      <div className="row">
        <label htmlFor="own-interactions">{t('own.interactions')}</label>
        <input id="own-interactions" className="wide" value={interactions} onChange={(e) => setInteractions(e.target.value)} required maxLength={4096} placeholder="/path/to/ratings.csv" />
        <ChooseButton chooser={chooser} role="interactions" label={t('own.interactions')} onPath={setInteractions} />
      </div>
      <div className="row">
        <label htmlFor="own-items">{t('own.items')}</label>
        <input id="own-items" className="wide" value={items} onChange={(e) => setItems(e.target.value)} maxLength={4096} placeholder="/path/to/items.csv" />
        <ChooseButton chooser={chooser} role="items" label={t('own.items')} onPath={setItems} />
      </div>
      <div className="row">
        <label htmlFor="own-kg">{t('own.kg')}</label>
        <textarea id="own-kg" className="wide" rows={2} value={kg} onChange={(e) => setKg(e.target.value)} placeholder="/path/to/kg.ttl" />
        <ChooseButton chooser={chooser} role="kg" label={t('own.kg')} onPath={(p) => setKg((k) => (k.trim() === '' ? p : `${k.trimEnd()}\n${p}`))} />
      </div>
      <div className="row">
        <label htmlFor="own-links">{t('own.links')}</label>
        <input id="own-links" className="wide" value={links} onChange={(e) => setLinks(e.target.value)} maxLength={4096} placeholder={t('own.linksPlaceholder')} />
        <ChooseButton chooser={chooser} role="links" label={t('own.links')} onPath={setLinks} />
      </div>
      <div className="row">
        <label htmlFor="own-name">{t('common.nameOptional')}</label>
        <input id="own-name" value={name} onChange={(e) => setName(e.target.value)} maxLength={100} />
      </div>
      <span className="check">
        <input id="own-pseudonymize" type="checkbox" checked={pseudonymize} onChange={(e) => setPseudonymize(e.target.checked)} />
        <label htmlFor="own-pseudonymize">{t('own.pseudonymize')}</label>
      </span>
      <div className="row">
        <button type="button" onClick={() => void showPreview()} disabled={busy || interactions.trim() === ''}>
          {busy ? t('own.reading') : t('own.preview')}
        </button>
      </div>
      {preview?.ok === false && <ErrorNotice error={preview.error} />}
      {preview?.ok === true && <PreviewTables preview={preview.value} />}
      <div className="row">
        <label htmlFor="own-mapping">{t('own.mapping')}</label>
        <textarea id="own-mapping" className="wide mapping" rows={10} value={mappingText} onChange={(e) => setMappingText(e.target.value)} spellCheck={false} />
      </div>
      <FormError message={formError} />
      <p className="muted">{t('common.importReplaces')}</p>
      <button type="submit" disabled={running || interactions.trim() === ''}>
        {t('common.import')}
      </button>
    </form>
  );
}
