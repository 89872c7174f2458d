/**
 * kg-profile: KG-profile matching, "the KL view".
 *
 * Item i has a distribution q_i over the KG entities one hop from its own entities (director,
 * actors, genres, decade, language, …; KgIndex.itemFacts, derived genre/decade triples
 * included). An entity reached through several relations (film.film.directed_by and its
 * inverse film.director.film) is one *slot*, assigned to the relation of largest weight.
 * Relations whose item–entity pairs mostly coincide form one *family* (forward/inverse pairs);
 * family f has a weight w_f ≥ 0 and π_f = w_f / Σ w. With `normalize: 'per-family'` (default)
 * family f gets mass π_f split evenly over the item's entities of that family (one director
 * weighs as much as all the actors together); with 'per-fact' every entity gets π_f and q_i is
 * renormalised. With per-family mass, a family the item has no facts of is either filled with
 * that family's background g_f (`missing: 'average'`, default: "no director known" counts as an
 * average director, so fact-poor items are not favoured) or left out and q_i renormalised
 * ('skip').
 *
 * User u's profile is the weighted mixture of the q of the TRAIN items in their history (the
 * entities they actually have, no filling):
 *   c_u(e) = Σ_h ω_uh q_h(e),   C_u = Σ_e c_u(e),
 *   ω_uh = rating weight ('linear' r/r_max, 'binary', 'centered' max(r − 2.5, 0)) × recency
 *          weight exp(−age/τ) (age in days before the user's latest training interaction; off
 *          by default),
 * smoothed by a Dirichlet prior of α pseudo-items towards the background g, the pooled profile
 * of all users mixed with a `catalogShare` of the catalog's mean q (so entities seen only on
 * items nobody trained on keep some mass):
 *   p_u(e) = (c_u(e) + α g(e)) / (C_u + α).
 *
 * Score (higher is better):
 *   'cross-entropy' (default): Σ_e q_i(e) log p_u(e)
 *   'neg-kl':                  −KL(q_i ‖ p_u) = cross-entropy + H(q_i)
 * Both split into a personal part and a background part,
 *   Σ_e q_i(e) log p_u(e) = Σ_e q_i(e) log(p_u(e)/g(e))  [lift]  +  Σ_e q_i(e) log g(e),
 * and `backgroundWeight` β scales the background part: β = 1 (default) is the plain
 * cross-entropy / −KL, β = 0 keeps only the lift. Computed sparsely: log(p_u(e)/g(e)) =
 * log(α/(C_u+α)) + log(1 + c_u(e)/(α g(e))), the second term is 0 off the profile, so a user
 * costs O(history slots + Σ_{profile entities} items holding them + items × families), far
 * below (items × entities).
 *
 * The defaults (cross-entropy, β = 1, α = 100) keep the score personal; pass `validate` to tune
 * (measured results per protocol: docs/hybrid.md).
 *
 * An item with no facts (or whose facts all have weight 0) scores
 *   β log g_min + log(α / (C_u + α)) − 1,
 * finite and below every item with facts (each of whose terms is at least q(β log g_min +
 * log(α/(C_u+α)))).
 *
 * `explain(user, item)` returns one term per entity of the item (with 'average', also one per
 * family the item lacks, entity −1); the terms sum to score(user, item) up to float32
 * rounding. They are sorted by `lift` = q_i(e) log(p_u(e)/g(e)): how much more this user's
 * profile holds the entity than the average profile does — "same director as Toy Story".
 *
 * Tuning: with a `validate(scorer) → number` callback (a validation metric, higher is better,
 * e.g. NDCG@10 on the validation split), fit() runs a coordinate search over the options not
 * given explicitly, in the order of TUNE_KNOBS: β, α, the score form, the normalisation, the
 * missing-family rule, each family's weight (`weightGrid`, largest families first), the rating
 * weight and the recency τ. A value is kept only when it strictly improves the metric, and the
 * scorer ends in the best state seen. fit() never sees the test split.
 */
export { KgProfileScorer, type KgRelationFamily, type KgTuneStep } from './scorer';
export type { KgProfileTerm, KgProfileVia } from './explain';
export {
  KG_PROFILE_DEFAULTS,
  TUNE_KNOBS,
  type KgMissing,
  type KgNormalize,
  type KgProfileOptions,
  type KgProfileScoreForm,
  type KgRatingWeight,
  type KgTuneKnob,
} from './options';
