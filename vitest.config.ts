import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
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
  },
});
