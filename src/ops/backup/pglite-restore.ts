import { existsSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { UserError } from '../../core/errors.js';
import { acquireDataDirLock } from '../../db/data-dir-lock.js';
import { readEmbeddedImage } from './pglite-backup.js';
import { describeNonEmpty } from './postgres-restore.js';
import { countRows, holdsData, type SqlRunner, type TableCounts } from './table-counts.js';

export interface EmbeddedRestoreOptions {
  /** DATA_DIR: the database lives in its pglite/ subdirectory (see src/db/pglite.ts). */
  dataDir: string;
  file: string;
  force: boolean;
  now: Date;
}

export interface EmbeddedRestore {
  counts: TableCounts;
  /** Where the replaced database was moved (with --force), rather than deleted. */
  movedAside: string | undefined;
}

/**
 * Loads a PGlite tarball into DATA_DIR. Holds DATA_DIR's lock throughout, so it refuses while the bot
 * (or anything else) has the database open. A database holding data is refused without `force`; with
 * it, the old directory is moved aside, not deleted, and put back if the tarball does not load.
 */
export async function restoreEmbedded(options: EmbeddedRestoreOptions): Promise<EmbeddedRestore> {
  const image = readEmbeddedImage(options.file);
  const lock = acquireDataDirLock(options.dataDir);
  try {
    const pgdata = join(options.dataDir, 'pglite');
    let movedAside: string | undefined;
    if (existsSync(join(pgdata, 'PG_VERSION'))) {
      const current = await PGlite.create({ dataDir: pgdata });
      let counts: TableCounts;
      try {
        counts = await countRows(current as SqlRunner);
      } finally {
        await current.close();
      }
      if (holdsData(counts) && !options.force) {
        throw new UserError(
          `Refusing to restore: the embedded database in ${options.dataDir} holds data (${describeNonEmpty(counts)}). ` +
            'Restore into an empty DATA_DIR, or add --force to replace it (the old one is kept beside it).',
          'RESTORE_NOT_EMPTY',
        );
      }
      movedAside = `${pgdata}.before-restore-${options.now.toISOString().replace(/[:.]/g, '-')}`;
      renameSync(pgdata, movedAside);
    } else if (existsSync(pgdata)) {
      // An empty or half-made directory (never initialised): nothing in it to keep, but keep it anyway.
      movedAside = `${pgdata}.before-restore-${options.now.toISOString().replace(/[:.]/g, '-')}`;
      renameSync(pgdata, movedAside);
    }
    try {
      const restored = await PGlite.create({ dataDir: pgdata, loadDataDir: image });
      try {
        return { counts: await countRows(restored as SqlRunner), movedAside };
      } finally {
        await restored.close();
      }
    } catch (error) {
      if (movedAside) {
        rmSync(pgdata, { recursive: true, force: true });
        renameSync(movedAside, pgdata);
      }
      throw error;
    }
  } finally {
    lock.release();
  }
}
