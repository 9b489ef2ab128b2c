import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../core/errors.js';
import { isAlive } from '../core/process-alive.js';

export const LOCK_FILE_NAME = 'moodscale.lock';

/** Held while a process owns an embedded database directory. */
export interface DataDirLock {
  release(): void;
}

/**
 * Two processes writing one PGlite directory corrupt it. The lock file holds the owner's pid; a lock
 * whose process is gone (a crash) is taken over, a live one stops the second process with a clear error.
 */
export function acquireDataDirLock(dataDir: string): DataDirLock {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, LOCK_FILE_NAME);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        process.off('exit', release);
        rmSync(path, { force: true });
      };
      // A process that exits without closing the database must not leave its lock behind.
      process.on('exit', release);
      return { release };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = readOwner(path);
      if (owner !== undefined && owner !== process.pid && isAlive(owner)) {
        throw new UserError(
          `The embedded database in ${dataDir} is in use by another MoodScale process (pid ${owner}). ` +
            'Stop that process first, or give this one its own DATA_DIR, or set DATABASE_URL to share a PostgreSQL server.',
          'DATA_DIR_LOCKED',
        );
      }
      rmSync(path, { force: true });
    }
  }
  throw new UserError(`Could not lock ${path}; another process keeps creating it.`, 'DATA_DIR_LOCKED');
}

function readOwner(path: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(path, 'utf8').trim(), 10);
    return Number.isFinite(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}
