import { systemClock } from '../core/clock.js';
import { openDatabase } from '../db/open-database.js';
import { appliedMigrations } from '../db/rollback.js';
import { backupBeforeMigrating } from '../ops/backup/pre-migration.js';
import { runCli } from './run-cli.js';

await runCli('db:migrate', async (config, logger) => {
  const database = await openDatabase(config.database, logger);
  try {
    // The same safety net as at start-up: with backups on, pending migrations wait for a verified copy.
    await backupBeforeMigrating({ database, config, logger, clock: systemClock });
    await database.migrate();
    const applied = await appliedMigrations(database.db);
    process.stdout.write(`Migrations applied: ${applied.join(', ') || 'none'}\n`);
  } finally {
    await database.close();
  }
});
