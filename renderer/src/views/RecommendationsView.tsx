/**
 * Recommendations for a known user, a free-text query, or a few picked items (a new user);
 * top-k with scores. "Why?" opens the explanation: reason (en / zh), signal bars, the KG path
 * graph (known users), matched history and facts; it can be added to the stakeholder report.
 */
import { useEffect, useState, type FormEvent } from 'react';
import type { ExplainedUsers, ItemRow, JobInfo, KgSubgraph, Recommendation } from '../../../main/api/contract';
import { ErrorNotice } from '../components/ErrorNotice';
import { ExplanationPanel } from '../components/ExplanationPanel';
import { ItemPicks } from '../components/ItemPicks';
import { JobPanel } from '../components/JobPanel';
import { RecommendationList } from '../components/RecommendationList';
import { TextModelPicker } from '../components/TextModelPicker';
import { UserPicker } from '../components/UserPicker';
import type { ApiWithEvents } from '../hooks/useJob';
import { useResult } from '../hooks/useResult';
import type { ReportPick } from '../report-picks';
import { WhatIfSection } from './WhatIfSection';
import { useI18n, type Lang } from '../i18n';

const MAX_K = 100;
/** Ids the user field suggests at a time (a model that explains only some users). */
const USER_SUGGESTIONS = 50;

type Mode = 'user' | 'query' | 'picks';
type Request = { readonly mode: 'user'; readonly user: string; readonly k: number } | { readonly mode: 'query'; readonly query: string; readonly k: number } | { readonly mode: 'picks'; readonly items: readonly ItemRow[]; readonly k: number };

interface RecommendationsViewProps {
  readonly api: ApiWithEvents;
  readonly revision: number;
  readonly reportPicks: readonly ReportPick[];
  readonly onAddToReport: (pick: ReportPick) => void;
}

interface Shown {
  readonly heading: string;
  readonly items: readonly Recommendation[];
  readonly note: string | null;
  readonly warning: string | null;
}

