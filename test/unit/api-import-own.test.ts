/**
 * Own files through the Api (in-process executor, a real workspace file): previewImport shows
 * the inferred roles and writes nothing; startImportOwn imports with an edited mapping and the
 * report says how the count column is used; a bad row fails the job with file, line and column;
 * paths outside the allowed roots are refused before anything runs.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApi, type ApiImpl, type JobInfo, type Result } from '../../main/api';
import type { ImportReport } from '../../main/core/data/report';
import { kgCachePath, readKgCache } from '../../main/core/kg/kg-cache';
import { Workspace } from '../../main/core/store';
import { inProcessExecutor } from '../../main/jobs/job-worker-host';

let dir: string;
let api: ApiImpl;

function value<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}

async function settle(job: JobInfo): Promise<JobInfo> {
  for (let i = 0; i < 2000; i++) {
    const j = value(await api.getJob({ id: job.id }));
    if (j.state === 'done' || j.state === 'failed' || j.state === 'cancelled') return j;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`job ${job.id} did not finish`);
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'knowrec-api-own-'));
  Workspace.create(join(dir, 'w.sqlite')).close();
  api = createApi({ open: (p) => Workspace.open(p), workspacePath: join(dir, 'w.sqlite'), appVersion: 't', executor: inProcessExecutor(), allowedRoots: [dir] });
  // tab-separated plays (a count) and a JSON Lines catalogue
  writeFileSync(join(dir, 'plays.tsv'), 'uid\tartist\tplays\nu1\ta1\t10\nu1\ta2\t250\nu2\ta1\t3\n');
  writeFileSync(join(dir, 'artists.jsonl'), '{"artist": "a1", "name": "First", "genres": ["rock", "pop"]}\n{"artist": "a2", "name": "Second", "genres": ["jazz"]}\n');
});

afterEach(() => {
  api.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('previewImport / startImportOwn', () => {
  it('previews roles and the mapping without writing', async () => {
    const p = value(await api.previewImport({ interactions: join(dir, 'plays.tsv'), items: join(dir, 'artists.jsonl') }));
    expect(p.mapping.interactions).toEqual({ user: 'uid', item: 'artist', rating: 'plays', timestamp: null, feedback: 'implicit' });
    expect(p.tables[0].delimiter).toBe('\t');
    expect(p.tables[1].columns.map((c) => c.role)).toEqual(['id', 'title', 'list']);
    expect(value(await api.workspaceSummary()).interactions).toBe(0);
  });

  it('imports through a mapping and reports how the counts are used', async () => {
    const job = await settle(value(await api.startImportOwn({ interactions: join(dir, 'plays.tsv'), items: join(dir, 'artists.jsonl'), name: 'music', mapping: { items: { title: null } } })));
    expect(job.state, job.error?.message).toBe('done');
    const report = job.result as ImportReport;
    expect(report.counts).toMatchObject({ users: 2, items: 2, interactions: 3 });
    expect(report.feedback?.kind).toBe('implicit');
    const items = value(await api.listItems({ offset: 0, limit: 10 }));
    expect(items.rows.map((r) => [r.id, r.title])).toEqual([
      ['a1', ''],
      ['a2', ''],
    ]);
    // the import saved the KG explorer's index for the workspace as it now is
    const ws = Workspace.open(join(dir, 'w.sqlite'));
    try {
      const cached = await readKgCache(kgCachePath(ws.path), ws.kgStamp());
      expect(cached?.items.map((i) => i.id)).toEqual(['a1', 'a2']);
      expect(Array.from(cached?.popularity ?? [])).toEqual([2, 1]);
    } finally {
      ws.close();
    }
  });

  it('fails the job with file, line and column on a bad row', async () => {
    writeFileSync(join(dir, 'bad.tsv'), 'uid\tartist\tplays\nu1\ta1\t10\nu2\ta2\tmany\n');
    const job = await settle(value(await api.startImportOwn({ interactions: join(dir, 'bad.tsv'), mapping: { interactions: { rating: 'plays' } } })));
    expect(job.state).toBe('failed');
    expect(job.error?.message).toContain(`${join(dir, 'bad.tsv')}, line 3, column 3: the value in column "plays" is not a number`);
  });

  it('refuses a path outside the allowed roots', async () => {
    const r = await api.previewImport({ interactions: '/etc/passwd' });
    expect(r.ok).toBe(false);
  });
});
