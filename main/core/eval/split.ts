/**
 * Train/valid/test splits. Every protocol is deterministic per seed and every interaction lands
 * in exactly one part. See docs/protocols.md for the exact rules.
 */
import { KnowrecError } from '../errors';
import { IntList, selectInteractions } from '../matrix';
import { createRng } from '../random';
import type { Interactions, Split } from '../types';

export type SplitProtocol = 'recbole' | 'loo' | 'cold-items';

export const SPLIT_PROTOCOLS: readonly SplitProtocol[] = ['recbole', 'loo', 'cold-items'];

/** RecBole's default ratios (train, valid, test). */
export const RECBOLE_RATIOS: readonly [number, number, number] = [0.8, 0.1, 0.1];

/** Share of interacted items held out by the cold-items protocol. */
export const COLD_ITEM_SHARE = 0.1;

export function splitInteractions(
  x: Interactions,
  nUsers: number,
  nItems: number,
  protocol: SplitProtocol,
  seed: number,
): Split {
  checkInteractions(x, nUsers, nItems);
  if (!Number.isFinite(seed)) {
    throw new KnowrecError('config', `Split seed must be a finite number, got ${seed}`, {}, 'pass an integer such as 2020');
  }
  switch (protocol) {
    case 'recbole':
      return splitRecbole(x, nUsers, nItems, seed, RECBOLE_RATIOS);
    case 'loo':
      return splitLeaveOneOut(x, nUsers, nItems, seed);
    case 'cold-items':
      return splitColdItems(x, nUsers, nItems, seed);
    default:
      throw new KnowrecError(
        'config',
        `Unknown split protocol '${String(protocol)}'`,
        {},
        `use one of ${SPLIT_PROTOCOLS.join(', ')}`,
      );
  }
}

/**
 * RecBole's per-group part sizes for `tot` interactions and (unnormalised) `ratios`
 * (`Dataset._calcu_split_ids`): every part but the first is ⌊ratio·tot⌋, the first takes the
 * rest; then, from the last part backwards, a part whose ratio·tot lies in (0, 1) is bumped to 1
 * (taken from the first part) while the first part still holds more than one interaction.
 */
export function recboleSplitCounts(tot: number, ratios: readonly number[]): number[] {
  let sum = 0;
  for (const r of ratios) sum += r;
  const norm = ratios.map((r) => r / sum);
  const cnt = norm.map((r) => Math.trunc(r * tot));
  let rest = 0;
  for (let i = 1; i < cnt.length; i++) rest += cnt[i];
  cnt[0] = tot - rest;
  for (let i = 1; i < norm.length; i++) {
    if (cnt[0] <= 1) break;
    const part = norm.length - i;
    const want = norm[part] * tot;
    if (want > 0 && want < 1) {
      cnt[part] += 1;
      cnt[0] -= 1;
    }
  }
  return cnt;
}

/** Interaction indices grouped by user (counting sort; original order kept inside each user). */
export function groupByUser(x: Interactions, nUsers: number): { indptr: Int32Array; order: Int32Array } {
  const n = x.user.length;
  const indptr = new Int32Array(nUsers + 1);
  for (let i = 0; i < n; i++) indptr[x.user[i] + 1]++;
  for (let u = 0; u < nUsers; u++) indptr[u + 1] += indptr[u];
  const fill = indptr.slice(0, nUsers);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[fill[x.user[i]]++] = i;
  return { indptr, order };
}

function splitRecbole(
  x: Interactions,
  nUsers: number,
  nItems: number,
  seed: number,
  ratios: readonly [number, number, number],
): Split {
  const rng = createRng(seed);
  const { indptr, order } = groupByUser(x, nUsers);
  const parts = [new IntList(x.user.length), new IntList(0), new IntList(0)];
  for (let u = 0; u < nUsers; u++) {
    const a = indptr[u];
    const b = indptr[u + 1];
    if (b === a) continue;
    const seg = order.subarray(a, b);
    rng.shuffle(seg);
    const cnt = recboleSplitCounts(b - a, ratios);
    let p = 0;
    for (let part = 0; part < 3; part++) {
      for (let j = 0; j < cnt[part]; j++) parts[part].push(seg[p++]);
    }
  }
  return finish('recbole', seed, nUsers, nItems, x, parts, new Int32Array(0));
}

