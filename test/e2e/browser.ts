/**
 * What every e2e file needs to drive the page: Debian's Chromium (KNOWREC_CHROMIUM overrides the
 * path), a headless persistent context with one page, Api results unwrapped, jobs awaited, and
 * everything closed and removed afterwards.
 */
import { rmSync } from 'node:fs';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import type { ApiImpl, JobInfo, Result } from '../../main/api';
import type { Bridge } from '../../main/bridge/server';
import { workersExited } from '../../main/core/worker-launcher';

export const CHROMIUM = process.env.KNOWREC_CHROMIUM ?? '/usr/bin/chromium';

/** The value of an Api result; a failure throws its message (and hint). */
export function value<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`${r.error.message}${r.error.hint !== undefined ? ` (${r.error.hint})` : ''}`);
  return r.value;
}

export interface PageOptions {
  /** Viewport width (height is 900). */
  readonly width: 1280 | 1440;
  readonly acceptDownloads?: boolean;
  /** Told of every uncaught page error. */
  readonly onPageError?: (message: string) => void;
}

/** Headless Chromium with its profile in `profileDir`, and its page (30 s default timeout). */
export async function openPage(profileDir: string, opts: PageOptions): Promise<{ context: BrowserContext; page: Page }> {
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    ...(opts.acceptDownloads === true ? { acceptDownloads: true } : {}),
    args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    viewport: { width: opts.width, height: 900 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(30_000);
  const onPageError = opts.onPageError;
  if (onPageError !== undefined) page.on('pageerror', (e) => onPageError(`page error: ${e.message}`));
  return { context, page };
}

/** The job once it has ended (done, failed or cancelled), polled every 100 ms. */
export async function settleJob(api: ApiImpl, job: JobInfo): Promise<JobInfo> {
  for (;;) {
    const j = value(await api.getJob({ id: job.id }));
    if (j.state === 'done' || j.state === 'failed' || j.state === 'cancelled') return j;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Closes what a file's set-up opened (each part may be missing when the set-up failed) and removes its folder. */
export async function closeSession(s: { readonly context?: BrowserContext; readonly bridge?: Bridge; readonly api?: ApiImpl; readonly dir?: string }): Promise<void> {
  await s.context?.close();
  await s.bridge?.close();
  s.api?.close();
  // Workers told to stop finish their current step first (never killed inside onnxruntime).
  await workersExited();
  if (s.dir !== undefined) rmSync(s.dir, { recursive: true, force: true });
}
