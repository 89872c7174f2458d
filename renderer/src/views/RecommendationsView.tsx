/** Recommendations for a user from the fitted model; picking one opens its explanation. */
import { useEffect, useState } from 'react';
import type { Api, Recommendations, Result } from '../../../main/api';
import { ErrorNotice } from '../components/ErrorNotice';
import { ExplanationPanel } from '../components/ExplanationPanel';
import { RecommendationList } from '../components/RecommendationList';
import { UserPicker } from '../components/UserPicker';

const MAX_K = 100;

export function RecommendationsView({ api }: { readonly api: Api }) {
  const [request, setRequest] = useState<{ user: string; k: number } | null>(null);
  const [recs, setRecs] = useState<Result<Recommendations> | null>(null);
  const [selected, setSelected] = useState<string | null>(null);

  useEffect(() => {
    if (request === null) return undefined;
    let live = true;
    setRecs(null);
    setSelected(null);
    void api.recommend(request).then((r) => live && setRecs(r));
    return () => {
      live = false;
    };
  }, [api, request]);

  const r = recs?.ok === true ? recs.value : null;
  const chosen = r?.items.find((i) => i.item === selected) ?? null;

  return (
    <>
      <section aria-labelledby="recs-title">
        <h2 id="recs-title">Recommendations</h2>
        <UserPicker initialUser="" initialK={10} maxK={MAX_K} onPick={(user, k) => setRequest({ user, k })} />
        {request !== null && recs === null && <p aria-live="polite">Loading…</p>}
        {recs?.ok === false && <ErrorNotice error={recs.error} />}
        {r !== null && (
          <>
            <p className="muted">
              Top {r.items.length} for user {r.user} · model fitted on {r.model.dataset} ({r.model.created})
            </p>
            {!r.model.dataMatches && (
              <p className="error" role="status">
                The workspace data changed since this model was fitted; refit to include the changes.
              </p>
            )}
            <RecommendationList items={r.items} selected={selected} onSelect={setSelected} />
          </>
        )}
      </section>
      {chosen !== null && <ExplanationPanel rec={chosen} />}
    </>
  );
}
