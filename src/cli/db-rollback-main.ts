import { parseArgs } from 'node:util';
import { z } from 'zod';
import { UserError } from '../core/errors.js';
import { plural } from '../core/plural.js';
import { openDatabase } from '../db/open-database.js';
import { rollbackMigrations } from '../db/rollback.js';
import { type CliIo, runCli } from './run-cli.js';

/** `npm run db:rollback`: src/cli/db-rollback.ts runs it on the process. */
export function main(io: CliIo): Promise<number> {
  return runCli(io, 'db:rollback', async (config, logger) => {
    const { values } = parseArgs({
      args: [...io.argv],
      options: { steps: { type: 'string', default: '1' }, yes: { type: 'boolean' } },
    });
    const steps = z.coerce.number().int().min(1).safeParse(values.steps);
    if (!steps.success)
      throw new UserError('--steps takes a whole number of migrations to undo, at least 1.');
    if (!values.yes) {
      throw new UserError(
        `This drops what the last ${plural(steps.data, 'migration')} created, with their data. ` +
          'Back up first (npm run backup), then run again with --yes: npm run db:rollback -- --yes',
      );
    }
    const database = await openDatabase(config.database, logger);
    try {
      const undone = await rollbackMigrations(database.db, steps.data);
      io.stdout.write(`Rolled back: ${undone.join(', ') || 'nothing (no migrations applied)'}\n`);
      return 0;
    } finally {
      await database.close();
    }
  });
}
