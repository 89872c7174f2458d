import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateSynthetic, syntheticRaw, type SyntheticSpec } from '../../main/core/data/synthetic';
import { readAnalystFolder, writeAnalystFolder } from '../../main/core/data/synthetic-files';
import { validateDataset } from '../../main/core/data';
import { KnowrecError } from '../../main/core/errors';

const SPEC: SyntheticSpec = { users: 60, items: 400, interactions: 3000, triples: 1500, seed: 7, topics: 8 };

describe('generateSynthetic', () => {
  it('is the same for the same seed and differs for another', () => {
    const a = generateSynthetic(SPEC);
    const b = generateSynthetic(SPEC);
    const c = generateSynthetic({ ...SPEC, seed: 8 });
    expect(Array.from(a.item)).toEqual(Array.from(b.item));
    expect(a.items.map((x) => x.description)).toEqual(b.items.map((x) => x.description));
    expect(Array.from(a.item)).not.toEqual(Array.from(c.item));
  });

  it('has the asked sizes, distinct (user, item) pairs, ratings 1–5 and rising timestamps per user', () => {
    const d = generateSynthetic(SPEC);
    expect(d.user.length).toBe(3000);
    expect(d.items.length).toBe(400);
    expect(d.head.length).toBe(1500);
    const pairs = new Set(Array.from(d.user, (u, p) => u * 1000 + d.item[p]));
    expect(pairs.size).toBe(3000);
    for (let p = 0; p < d.rating.length; p++) expect([1, 2, 3, 4, 5]).toContain(d.rating[p]);
    for (let p = 1; p < d.user.length; p++) if (d.user[p] === d.user[p - 1]) expect(d.timestamp[p]).toBeGreaterThan(d.timestamp[p - 1]);
  });

  it('has power-law popularity, tastes that drive choices, and a KG that follows the topics', () => {
    const d = generateSynthetic(SPEC);
    const K = d.spec.topics;
    const counts = new Array<number>(400).fill(0);
    for (const i of d.item) counts[i]++;
    counts.sort((x, y) => y - x);
    const top10 = counts.slice(0, 40).reduce((a, b) => a + b, 0);
    expect(top10 / 3000).toBeGreaterThan(0.2); // top 10% of items: over twice their uniform share
    let inTaste = 0;
    for (let p = 0; p < d.user.length; p++) if (d.userTaste[d.user[p] * K + d.itemTopic[d.item[p]]] > 0) inTaste++;
    expect(inTaste / d.user.length).toBeGreaterThan(0.6); // uniform choice: about 0.25 (2 of 8 topics)
    // ratings rise with taste: mean rating on favourite topics above the others
    const mean = (f: (p: number) => boolean): number => {
      let s = 0;
      let n = 0;
      for (let p = 0; p < d.user.length; p++) {
        if (!f(p)) continue;
        s += d.rating[p];
        n++;
      }
      return s / n;
    };
    const fav = (p: number): boolean => d.userTaste[d.user[p] * K + d.itemTopic[d.item[p]]] > 0.3;
    expect(mean(fav)).toBeGreaterThan(mean((p) => !fav(p)) + 0.5);
    // createdBy edges: the creator's topic block is the item's topic about kgSignal of the time
    const creatorBase = d.entityUris.findIndex((u) => u.endsWith('creator/1'));
    const perTopic = d.entityUris.filter((u) => u.includes('/creator/')).length / K;
    let same = 0;
    let all = 0;
    for (let t = 0; t < d.head.length; t++) {
      if (d.relation[t] !== 0) continue;
      all++;
      if (Math.floor((d.tail[t] - creatorBase) / perTopic) === d.itemTopic[d.head[t]]) same++;
    }
    expect(all).toBe(400);
    expect(same / all).toBeGreaterThan(0.8);
  });

  it('rejects impossible specs', () => {
    expect(() => generateSynthetic({ ...SPEC, items: 0 })).toThrow(KnowrecError);
    expect(() => generateSynthetic({ ...SPEC, users: 2, items: 3, interactions: 7 })).toThrow(/more interactions/);
  });
});

describe('analyst-export files', () => {
  it('round-trip through today’s CSV and N-Triples readers into the same dataset as the raw tables', () => {
    const dir = mkdtempSync(join(tmpdir(), 'knowrec-synth-'));
    try {
      const d = generateSynthetic(SPEC);
      const paths = writeAnalystFolder(d, dir);
      expect(readFileSync(paths.items, 'utf8').split('\n')[0]).toBe('item_id,title,description,genres');
      const fromFiles = validateDataset(readAnalystFolder(dir, 'synth')).dataset;
      const direct = validateDataset(syntheticRaw(d, 'synth')).dataset;
      expect(fromFiles.interactions.user.length).toBe(3000);
      expect(Array.from(fromFiles.interactions.rating)).toEqual(Array.from(direct.interactions.rating));
      expect(fromFiles.itemIds).toEqual(direct.itemIds);
      const five = fromFiles.itemIds.indexOf(d.items[5].id);
      expect(fromFiles.items[five].text.description).toBe(d.items[5].description); // commas survive quoting
      expect(fromFiles.items[five].attributes.genres).toEqual(d.items[5].genres);
      expect(fromFiles.kg.head.length).toBe(direct.kg.head.length);
      expect(fromFiles.kg.head.length).toBe(1500);
      expect(fromFiles.itemEntities.every((e) => e.length === 1)).toBe(true);
      const tag = fromFiles.kg.entityIds.findIndex((u) => u.endsWith('/tag/1'));
      expect(fromFiles.kg.entityNames[tag]).toBe(d.entityLabels[d.entityUris.findIndex((u) => u.endsWith('/tag/1'))]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
