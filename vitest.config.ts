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
    // One file per core, not vitest's default of one fewer: most of a file's time is spent waiting on
    // PostgreSQL, the fakes or child processes, so on 2 cores two at once take the suite from about
    // 1,150 s to about 800 s with the same results.
    maxWorkers: Number(process.env.VITEST_MAX_WORKERS) || availableParallelism(),
    reporters: ['default'],
  },
});
