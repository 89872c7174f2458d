/**
 * Readers of a snapshot that explains only some users (issue 11: at scale the fit explains a
 * seeded sample): the Api's recommend and modelUsers, and `knowrec recommend --user`, say that a
 * user of the dataset is not among the snapshot's users and how to get them. Tiny workspace
 * (test/helpers/tiny-workspace.ts: alice, bob, carol); the snapshot holds alice only, its
 * manifest says a seeded sample of 1 of 3.
 */
import { describe, expect, it, vi } from 'vitest';
import { createApi, type ApiImpl } from '../../main/api';
import { main } from '../../main/cli';
import { Workspace } from '../../main/core/store';
import { forgetInSnapshot, loadSnapshot, saveSnapshot, type Snapshot } from '../../main/jobs/snapshot';
import { fixtureSnapshot } from '../e2e/fixture';
import { tinyDataset, tinyWorkspaceEachTest } from '../helpers/tiny-workspace';

let wsPath: string;
let modelDir: string;
const apis = tinyWorkspaceEachTest('knowrec-api-sampled-', (p) => ({ wsPath, modelDir } = p));

const SAMPLED = { mode: 'sample', count: 1, of: 3, seed: 2020, reason: 'scale-mode' } as const;

function snapshot(sampled: boolean): Snapshot {
  const s = fixtureSnapshot(tinyDataset(), 'alice');
  return sampled ? { ...s, manifest: { ...s.manifest, users_explained: SAMPLED } } : s;
}

function api(): ApiImpl {
  return apis.keep(createApi({ open: (p) => Workspace.open(p), workspacePath: wsPath, appVersion: 't', modelDir }));
}

async function cliError(args: string[]): Promise<{ code: number; err: string }> {
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((err += String(s)), true));
  try {
    return { code: await main(args), err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

describe('a snapshot of a sample of the users', () => {
  it('the Api says a user of the dataset is not among the sampled ones, and how to get them', async () => {
    saveSnapshot(modelDir, snapshot(true));
    const bob = await api().recommend({ user: 'bob', k: 5 });
    expect(bob.ok).toBe(false);
    if (bob.ok) return;
    expect(bob.error.code).toBe('not-found');
    expect(bob.error.message).toContain('user "bob" is not among the users this model explains: it holds a seeded sample of 1 of 3 users (seed 2020, the default in scale mode)');
    // the refit repeats the fit's list length, language and seed (the fixture's)
    expect(bob.error.hint).toContain(`refit with \`knowrec fit --workspace ${wsPath} --out ${modelDir} -k 10 --lang en --seed 0 --users bob\``);
    expect(bob.error.hint).toContain('not the sample as well');
    // an id that is no user at all is still said to be unknown
    const nobody = await api().recommend({ user: 'nobody', k: 5 });
    expect(!nobody.ok && nobody.error.message).toContain('no user with id "nobody" in dataset tiny');
    const alice = await api().recommend({ user: 'alice', k: 5 });
    expect(alice.ok && alice.value.model.explained).toEqual({ ...SAMPLED, refit: `knowrec fit --workspace ${wsPath} --out ${modelDir} -k 10 --lang en --seed 0` });
  });

  it('modelUsers lists the users with recommendations and which users the model explains', async () => {
    saveSnapshot(modelDir, snapshot(true));
    const r = await api().modelUsers({ offset: 0, limit: 10 });
    expect(r.ok && { rows: r.value.rows, total: r.value.total, mode: r.value.explained.mode }).toEqual({ rows: ['alice'], total: 1, mode: 'sample' });
    const none = await api().modelUsers({ offset: 0, limit: 10, query: 'bo' });
    expect(none.ok && none.value.total).toBe(0);
  });

  it('a snapshot written before the field explains every user: the old message, mode all', async () => {
    saveSnapshot(modelDir, snapshot(false));
    const bob = await api().recommend({ user: 'bob', k: 5 });
    expect(!bob.ok && bob.error.message).toContain('the fitted model has no recommendations for user "bob"');
    const r = await api().modelUsers({ offset: 0, limit: 10 });
    expect(r.ok && r.value.explained).toMatchObject({ mode: 'all', count: 3, of: 3, seed: null });
  });

  it('knowrec recommend --user says the same', async () => {
    saveSnapshot(modelDir, snapshot(true));
    const r = await cliError(['recommend', '--model', modelDir, '--user', 'bob']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('user "bob" is not among the users this model explains: it holds a seeded sample of 1 of 3 users');
    expect(r.err).toContain('--users bob');
    // the CLI does not load the dataset to check the id: the hint is conditional, and an odd id is quoted
    const odd = await cliError(['recommend', '--model', modelDir, '--user', "o'neil x"]);
    expect(odd.err).toContain(`if "o'neil x" is a user of the dataset`);
    expect(odd.err).toContain(`--users 'o'\\''neil x'`);
  });

  it('forgetting a sampled user counts it out of users_explained', () => {
    saveSnapshot(modelDir, snapshot(true));
    expect(forgetInSnapshot(modelDir, 'tiny', ['alice'], 'test')).toBe(1);
    expect(loadSnapshot(modelDir).manifest.users_explained).toEqual({ ...SAMPLED, count: 0, of: 2 });
  });

  it('forgetting a user outside the sample removes no list but counts them out of the dataset', () => {
    saveSnapshot(modelDir, snapshot(true));
    expect(forgetInSnapshot(modelDir, 'tiny', ['bob'], 'test')).toBe(0);
    const m = loadSnapshot(modelDir).manifest;
    expect(m.users_explained).toEqual({ ...SAMPLED, count: 1, of: 2 });
    expect(m.users).toBe(snapshot(true).manifest.users - 1);
    expect(m.stale?.reason).toBe('test');
  });
});
