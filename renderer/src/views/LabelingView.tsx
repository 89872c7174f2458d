/**
 * Labeling: the queue of (user, item) pairs worth a human look first, in the order of the
 * chosen strategy (mixed, uncertainty, disagreement, random — named and switchable), with why
 * each is proposed, its signals, the user's highest-rated history and the item's card beside
 * it; judged with the keyboard — R relevant, N not relevant, U undo, J / K next / previous —
 * and the label counts. Fact labels are given from the item card in the KG view. The queue
 * reloads when a fit or fine-tune finishes anywhere (the app's revision, bumped by job and
 * model events).
 */
import { useState } from 'react';
import type { ApiError, LabelProposal } from '../../../main/api/contract';
import type { LabelQueueRequest } from '../../../main/api/requests';
import { ErrorNotice } from '../components/ErrorNotice';
import { PairContext } from '../components/PairContext';
import { ShortcutList } from '../components/ShortcutList';
import { SignalBars } from '../components/lazy';
import type { ApiWithEvents } from '../hooks/useJob';
import { useResult } from '../hooks/useResult';
import { useViewKeys } from '../hooks/useViewKeys';
import { useI18n, whyIn } from '../i18n';

const QUEUE_SIZE = 30;
/** History items shown beside a pair. */
const HISTORY_SHOWN = 10;
const STRATEGY_KEY = 'knowrec.labeling.strategy';

type Strategy = NonNullable<LabelQueueRequest['strategy']>;
/** The strategies in the order the select lists them (names and help in the message table). */
const STRATEGIES: readonly { readonly value: Strategy }[] = [{ value: 'mixed' }, { value: 'uncertainty' }, { value: 'disagreement' }, { value: 'random' }];
const isStrategy = (s: string): s is Strategy => STRATEGIES.some((x) => x.value === s);

function storedStrategy(): Strategy {
  try {
    const v = window.localStorage.getItem(STRATEGY_KEY);
    return STRATEGIES.find((s) => s.value === v)?.value ?? 'mixed';
  } catch {
    return 'mixed';
  }
}

const SHORTCUT_KEYS = ['r', 'n', 'u', 'j', 'k'] as const;

const keyOf = (p: { readonly user: string | null; readonly item: string | null }): string => `${p.user ?? ''}\u0000${p.item ?? ''}`;

