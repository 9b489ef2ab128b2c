import { openDatabase } from '../db/open-database.js';
import { appliedMigrations } from '../db/rollback.js';
import { runCli } from './run-cli.js';

await runCli('db:migrate', async (config, logger) => {
  const database = await openDatabase(config.database, logger);
  try {
    await database.migrate();
    const applied = await appliedMigrations(database.db);
    process.stdout.write(`Migrations applied: ${applied.join(', ') || 'none'}\n`);
  } finally {
    await database.close();
  }
});
