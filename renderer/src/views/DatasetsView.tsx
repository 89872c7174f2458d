/**
 * Datasets: import (a registry name, a RecBole folder, or your own tables and KG files through
 * a previewed, editable mapping; optionally with pseudonymized user ids) as a job with progress
 * and Cancel; the last import's per-file report; the workspace
 * summary (refreshed on every 'workspace' event) and a paged, searchable item list.
 */
import { useState, type FormEvent } from 'react';
import type { Result, WorkspaceSummary } from '../../../main/api/contract';
import { ErrorNotice } from '../components/ErrorNotice';
import { ImportReportView } from '../components/ImportReportView';
import { ItemsTable } from '../components/ItemsTable';
import { JobPanel } from '../components/JobPanel';
import { OwnImportForm } from './OwnImportForm';
import { Pager } from '../components/Pager';
import { SearchForm } from '../components/SearchForm';
import { SummaryTable } from '../components/SummaryTable';
import { useJob, type ApiWithEvents } from '../hooks/useJob';
import { useResult } from '../hooks/useResult';
import { useI18n } from '../i18n';

const PAGE_SIZE = 25;

interface DatasetsViewProps {
  readonly api: ApiWithEvents;
  readonly summary: Result<WorkspaceSummary> | null;
  readonly revision: number;
}

export function DatasetsView({ api, summary, revision }: DatasetsViewProps) {
  const [query, setQuery] = useState('');
  const [offset, setOffset] = useState(0);
  const [source, setSource] = useState<'registry' | 'folder' | 'own'>('registry');
  const [dataset, setDataset] = useState('ml-100k');
  const [folder, setFolder] = useState('');
  const [name, setName] = useState('');
  const [pseudonymize, setPseudonymize] = useState(false);
  const { t } = useI18n();
  const [items] = useResult(() => api.listItems({ offset, limit: PAGE_SIZE, ...(query === '' ? {} : { query }) }), [api, offset, query, revision]);
  const [report, reloadReport] = useResult(() => api.importReport(), [api, revision]);
  const job = useJob(api, () => reloadReport());
  const running = job.job !== null && (job.job.state === 'running' || job.job.state === 'queued');

  const submit = (e: FormEvent<HTMLFormElement>): void => {
    e.preventDefault();
    const request =
      source === 'registry'
        ? { dataset: dataset.trim(), pseudonymize }
        : { folder: folder.trim(), ...(name.trim() === '' ? {} : { name: name.trim() }), pseudonymize };
    void job.start(api.startImport(request));
  };

  return (
    <>
      <section aria-labelledby="import-title">
        <h2 id="import-title">{t('datasets.importTitle')}</h2>
        <form className="import-form" onSubmit={submit}>
          <fieldset>
            <legend>{t('datasets.source')}</legend>
            <span className="check">
              <input id="import-registry" type="radio" name="import-source" checked={source === 'registry'} onChange={() => setSource('registry')} />
              <label htmlFor="import-registry">{t('datasets.registry')}</label>
            </span>
            <span className="check">
              <input id="import-folder-choice" type="radio" name="import-source" checked={source === 'folder'} onChange={() => setSource('folder')} />
              <label htmlFor="import-folder-choice">{t('datasets.folder')}</label>
            </span>
            <span className="check">
              <input id="import-own-choice" type="radio" name="import-source" checked={source === 'own'} onChange={() => setSource('own')} />
              <label htmlFor="import-own-choice">{t('datasets.own')}</label>
            </span>
          </fieldset>
          {source === 'own' ? null : source === 'registry' ? (
            <div className="row">
              <label htmlFor="import-dataset">{t('datasets.datasetName')}</label>
              <input id="import-dataset" value={dataset} onChange={(e) => setDataset(e.target.value)} required maxLength={100} list="import-datasets" />
              <datalist id="import-datasets">
                <option value="ml-100k" />
              </datalist>
            </div>
          ) : (
            <>
              <div className="row">
                <label htmlFor="import-folder">{t('datasets.folderPath')}</label>
                <input id="import-folder" value={folder} onChange={(e) => setFolder(e.target.value)} required maxLength={4096} placeholder="/path/to/recbole/folder" className="wide" />
              </div>
              <div className="row">
                <label htmlFor="import-name">{t('common.nameOptional')}</label>
                <input id="import-name" value={name} onChange={(e) => setName(e.target.value)} maxLength={100} />
              </div>
            </>
          )}
          {source !== 'own' && (
            <>
              <span className="check">
                <input id="import-pseudonymize" type="checkbox" checked={pseudonymize} onChange={(e) => setPseudonymize(e.target.checked)} />
                <label htmlFor="import-pseudonymize">{t('datasets.pseudonymize')}</label>
              </span>
              <p className="muted">{t('common.importReplaces')}</p>
              <button type="submit" disabled={running}>
                {t('common.import')}
              </button>
            </>
          )}
        </form>
        {source === 'own' && <OwnImportForm api={api} running={running} onStart={(call) => void job.start(call)} chooser={window.files} />}
        <JobPanel title={t('job.titles.import')} job={job.job} error={job.error} onCancel={job.cancel} />
      </section>

      <section aria-labelledby="summary-title">
        <h2 id="summary-title">{t('datasets.workspace')}</h2>
        {summary === null && <p aria-live="polite">{t('common.loading')}</p>}
        {summary?.ok === false && <ErrorNotice error={summary.error} />}
        {summary?.ok === true && <SummaryTable summary={summary.value} />}
      </section>

      <section aria-labelledby="report-title">
        <h2 id="report-title">{t('datasets.validation')}</h2>
        {report?.ok === false && <ErrorNotice error={report.error} />}
        {report?.ok === true && report.value === null && <p className="muted">{t('datasets.noImport')}</p>}
        {report?.ok === true && report.value !== null && <ImportReportView report={report.value} />}
      </section>

      <section aria-labelledby="items-title">
        <h2 id="items-title">{t('datasets.items')}</h2>
        <SearchForm
          initial={query}
          onSearch={(q) => {
            setQuery(q.trim());
            setOffset(0);
          }}
        />
        {items === null && <p aria-live="polite">{t('common.loading')}</p>}
        {items?.ok === false && <ErrorNotice error={items.error} />}
        {items?.ok === true && (
          <>
            <ItemsTable page={items.value} />
            <Pager offset={items.value.offset} limit={items.value.limit} total={items.value.total} onOffset={setOffset} />
          </>
        )}
      </section>
    </>
  );
}
