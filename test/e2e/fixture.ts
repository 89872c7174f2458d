/**
 * TEST FIXTURE serving snapshot for the e2e run: user 1's top-K are the most interacted-with
 * items they have not seen, with hand-made explanations (clearly labelled). It stands in for a
 * fitted hybrid so the browser suite never spends minutes fitting; every other view uses the
 * real workspace.
 */
import type { Dataset } from '../../main/core/types';
import { dataHash, SNAPSHOT_FORMAT, type Snapshot, type SnapshotItem } from '../../main/jobs/snapshot';

export const FIXTURE_SIGNALS = { 'kg-profile': 0.5, itemknn: 0.3, semantic: 0.2 } as const;
export const FIXTURE_K = 10;

/** The fixture for `user` (default '1', ml-100k's first user). */
export function fixtureSnapshot(ds: Dataset, user = '1'): Snapshot {
  const u = ds.userIds.indexOf(user);
  const counts = new Int32Array(ds.itemIds.length);
  const seen = new Uint8Array(ds.itemIds.length);
  const liked: number[] = [];
  for (let k = 0; k < ds.interactions.user.length; k++) {
    const i = ds.interactions.item[k];
    counts[i]++;
    if (ds.interactions.user[k] === u) {
      seen[i] = 1;
      if (ds.interactions.rating[k] >= 5) liked.push(i);
    }
  }
  const order = Array.from(counts.keys())
    .filter((i) => seen[i] === 0)
    .sort((a, b) => counts[b] - counts[a] || a - b)
    .slice(0, FIXTURE_K);
  const items: SnapshotItem[] = order.map((i, rank) => ({
    item: ds.itemIds[i],
    title: ds.items[i].title,
    score: Math.round((1 - rank * 0.05) * 1e4) / 1e4,
    explanation: {
      signals: FIXTURE_SIGNALS,
      against: { pop: 1 },
      history: liked.slice(0, 3).map((h) => ({ item: ds.itemIds[h], title: ds.items[h].title, relation: 'test fixture link' })),
      facts: [`TEST FIXTURE fact about ${ds.items[i].title}`],
      reason: `TEST FIXTURE reason: ${ds.items[i].title} is popular with users like you.`,
    },
  }));
  return {
    manifest: {
      format: SNAPSHOT_FORMAT,
      dataset: ds.name,
      data_sha256: dataHash(ds),
      model: 'hybrid',
      protocol: { name: 'recbole', seed: 0, note: 'TEST FIXTURE: popularity top-K with hand-made explanations, not a fitted model' },
      k: FIXTURE_K,
      lang: 'en',
      users: ds.userIds.length,
      items: ds.itemIds.length,
      params: {},
      metrics: { valid: {}, test: {} },
      fit_seconds: 0,
      created: new Date().toISOString(),
    },
    recommendations: { [user]: items },
  };
}
