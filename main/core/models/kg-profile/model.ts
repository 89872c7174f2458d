/**
 * The weight-dependent part of kg-profile, rebuilt whenever an option changes: each slot's mass q,
 * the interaction weights ω, the backgrounds g and g_f, and per-item constants of the score.
 */
import type { KgSettings } from './options';
import type { Structure } from './structure';

/** Everything that depends on the weights and options. */
export interface Model {
  /** q per slot (0 when dropped). */
  readonly q: Float64Array;
  /** Fact chosen per slot (index into factRelation), −1 when dropped. */
  readonly slotFact: Int32Array;
  readonly hasFacts: Uint8Array;
  /** ω per grouped training interaction. */
  readonly omega: Float64Array;
  readonly g: Float64Array;
  /** log of the smallest positive g. */
  readonly logGMin: number;
  /** True when missing families are filled with the family background ('average'). */
  readonly fill: boolean;
  /** π_f: each family's share of an item's mass (per-family normalisation). */
  readonly pi: Float64Array;
  /** Family → background support (entity, g_f(e)), g_f summing to 1 over the family. */
  readonly famPtr: Int32Array;
  readonly famEntity: Int32Array;
  readonly famG: Float64Array;
  /** Item → families it has facts of (with π_f > 0). */
  readonly presentPtr: Int32Array;
  readonly present: Int32Array;
  /** Σ_e q_i(e) log g(e) over the item's entities plus Σ_{missing f} π_f Σ g_f log g: the item's score under g. */
  readonly base: Float64Array;
  /** −KL − cross-entropy: H(q_i) plus Σ_{missing f} π_f (H(g_f) − log π_f). */
  readonly entropy: Float64Array;
  /** Per family: Σ_e g_f(e) log g(e) and H(g_f) − log π_f. */
  readonly famBase: Float64Array;
  readonly famEntropy: Float64Array;
  /** Entity → (family, g_f(e)) for the families whose background holds it. */
  readonly entFamPtr: Int32Array;
  readonly entFam: Int32Array;
  readonly entFamG: Float64Array;
  /** q of Structure.entSlot's slots, aligned with it. */
  readonly entQ: Float64Array;
  /** Item → its entities with q > 0 (compact copy of the slots, for the hot loops). */
  readonly qPtr: Int32Array;
  readonly qEntity: Int32Array;
  readonly qValue: Float64Array;
  /** Per item: the user-independent part of the score for the current form. */
  readonly offset: Float64Array;
}

/** Recomputes q, ω, g and the per-item constants from the current settings. */
export function buildModel(s: Structure, st: KgSettings): Model {
  const perFamily = st.normalize === 'per-family';
  const fill = perFamily && st.missing === 'average';
  const { slotFact, slotFam, famSlots } = chooseSlots(s, st.familyWeight);
  // π over the families that hold at least one slot
  const nFam = s.families.length;
  const pi = new Float64Array(nFam);
  let wSum = 0;
  for (let f = 0; f < nFam; f++) if (famSlots[f] > 0) wSum += st.familyWeight[f];
  if (wSum > 0) for (let f = 0; f < nFam; f++) if (famSlots[f] > 0) pi[f] = st.familyWeight[f] / wSum;
  const items = itemMasses(s, slotFam, pi, perFamily, fill);
  const omega = interactionWeights(s, st);
  const bg = backgrounds(s, items.q, slotFam, items.hasFacts, omega, st.catalogShare, fill);
  const consts = itemConstants(s, items, bg, pi, fill);
  const beta = st.backgroundWeight;
  const kl = st.score === 'neg-kl';
  const offset = new Float64Array(s.nItems);
  for (let i = 0; i < s.nItems; i++) offset[i] = beta * consts.base[i] + (kl ? consts.entropy[i] : 0);
  return {
    ...items,
    ...bg,
    ...consts,
    ...lookups(s, items.q, bg),
    slotFact,
    omega,
    fill,
    pi,
    offset,
  };
}

