/**
 * The Recommendations view on a model that explains only some users (issue 11: at scale the fit
 * explains a seeded sample): the note says how many of how many and the command that adds others,
 * the user id field suggests the users with recommendations, and another user of the dataset is
 * told they are not among the model's users. Tiny workspace (alice, bob, carol); the snapshot
 * (the TEST FIXTURE of fixture.ts) holds alice only, its manifest a seeded sample of 1 of 3.
 */
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi, type ApiImpl } from '../../main/api';
import { startBridge, type Bridge } from '../../main/bridge/server';
import { Workspace } from '../../main/core/store';
import { saveSnapshot } from '../../main/jobs/snapshot';
import { tinyDataset } from '../helpers/tiny-workspace';
import { CHROMIUM, closeSession, openPage } from './browser';
import { fixtureSnapshot } from './fixture';

const ROOT = resolve(__dirname, '..', '..');
const SHOTS = join(ROOT, 'test-results', 'e2e');

describe('Recommendations on a model of a sample of the users (Chromium)', () => {
  let dir: string;
  let api: ApiImpl;
  let bridge: Bridge;
  let context: BrowserContext;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: install it or set KNOWREC_CHROMIUM`);
    dir = mkdtempSync(join(tmpdir(), 'knowrec-e2e-sampled-'));
    const wsPath = join(dir, 'workspace.sqlite');
    const ws = Workspace.create(wsPath);
    ws.importDataset(tinyDataset());
    ws.close();
    const snap = fixtureSnapshot(tinyDataset(), 'alice');
    saveSnapshot(join(dir, 'model'), { ...snap, manifest: { ...snap.manifest, users_explained: { mode: 'sample', count: 1, of: 3, seed: 2020, reason: 'scale-mode' } } });
    api = createApi({ open: (p) => Workspace.open(p), workspacePath: wsPath, appVersion: 'e2e', modelDir: join(dir, 'model') });
    bridge = await startBridge({ api, staticDir: join(ROOT, 'out', 'renderer'), log: () => undefined });
    ({ context, page } = await openPage(join(dir, 'chromium-profile'), { width: 1280, onPageError: (msg) => problems.push(msg) }));
  });

  afterAll(() => closeSession({ context, bridge, api, dir }));

  it('suggests the sampled users, says how to get others, and says a user is not among them', async () => {
    await page.goto(bridge.url);
    await page.getByRole('tab', { name: 'Recommendations', exact: true }).click();
    const panel = page.locator('#panel-recommendations');
    await expect.poll(() => panel.getByRole('note').textContent()).toContain('a seeded sample of 1 of 3 users (seed 2020');
    expect(await panel.getByRole('note').textContent()).toContain(`knowrec fit --workspace ${join(dir, 'workspace.sqlite')} --out ${join(dir, 'model')} -k 10 --lang en --seed 0 --users ID,…`);
    const options = page.locator('#rec-user-ids option');
    await expect.poll(() => options.count()).toBe(1);
    expect(await options.first().getAttribute('value')).toBe('alice');

    await page.getByLabel('User id', { exact: true }).fill('bob');
    await page.getByRole('button', { name: 'Recommend' }).click();
    await expect.poll(() => panel.getByRole('alert').textContent()).toContain('user "bob" is not among the users this model explains');
    expect(await panel.getByRole('alert').textContent()).toContain('--users bob');
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: join(SHOTS, 'recommendations-sampled.png'), fullPage: true });

    await page.getByLabel('User id', { exact: true }).fill('alice');
    await page.getByRole('button', { name: 'Recommend' }).click();
    await expect.poll(() => page.locator('table.recs tbody tr').count()).toBe(1);
    expect(problems).toEqual([]);
  });
});
