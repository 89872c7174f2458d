/**
 * Fine-tune: hyper-parameters (defaults as the trainer's), the training data (interactions,
 * labels), Start / Cancel / Resume with live loss and validation-NDCG curves; the stored
 * versions with "Make active"; an evaluation comparing a frozen model with its fine-tuned twin.
 */
import { useState, type FormEvent } from 'react';
import { FormError } from '../components/FormError';
import type { ApiError, CurvePoint, RunDetail, StartFinetuneRequest } from '../../../main/api/contract';
import { CurveChart } from '../components/lazy';
import { ErrorNotice } from '../components/ErrorNotice';
import { JobPanel } from '../components/JobPanel';
import { RunDetailView } from '../components/RunDetailView';
import { VersionsTable } from '../components/VersionsTable';
import { useJob, type ApiWithEvents } from '../hooks/useJob';
import { useResult } from '../hooks/useResult';
import { useI18n } from '../i18n';

type NumberField = 'epochs' | 'learningRate' | 'temperature' | 'weightDecay' | 'dropout' | 'rank' | 'batchSize' | 'patience' | 'seed';

/** The trainer's defaults (main/core/train/trainer.ts TRAIN_DEFAULTS; seed 2020 as the CLI's). */
export const FINETUNE_DEFAULTS: Readonly<Record<NumberField, number>> = {
  epochs: 20,
  learningRate: 0.002,
  temperature: 0.05,
  weightDecay: 0.00001,
  dropout: 0.1,
  rank: 32,
  batchSize: 256,
  patience: 3,
  seed: 2020,
};

/** The fields in order (labels and help in the message table, ft.fields / ft.fieldHelp). */
const FIELDS: readonly { readonly key: NumberField; readonly step: string }[] = [
  { key: 'epochs', step: '1' },
  { key: 'learningRate', step: 'any' },
  { key: 'temperature', step: 'any' },
  { key: 'weightDecay', step: 'any' },
  { key: 'dropout', step: 'any' },
  { key: 'rank', step: '1' },
  { key: 'batchSize', step: '1' },
  { key: 'patience', step: '1' },
  { key: 'seed', step: '1' },
];

const COMPARISONS = [
  { label: 'semantic vs semantic-ft', models: ['semantic', 'semantic-ft'] },
  { label: 'hybrid vs hybrid-ft', models: ['hybrid', 'hybrid-ft'] },
] as const;

