/**
 * "What if" under an explanation: the faithfulness badge (PN for this item: does leaving the
 * cited history items out drop it from the top-k?), toggles on the history items and KG ties
 * that re-rank the list live through `whatIf`, and accept / reject of the explanation (stored as
 * a label with what it cited). Plain checkboxes and buttons: Tab and Space work everywhere.
 * Nothing is asked until "Ask what if" is pressed: that asks whatIfModel to fit the what-if model
 * (in its worker, off the main thread; a no-op once fitted) and shows its progress until it is
 * ready; only then are what-if questions asked.
 */
import { useEffect, useState } from 'react';
import type { Api, Label, Recommendation, Result, WhatIfFactRef, WhatIfModelStatus, WhatIfResult } from '../../../main/api/contract';
import { useResult } from '../hooks/useResult';
import { ErrorNotice } from '../components/ErrorNotice';
import { jobLineIn, ordinalIn, useI18n } from '../i18n';

interface WhatIfSectionProps {
  readonly api: Pick<Api, 'whatIf' | 'whatIfModel' | 'judgeExplanation'>;
  readonly user: string;
  readonly rec: Recommendation;
  /** Length of the list the item is in. */
  readonly k: number;
}

const tieKey = (t: WhatIfFactRef): string => `${t.item}\u0000${t.relation}\u0000${t.entity}`;
/** How often the fit's progress is asked for. */
const POLL_MS = 1000;

