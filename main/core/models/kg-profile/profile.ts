/** A user's KG profile, filled on demand into scratch buffers sized once per fit. */
import type { RemovedTies } from '../attribution';
import type { Model } from './model';
import type { Structure } from './structure';

export class UserProfile {
  /** c_u(e): the unsmoothed profile. */
  readonly c: Float64Array;
  /** δ(e) = log(p_u(e) / g(e)) − shift, on the profile's entities. */
  readonly delta: Float64Array;
  /** The profile's entities. */
  readonly touched: Int32Array;
  nTouched = 0;
  /** C_u = Σ_e c_u(e). */
  total = 0;
  /** Per family: A_f(u) − shift − B_f = Σ_e g_f(e) δ_u(e), for the current user. */
  readonly famDelta: Float64Array;

  constructor(nEntities: number, nFamilies: number) {
    this.c = new Float64Array(nEntities);
    this.delta = new Float64Array(nEntities);
    this.touched = new Int32Array(nEntities);
    this.famDelta = new Float64Array(nFamilies);
  }

  /**
   * Fills c, δ and the per-family sums Σ g_f δ for `user` (leaving out the `removed` history
   * items); returns shift = log(α / (C_u + α)). The caller must clear().
   */
  prepare(s: Structure, m: Model, alpha: number, user: number, removed?: ReadonlySet<number>, ties?: RemovedTies): number {
    const { c, touched, delta } = this;
    const { histItem, userPtr } = s;
    const { omega, qPtr, qEntity, qValue, g } = m;
    let n = 0;
    let total = 0;
    for (let p = userPtr[user], end = userPtr[user + 1]; p < end; p++) {
      const h = histItem[p];
      const w = omega[p];
      if (!(w > 0) || removed?.has(h) === true) continue;
      const dropped = ties?.get(h);
      for (let k = qPtr[h], kEnd = qPtr[h + 1]; k < kEnd; k++) {
        const e = qEntity[k];
        if (dropped?.has(e) === true) continue;
        const x = w * qValue[k];
        if (c[e] === 0) touched[n++] = e;
        c[e] += x;
        total += x;
      }
    }
    this.nTouched = n;
    this.total = total;
    for (let k = 0; k < n; k++) {
      const e = touched[k];
      delta[e] = Math.log1p(c[e] / (alpha * g[e]));
    }
    const famDelta = this.famDelta;
    famDelta.fill(0);
    if (m.fill) {
      const { entFamPtr, entFam, entFamG } = m;
      for (let k = 0; k < n; k++) {
        const e = touched[k];
        const d = delta[e];
        for (let p = entFamPtr[e], end = entFamPtr[e + 1]; p < end; p++) famDelta[entFam[p]] += entFamG[p] * d;
      }
    }
    return Math.log(alpha) - Math.log(total + alpha);
  }

  clear(): void {
    for (let k = 0; k < this.nTouched; k++) {
      const e = this.touched[k];
      this.c[e] = 0;
      this.delta[e] = 0;
    }
    this.nTouched = 0;
  }
}