/** ω per grouped training interaction: rating weight × recency weight. */
function interactionWeights(s: Structure, st: KgSettings): Float64Array {
  const n = s.histItem.length;
  const omega = new Float64Array(n);
  const tau = st.recencyDays;
  for (let p = 0; p < n; p++) {
    const r = s.histRating[p];
    let w: number;
    switch (st.ratingWeight) {
      case 'binary':
        w = 1;
        break;
      case 'linear':
        w = s.maxRating > 0 ? Math.max(r, 0) / s.maxRating : 1;
        break;
      case 'centered':
        w = Math.max(r - st.ratingCenter, 0);
        break;
    }
    if (tau > 0) w *= Math.exp(-s.histAge[p] / tau);
    omega[p] = w;
  }
  return omega;
}

/** Each slot's fact under family weights: largest weight, then 'out', then the lower relation index. */
function chooseSlots(s: Structure, famW: Float64Array): { slotFact: Int32Array; slotFam: Int32Array; famSlots: Int32Array } {
  const nSlots = s.slotEntity.length;
  const slotFact = new Int32Array(nSlots).fill(-1);
  const slotFam = new Int32Array(nSlots).fill(-1);
  const famSlots = new Int32Array(s.families.length);
  for (let p = 0; p < nSlots; p++) {
    let best = -1;
    let bestW = 0;
    for (let f = s.factPtr[p]; f < s.factPtr[p + 1]; f++) {
      const w = famW[s.relationFamily[s.factRelation[f]]];
      if (!(w > 0)) continue;
      if (best < 0 || w > bestW || (w === bestW && betterFact(s, f, best))) {
        best = f;
        bestW = w;
      }
    }
    slotFact[p] = best;
    if (best >= 0) {
      const fam = s.relationFamily[s.factRelation[best]];
      slotFam[p] = fam;
      famSlots[fam]++;
    }
  }
  return { slotFact, slotFam, famSlots };
}

interface ItemMasses {
  readonly q: Float64Array;
  readonly hasFacts: Uint8Array;
  readonly presentPtr: Int32Array;
  readonly present: Int32Array;
}

/**
 * q per slot: π_f split over the item's entities of family f ('per-family') or π_f each
 * ('per-fact'); renormalised over the item's slots unless missing families are filled.
 */
function itemMasses(s: Structure, slotFam: Int32Array, pi: Float64Array, perFamily: boolean, fill: boolean): ItemMasses {
  const q = new Float64Array(s.slotEntity.length);
  const hasFacts = new Uint8Array(s.nItems);
  const presentPtr = new Int32Array(s.nItems + 1);
  const present: number[] = [];
  const famCount = new Int32Array(s.families.length);
  for (let i = 0; i < s.nItems; i++) {
    const a = s.slotPtr[i];
    const b = s.slotPtr[i + 1];
    for (let p = a; p < b; p++) {
      const fam = slotFam[p];
      if (fam >= 0 && famCount[fam]++ === 0) present.push(fam);
    }
    presentPtr[i + 1] = present.length;
    let sum = 0;
    for (let p = a; p < b; p++) {
      const fam = slotFam[p];
      if (fam < 0) continue;
      q[p] = perFamily ? pi[fam] / famCount[fam] : pi[fam];
      sum += q[p];
    }
    if (sum > 0) {
      hasFacts[i] = 1;
      if (!fill) for (let p = a; p < b; p++) q[p] /= sum;
    }
    for (let k = presentPtr[i]; k < presentPtr[i + 1]; k++) famCount[present[k]] = 0;
  }
  return { q, hasFacts, presentPtr, present: Int32Array.from(present) };
}

interface Backgrounds {
  readonly g: Float64Array;
  readonly logGMin: number;
  /** Family → (entity, g_f(e)), entities ascending; empty unless missing families are filled. */
  readonly famPtr: Int32Array;
  readonly famEntity: Int32Array;
  readonly famG: Float64Array;
}

/**
 * g: the pooled profile of all users (Σ_i (Σ_u ω_ui) q_i) mixed with the catalog mean of q,
 * each part normalised; g_f the same over the slots of family f.
 */
