/**
 * Runs before every test file (vitest's setupFiles). The workers do not isolate files from each other
 * (vitest.config.ts), so a module's top-level code runs once per worker: what must happen per file is
 * registered here instead.
 */
import { afterAll } from 'vitest';
import { removeFileTempPaths } from './temp-dir.js';

// Registered before the file's own hooks, so it runs after every afterAll of the file (stop an app or
// close a PGlite there, and its directory goes here).
afterAll(removeFileTempPaths);
