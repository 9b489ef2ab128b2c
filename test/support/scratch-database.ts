/**
 * A test's own connection to a database on the test server, and migrating one. No vitest here: the
 * global setup (which has no test context) migrates the run's template with it.
 */
import { silentLogger } from '../../src/core/logger.js';
import type { Database } from '../../src/db/database.js';
import { openPostgresDatabase, type PostgresSettings } from '../../src/db/postgres.js';

/** Opens the database at `url` with a small pool that gives up quickly; `settings` overrides. */
export function openTestPostgres(
  url: string,
  settings: Partial<Omit<PostgresSettings, 'url'>> = {},
): Database {
  return openPostgresDatabase(
    {
      url,
      maxConnections: 3,
      idleTimeoutMs: 1000,
      connectionTimeoutMs: 5000,
      statementTimeoutMs: 30_000,
      slowQueryMs: 10_000,
      ...settings,
    },
    silentLogger(),
  );
}

/**
 * Migrates the database at `url` (the run's template, a test's GIVEN), runs `then` on it while it is
 * still open (to take something away again), and closes the connection.
 */
export async function migrateDatabaseAt(
  url: string,
  then?: (database: Database) => Promise<unknown>,
): Promise<void> {
  const database = openTestPostgres(url, { maxConnections: 2, statementTimeoutMs: 0 });
  try {
    await database.migrate();
    await then?.(database);
  } finally {
    await database.close();
  }
}
