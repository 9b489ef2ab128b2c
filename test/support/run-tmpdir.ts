/**
 * The temp folder of one test run. globalSetup points TMPDIR at a new directory, so os.tmpdir() in the
 * test workers and in every process they start (the bot, the CLIs, tsx) lands there; at the end it must
 * be empty again, or the run fails naming what was left.
 */
import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isAlive } from '../../src/core/process-alive.js';

const RUN_PREFIX = 'moodscale-test-run-';
/** What the tools the tests start keep there on their own (tsx's compile cache): not a leftover. */
const TOOL_CACHES = [/^tsx(?:-\d+)?$/];
/** Names the suite gives its temporary files, looked for outside the run's folder too (hard-coded /tmp). */
const SUITE_NAMES = /^moodscale-/;

export interface RunTmpdir {
  readonly path: string;
  /**
   * Restores TMPDIR and removes the run's folder. Throws, and sets a failing exit code, when a test left
   * something in it; only warns about suite-named entries created since the start in the outer folder
   * (they may belong to a run in parallel).
   */
  finish(): void;
}

export function startRunTmpdir(): RunTmpdir {
  const outer = tmpdir();
  const startedAt = Date.now();
  const path = mkdtempSync(join(outer, `${RUN_PREFIX}${process.pid}-`));
  removeKilledRuns(outer, path);
  // Private PostgreSQL clusters (test/ops/faults/private-postgres.ts) run as the postgres OS user in here.
  chmodSync(path, 0o711);
  const previous = process.env.TMPDIR;
  process.env.TMPDIR = path;
  let finished = false;
  return {
    path,
    finish() {
      if (finished) return;
      finished = true;
      if (previous === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = previous;
      const left = readdirSync(path).filter((name) => !TOOL_CACHES.some((cache) => cache.test(name)));
      const strays = readdirSync(outer).filter(
        (name) =>
          SUITE_NAMES.test(name) &&
          !name.startsWith(RUN_PREFIX) &&
          createdSince(join(outer, name), startedAt),
      );
      rmSync(path, { recursive: true, force: true, maxRetries: 3, retryDelay: 100 });
      if (strays.length > 0) {
        process.stderr.write(
          `\n[moodscale] Created in ${outer} during this run, outside the run's temp folder ` +
            `(a path that does not use os.tmpdir(), or a run in parallel):\n${list(outer, strays)}\n`,
        );
      }
      if (left.length > 0) {
        process.exitCode = 1;
        const error = new Error(
          `The tests left ${left.length} entr${left.length === 1 ? 'y' : 'ies'} in the temp folder ` +
            `(now removed); remove them in the test that makes them (test/support/temp-dir.ts):\n` +
            list(path, left),
        );
        error.stack = `${error.name}: ${error.message}`; // where it was noticed says nothing
        throw error;
      }
    },
  };
}

/**
 * Folders of runs killed before their teardown: their process is gone and nothing changed in them for an
 * hour (the age keeps a run in parallel safe even where its pid is not visible, as in another container).
 */
function removeKilledRuns(outer: string, own: string): void {
  for (const name of readdirSync(outer)) {
    const dir = join(outer, name);
    if (!name.startsWith(RUN_PREFIX) || dir === own) continue;
    const pid = Number(name.slice(RUN_PREFIX.length).split('-')[0]);
    if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) continue;
    try {
      if (Date.now() - statSync(dir).mtimeMs < 3_600_000) continue;
      rmSync(dir, { recursive: true, force: true, maxRetries: 3, retryDelay: 100 });
      process.stderr.write(`[moodscale] Removed the temp folder of a test run that was killed: ${dir}\n`);
    } catch {
      // Not ours to remove (another user's), or gone meanwhile.
    }
  }
}

function createdSince(path: string, since: number): boolean {
  try {
    const stats = statSync(path);
    return (stats.birthtimeMs || stats.ctimeMs) >= since - 1000;
  } catch {
    return false;
  }
}

function list(dir: string, names: string[]): string {
  return names
    .sort()
    .map((name) => `  ${join(dir, name)}`)
    .join('\n');
}
