/**
 * Temporary directories of the tests. Each one is removed by the test run that made it, even when the
 * test fails: a directory made inside a test (its body, beforeEach or afterEach) goes when the test
 * finishes, after its afterEach hooks; one made elsewhere (describe body, beforeAll) goes after the
 * file's last afterAll. So stop an app (or close a PGlite) before that point: in the test, in afterEach
 * for a per-test directory, or in afterAll for a per-file one.
 *
 * Everything lands in os.tmpdir(), which test/support/global-setup.ts points at a directory of the run
 * and checks is empty at the end (so a file or directory left behind fails the run).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished, TestRunner } from 'vitest';

/** Paths made outside a test: removed after the file's tests by removeFileTempPaths. */
const untilFileEnd = new Set<string>();

/**
 * Removes what the file made outside its tests. test/support/file-setup.ts (a setup file, so it runs
 * before every test file even though the workers share modules) registers it as the file's first
 * afterAll, so it runs after the file's own.
 */
export function removeFileTempPaths(): void {
  for (const path of untilFileEnd) removeTempPath(path);
  untilFileEnd.clear();
}

/** Removes a file or directory tree; nothing when it is already gone. */
export function removeTempPath(path: string): void {
  rmSync(path, { recursive: true, force: true, maxRetries: 3, retryDelay: 100 });
}

/** A new directory `os.tmpdir()/<prefix>XXXXXX`, removed as described above. */
export function tempDir(prefix: string): string {
  const path = mkdtempSync(join(tmpdir(), prefix));
  removeLater(path);
  return path;
}

/**
 * Has a path the test made itself (a file written under os.tmpdir(), a directory a child process made)
 * removed the same way as a tempDir.
 */
export function removeLater(path: string): void {
  if (TestRunner.getCurrentTest()) onTestFinished(() => removeTempPath(path));
  else untilFileEnd.add(path);
}