function splitLeaveOneOut(x: Interactions, nUsers: number, nItems: number, seed: number): Split {
  const { indptr, order } = groupByUser(x, nUsers);
  const parts = [new IntList(x.user.length), new IntList(0), new IntList(0)];
  for (let u = 0; u < nUsers; u++) {
    const a = indptr[u];
    const b = indptr[u + 1];
    const n = b - a;
    if (n === 0) continue;
    // stable sort by timestamp; ties keep the original (file) order
    const seg = Array.from(order.subarray(a, b));
    seg.sort((i, j) => x.timestamp[i] - x.timestamp[j] || i - j);
    if (n < 3) {
      for (const i of seg) parts[0].push(i);
      continue;
    }
    for (let j = 0; j < n - 2; j++) parts[0].push(seg[j]);
    parts[1].push(seg[n - 2]);
    parts[2].push(seg[n - 1]);
  }
  return finish('loo', seed, nUsers, nItems, x, parts, new Int32Array(0));
}

function splitColdItems(x: Interactions, nUsers: number, nItems: number, seed: number): Split {
  const rng = createRng(seed);
  const n = x.user.length;
  const byItem = groupByUser({ ...x, user: x.item }, nItems);
  const active: number[] = [];
  for (let i = 0; i < nItems; i++) if (byItem.indptr[i + 1] > byItem.indptr[i]) active.push(i);
  const nCold = Math.round(COLD_ITEM_SHARE * active.length);
  rng.shuffle(active);
  const cold = Int32Array.from(active.slice(0, nCold)).sort();
  const isCold = new Uint8Array(nItems);
  for (const i of cold) isCold[i] = 1;

  const parts = [new IntList(n), new IntList(0), new IntList(0)];
  for (let i = 0; i < n; i++) if (isCold[x.item[i]] === 0) parts[0].push(i);
  for (const item of cold) {
    const seg = byItem.order.subarray(byItem.indptr[item], byItem.indptr[item + 1]);
    rng.shuffle(seg);
    const nValid = Math.floor(seg.length / 2);
    for (let j = 0; j < seg.length; j++) parts[j < nValid ? 1 : 2].push(seg[j]);
  }
  // keep valid/test ordered by original position so the output does not depend on item order
  parts[1].sortAscending();
  parts[2].sortAscending();
  return finish('cold-items', seed, nUsers, nItems, x, parts, cold);
}

function finish(
  protocol: SplitProtocol,
  seed: number,
  nUsers: number,
  nItems: number,
  x: Interactions,
  parts: IntList[],
  coldItems: Int32Array,
): Split {
  return {
    protocol,
    seed,
    nUsers,
    nItems,
    train: selectInteractions(x, parts[0].view()),
    valid: selectInteractions(x, parts[1].view()),
    test: selectInteractions(x, parts[2].view()),
    coldItems,
  };
}

/** Throws when arrays disagree in length or indices fall outside 0..n-1. */
export function checkInteractions(x: Interactions, nUsers: number, nItems: number): void {
  const n = x.user.length;
  if (x.item.length !== n || x.rating.length !== n || x.timestamp.length !== n) {
    throw new KnowrecError(
      'validation',
      `Interaction columns differ in length (user ${n}, item ${x.item.length}, rating ${x.rating.length}, timestamp ${x.timestamp.length})`,
      {},
      'build interactions with one entry per row in every column',
    );
  }
  if (!Number.isInteger(nUsers) || nUsers < 0 || !Number.isInteger(nItems) || nItems < 0) {
    throw new KnowrecError('config', `nUsers and nItems must be non-negative integers (got ${nUsers}, ${nItems})`);
  }
  for (let i = 0; i < n; i++) {
    const u = x.user[i];
    const it = x.item[i];
    if (u < 0 || u >= nUsers || it < 0 || it >= nItems) {
      throw new KnowrecError(
        'validation',
        `Interaction ${i} has user ${u} / item ${it} outside 0..${nUsers - 1} / 0..${nItems - 1}`,
        {},
        'pass the dataset’s nUsers and nItems, or re-index the interactions densely',
      );
    }
  }
}

