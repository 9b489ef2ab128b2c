import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // One file per core, not vitest's default of one fewer: most of a file's time is spent waiting on
    // PostgreSQL, the fakes or child processes, so on 2 cores two at once take the suite from about
    // 1,150 s to about 800 s with the same results.
    maxWorkers: availableParallelism(),
    reporters: ['default'],
  },
});
