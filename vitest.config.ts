import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    setupFiles: ['test/support/file-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // A worker keeps its modules from one file to the next instead of importing the app, drizzle,
    // discord.js and Bolt again for each of the ~200 files: that import was about a quarter of the
    // suite's CPU. What must still happen per file is in test/support/file-setup.ts; a test that changes
    // process-wide state (timers, listeners, environment) puts it back itself.
    isolate: false,
    // One file more than there are cores: most of a file's time is spent waiting on PostgreSQL, the
    // fakes, timers or child processes (postgres-down alone waits 15 s for the database to return), so
    // with one file per core the 2-core machine sat 20-35% idle. On 2 cores: vitest's default (one
    // fewer than the cores) about 1,150 s, one per core about 800 s; later, on 2026-12-06, one per core
    // 239 s and three at once 179 s with the same results; four gained only 9 s more.
    maxWorkers: Number(process.env.VITEST_MAX_WORKERS) || availableParallelism() + 1,
    reporters: ['default'],
  },
});
