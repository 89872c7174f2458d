/**
 * `knowrec evaluate --explain-fidelity` on ml-100k, as a person runs it (a child process): stdout
 * is exactly one JSON document holding results.<model>.fidelity and the protocol that defines it;
 * a model that cannot explain (pop) has none. item-kNN without tuning and 5 users keep it short.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dataDir = process.env.KNOWREC_DATA_DIR ?? '/work/shared/datasets';
const present = existsSync(join(dataDir, 'ml-100k', 'ml-100k.inter'));
if (!present) console.warn(`skipping the fidelity CLI test: ml-100k not found under ${dataDir} (set KNOWREC_DATA_DIR)`);

interface Results {
  protocol: { fidelity?: string };
  results: Record<string, { fidelity?: Record<string, unknown> & { before: Record<string, unknown> } }>;
}

describe.skipIf(!present)('knowrec evaluate --explain-fidelity (ml-100k)', () => {
  it('reports PN/PS@10, rank drop, random baselines and the post-hoc before row per explaining model', () => {
    const dir = mkdtempSync(join(tmpdir(), 'knowrec-fidelity-'));
    try {
      const r = spawnSync(
        process.execPath,
        [join(ROOT, 'bin', 'knowrec.js'), 'evaluate', '--dataset', 'ml-100k', '--models', 'pop,itemknn', '--no-tune', '--explain-fidelity', '--users', '5', '--json', '-'],
        { cwd: dir, encoding: 'utf8', timeout: 120_000, env: { ...process.env, KNOWREC_DATA_DIR: dataDir, XDG_CACHE_HOME: join(dir, 'cache') } },
      );
      expect(r.status, r.stderr).toBe(0);
      const doc = JSON.parse(r.stdout) as Results;
      expect(doc.protocol.fidelity).toMatch(/pn@k/);
      expect(doc.results.pop.fidelity).toBeUndefined();
      const f = doc.results.itemknn.fidelity;
      expect(f).toBeDefined();
      for (const row of [f, f?.before]) {
        expect(row).toMatchObject({ users: 5, explanations: 50 });
        for (const key of ['pn@10', 'ps@10', 'random_pn@10', 'random_ps@10']) {
          const v = row?.[key];
          expect(typeof v === 'number' && v >= 0 && v <= 1, `${key}=${String(v)}`).toBe(true);
        }
        expect(row?.cited_mean).toBeGreaterThan(0);
        expect(row?.cited_mean).toBeLessThanOrEqual(3);
        expect(typeof row?.mean_rank_drop).toBe('number');
      }
      expect(r.stderr).toContain('explanation fidelity');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
