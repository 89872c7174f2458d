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
import { SignalBars } from '../components/SignalBars';
import type { ApiWithEvents } from '../hooks/useJob';
import { useResult } from '../hooks/useResult';
import { useViewKeys } from '../hooks/useViewKeys';

const QUEUE_SIZE = 30;
/** History items shown beside a pair. */
const HISTORY_SHOWN = 10;
const STRATEGY_KEY = 'knowrec.labeling.strategy';

type Strategy = NonNullable<LabelQueueRequest['strategy']>;
const STRATEGIES: readonly { readonly value: Strategy; readonly name: string; readonly help: string }[] = [
  { value: 'mixed', name: 'Mixed', help: 'half disagreement between signals, half closeness to the cut-off' },
  { value: 'uncertainty', name: 'Uncertainty', help: 'pairs the model is least sure about first (near the cut-off, or close to a neighbour)' },
  { value: 'disagreement', name: 'Disagreement', help: 'pairs whose signals pull in opposite directions first' },
  { value: 'random', name: 'Random', help: 'a seeded random order, to compare the others with' },
];

function storedStrategy(): Strategy {
  try {
    const v = window.localStorage.getItem(STRATEGY_KEY);
    return STRATEGIES.find((s) => s.value === v)?.value ?? 'mixed';
  } catch {
    return 'mixed';
  }
}

const SHORTCUTS = [
  { keys: 'R', action: 'relevant' },
  { keys: 'N', action: 'not relevant' },
  { keys: 'U', action: 'undo the last label' },
  { keys: 'J', action: 'next pair' },
  { keys: 'K', action: 'previous pair' },
] as const;

const keyOf = (p: { readonly user: string | null; readonly item: string | null }): string => `${p.user ?? ''}\u0000${p.item ?? ''}`;

export function LabelingView({ api, revision }: { readonly api: ApiWithEvents; readonly revision: number }) {
  const [strategy, setStrategy] = useState<Strategy>(storedStrategy);
  const [queue, reloadQueue] = useResult(() => api.labelQueue({ limit: QUEUE_SIZE, strategy }), [api, revision, strategy]);
  const [stats, reloadStats] = useResult(() => api.labelStats(), [api, revision]);
  const [at, setAt] = useState(0);
  const [judged, setJudged] = useState<ReadonlyMap<string, 0 | 1>>(new Map());
  const [error, setError] = useState<ApiError | null>(null);
  const [last, setLast] = useState('');

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
    setLast(`Labelled ${p.title} for user ${p.user}: ${value === 1 ? 'relevant' : 'not relevant'}`);
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
      setLast('Nothing to undo.');
      return;
    }
    setJudged((m) => {
      const next = new Map(m);
      next.delete(keyOf(l));
      return next;
    });
    const back = list.findIndex((p) => keyOf(p) === keyOf(l));
    if (back >= 0) setAt(back);
    setLast(l.kind === 'relevance' ? `Undone: the label of ${l.title ?? `item ${l.item ?? ''}`} for user ${l.user ?? ''}` : 'Undone: a fact label');
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
        <h2 id="label-title">Label pairs</h2>
        <ShortcutList shortcuts={SHORTCUTS} />
        <div className="row label-strategy">
          <label htmlFor="label-strategy">Order</label>
          <select id="label-strategy" value={strategy} onChange={(e) => choose(e.target.value as Strategy)} aria-describedby="label-strategy-help">
            {STRATEGIES.map((s) => (
              <option key={s.value} value={s.value}>
                {s.name}
              </option>
            ))}
          </select>
          <span id="label-strategy-help" className="muted">
            {STRATEGIES.find((s) => s.value === strategy)?.help}
          </span>
        </div>
        {s !== null && (
          <dl className="label-stats" aria-label="Label counts">
            <div>
              <dt>Relevant</dt>
              <dd data-stat="relevant">{s.relevant}</dd>
            </div>
            <div>
              <dt>Not relevant</dt>
              <dd data-stat="not-relevant">{s.notRelevant}</dd>
            </div>
            <div>
              <dt>Facts correct</dt>
              <dd data-stat="fact-correct">{s.factCorrect}</dd>
            </div>
            <div>
              <dt>Facts wrong</dt>
              <dd data-stat="fact-wrong">{s.factWrong}</dd>
            </div>
            <div>
              <dt>Queued</dt>
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
          <p>The queue is empty: nothing to propose (fit a model first — here or with `knowrec fit`, the queue fills as soon as it is done — or everything is labelled).</p>
        )}
        {current !== null && (
          <article className="proposal card" aria-labelledby="proposal-title">
            <p className="muted">
              Pair {at + 1} of {list.length} · priority {current.priority.toFixed(3)} ({STRATEGIES.find((s) => s.value === current.strategy)?.name.toLowerCase() ?? current.strategy}) · rank {current.rank} in the user's list
              {current.modelVersion !== null && ` · proposed by ${current.modelVersion}`}
            </p>
            <h3 id="proposal-title">
              User {current.user} — {current.title}
            </h3>
            <p className="why">
              <strong>Why this pair:</strong> {current.why}
            </p>
            <p>
              Score {current.score.toFixed(4)}
              {judged.has(keyOf(current)) && (
                <strong className="judged"> · labelled {judged.get(keyOf(current)) === 1 ? 'relevant' : 'not relevant'}</strong>
              )}
            </p>
            <SignalBars shares={current.signals} />
            <div className="row">
              <button type="button" onClick={() => void judge(1)} aria-keyshortcuts="R">
                Relevant (R)
              </button>
              <button type="button" onClick={() => void judge(0)} aria-keyshortcuts="N">
                Not relevant (N)
              </button>
              <button type="button" onClick={() => void undo()} aria-keyshortcuts="U">
                Undo (U)
              </button>
              <button type="button" onClick={() => move(-1)} aria-keyshortcuts="K" disabled={at === 0}>
                Previous (K)
              </button>
              <button type="button" onClick={() => move(1)} aria-keyshortcuts="J" disabled={at >= list.length - 1}>
                Next (J)
              </button>
              <button type="button" onClick={() => {
                setAt(0);
                setJudged(new Map());
                reloadQueue();
              }}>
                Refresh queue
              </button>
            </div>
            <PairContext history={history} card={card} />
          </article>
        )}
        {list.length > 0 && (
          <ol className="queue" aria-label="Queue">
            {list.map((p, i) => (
              <li key={keyOf(p)} className={i === at ? 'selected' : undefined} aria-current={i === at ? 'true' : undefined}>
                <button type="button" className="link" onClick={() => setAt(i)}>
                  user {p.user} — {p.title}
                </button>{' '}
                <span className="muted priority">{p.priority.toFixed(3)}</span>
                {judged.has(keyOf(p)) && <span className="muted"> ({judged.get(keyOf(p)) === 1 ? 'relevant' : 'not relevant'})</span>}
              </li>
            ))}
          </ol>
        )}
      </section>
    </>
  );
}
