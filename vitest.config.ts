import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

/**
 * Suites that compare how long requests take: they run last, one file at a time, with the machine
 * to themselves. `npm test` runs them in a second Vitest process of their own (`--project timing`),
 * so no worker that loaded and ran the rest of the suite measures them.
 */
const TIMING = ['test/http/timing.test.ts', 'src/recovery/recovery.timing.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // One worker per core (Vitest's default leaves one free, which on two cores runs every file in
    // turn): much of a test's time is spent waiting on PostgreSQL, a child process or Chromium.
    maxWorkers: availableParallelism(),
    // Test files share a worker's loaded modules instead of loading the whole app again for each
    // file (the biggest cost of a run). Every file builds its own database, clock and app through
    // test/support/harness.ts, and module-level caches are keyed by those objects.
    isolate: false,
    globalSetup: ['test/support/global-setup.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'suites',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'examples/**/*.test.ts', 'packages/**/*.test.ts'],
          exclude: TIMING,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: { name: 'timing', include: TIMING, maxWorkers: 1, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