/** After `pressed`: fits the what-if model (a no-op when fitted) and polls its state until the fit ends. */
function useWhatIfModel(api: Pick<Api, 'whatIfModel'>, pressed: boolean): Result<WhatIfModelStatus> | null {
  const [model, setModel] = useState<Result<WhatIfModelStatus> | null>(null);
  useEffect(() => {
    if (!pressed) return undefined;
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async (fit: boolean): Promise<void> => {
      const r = await api.whatIfModel(fit ? { fit: true } : {});
      if (!live) return;
      setModel(r);
      if (r.ok && r.value.state === 'fitting') timer = setTimeout(() => void poll(false), POLL_MS);
    };
    void poll(true);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [api, pressed]);
  return model;
}

export function WhatIfSection({ api, user, rec, k }: WhatIfSectionProps) {
  const { t, pct, relation, entity } = useI18n();
  const ordinal = (n: number): string => ordinalIn(t, n);
  const cited = rec.explanation.history.map((h) => h.item);
  const [offItems, setOffItems] = useState<readonly string[]>([]);
  const [offTies, setOffTies] = useState<readonly WhatIfFactRef[]>([]);
  const [pressed, setPressed] = useState(false);
  const model = useWhatIfModel(api, pressed);
  const asked = model?.ok === true && model.value.state === 'ready';
  const [verdict, setVerdict] = useState<{ readonly label: Label } | { readonly error: string } | null>(null);
  const [badge] = useResult(!asked || cited.length === 0 ? null : () => api.whatIf({ user, k, item: rec.item, withoutHistory: cited, cited }), [api, asked, user, rec.item, k, cited.join(',')]);
  const [now] = useResult(
    !asked ? null : () => api.whatIf({ user, k, item: rec.item, cited, withoutHistory: [...offItems], withoutFacts: [...offTies] }),
    [api, asked, user, rec.item, k, cited.join(','), offItems.join(','), offTies.map(tieKey).join(',')],
  );

  const toggleItem = (id: string): void => setOffItems((xs) => (xs.includes(id) ? xs.filter((x) => x !== id) : [...xs, id]));
  const toggleTie = (t: WhatIfFactRef): void =>
    setOffTies((xs) => (xs.some((x) => tieKey(x) === tieKey(t)) ? xs.filter((x) => tieKey(x) !== tieKey(t)) : [...xs, { item: t.item, relation: t.relation, entity: t.entity }]));
  const judge = async (accept: boolean): Promise<void> => {
    const ties = now?.ok === true ? now.value.ties.filter((t) => cited.includes(t.item)).map((t) => ({ item: t.item, relation: t.relation, entity: t.entity })) : [];
    const r = await api.judgeExplanation({ user, item: rec.item, verdict: accept ? 'accept' : 'reject', history: cited, facts: [...rec.explanation.facts], ties, reason: rec.explanation.reason });
    setVerdict(r.ok ? { label: r.value } : { error: r.error.message });
  };

  const answer: WhatIfResult | null = now?.ok === true ? now.value : null;
  return (
    <section className="what-if" aria-labelledby="what-if-title">
      <h3 id="what-if-title">{t('whatIf.title')}</h3>
      {!pressed && (
        <button type="button" onClick={() => setPressed(true)}>
          {t('whatIf.ask')}
        </button>
      )}
      <ModelState model={model} pressed={pressed} />
      <Badge result={badge} k={k} />
      {asked && now === null && <p aria-live="polite">{t('whatIf.asking')}</p>}
      {now?.ok === false && <ErrorNotice error={now.error} />}
      {answer !== null && (
        <>
          <p className="muted">
            {t('whatIf.model', { name: answer.model.name, seed: answer.model.seed, tuned: answer.model.tuned ? t('whatIf.tuned') : t('whatIf.defaults') })}
          </p>
          <fieldset className="what-if-toggles">
            <legend>{t('whatIf.history')}</legend>
            {answer.history.length === 0 && <p className="muted">{t('whatIf.cannotSplit')}</p>}
            {answer.history.map((h) => (
              <span key={h.item} className="check">
                <input id={`wi-h-${h.item}`} type="checkbox" checked={!offItems.includes(h.item)} onChange={() => toggleItem(h.item)} />
                <label htmlFor={`wi-h-${h.item}`}>
                  {h.title} <span className="muted">{pct(h.share)}</span>
                </label>
              </span>
            ))}
          </fieldset>
          {answer.ties.length > 0 && (
            <fieldset className="what-if-toggles">
              <legend>{t('whatIf.ties')}</legend>
              {answer.ties.map((t, j) => (
                <span key={tieKey(t)} className="check">
                  <input id={`wi-t-${j}`} type="checkbox" checked={!offTies.some((x) => tieKey(x) === tieKey(t))} onChange={() => toggleTie(t)} />
                  <label htmlFor={`wi-t-${j}`}>
                    {t.itemTitle} — {relation(t.relation, t.relation.split('.').pop()?.replace(/_/g, ' ') ?? t.relation)} — {entity(t.entityLabel, t.entityDescribed)}
                  </label>
                </span>
              ))}
            </fieldset>
          )}
          <p className="what-if-target" role="status" aria-live="polite">
            {answer.target === null ? t('whatIf.notRanked') : t('whatIf.nowRanks', { title: rec.title, after: ordinal(answer.target.rankAfter), before: ordinal(answer.target.rankBefore) })}
          </p>
          <ol className="what-if-list" aria-label={t('whatIf.reranked')}>
            {answer.items.map((x) => (
              <li key={x.item} className={x.item === rec.item ? 'current' : undefined}>
                {x.title} <span className="muted">{x.rankBefore === x.rankAfter ? '' : t('whatIf.was', { rank: ordinal(x.rankBefore) })}</span>
              </li>
            ))}
          </ol>
          {answer.ignored.history.length + answer.ignored.facts.length > 0 && (
            <p className="muted">{t('whatIf.ignored', { list: [...answer.ignored.history, ...answer.ignored.facts.map((f) => f.entity)].join(', ') })}</p>
          )}
        </>
      )}
      <div className="explanation-actions" role="group" aria-label={t('whatIf.judge')}>
        <button type="button" onClick={() => void judge(true)}>
          {t('whatIf.accept')}
        </button>
        <button type="button" onClick={() => void judge(false)}>
          {t('whatIf.reject')}
        </button>
        {verdict !== null && 'label' in verdict && (
          <span role="status" className="notice">
            {verdict.label.value === 1 ? t('whatIf.accepted', { id: verdict.label.id }) : t('whatIf.rejected', { id: verdict.label.id })}
          </span>
        )}
        {verdict !== null && 'error' in verdict && (
          <span role="alert" className="error">
            {verdict.error}
          </span>
        )}
      </div>
    </section>
  );
}

function ModelState({ model, pressed }: { readonly model: Result<WhatIfModelStatus> | null; readonly pressed: boolean }) {
  const { t, pct, lang } = useI18n();
  if (!pressed) return null;
  if (model === null) return <p aria-live="polite">{t('whatIf.preparing')}</p>;
  if (!model.ok) return <ErrorNotice error={model.error} />;
  const s = model.value;
  if (s.state === 'failed' && s.error !== null) return <ErrorNotice error={s.error} />;
  if (s.state !== 'fitting') return null;
  return (
    <p className="what-if-fitting" role="status" aria-live="polite">
      {t('whatIf.fitting', { model: s.model, fraction: s.fraction !== null ? `: ${pct(s.fraction)}` : '', message: jobLineIn(t, lang, s), seconds: Math.round(s.seconds ?? 0) })}
    </p>
  );
}

function Badge({ result, k }: { readonly result: Result<WhatIfResult> | null; readonly k: number }) {
  const { t } = useI18n();
  if (result === null || !result.ok || result.value.target === null) return null;
  const target = result.value.target;
  const faithful = target.rankAfter > k;
  const outside = result.value.ignored.history.length;
  const ordinal = (n: number): string => ordinalIn(t, n);
  return (
    <p className={`badge ${faithful ? 'faithful' : 'unfaithful'}`} data-pn={faithful ? 1 : 0}>
      {faithful
        ? t('whatIf.faithful', { k, after: ordinal(target.rankAfter), before: ordinal(target.rankBefore) })
        : t('whatIf.unfaithful', { after: ordinal(target.rankAfter), before: ordinal(target.rankBefore) })}
      {outside > 0 ? t('whatIf.outside', { count: outside }) : ''}
    </p>
  );
}
