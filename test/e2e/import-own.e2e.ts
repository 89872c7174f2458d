/**
 * "Import your own" in a real browser: an analyst's CSV export and Turtle KG (built here, see
 * test/helpers/analyst-export.ts) are previewed with their inferred roles, the mapping is edited
 * in the page, and the import runs as a job; then the counts and the validation report (with how
 * the rating column is used) show. No registry data needed.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi, type ApiImpl } from '../../main/api';
import { startBridge, type Bridge } from '../../main/bridge/server';
import { Workspace } from '../../main/core/store';
import { writeAnalystExport, type AnalystExport } from '../helpers/analyst-export';
import { CHROMIUM, closeSession, openPage } from './browser';

const ROOT = resolve(__dirname, '..', '..');

describe('Import your own (Chromium)', () => {
  let dir: string;
  let api: ApiImpl;
  let bridge: Bridge;
  let context: BrowserContext;
  let page: Page;
  let files: AnalystExport;
  const problems: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: install it or set KNOWREC_CHROMIUM`);
    dir = mkdtempSync(join(tmpdir(), 'knowrec-e2e-own-'));
    files = writeAnalystExport(join(dir, 'shop'));
    const wsPath = join(dir, 'workspace.sqlite');
    Workspace.create(wsPath).close();
    api = createApi({ open: (p) => Workspace.open(p), workspacePath: wsPath, appVersion: 'e2e', modelDir: join(dir, 'model'), allowedRoots: [dir] });
    bridge = await startBridge({ api, staticDir: join(ROOT, 'out', 'renderer'), log: () => undefined });
    ({ context, page } = await openPage(join(dir, 'chromium-profile'), { width: 1280, onPageError: (msg) => problems.push(msg) }));
  });

  afterAll(() => closeSession({ context, bridge, api, dir }));

  it('previews, edits the mapping, imports with progress, and shows the report', async () => {
    await page.goto(bridge.url);
    await page.getByRole('tab', { name: 'Datasets', exact: true }).click();
    await page.getByLabel('Import your own').check();
    await page.getByLabel('Interactions file').fill(files.interactions);
    await page.getByLabel('Items file (optional)').fill(files.items);
    await page.getByLabel('KG files (optional, one per line)').fill(files.kg);
    await page.getByRole('button', { name: 'Preview' }).click();

    const head = page.locator('table.preview').first().locator('thead th');
    await expect.poll(() => head.allTextContents()).toEqual(['CustomerRefuser', 'SKUitem', 'Starsrating (explicit)', 'PurchasedAttimestamp']);
    const itemHead = page.locator('table.preview').nth(1).locator('thead th');
    expect(await itemHead.allTextContents()).toEqual(['SKUid', 'Product Nametitle', 'Blurbtext', 'Tagslist |']);
    expect(await page.locator('table.preview').first().locator('tbody tr').count()).toBe(10);

    // the analyst says the stars are counts after all, and previews again
    const box = page.getByLabel(/^Mapping/);
    const mapping = JSON.parse(await box.inputValue()) as { interactions: { feedback: string } };
    expect(mapping.interactions.feedback).toBe('explicit');
    mapping.interactions.feedback = 'implicit';
    await box.fill(JSON.stringify(mapping));
    await page.getByRole('button', { name: 'Preview' }).click();
    await expect.poll(() => head.nth(2).textContent()).toBe('Starsweight (implicit)');

    await page.getByLabel('Name (optional)').fill('shop');
    await page.locator('form.own-import').getByRole('button', { name: 'Import', exact: true }).click();
    const state = page.getByRole('group', { name: 'Import job' }).locator('.job-state');
    await expect.poll(() => state.textContent(), { timeout: 60_000 }).toBe('Done');

    const cell = (label: string) => page.locator('table.summary tr', { has: page.locator('th', { hasText: new RegExp(`^${label}$`) }) }).locator('td');
    await expect.poll(() => cell('Users').textContent()).toBe('20');
    expect(await cell('Items').textContent()).toBe('16');
    await expect.poll(() => page.locator('.import-report .feedback').textContent()).toContain('Feedback (implicit): "Stars" is an implicit count');
    expect(await page.locator('.import-report .link-rate').textContent()).toBe('Linked 16 of 16 items to KG entities (100.0%, by title)');
    expect(problems).toEqual([]);
  });
});
