import type { Config } from '../config.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import type { FieldCipher } from '../crypto/field-cipher.js';
import { explainConnectionError } from '../db/connection-problems.js';
import type { Database } from '../db/database.js';
import { openDatabase } from '../db/open-database.js';
import { warmUpPglite } from '../db/pglite-warm-up.js';
import { warmUpPostgresPool } from '../db/postgres-warm-up.js';
import { backupBeforeMigrating } from '../ops/backup/pre-migration.js';
import type { Metrics } from '../ops/metrics.js';
import { checkStoredKeys } from '../services/keys/stored-key-check.js';

/**
 * The first build step: the database open, backed up before a migration that changes it, migrated,
 * answering, and holding no values under a key this server lacks (production stops there, see
 * stored-key-check.ts). Closed again when any of that fails.
 */
export async function openMigratedDatabase(deps: {
  config: Config;
  logger: Logger;
  clock: Clock;
  cipher: FieldCipher;
  metrics: Metrics;
  onConnectionError: (error: Error) => void;
}): Promise<Database> {
  const { config, logger, clock, cipher, metrics } = deps;
  const database = await openDatabase(config.database, logger, {
    onSlowQuery: () => metrics.slowQuery(),
    onConnectionError: deps.onConnectionError,
  });
  metrics.watchDatabase(database);
  try {
    await backupBeforeMigrating({ database, config, logger, clock });
    await database.migrate();
    await database.ping();
    await checkStoredKeys({ db: database.db, cipher, config, logger });
    // Before any user command: the first statements on a fresh PGlite, or on each new backend of the
    // pool, are slow (see pglite-warm-up.ts and postgres-warm-up.ts).
    if (database.kind === 'pglite') await warmUpPglite(database.db);
    else await warmUpPostgresPool(database.db, config.database.maxConnections, logger);
  } catch (error) {
    await database.close().catch(() => undefined);
    // A server that cannot be reached is the user's to fix: one message naming DATABASE_URL, no stack.
    const { url, connectionTimeoutMs } = config.database;
    throw (url && explainConnectionError(error, url, connectionTimeoutMs)) || error;
  }
  return database;
}