function backgrounds(s: Structure, q: Float64Array, slotFam: Int32Array, hasFacts: Uint8Array, omega: Float64Array, share: number, fill: boolean): Backgrounds {
  const nSlots = s.slotEntity.length;
  const nFam = s.families.length;
  // (family, entity) pairs of the kept slots, numbered in (family, entity) order
  const slotPair = new Int32Array(nSlots).fill(-1);
  let pairs: number[] = [];
  if (fill) {
    const keyOf = (k: number): number => slotFam[k] * s.nEntities + s.slotEntity[k];
    const keys = new Set<number>();
    for (let k = 0; k < nSlots; k++) if (q[k] > 0) keys.add(keyOf(k));
    pairs = [...keys].sort((x, y) => x - y);
    const index = new Map<number, number>();
    for (let j = 0; j < pairs.length; j++) index.set(pairs[j], j);
    for (let k = 0; k < nSlots; k++) if (q[k] > 0) slotPair[k] = index.get(keyOf(k)) as number;
  }
  const itemOmega = new Float64Array(s.nItems);
  for (let p = 0; p < s.histItem.length; p++) itemOmega[s.histItem[p]] += omega[p];
  const pooled = new Float64Array(s.nEntities);
  const catalog = new Float64Array(s.nEntities);
  const famPooled = new Float64Array(pairs.length);
  const famCatalog = new Float64Array(pairs.length);
  for (let i = 0; i < s.nItems; i++) {
    if (hasFacts[i] === 0) continue;
    const w = itemOmega[i];
    for (let k = s.slotPtr[i]; k < s.slotPtr[i + 1]; k++) {
      const qv = q[k];
      if (!(qv > 0)) continue;
      pooled[s.slotEntity[k]] += w * qv;
      catalog[s.slotEntity[k]] += qv;
      if (fill) {
        famPooled[slotPair[k]] += w * qv;
        famCatalog[slotPair[k]] += qv;
      }
    }
  }
  const g = mixBackground(catalog, pooled, share);
  let gMin = Number.POSITIVE_INFINITY;
  for (let e = 0; e < s.nEntities; e++) if (g[e] > 0 && g[e] < gMin) gMin = g[e];
  const famPtr = new Int32Array(nFam + 1);
  const famEntity = new Int32Array(pairs.length);
  for (let j = 0; j < pairs.length; j++) {
    const f = Math.floor(pairs[j] / s.nEntities);
    famEntity[j] = pairs[j] - f * s.nEntities;
    famPtr[f + 1]++;
  }
  for (let f = 0; f < nFam; f++) famPtr[f + 1] += famPtr[f];
  const famG = new Float64Array(pairs.length);
  for (let f = 0; f < nFam; f++) {
    const a = famPtr[f];
    const b = famPtr[f + 1];
    famG.set(mixBackground(famCatalog.subarray(a, b), famPooled.subarray(a, b), share), a);
  }
  return { g, logGMin: Number.isFinite(gMin) ? Math.log(gMin) : 0, famPtr, famEntity, famG };
}

interface ItemConstants {
  readonly base: Float64Array;
  readonly entropy: Float64Array;
  readonly famBase: Float64Array;
  readonly famEntropy: Float64Array;
}

/**
 * Per family B_f = Σ g_f log g and H(g_f) − log π_f; per item the background score
 * Σ q log g (+ Σ_{missing f} π_f B_f) and the entropy part of −KL, H(q_i) (+ Σ_{missing f} π_f (H(g_f) − log π_f)).
 */
