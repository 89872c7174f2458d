/**
 * Regression: close() unref's the stopped worker, and the wait for its exit used an unref'd timer,
 * so a process with nothing else to do ended (code 0) inside `await close()` and the caller never
 * went on (the CLI's evaluate wrote no results). The child process below awaits close() alone.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

describe('launchWorker close()', () => {
  it('keeps the process alive until the worker ended, then the caller goes on', () => {
    const tsx = createRequire(__filename).resolve('tsx/cjs');
    const r = spawnSync(process.execPath, ['--require', tsx, join(__dirname, 'worker-close', 'close-then-print.ts')], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('after close');
  }, 70_000);
});
