/**
 * "Import your own": paths of the analyst's files (interactions and items tables as CSV/TSV,
 * Parquet or JSON Lines; KG files as Turtle or N-Triples; a links table), a preview of the first
 * rows with the role inferred for each column, the mapping as editable JSON (previewed again
 * with the edits), then the import as a job (progress and Cancel in the view's job panel).
 */
import { useState, type FormEvent } from 'react';
import type { ApiValue, ImportMappingRequest, JobInfo, PreviewImportRequest, Result } from '../../../main/api/contract';
import { ErrorNotice } from '../components/ErrorNotice';
import { FormError } from '../components/FormError';
import type { ApiWithEvents } from '../hooks/useJob';

type Preview = ApiValue<'previewImport'>;

interface OwnImportFormProps {
  readonly api: ApiWithEvents;
  readonly running: boolean;
  readonly onStart: (call: Promise<Result<JobInfo>>) => void;
}

/** The mapping typed in the box: undefined when empty, else parsed JSON (an object) or an error message. */
export function parseMappingText(text: string): ImportMappingRequest | undefined | string {
  if (text.trim() === '') return undefined;
  try {
    const v = JSON.parse(text) as unknown;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return 'The mapping must be a JSON object, e.g. {"interactions": {"user": "userID"}}.';
    return v as ImportMappingRequest;
  } catch (e) {
    return `The mapping is not valid JSON: ${(e as Error).message}`;
  }
}

function PreviewTables({ preview }: { readonly preview: Preview }) {
  return (
    <>
      {preview.tables.map((t) => (
        <div className="table-scroll" key={t.role}>
          <table className="preview">
            <caption>
              {t.role}: {t.file} ({t.format}
              {t.delimiter !== undefined ? `, delimiter ${JSON.stringify(t.delimiter)}` : ''})
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

export function OwnImportForm({ api, running, onStart }: OwnImportFormProps) {
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
    <form className="import-form own-import" onSubmit={submit} aria-label="Import your own files">
      <p className="muted">
        Tables: CSV or TSV (any delimiter, quoted fields), Parquet, JSON Lines. KG: Turtle (.ttl) or N-Triples (.nt). Paths must lie under the folders the workbench may read (in the desktop app: File → Allow
        Import Folder…).
      </p>
      <div className="row">
        <label htmlFor="own-interactions">Interactions file</label>
        <input id="own-interactions" className="wide" value={interactions} onChange={(e) => setInteractions(e.target.value)} required maxLength={4096} placeholder="/path/to/ratings.csv" />
      </div>
      <div className="row">
        <label htmlFor="own-items">Items file (optional)</label>
        <input id="own-items" className="wide" value={items} onChange={(e) => setItems(e.target.value)} maxLength={4096} placeholder="/path/to/items.csv" />
      </div>
      <div className="row">
        <label htmlFor="own-kg">KG files (optional, one per line)</label>
        <textarea id="own-kg" className="wide" rows={2} value={kg} onChange={(e) => setKg(e.target.value)} placeholder="/path/to/kg.ttl" />
      </div>
      <div className="row">
        <label htmlFor="own-links">Links file (optional)</label>
        <input id="own-links" className="wide" value={links} onChange={(e) => setLinks(e.target.value)} maxLength={4096} placeholder="item id → KG entity; default: by id, else by title" />
      </div>
      <div className="row">
        <label htmlFor="own-name">Name (optional)</label>
        <input id="own-name" value={name} onChange={(e) => setName(e.target.value)} maxLength={100} />
      </div>
      <span className="check">
        <input id="own-pseudonymize" type="checkbox" checked={pseudonymize} onChange={(e) => setPseudonymize(e.target.checked)} />
        <label htmlFor="own-pseudonymize">Pseudonymize user ids</label>
      </span>
      <div className="row">
        <button type="button" onClick={() => void showPreview()} disabled={busy || interactions.trim() === ''}>
          {busy ? 'Reading…' : 'Preview'}
        </button>
      </div>
      {preview?.ok === false && <ErrorNotice error={preview.error} />}
      {preview?.ok === true && <PreviewTables preview={preview.value} />}
      <div className="row">
        <label htmlFor="own-mapping">Mapping (JSON; keys left out are inferred; edit and preview again)</label>
        <textarea id="own-mapping" className="wide mapping" rows={10} value={mappingText} onChange={(e) => setMappingText(e.target.value)} spellCheck={false} />
      </div>
      <FormError message={formError} />
      <p className="muted">Importing replaces the workspace&apos;s data.</p>
      <button type="submit" disabled={running || interactions.trim() === ''}>
        Import
      </button>
    </form>
  );
}