function itemConstants(s: Structure, items: ItemMasses, bg: Backgrounds, pi: Float64Array, fill: boolean): ItemConstants {
  const nFam = s.families.length;
  const { q, hasFacts, presentPtr, present } = items;
  const { g, famPtr, famEntity, famG } = bg;
  const famBase = new Float64Array(nFam);
  const famEntropy = new Float64Array(nFam);
  let allBase = 0;
  let allEntropy = 0;
  for (let f = 0; f < nFam; f++) {
    let bv = 0;
    let h = 0;
    for (let k = famPtr[f]; k < famPtr[f + 1]; k++) {
      const v = famG[k];
      if (v > 0) {
        bv += v * Math.log(g[famEntity[k]]);
        h -= v * Math.log(v);
      }
    }
    famBase[f] = bv;
    famEntropy[f] = pi[f] > 0 ? h - Math.log(pi[f]) : 0;
    allBase += pi[f] * famBase[f];
    allEntropy += pi[f] * famEntropy[f];
  }
  const base = new Float64Array(s.nItems);
  const entropy = new Float64Array(s.nItems);
  for (let i = 0; i < s.nItems; i++) {
    if (hasFacts[i] === 0) continue;
    let bv = 0;
    let h = 0;
    for (let k = s.slotPtr[i]; k < s.slotPtr[i + 1]; k++) {
      const qv = q[k];
      if (!(qv > 0)) continue;
      bv += qv * Math.log(g[s.slotEntity[k]]);
      h -= qv * Math.log(qv);
    }
    if (fill) {
      // Σ over the missing families = Σ over all − Σ over the present ones
      bv += allBase;
      h += allEntropy;
      for (let k = presentPtr[i]; k < presentPtr[i + 1]; k++) {
        bv -= pi[present[k]] * famBase[present[k]];
        h -= pi[present[k]] * famEntropy[present[k]];
      }
    }
    base[i] = bv;
    entropy[i] = h;
  }
  return { base, entropy, famBase, famEntropy };
}

/** Copies laid out for the hot loops: item → (entity, q) compact, entity → (family, g_f), q in entity → slot order. */
function lookups(s: Structure, q: Float64Array, bg: Backgrounds) {
  const qPtr = new Int32Array(s.nItems + 1);
  for (let i = 0; i < s.nItems; i++) {
    let cnt = 0;
    for (let k = s.slotPtr[i]; k < s.slotPtr[i + 1]; k++) if (q[k] > 0) cnt++;
    qPtr[i + 1] = qPtr[i] + cnt;
  }
  const qEntity = new Int32Array(qPtr[s.nItems]);
  const qValue = new Float64Array(qPtr[s.nItems]);
  for (let k = 0, o = 0; k < q.length; k++) {
    if (!(q[k] > 0)) continue;
    qEntity[o] = s.slotEntity[k];
    qValue[o++] = q[k];
  }
  const { famPtr, famEntity, famG } = bg;
  const entFamPtr = new Int32Array(s.nEntities + 1);
  for (let k = 0; k < famEntity.length; k++) entFamPtr[famEntity[k] + 1]++;
  for (let e = 0; e < s.nEntities; e++) entFamPtr[e + 1] += entFamPtr[e];
  const entFam = new Int32Array(famEntity.length);
  const entFamG = new Float64Array(famEntity.length);
  const next = entFamPtr.slice(0, s.nEntities);
  for (let f = 0; f + 1 < famPtr.length; f++) {
    for (let k = famPtr[f]; k < famPtr[f + 1]; k++) {
      const o = next[famEntity[k]]++;
      entFam[o] = f;
      entFamG[o] = famG[k];
    }
  }
  const entQ = new Float64Array(s.entSlot.length);
  for (let p = 0; p < entQ.length; p++) entQ[p] = q[s.entSlot[p]];
  return { qPtr, qEntity, qValue, entFamPtr, entFam, entFamG, entQ };
}

/**
 * share · catalog / Σ catalog + (1 − share) · pooled / Σ pooled (a part with no mass is left
 * out and the other takes its share).
 */
function mixBackground(catalog: Float64Array, pooled: Float64Array, share: number): Float64Array {
  let cs = 0;
  let ps = 0;
  for (let e = 0; e < catalog.length; e++) {
    cs += catalog[e];
    ps += pooled[e];
  }
  const wc = cs > 0 ? (ps > 0 ? share : 1) / cs : 0;
  const wp = ps > 0 ? (cs > 0 ? 1 - share : 1) / ps : 0;
  const out = new Float64Array(catalog.length);
  for (let e = 0; e < catalog.length; e++) out[e] = wc * catalog[e] + wp * pooled[e];
  return out;
}

/** Tie-break between two facts of equal weight: 'out' first, then the lower relation index. */
function betterFact(s: Structure, f: number, than: number): boolean {
  const df = s.factDirection[f];
  const dt = s.factDirection[than];
  if (df !== dt) return df < dt;
  return s.factRelation[f] < s.factRelation[than];
}

