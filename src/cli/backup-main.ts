import { resolve } from 'node:path';
import { systemClock } from '../core/clock.js';
import { plural } from '../core/plural.js';
import { openPgliteDatabase } from '../db/pglite.js';
import { backupTargetFor } from '../ops/backup/backup-target.js';
import { formatBytes, formatCounts } from '../ops/backup/report.js';
import { runBackup } from '../ops/backup/run-backup.js';
import { describeMismatches } from '../ops/backup/verification.js';
import { type CliIo, runCli } from './run-cli.js';

/** `npm run backup`: src/cli/backup.ts runs it on the process. */
export function main(io: CliIo): Promise<number> {
  return runCli(io, 'backup', async (config, logger) => {
    // PostgreSQL is backed up by URL (pg_dump); the embedded database has to be opened, which takes
    // DATA_DIR's lock: a running bot keeps it, and backs itself up on its schedule instead.
    const embedded = config.database.url
      ? undefined
      : await openPgliteDatabase(
          { dataDir: config.database.dataDir, slowQueryMs: config.database.slowQueryMs },
          logger,
        );
    try {
      const target = config.database.url
        ? { kind: 'postgres' as const, url: config.database.url }
        : backupTargetFor(embedded!, config.database);
      const result = await runBackup({
        target,
        dir: config.backup.dir,
        retentionDays: config.backup.retentionDays,
        clock: systemClock,
        logger,
      });
      const out: string[] = [];
      const backup = result.backup;
      if (backup) {
        out.push(
          `Backup: ${resolve(result.ok ? backup.file : (result.file ?? backup.file))}`,
          `Size: ${formatBytes(backup.bytes)} (${backup.format === 'pg_dump' ? 'pg_dump custom format, compressed' : 'PGlite data directory, gzipped tarball'}), written in ${(backup.durationMs / 1000).toFixed(1)} s`,
          'Rows per table at the time of the backup:',
          ...formatCounts(backup.counts),
        );
      }
      if (result.ok) {
        const v = result.verification;
        out.push(
          `Verification: passed (restored into ${v.restoredInto}, ${plural(v.tables, 'table')}, every row count equal, ${(v.durationMs / 1000).toFixed(1)} s)`,
          `Pruned: ${plural(result.pruned.length, 'backup file')} older than ${plural(config.backup.retentionDays, 'day')}`,
        );
      } else if (result.stage === 'verify') {
        const v = result.verification;
        out.push(
          `Verification: FAILED (${v?.error ? `the restore failed: ${v.error}` : describeMismatches(v?.mismatches ?? [])})`,
          `The file is kept as ${resolve(result.file ?? '')} for inspection; it is not a usable backup.`,
        );
      } else {
        out.push(`Backup: FAILED (${result.error})`);
      }
      io.stdout.write(`${out.join('\n')}\n`);
      return result.ok ? 0 : 1;
    } finally {
      await embedded?.close();
    }
  });
}