export function FinetuneView({ api, revision }: { readonly api: ApiWithEvents; readonly revision: number }) {
  const [values, setValues] = useState<Record<NumberField, string>>(() => {
    const v = {} as Record<NumberField, string>;
    for (const f of FIELDS) v[f.key] = String(FINETUNE_DEFAULTS[f.key]);
    return v;
  });
  const [useInteractions, setUseInteractions] = useState(true);
  const { t } = useI18n();
  const [useLabels, setUseLabels] = useState(true);
  const [formError, setFormError] = useState<string | null>(null);
  const [activateError, setActivateError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [compareRun, setCompareRun] = useState<string | null>(null);
  /** Epochs of the cancelled job a resumed one continues (the resumed job reports only its own). */
  const [carried, setCarried] = useState<readonly CurvePoint[]>([]);
  const [versions, reloadVersions] = useResult(() => api.listModelVersions(), [api, revision]);
  // the comparison needs an active fine-tuned version: say so instead of a button that fails
  const noActive =
    versions?.ok !== true
      ? null
      : versions.value.length === 0
        ? t('ft.noVersion')
        : versions.value.some((v) => v.active)
          ? null
          : t('ft.noActive');
  const train = useJob(api, () => reloadVersions());
  const compare = useJob(api, (j) => {
    if (j.result !== null && 'run' in j.result) setCompareRun(j.result.run);
  });
  const [run] = useResult<RunDetail>(compareRun === null ? null : () => api.getRun({ id: compareRun }), [api, compareRun]);
  const training = train.job !== null && (train.job.state === 'running' || train.job.state === 'queued');
  const comparing = compare.job !== null && (compare.job.state === 'running' || compare.job.state === 'queued');

  const start = (e: FormEvent<HTMLFormElement>): void => {
    e.preventDefault();
    const request: Record<string, number | boolean> = { useInteractions, useLabels };
    for (const f of FIELDS) {
      const n = Number(values[f.key]);
      if (values[f.key].trim() === '' || !Number.isFinite(n)) {
        setFormError(t('ft.notNumber', { field: t(`ft.fields.${f.key}`), default: FINETUNE_DEFAULTS[f.key] }));
        return;
      }
      request[f.key] = n;
    }
    if (!useInteractions && !useLabels) {
      setFormError(t('ft.noData'));
      return;
    }
    setFormError(null);
    setCarried([]);
    void train.start(api.startFinetune(request as StartFinetuneRequest));
  };
  const activate = async (id: string): Promise<void> => {
    setBusy(true);
    const r = await api.activateModelVersion({ id });
    setBusy(false);
    setActivateError(r.ok ? null : r.error);
    reloadVersions();
  };
  const resume = (): void => {
    setCarried(train.job?.curve ?? []);
    train.resume();
  };
  const curve: readonly CurvePoint[] =
    train.job === null ? [] : [...carried.filter((p) => p.epoch < (train.job?.curve[0]?.epoch ?? Number.POSITIVE_INFINITY)), ...train.job.curve];
  const seed = Number.isInteger(Number(values.seed)) && Number(values.seed) >= 0 ? Number(values.seed) : FINETUNE_DEFAULTS.seed;

  return (
    <>
      <section aria-labelledby="ft-title">
        <h2 id="ft-title">{t('ft.title')}</h2>
        <p className="muted">{t('ft.help')}</p>
        <form className="ft-form" onSubmit={start}>
          <fieldset className="ft-params">
            <legend>{t('ft.params')}</legend>
            {FIELDS.map((f) => (
              <div key={f.key} className="param">
                <label htmlFor={`ft-${f.key}`}>{t(`ft.fields.${f.key}`)}</label>
                <input
                  id={`ft-${f.key}`}
                  type="number"
                  step={f.step}
                  value={values[f.key]}
                  onChange={(e) => setValues({ ...values, [f.key]: e.target.value })}
                  aria-describedby={`ft-${f.key}-help`}
                  className="narrow"
                />
                <span id={`ft-${f.key}-help`} className="muted help">
                  {t(`ft.fieldHelp.${f.key}`)}
                </span>
              </div>
            ))}
          </fieldset>
          <fieldset>
            <legend>{t('ft.trainingData')}</legend>
            <span className="check">
              <input id="ft-interactions" type="checkbox" checked={useInteractions} onChange={(e) => setUseInteractions(e.target.checked)} />
              <label htmlFor="ft-interactions">{t('ft.interactions')}</label>
            </span>
            <span className="check">
              <input id="ft-labels" type="checkbox" checked={useLabels} onChange={(e) => setUseLabels(e.target.checked)} />
              <label htmlFor="ft-labels">{t('ft.labels')}</label>
            </span>
          </fieldset>
          <FormError message={formError} />
          <button type="submit" disabled={training}>
            {train.job === null ? t('ft.start') : t('ft.again')}
          </button>
        </form>
        <JobPanel title={t('job.titles.finetune')} job={train.job} error={train.error} onCancel={train.cancel} onResume={resume} />
        {train.job !== null && <CurveChart curve={curve} />}
      </section>

      <section aria-labelledby="versions-title">
        <h2 id="versions-title">{t('ft.versions')}</h2>
        {versions?.ok === false && <ErrorNotice error={versions.error} />}
        {activateError !== null && <ErrorNotice error={activateError} />}
        {versions?.ok === true && <VersionsTable versions={versions.value} busy={busy} onActivate={(id) => void activate(id)} />}
      </section>

      <section aria-labelledby="ft-compare-title">
        <h2 id="ft-compare-title">{t('ft.compareTitle')}</h2>
        <p className="muted">{t('ft.compareHelp', { seed })}</p>
        {noActive !== null && (
          <p className="muted" id="ft-compare-why" role="note">
            {noActive}
          </p>
        )}
        <div className="row">
          {COMPARISONS.map((c) => (
            <button
              key={c.label}
              type="button"
              disabled={comparing || noActive !== null}
              {...(noActive !== null ? { 'aria-describedby': 'ft-compare-why', title: noActive } : {})}
              onClick={() => void compare.start(api.startEvaluation({ protocol: 'recbole', models: [...c.models], seeds: [seed], k: 10, tune: false }))}
            >
              {t('ft.evaluatePair', { a: c.models[0], b: c.models[1] })}
            </button>
          ))}
        </div>
        <JobPanel title={t('job.titles.comparison')} job={compare.job} error={compare.error} onCancel={compare.cancel} />
        {run?.ok === false && <ErrorNotice error={run.error} />}
        {run?.ok === true && <RunDetailView run={run.value} idPrefix="ft-compare" />}
      </section>
    </>
  );
}
