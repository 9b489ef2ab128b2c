import { cp } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll } from 'vitest';
import { silentLogger } from '../../src/core/logger.js';
import { loadOrCreateKeyFile } from '../../src/crypto/encryption-keys.js';
import { openPgliteDatabase } from '../../src/db/pglite.js';
import { tempDir } from './temp-dir.js';
import { migratedPgliteImage } from './test-database.js';

/**
 * DATA_DIRs as a first `npm start` leaves them: the embedded database created and migrated, and the
 * encryption key, nothing else (no log). A fresh PGlite directory costs a start several seconds of
 * initdb and migrations, so a file makes one template (from the run's migrated PGlite image, see
 * global-setup.ts) and each DATA_DIR is a copy of it, for MoodScale started in process or as a process.
 *
 * Call it at the top of a file or describe block: the template is made in its beforeAll and removed
 * after the file. A DATA_DIR made in a test is removed when that test finishes (temp-dir.ts), so stop
 * what runs on it in the test or in afterEach.
 */
export function useMigratedDataDirs(prefix = 'moodscale-data-'): () => Promise<string> {
  let template: string | undefined;
  beforeAll(async () => {
    const dir = tempDir(`${prefix}template-`);
    const database = await openPgliteDatabase(
      { dataDir: dir, slowQueryMs: 10_000, loadDataDir: await migratedPgliteImage() },
      silentLogger(),
    );
    await database.close();
    loadOrCreateKeyFile(dir);
    template = dir;
  });
  return async () => {
    if (!template) throw new Error('useMigratedDataDirs() must be called before the tests (top of the file)');
    const dir = tempDir(prefix);
    await cp(join(template, 'pglite'), join(dir, 'pglite'), { recursive: true });
    await cp(join(template, 'encryption.key'), join(dir, 'encryption.key'));
    return dir;
  };
}
