/**
 * The workbench page: a tab bar and one view at a time. Views are dumb; state comes from the
 * Api. A 'workspace' event (import, KG edit, forget user) refreshes the summary; it and every
 * finished job bump `revision`, which every view uses to reload what it shows.
 */
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import type { Result, VersionInfo, WorkspaceSummary } from '../../main/api/contract';
import { prefetchChunks } from './components/lazy';
import { ShortcutList } from './components/ShortcutList';
import { LANGS, setLang, useI18n, type Lang } from './i18n';
import { TabBar, type Tab } from './components/TabBar';
import type { ApiWithEvents } from './hooks/useJob';
import { addPick, removePick, type ReportPick } from './report-picks';
import { DatasetsView } from './views/DatasetsView';
import { EvaluationView } from './views/EvaluationView';
import { FinetuneView } from './views/FinetuneView';
import { KgView } from './views/KgView';
import { LabelingView } from './views/LabelingView';
import { RecommendationsView } from './views/RecommendationsView';
import { ReportView } from './views/ReportView';

type ViewKey = 'datasets' | 'kg' | 'recommendations' | 'evaluation' | 'report' | 'labeling' | 'finetune';

const VIEWS: readonly ViewKey[] = ['datasets', 'kg', 'recommendations', 'evaluation', 'report', 'labeling', 'finetune'];

export function App({ api }: { readonly api: ApiWithEvents }) {
  const [version, setVersion] = useState<Result<VersionInfo> | null>(null);
  const [summary, setSummary] = useState<Result<WorkspaceSummary> | null>(null);
  const [view, setViewState] = useState<ViewKey>('datasets');
  // a view mounts when first opened (then stays mounted): the landing page loads only its own data
  const [opened, setOpened] = useState<ReadonlySet<ViewKey>>(() => new Set<ViewKey>(['datasets']));
  const setView = useCallback((v: ViewKey): void => {
    setViewState(v);
    setOpened((s) => (s.has(v) ? s : new Set(s).add(v)));
  }, []);
  const [changes, setChanges] = useState(0);
  const [jobsDone, setJobsDone] = useState(0);
  const [picks, setPicks] = useState<readonly ReportPick[]>([]);
  const { t, lang } = useI18n();
  const TABS: readonly Tab<ViewKey>[] = VIEWS.map((key) => ({ key, label: t(`app.tabs.${key}`) }));
  const shortcuts = [
    { keys: 'Alt+1…7', action: t('app.shortcuts.openView') },
    { keys: '← →', action: t('app.shortcuts.nextTab') },
    { keys: 'Tab', action: t('app.shortcuts.moveControls') },
    { keys: 'Ctrl+Z', action: t('app.shortcuts.undoKg') },
    { keys: 'R N U J K', action: t('app.shortcuts.judge') },
  ];

  useEffect(() => {
    let live = true;
    void api.version().then((r) => live && setVersion(r));
    void api.workspaceSummary().then((r) => live && setSummary(r));
    const off = api.onEvent((e) => {
      if (!live) return;
      if (e.type === 'workspace') {
        setSummary({ ok: true, value: e.summary });
        setChanges((n) => n + 1);
      } else if (e.type === 'model') setJobsDone((n) => n + 1);
      // a 'prepare' job only tells a waiting request's progress: nothing new to reload
      else if (e.job.state === 'done' && e.job.kind !== 'prepare') setJobsDone((n) => n + 1);
    });
    return () => {
      live = false;
      off();
    };
  }, [api]);

  // once the landing page has drawn, load the graph and chart chunks in the background
  const landed = summary !== null;
  useEffect(() => {
    if (!landed) return undefined;
    const id = window.setTimeout(prefetchChunks, 0);
    return () => window.clearTimeout(id);
  }, [landed]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (!e.altKey || e.ctrlKey || e.metaKey) return;
      const n = Number(e.key);
      if (!Number.isInteger(n) || n < 1 || n > VIEWS.length) return;
      e.preventDefault();
      setView(VIEWS[n - 1]);
      document.getElementById(`tab-${VIEWS[n - 1]}`)?.focus();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [setView]);

  // A finished job (a run, a fit, a model version) changes what views list, like an edit does;
  // so does a fit or fine-tune from the CLI (the 'model' event of the main process's watcher).
  const revision = changes + jobsDone;

  const viewOf = (key: ViewKey): ReactNode => {
    switch (key) {
      case 'datasets':
        return <DatasetsView api={api} summary={summary} revision={revision} />;
      case 'kg':
        return <KgView api={api} revision={revision} />;
      case 'recommendations':
        return <RecommendationsView api={api} revision={revision} reportPicks={picks} onAddToReport={(p) => setPicks((ps) => addPick(ps, p))} />;
      case 'evaluation':
        return <EvaluationView api={api} revision={revision} />;
      case 'report':
        return <ReportView api={api} revision={revision} picks={picks} onRemove={(p) => setPicks((ps) => removePick(ps, p))} />;
      case 'labeling':
        return <LabelingView api={api} revision={revision} />;
      case 'finetune':
        return <FinetuneView api={api} revision={revision} />;
    }
  };

  return (
    <main className="app">
      <header className="app-header">
        <h1>{t('app.title')}</h1>
        {version?.ok === true && (
          <span className="muted">
            v{version.value.app}
            {version.value.electron !== null ? ` · Electron ${version.value.electron}` : ` · ${t('app.browser')}`}
          </span>
        )}
        {summary?.ok === true && summary.value.dataset !== null && <span className="muted">· {summary.value.dataset}</span>}
        <span className="app-lang">
          <label htmlFor="app-lang">{t('app.language')}</label>
          <select id="app-lang" value={lang} onChange={(e) => setLang(LANGS.find((l) => l === e.target.value) ?? 'en')}>
            {LANGS.map((l: Lang) => (
              <option key={l} value={l} lang={l}>
                {l === 'en' ? 'English' : '中文'}
              </option>
            ))}
          </select>
        </span>
      </header>
      <TabBar tabs={TABS} active={view} onSelect={setView} label={t('app.tabsLabel')} />
      {/* Views mount when first opened and stay mounted, so switching tabs keeps their state. */}
      {TABS.map((t) => (
        <div key={t.key} role="tabpanel" id={`panel-${t.key}`} aria-labelledby={`tab-${t.key}`} hidden={t.key !== view} className="panel">
          {opened.has(t.key) && viewOf(t.key)}
        </div>
      ))}
      <footer className="app-footer">
        <ShortcutList shortcuts={shortcuts} label={t('common.keyboardShortcuts')} />
      </footer>
    </main>
  );
}