export function RecommendationsView({ api, revision, reportPicks, onAddToReport }: RecommendationsViewProps) {
  const [mode, setMode] = useState<Mode>('user');
  const { t, lang: uiLang, date } = useI18n();
  // the reason's language follows the page's; "Reason in" overrides it for this explanation until the page's changes
  const [reasonLang, setReasonLang] = useState<Lang | null>(null);
  useEffect(() => setReasonLang(null), [uiLang]);
  const lang: Lang = reasonLang ?? uiLang;
  const [request, setRequest] = useState<Request | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [queryText, setQueryText] = useState('');
  const [queryK, setQueryK] = useState('10');
  const [picks, setPicks] = useState<readonly ItemRow[]>([]);
  const [textModel, setTextModel] = useState('');
  const [textModelFailure, setTextModelFailure] = useState<string | null>(null);
  const [textModels] = useResult(mode === 'user' ? null : () => api.listTextModels(), [api, mode, textModel, revision]);
  const chooseTextModel = (name: string): void => {
    void api.setTextModel({ name }).then((r) => {
      setTextModelFailure(r.ok ? null : r.error.message);
      if (r.ok) setTextModel(name);
    });
  };

  // at scale the model explains a sample of the users: the id field offers those, and a note says how to get others
  const [userText, setUserText] = useState('');
  const [modelUsers] = useResult(mode === 'user' ? () => api.modelUsers({ offset: 0, limit: USER_SUGGESTIONS, query: userText.trim() }) : null, [api, mode, userText, revision]);
  const explained = modelUsers?.ok === true && modelUsers.value.explained.mode !== 'all' ? modelUsers.value : null;

  const [recs] = useResult(
    request?.mode !== 'user' ? null : () => api.recommend({ user: request.user, k: request.k, lang }),
    [api, request, lang, revision],
  );
  const [queryRecs] = useResult(
    request === null || request.mode === 'user'
      ? null
      : () =>
          api.recommendQuery(
            request.mode === 'query' ? { query: request.query, k: request.k, lang } : { items: request.items.map((i) => i.id), k: request.k, lang },
          ),
    [api, request, lang, revision, textModel],
  );
  // the first text query prepares the item vectors: its 'prepare' job events say how far it is
  const [prepare, setPrepare] = useState<JobInfo | null>(null);
  useEffect(
    () =>
      api.onEvent((e) => {
        if (e.type === 'job' && e.job.kind === 'prepare') setPrepare(e.job);
      }),
    [api],
  );
  const user = request?.mode === 'user' ? request.user : null;
  const [path] = useResult<KgSubgraph>(user === null || selected === null ? null : () => api.explainPath({ user, item: selected }), [api, user, selected, revision]);

  const pick = (next: Request): void => {
    setRequest(next);
    setSelected(null);
  };
  const k = (): number => Math.min(MAX_K, Math.max(1, Math.round(Number(queryK)) || 10));
  const submitQuery = (e: FormEvent<HTMLFormElement>): void => {
    e.preventDefault();
    if (mode === 'query' && queryText.trim() !== '') pick({ mode: 'query', query: queryText.trim(), k: k() });
    if (mode === 'picks' && picks.length > 0) pick({ mode: 'picks', items: picks, k: k() });
  };

  let shown: Shown | null = null;
  const error = recs?.ok === false ? recs.error : queryRecs?.ok === false ? queryRecs.error : null;
  if (request?.mode === 'user' && recs?.ok === true) {
    const r = recs.value;
    shown = {
      heading: t('recs.topForUser', { count: r.items.length, user: r.user }),
      items: r.items,
      note: t('recs.fittedOn', { dataset: r.model.dataset, created: date(r.model.created) }),
      warning: r.model.dataMatches ? null : t('recs.dataChanged'),
    };
  } else if (request !== null && request.mode !== 'user' && queryRecs?.ok === true) {
    const q = queryRecs.value;
    shown = {
      heading:
        q.query !== null
          ? t('recs.topForQuery', { count: q.items.length, query: q.query })
          : t('recs.topForPicks', { count: q.items.length, titles: q.picks.map((p) => p.title).join(t('explain.listSep')) }),
      items: q.items,
      note: `${t('recs.newUserNote', {
        model: q.textModel !== undefined ? t('recs.textModelNote', { name: q.textModel, catalog: q.catalogLang === 'zh' ? t('recs.catalogZh') : '' }) : '',
      })}${t('recs.withPicks')}`,
      warning: q.languageHint === undefined ? null : uiLang === 'en' ? q.languageHint : t('recs.scriptHint', { model: q.textModel ?? '' }),
    };
  }
  const loading = request !== null && shown === null && error === null;
  const chosen = shown?.items.find((i) => i.item === selected) ?? null;
  const listK = recs?.ok === true ? recs.value.model.k : 10;
  const inReport = chosen !== null && user !== null && reportPicks.some((p) => p.user === user && p.item === chosen.item);

  return (
    <>
      <section aria-labelledby="recs-title">
        <h2 id="recs-title">{t('recs.title')}</h2>
        <fieldset className="mode">
          <legend>{t('recs.recommendFor')}</legend>
          {(['user', 'query', 'picks'] as const).map((m) => (
            <span key={m} className="check">
              <input id={`rec-mode-${m}`} type="radio" name="rec-mode" checked={mode === m} onChange={() => setMode(m)} />
              <label htmlFor={`rec-mode-${m}`}>{t(`recs.modes.${m}`)}</label>
            </span>
          ))}
          {mode !== 'user' && textModels?.ok === true && <TextModelPicker models={textModels.value} onChoose={chooseTextModel} failure={textModelFailure} />}
        </fieldset>
        {mode === 'user' && (
          <UserPicker initialUser="" initialK={10} maxK={MAX_K} onPick={(u, n) => pick({ mode: 'user', user: u, k: n })} onType={setUserText} {...(explained !== null ? { suggestions: explained.rows } : {})} />
        )}
        {mode === 'user' && explained !== null && <ExplainedNote explained={explained.explained} />}
        {mode !== 'user' && (
          <form className="query-form" onSubmit={submitQuery} aria-label={mode === 'query' ? t('recs.forQuery') : t('recs.forPicks')}>
            {mode === 'query' && (
              <div className="row">
                <label htmlFor="rec-query">{t('recs.query')}</label>
                <input id="rec-query" className="wide" value={queryText} maxLength={500} placeholder={t('recs.queryPlaceholder')} onChange={(e) => setQueryText(e.target.value)} />
              </div>
            )}
            {mode === 'picks' && <ItemPicks findItems={(text) => api.listItems({ offset: 0, limit: 10, query: text })} picks={picks} onChange={setPicks} />}
            <div className="row">
              <label htmlFor="rec-query-k">{t('common.top')}</label>
              <input id="rec-query-k" type="number" min={1} max={MAX_K} value={queryK} onChange={(e) => setQueryK(e.target.value)} className="narrow" />
              <button type="submit" disabled={mode === 'query' ? queryText.trim() === '' : picks.length === 0}>
                {t('common.recommend')}
              </button>
            </div>
          </form>
        )}
        {loading && <p aria-live="polite">{t('common.loading')}</p>}
        {loading && prepare !== null && prepare.state === 'running' && <JobPanel title={t('job.titles.prepare')} job={prepare} error={null} />}
        {error !== null && <ErrorNotice error={error} />}
        {shown !== null && (
          <>
            <p className="muted">
              {shown.heading} · {shown.note}
            </p>
            {shown.warning !== null && (
              <p className="error" role="status">
                {shown.warning}
              </p>
            )}
            <RecommendationList items={shown.items} selected={selected} onSelect={setSelected} />
          </>
        )}
      </section>
      {chosen !== null && (
        <ExplanationPanel
          rec={chosen}
          k={listK}
          {...(user === null ? {} : { path: path === null ? null : path.ok ? { graph: path.value } : { error: path.error } })}
          actions={
            <div className="explanation-actions">
              <label htmlFor="why-lang">{t('recs.reasonIn')}</label>
              <select id="why-lang" value={lang} onChange={(e) => setReasonLang(e.target.value === 'zh' ? 'zh' : 'en')}>
                <option value="en">English</option>
                <option value="zh">中文</option>
              </select>
              {user !== null && (
                <button type="button" disabled={inReport} onClick={() => onAddToReport({ user, item: chosen.item, title: chosen.title })}>
                  {inReport ? t('recs.inReport') : t('recs.addToReport')}
                </button>
              )}
            </div>
          }
        >
          {user !== null && <WhatIfSection key={`${user}:${chosen.item}`} api={api} user={user} rec={chosen} k={listK} />}
        </ExplanationPanel>
      )}
    </>
  );
}

/** Says that the model has recommendations for only some users (a sample at scale, or a --users list), and how to get others. */
function ExplainedNote({ explained: e }: { readonly explained: ExplainedUsers }) {
  const { t, count } = useI18n();
  const params = { n: count(e.count), of: count(e.of), seed: e.seed ?? '', refit: `${e.refit} --users ID,…` };
  return (
    <p className="muted" role="note">
      {e.mode === 'sample' ? t(e.reason === 'scale-mode' ? 'recs.explainedSampleScale' : 'recs.explainedSample', params) : t('recs.explainedList', params)}
    </p>
  );
}
