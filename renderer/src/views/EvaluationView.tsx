/**
 * Evaluation: a form (protocol, models, seeds, k, tune) that starts a job with progress and
 * Cancel; the stored runs as a sortable table, the chosen one remembered across reloads; that
 * run's models in aligned rows with differences, significance marks, error bars, beyond-accuracy
 * metrics and slices; two runs compared in one aligned table.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { FormError } from '../components/FormError';
import type { RunDetail } from '../../../main/api/contract';
import { ErrorNotice } from '../components/ErrorNotice';
import { JobPanel } from '../components/JobPanel';
import { RunDetailView } from '../components/RunDetailView';
import { RunsCompare } from '../components/RunsCompare';
import { RunSelect } from '../components/RunSelect';
import { RunsTable } from '../components/RunsTable';
import { loadSelectedRun, saveSelectedRun } from '../eval-display';
import { useJob, type ApiWithEvents } from '../hooks/useJob';
import { useResult } from '../hooks/useResult';
import { parseSeeds, PROTOCOL_NAMES } from '../models';
import { modelDescIn, useI18n } from '../i18n';

interface EvaluationViewProps {
  readonly api: ApiWithEvents;
  readonly revision: number;
}

const storage = (): Storage | undefined => (typeof window === 'undefined' ? undefined : window.localStorage);

function RunById({ api, id, prefix }: { readonly api: ApiWithEvents; readonly id: string | null; readonly prefix: string }) {
  const [run] = useResult<RunDetail>(id === null ? null : () => api.getRun({ id }), [api, id]);
  const { t } = useI18n();
  if (id === null) return null;
  if (run === null) return <p aria-live="polite">{t('eval.loadingRun')}</p>;
  if (!run.ok) return <ErrorNotice error={run.error} />;
  return <RunDetailView key={run.value.id} run={run.value} idPrefix={prefix} />;
}

function CompareRuns({ api, left, right }: { readonly api: ApiWithEvents; readonly left: string | null; readonly right: string | null }) {
  const [l] = useResult<RunDetail>(left === null ? null : () => api.getRun({ id: left }), [api, left]);
  const [r] = useResult<RunDetail>(right === null ? null : () => api.getRun({ id: right }), [api, right]);
  const { t } = useI18n();
  if (left === null || right === null) return <p className="muted">{t('eval.chooseTwo')}</p>;
  if (l === null || r === null) return <p aria-live="polite">{t('eval.loadingRuns')}</p>;
  if (!l.ok) return <ErrorNotice error={l.error} />;
  if (!r.ok) return <ErrorNotice error={r.error} />;
  return <RunsCompare left={l.value} right={r.value} />;
}

export function EvaluationView({ api, revision }: EvaluationViewProps) {
  const [protocol, setProtocol] = useState<(typeof PROTOCOL_NAMES)[number]>('recbole');
  const [models, setModels] = useState<ReadonlySet<string>>(new Set(['pop', 'itemknn']));
  const [seedsText, setSeedsText] = useState('2020');
  const [k, setK] = useState('10');
  const [tune, setTune] = useState(false);
  const { t, lang } = useI18n();
  const [formError, setFormError] = useState<string | null>(null);
  const [current, setCurrentState] = useState<string | null>(() => loadSelectedRun(storage()));
  const setCurrent = (id: string | null): void => {
    setCurrentState(id);
    saveSelectedRun(storage(), id);
  };
  const [left, setLeft] = useState<string | null>(null);
  const [right, setRight] = useState<string | null>(null);
  const [runs, reloadRuns] = useResult(() => api.listRuns(), [api, revision]);
  // The one model registry, through the Api: names, with their descriptions as tooltips.
  const [catalog] = useResult(() => api.listModels(), [api]);
  const modelList = catalog?.ok === true ? catalog.value : [];
  const job = useJob(api, (j) => {
    reloadRuns();
    if (j.result !== null && 'run' in j.result) setCurrent(j.result.run);
  });
  const running = job.job !== null && (job.job.state === 'running' || job.job.state === 'queued');

  const toggle = (m: string, on: boolean): void => {
    const next = new Set(models);
    if (on) next.add(m);
    else next.delete(m);
    setModels(next);
  };
  const submit = (e: FormEvent<HTMLFormElement>): void => {
    e.preventDefault();
    const seeds = parseSeeds(seedsText);
    const kk = Math.round(Number(k));
    if (seeds === null) return setFormError(t('eval.seedsError'));
    if (models.size === 0) return setFormError(t('eval.modelsError'));
    if (!Number.isInteger(kk) || kk < 1 || kk > 100) return setFormError(t('eval.kError'));
    setFormError(null);
    void job.start(api.startEvaluation({ protocol, models: modelList.map((m) => m.name).filter((m) => models.has(m)), seeds, k: kk, tune }));
  };
  const runList = runs?.ok === true ? runs.value : [];
  // a remembered run that is gone (another workspace, deleted) is forgotten
  useEffect(() => {
    if (runs?.ok === true && current !== null && !runs.value.some((r) => r.id === current)) setCurrent(null);
  }, [runs]);

  return (
    <>
      <section aria-labelledby="eval-title">
        <h2 id="eval-title">{t('eval.runTitle')}</h2>
        <form className="eval-form" onSubmit={submit}>
          <div className="row">
            <label htmlFor="eval-protocol">{t('eval.protocol')}</label>
            <select id="eval-protocol" value={protocol} onChange={(e) => setProtocol(PROTOCOL_NAMES.find((p) => p === e.target.value) ?? 'recbole')}>
              {PROTOCOL_NAMES.map((p) => (
                <option key={p} value={p}>
                  {p}
                </option>
              ))}
            </select>
            <label htmlFor="eval-seeds">{t('eval.seeds')}</label>
            <input id="eval-seeds" value={seedsText} onChange={(e) => setSeedsText(e.target.value)} maxLength={100} />
            <label htmlFor="eval-k">k</label>
            <input id="eval-k" type="number" min={1} max={100} value={k} onChange={(e) => setK(e.target.value)} className="narrow" />
            <span className="check">
              <input id="eval-tune" type="checkbox" checked={tune} onChange={(e) => setTune(e.target.checked)} />
              <label htmlFor="eval-tune">{t('eval.tune')}</label>
            </span>
          </div>
          <fieldset className="models">
            <legend>{t('eval.models')}</legend>
            {catalog?.ok === false && <ErrorNotice error={catalog.error} />}
            {catalog === null && <p aria-live="polite">{t('eval.loadingModels')}</p>}
            {modelList.map(({ name: m, description }) => (
              <span key={m} className="check" title={modelDescIn(t, lang, m, description)}>
                <input id={`eval-model-${m}`} type="checkbox" checked={models.has(m)} onChange={(e) => toggle(m, e.target.checked)} />
                <label htmlFor={`eval-model-${m}`}>{m}</label>
              </span>
            ))}
          </fieldset>
          <FormError message={formError} />
          <button type="submit" disabled={running}>
            {t('eval.evaluate')}
          </button>
        </form>
        <JobPanel title={t('job.titles.evaluation')} job={job.job} error={job.error} onCancel={job.cancel} />
      </section>

      <section aria-labelledby="runs-title">
        <h2 id="runs-title">{t('eval.stored')}</h2>
        {runs?.ok === false && <ErrorNotice error={runs.error} />}
        {runs?.ok === true && runList.length === 0 && <p className="muted">{t('eval.noRuns')}</p>}
        {runList.length > 0 && <RunsTable runs={runList} selected={current} onSelect={setCurrent} />}
        <div className="run-current">
          <RunById api={api} id={current} prefix="current" />
        </div>
      </section>

      <section aria-labelledby="compare-title">
        <h2 id="compare-title">{t('eval.compareTitle')}</h2>
        <div className="row">
          <RunSelect id="run-left" label={t('eval.left')} runs={runList} value={left} onChange={setLeft} />
          <RunSelect id="run-right" label={t('eval.right')} runs={runList} value={right} onChange={setRight} />
        </div>
        <div className="compare">
          <CompareRuns api={api} left={left} right={right} />
        </div>
      </section>
    </>
  );
}
