/**
 * Slices of the evaluated users, and metrics averaged within each:
 * - user attributes: `age=<bucket>` (MovieLens-1M's buckets <18, 18-24, 25-34, 35-44, 45-49,
 *   50-55, 56+; a non-numeric age, e.g. a generalized band, is used as it is), `gender=<value>`,
 *   `occupation=<value>`;
 * - `activity=q1..q4`: the evaluated users sorted by training interactions (ties by user index)
 *   and cut into four equal parts, q1 the least active;
 * - `popularity=head|tail`: only the user's targets on head (top 20% by training interactions)
 *   or tail items count, as hits and as |T|; users with no such target are left out.
 * The gap of a family (age, gender, …) is best − worst slice value of one metric.
 */
import type { Csr, UserRecord } from '../types';
import type { TopLists } from './evaluate';
import { ACCURACY_METRICS, metricKey, rankingMetricsAtK } from './metrics';

/** One slice: its family (the part before '='), and a 0/1 membership per evaluated user (row). */
export interface UserSlice {
  readonly name: string;
  readonly family: string;
  readonly member: Uint8Array;
}

const AGE_BUCKETS: readonly [number, string][] = [
  [18, '<18'],
  [25, '18-24'],
  [35, '25-34'],
  [45, '35-44'],
  [50, '45-49'],
  [56, '50-55'],
];

export function ageBucket(age: string | number): string {
  const n = typeof age === 'number' ? age : /^\s*\d+(\.\d+)?\s*$/.test(age) ? Number(age) : Number.NaN;
  if (Number.isNaN(n)) return String(age);
  for (const [below, name] of AGE_BUCKETS) if (n < below) return name;
  return '56+';
}

const ATTRIBUTES = ['age', 'gender', 'occupation'] as const;

function scalar(v: string | number | string[] | undefined): string | null {
  if (v === undefined || Array.isArray(v)) return null;
  const s = String(v).trim();
  return s === '' ? null : s;
}

/** Attribute slices of the evaluated users (rows of `users`), sorted by family then name. */
export function attributeSlices(users: Int32Array, records: readonly UserRecord[]): UserSlice[] {
  const out: UserSlice[] = [];
  for (const attr of ATTRIBUTES) {
    const byValue = new Map<string, Uint8Array>();
    users.forEach((u, row) => {
      const raw = scalar(records[u]?.attributes[attr]);
      if (raw === null) return;
      const value = attr === 'age' ? ageBucket(raw) : raw;
      let mask = byValue.get(value);
      if (mask === undefined) byValue.set(value, (mask = new Uint8Array(users.length)));
      mask[row] = 1;
    });
    const names = [...byValue.keys()].sort(attr === 'age' ? compareAge : (a, b) => a.localeCompare(b));
    for (const v of names) out.push({ name: `${attr}=${v}`, family: attr, member: byValue.get(v) ?? new Uint8Array(0) });
  }
  return out;
}

function compareAge(a: string, b: string): number {
  const rank = (s: string): number => {
    const i = AGE_BUCKETS.findIndex(([, n]) => n === s);
    return i >= 0 ? i : s === '56+' ? AGE_BUCKETS.length : AGE_BUCKETS.length + 1;
  };
  return rank(a) - rank(b) || a.localeCompare(b);
}

/** activity=q1..q4 by training interactions per user (`trainPerUser[u]`). */
export function activitySlices(users: Int32Array, trainPerUser: ArrayLike<number>): UserSlice[] {
  const n = users.length;
  const order = Array.from({ length: n }, (_, r) => r).sort((x, y) => trainPerUser[users[x]] - trainPerUser[users[y]] || users[x] - users[y]);
  const masks = [0, 1, 2, 3].map(() => new Uint8Array(n));
  order.forEach((row, pos) => {
    masks[Math.min(3, Math.floor((4 * pos) / Math.max(1, n)))][row] = 1;
  });
  return masks.map((member, q) => ({ name: `activity=q${q + 1}`, family: 'activity', member }));
}

/**
 * Accuracy metrics @k of each user's list counting only targets on items with `inGroup[i] = 1`;
 * NaN for users with no such target. Keys as metricKey (`ndcg@10`, …).
 */
export function groupTargetMetrics(lists: TopLists, targets: Csr, inGroup: Uint8Array, k: number): Record<string, Float64Array> {
  const n = lists.users.length;
  const out: Record<string, Float64Array> = {};
  for (const m of ACCURACY_METRICS) out[metricKey(m, k)] = new Float64Array(n).fill(Number.NaN);
  const mask = new Uint8Array(targets.nCols);
  const hits = new Uint8Array(Math.min(k, lists.k));
  for (let row = 0; row < n; row++) {
    const u = lists.users[row];
    let nTargets = 0;
    for (let p = targets.indptr[u]; p < targets.indptr[u + 1]; p++) {
      const it = targets.indices[p];
      if (inGroup[it] === 1 && mask[it] === 0) {
        mask[it] = 1;
        nTargets++;
      }
    }
    if (nTargets > 0) {
      for (let r = 0; r < hits.length; r++) {
        const it = lists.items[row * lists.k + r];
        hits[r] = it >= 0 && mask[it] === 1 ? 1 : 0;
      }
      const res = rankingMetricsAtK(hits, nTargets, k);
      for (const m of ACCURACY_METRICS) out[metricKey(m, k)][row] = res[m];
    }
    for (let p = targets.indptr[u]; p < targets.indptr[u + 1]; p++) mask[targets.indices[p]] = 0;
  }
  return out;
}

/** Mean of each per-user metric over the slice's members (NaN values left out), plus `users`. */
export function sliceMeans(values: Readonly<Record<string, ArrayLike<number>>>, member: Uint8Array | null): Record<string, number> {
  const out: Record<string, number> = {};
  let users = 0;
  for (const [key, v] of Object.entries(values)) {
    let s = 0;
    let c = 0;
    for (let r = 0; r < v.length; r++) {
      if ((member === null || member[r] === 1) && Number.isFinite(v[r])) {
        s += v[r];
        c++;
      }
    }
    if (c > 0) out[key] = s / c;
    users = Math.max(users, c);
  }
  out.users = users;
  return out;
}

export interface SliceGap {
  readonly metric: string;
  readonly best: string;
  readonly worst: string;
  readonly gap: number;
}

/** Per family: the best and worst slice by `metric` and their difference (families with ≥ 2 slices). */
export function sliceGaps(slices: Readonly<Record<string, Readonly<Record<string, number>>>>, metric: string): Record<string, SliceGap> {
  const byFamily = new Map<string, [string, number][]>();
  for (const [name, m] of Object.entries(slices)) {
    const v = m[metric];
    if (v === undefined || !Number.isFinite(v)) continue;
    const family = name.split('=')[0];
    byFamily.set(family, [...(byFamily.get(family) ?? []), [name, v]]);
  }
  const out: Record<string, SliceGap> = {};
  for (const [family, list] of byFamily) {
    if (list.length < 2) continue;
    const sorted = [...list].sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0]));
    const best = sorted[0];
    const worst = sorted[sorted.length - 1];
    out[family] = { metric, best: best[0], worst: worst[0], gap: Math.round((best[1] - worst[1]) * 1e6) / 1e6 };
  }
  return out;
}
