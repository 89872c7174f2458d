/**
 * End-to-end tests: the built renderer served by the bridge, driven in headless Chromium
 * (/usr/bin/chromium, Debian's package) through playwright-core. Run with `npm run test:e2e`.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.ts'],
    environment: 'node',
    globalSetup: ['test/e2e/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
    // expect.poll waits for the page (1 s by default): a busy 2-core machine can take longer to re-render.
    expect: { poll: { timeout: 10_000, interval: 100 } },
  },
});
