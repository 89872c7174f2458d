/**
 * Report: pick a stored run and the explanations added from the Recommendations view, export a
 * self-contained HTML report (built by the main process) and download it through a Blob link.
 */
import { useEffect, useState } from 'react';
import { useI18n, type Lang } from '../i18n';
import type { ApiError, ReportExport } from '../../../main/api/contract';
import { ErrorNotice } from '../components/ErrorNotice';
import { RunSelect } from '../components/RunSelect';
import type { ApiWithEvents } from '../hooks/useJob';
import { useResult } from '../hooks/useResult';
import type { ReportPick } from '../report-picks';

interface ReportViewProps {
  readonly api: ApiWithEvents;
  readonly revision: number;
  readonly picks: readonly ReportPick[];
  readonly onRemove: (pick: ReportPick) => void;
}

export function ReportView({ api, revision, picks, onRemove }: ReportViewProps) {
  const [runs] = useResult(() => api.listRuns(), [api, revision]);
  const [run, setRun] = useState<string | null>(null);
  const { t, lang: uiLang } = useI18n();
  // the report's language follows the page's; the select here can choose the other one
  const [lang, setLang] = useState<Lang>(uiLang);
  useEffect(() => setLang(uiLang), [uiLang]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [made, setMade] = useState<{ readonly report: ReportExport; readonly url: string } | null>(null);

  useEffect(() => {
    const url = made?.url;
    return () => {
      if (url !== undefined) URL.revokeObjectURL(url);
    };
  }, [made]);

  const exportNow = async (): Promise<void> => {
    setBusy(true);
    const r = await api.exportReport({
      ...(run === null ? {} : { run }),
      ...(picks.length === 0 ? {} : { explanations: picks.map((p) => ({ user: p.user, item: p.item })) }),
      lang,
    });
    setBusy(false);
    if (!r.ok) {
      setError(r.error);
      return;
    }
    setError(null);
    const url = URL.createObjectURL(new Blob([r.value.html], { type: 'text/html;charset=utf-8' }));
    setMade({ report: r.value, url });
  };

  const runList = runs?.ok === true ? runs.value : [];
  return (
    <section aria-labelledby="report-export-title">
      <h2 id="report-export-title">{t('report.title')}</h2>
      <p className="muted">{t('report.help')}</p>
      {runs?.ok === false && <ErrorNotice error={runs.error} />}
      <div className="row">
        <RunSelect id="report-run" label={t('report.run')} runs={runList} value={run} onChange={setRun} />
        <label htmlFor="report-lang">{t('report.language')}</label>
        <select id="report-lang" value={lang} onChange={(e) => setLang(e.target.value === 'zh' ? 'zh' : 'en')}>
          <option value="en">English</option>
          <option value="zh">中文</option>
        </select>
      </div>
      <h3>{t('report.explanations', { count: picks.length })}</h3>
      {picks.length === 0 ? (
        <p className="muted">{t('report.none')}</p>
      ) : (
        <ul className="report-picks">
          {picks.map((p) => (
            <li key={`${p.user}:${p.item}`}>
              {p.title} <span className="muted">{t('report.forUser', { user: p.user })}</span>{' '}
              <button type="button" className="small" onClick={() => onRemove(p)} aria-label={t('report.removeFrom', { title: p.title, user: p.user })}>
                {t('common.remove')}
              </button>
            </li>
          ))}
        </ul>
      )}
      {run === null && picks.length === 0 && (
        <p className="muted" id="report-why" role="note">
          {t('report.nothingYet')}
        </p>
      )}
      <button
        type="button"
        onClick={() => void exportNow()}
        disabled={busy || (run === null && picks.length === 0)}
        {...(run === null && picks.length === 0 ? { 'aria-describedby': 'report-why' } : {})}
      >
        {t('report.export')}
      </button>
      {error !== null && <ErrorNotice error={error} />}
      {made !== null && (
        <p role="status" className="notice">
          {t('report.ready')} <a href={made.url} download={made.report.filename}>
            {t('report.download', { file: made.report.filename })}
          </a>{' '}
          <span className="muted">{t('report.size', { kb: Math.round(made.report.html.length / 1024) })}</span>
        </p>
      )}
    </section>
  );
}
