import { systemClock } from '../core/clock.js';
import { plural } from '../core/plural.js';
import { describeDatabaseUrl } from '../db/connection-problems.js';
import type { MigrationRun } from '../db/database.js';
import { openDatabase } from '../db/open-database.js';
import { backupBeforeMigrating } from '../ops/backup/pre-migration.js';
import { type CliIo, runCli } from './run-cli.js';

/** `npm run db:migrate`: src/cli/db-migrate.ts runs it on the process. */
export function main(io: CliIo): Promise<number> {
  // `npm run db:push` runs this too (the schema document's setup step): the same migrations, recorded.
  const name = io.env.npm_lifecycle_event === 'db:push' ? 'db:push' : 'db:migrate';
  return runCli(io, name, async (config, logger) => {
    const database = await openDatabase(config.database, logger);
    try {
      // The same safety net as at start-up: with backups on, pending migrations wait for a verified copy.
      await backupBeforeMigrating({ database, config, logger, clock: systemClock });
      const run = await database.migrate();
      const where = config.database.url
        ? `the PostgreSQL database in ${describeDatabaseUrl(config.database.url)}`
        : `the embedded database in DATA_DIR (${config.database.dataDir}/pglite)`;
      io.stdout.write(`${describeRun(run, where)}\n`);
      return 0;
    } finally {
      await database.close();
    }
  });
}

/** What the run did, in one sentence: the migrations it applied, or that there were none to apply. */
function describeRun(run: MigrationRun, where: string): string {
  if (run.applied.length > 0) {
    const before =
      run.previouslyApplied.length > 0
        ? ` (${plural(run.previouslyApplied.length, 'was', 'were')} already applied)`
        : '';
    return `Applied ${plural(run.applied.length, 'migration')} to ${where}: ${run.applied.join(', ')}${before}.`;
  }
  const latest = run.previouslyApplied.at(-1);
  return `${where.charAt(0).toUpperCase()}${where.slice(1)} is already up to date: no migrations to apply (${plural(run.previouslyApplied.length, 'migration')} applied before${latest ? `, the latest ${latest}` : ''}).`;
}
