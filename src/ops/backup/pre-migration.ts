import type { Config } from '../../config.js';
import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../core/logger.js';
import type { Database } from '../../db/database.js';
import { appliedMigrations, listMigrations } from '../../db/rollback.js';
import { backupTargetFor } from './backup-target.js';
import { type BackupResult, runBackup } from './run-backup.js';

export interface PreMigrationDeps {
  database: Database;
  config: Pick<Config, 'backup' | 'database'>;
  logger: Logger;
  clock: Clock;
  onResult?: (result: BackupResult) => void | Promise<void>;
}

/**
 * With BACKUP_ENABLED, a verified backup (named ...-pre-migration) before start-up applies pending
 * migrations, so a migration that goes wrong can be undone by restoring. A new, empty database has
 * nothing to lose and is not backed up. If the backup fails, start-up stops rather than migrate without
 * one. Returns the pending migrations' tags (none: nothing was done).
 */
export async function backupBeforeMigrating(deps: PreMigrationDeps): Promise<string[]> {
  if (!deps.config.backup.enabled) return [];
  const applied = new Set(await appliedMigrations(deps.database.db));
  if (applied.size === 0) return [];
  const pending = listMigrations()
    .filter((m) => !applied.has(m.tag))
    .map((m) => m.tag);
  if (pending.length === 0) return [];
  deps.logger.info({ pending }, 'backing up before applying migrations');
  const result = await runBackup({
    target: backupTargetFor(deps.database, deps.config.database),
    dir: deps.config.backup.dir,
    retentionDays: deps.config.backup.retentionDays,
    clock: deps.clock,
    logger: deps.logger,
    onResult: deps.onResult,
    preMigration: true,
  });
  if (!result.ok) {
    throw new Error(
      `The migrations ${pending.join(', ')} were not applied: the backup taken before them failed (${result.error}). ` +
        'Fix the backup (see BACKUP_DIR and the PostgreSQL client tools), or set BACKUP_ENABLED=false to migrate without one.',
    );
  }
  return pending;
}
