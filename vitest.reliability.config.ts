/**
 * The reliability suite (`npm run test:reliability`, part of `npm test`): bad-input corpus, kill -9
 * during import, fit and model save, forget-user byte greps, bridge Host/Origin/header probes,
 * signals. Files: test/reliability/*.test.ts. See docs/security.md.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/reliability/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: 'forks',
  },
});