export function LabelingView({ api, revision }: { readonly api: ApiWithEvents; readonly revision: number }) {
  const [strategy, setStrategy] = useState<Strategy>(storedStrategy);
  const [queue, reloadQueue] = useResult(() => api.labelQueue({ limit: QUEUE_SIZE, strategy }), [api, revision, strategy]);
  const [stats, reloadStats] = useResult(() => api.labelStats(), [api, revision]);
  const [at, setAt] = useState(0);
  const [judged, setJudged] = useState<ReadonlyMap<string, 0 | 1>>(new Map());
  const [error, setError] = useState<ApiError | null>(null);
  const [last, setLast] = useState('');
  const { t, fixed, lang, signal } = useI18n();
  const verdict = (value: 0 | 1): string => (value === 1 ? t('common.relevant') : t('common.notRelevant'));
  const strategyName = (s: string): string => (isStrategy(s) ? t(`label.strategies.${s}`) : s);

  const list: readonly LabelProposal[] = queue?.ok === true ? queue.value : [];
  const current = list[at] ?? null;
  const [history] = useResult(current === null ? null : () => api.userHistory({ user: current.user, limit: HISTORY_SHOWN }), [api, current?.user, revision]);
  const [card] = useResult(current === null ? null : () => api.kgItem({ item: current.item }), [api, current?.item, revision]);
  const choose = (next: Strategy): void => {
    setStrategy(next);
    setAt(0);
    setJudged(new Map());
    try {
      window.localStorage.setItem(STRATEGY_KEY, next);
    } catch {
      // storage disabled: the choice lasts until the page reloads
    }
  };
  const move = (d: number): void => setAt((i) => Math.min(Math.max(0, i + d), Math.max(0, list.length - 1)));

  const judge = async (value: 0 | 1): Promise<void> => {
    const p = current;
    if (p === null) return;
    const r = await api.addLabel({ kind: 'relevance', user: p.user, item: p.item, value, modelVersion: p.modelVersion });
    if (!r.ok) {
      setError(r.error);
      return;
    }
    setError(null);
    setJudged((m) => new Map(m).set(keyOf(p), value));
    setLast(t('label.labelledPair', { title: p.title, user: p.user, value: verdict(value) }));
    move(1);
    reloadStats();
  };
  const undo = async (): Promise<void> => {
    const r = await api.undoLabel();
    if (!r.ok) {
      setError(r.error);
      return;
    }
    setError(null);
    const l = r.value;
    if (l === null) {
      setLast(t('label.nothingToUndo'));
      return;
    }
    setJudged((m) => {
      const next = new Map(m);
      next.delete(keyOf(l));
      return next;
    });
    const back = list.findIndex((p) => keyOf(p) === keyOf(l));
    if (back >= 0) setAt(back);
    setLast(l.kind === 'relevance' ? t('label.undoneFor', { title: l.title ?? t('common.itemId', { id: l.item ?? '' }), user: l.user ?? '' }) : t('label.undoneFact'));
    reloadStats();
  };

  useViewKeys('panel-labeling', {
    r: () => void judge(1),
    n: () => void judge(0),
    u: () => void undo(),
    j: () => move(1),
    k: () => move(-1),
  });

  const s = stats?.ok === true ? stats.value : null;
  return (
    <>
      <section aria-labelledby="label-title">
        <h2 id="label-title">{t('label.title')}</h2>
        <ShortcutList shortcuts={SHORTCUT_KEYS.map((k) => ({ keys: k.toUpperCase(), action: t(`label.keys.${k}`) }))} label={t('common.keyboardShortcuts')} />
        <div className="row label-strategy">
          <label htmlFor="label-strategy">{t('label.order')}</label>
          <select id="label-strategy" value={strategy} onChange={(e) => choose(e.target.value as Strategy)} aria-describedby="label-strategy-help">
            {STRATEGIES.map((s) => (
              <option key={s.value} value={s.value}>
                {strategyName(s.value)}
              </option>
            ))}
          </select>
          <span id="label-strategy-help" className="muted">
            {t(`label.strategyHelp.${strategy}`)}
          </span>
        </div>
        {s !== null && (
          <dl className="label-stats" aria-label={t('label.counts')}>
            <div>
              <dt>{t('label.relevant')}</dt>
              <dd data-stat="relevant">{s.relevant}</dd>
            </div>
            <div>
              <dt>{t('label.notRelevant')}</dt>
              <dd data-stat="not-relevant">{s.notRelevant}</dd>
            </div>
            <div>
              <dt>{t('label.factCorrect')}</dt>
              <dd data-stat="fact-correct">{s.factCorrect}</dd>
            </div>
            <div>
              <dt>{t('label.factWrong')}</dt>
              <dd data-stat="fact-wrong">{s.factWrong}</dd>
            </div>
            <div>
              <dt>{t('label.queued')}</dt>
              <dd data-stat="queued">{s.queued}</dd>
            </div>
          </dl>
        )}
        {stats?.ok === false && <ErrorNotice error={stats.error} />}
        {queue?.ok === false && <ErrorNotice error={queue.error} />}
        {error !== null && <ErrorNotice error={error} />}
        <p role="status" className="muted label-last">
          {last}
        </p>
        {queue?.ok === true && list.length === 0 && (
          <p>{t('label.empty')}</p>
        )}
        {current !== null && (
          <article className="proposal card" aria-labelledby="proposal-title">
            <p className="muted">
              {t('label.pairLine', { at: at + 1, total: list.length, priority: fixed(current.priority, 3), strategy: strategyName(current.strategy).toLowerCase(), rank: current.rank })}
              {current.modelVersion !== null && t('label.proposedBy', { version: current.modelVersion })}
            </p>
            <h3 id="proposal-title">
              {t('label.pairTitle', { user: current.user, title: current.title })}
            </h3>
            <p className="why">
              <strong>{t('label.why')}</strong> {lang === 'en' ? current.why : whyIn(t, current.why, signal)}
            </p>
            <p>
              {t('label.score', { score: fixed(current.score, 4) })}
              {judged.has(keyOf(current)) && (
                <strong className="judged">{t('label.labelled', { value: verdict(judged.get(keyOf(current)) === 1 ? 1 : 0) })}</strong>
              )}
            </p>
            <SignalBars shares={current.signals} />
            <div className="row">
              <button type="button" onClick={() => void judge(1)} aria-keyshortcuts="R">
                {t('label.relevantKey')}
              </button>
              <button type="button" onClick={() => void judge(0)} aria-keyshortcuts="N">
                {t('label.notRelevantKey')}
              </button>
              <button type="button" onClick={() => void undo()} aria-keyshortcuts="U">
                {t('label.undoKey')}
              </button>
              <button type="button" onClick={() => move(-1)} aria-keyshortcuts="K" disabled={at === 0}>
                {t('label.previousKey')}
              </button>
              <button type="button" onClick={() => move(1)} aria-keyshortcuts="J" disabled={at >= list.length - 1}>
                {t('label.nextKey')}
              </button>
              <button type="button" onClick={() => {
                setAt(0);
                setJudged(new Map());
                reloadQueue();
              }}>
                {t('label.refresh')}
              </button>
            </div>
            <PairContext history={history} card={card} />
          </article>
        )}
        {list.length > 0 && (
          <ol className="queue" aria-label={t('label.queue')}>
            {list.map((p, i) => (
              <li key={keyOf(p)} className={i === at ? 'selected' : undefined} aria-current={i === at ? 'true' : undefined}>
                <button type="button" className="link" onClick={() => setAt(i)}>
                  {t('label.queueItem', { user: p.user, title: p.title })}
                </button>{' '}
                <span className="muted priority">{fixed(p.priority, 3)}</span>
                {judged.has(keyOf(p)) && <span className="muted"> ({verdict(judged.get(keyOf(p)) === 1 ? 1 : 0)})</span>}
              </li>
            ))}
          </ol>
        )}
      </section>
    </>
  );
}
