import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import type { Logger } from '../core/logger.js';
import { withTimeout } from '../core/within.js';
import { postgresPlace } from './connection-problems.js';
import type { Database, Db, MigrationRun } from './database.js';
import { type DatabasePlace, logMigrationRun, runRecordedMigrations } from './migration-state.js';
import { migrationsFolder } from './migrations-folder.js';
import { timeQueries } from './query-timing.js';
import * as schema from './schema/index.js';

export interface PostgresSettings {
  url: string;
  maxConnections: number;
  idleTimeoutMs: number;
  connectionTimeoutMs: number;
  statementTimeoutMs: number;
  slowQueryMs: number;
  onSlowQuery?: (durationMs: number) => void;
  /** Told when the pool loses a connection (the server restarted or terminated it): alerts. */
  onConnectionError?: (error: Error) => void;
}

/** Arbitrary but fixed: every MoodScale instance contends for this advisory lock while migrating. */
export const MIGRATION_LOCK_KEY = 7_415_920_133;

/** Opens a pooled connection to a PostgreSQL server. Nothing is contacted until the first query. */
export function openPostgresDatabase(settings: PostgresSettings, logger: Logger): Database {
  const log = logger.child({ component: 'db' });
  const pool = new pg.Pool({
    connectionString: settings.url,
    max: settings.maxConnections,
    idleTimeoutMillis: settings.idleTimeoutMs,
    connectionTimeoutMillis: settings.connectionTimeoutMs,
    statement_timeout: settings.statementTimeoutMs || undefined,
    application_name: 'moodscale',
    // Columns are TIMESTAMP without time zone and hold UTC; now() must be UTC whatever the server says.
    options: '-c TimeZone=UTC',
  });
  // Without a listener, an idle client dropped by the server (restart, failover) kills the process.
  pool.on('error', (error) => {
    log.warn({ err: error }, 'idle database connection lost; the pool will reconnect');
    settings.onConnectionError?.(error);
  });
  pool.on('connect', (client) => {
    timeQueries(client, 'query', log, settings);
    // The pool listens for errors only on idle clients. A client checked out (a transaction between two
    // statements) whose connection the server ends would emit 'error' to no one and kill the process;
    // its holder still sees the failure on its next statement, and the pool discards the client.
    client.on('error', (error) => {
      log.warn({ err: error }, 'database connection lost while in use; the pool will reconnect');
      settings.onConnectionError?.(error);
    });
  });

  const db = drizzle({ client: pool, schema }) as unknown as Db;

  return {
    kind: 'postgres',
    db,
    migrate: () => migrateWithLock(pool, postgresPlace(settings.url), log),
    async ping() {
      await pool.query('SELECT 1');
    },
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    close: () => endPool(pool, log),
  };
}

/** How long closing waits for connections still checked out before it stops waiting for them. */
const POOL_END_TIMEOUT_MS = 2000;

/**
 * Ends the pool. pool.end() waits for every checked-out connection to come back; one whose holder never
 * returns it (a statement stranded on a dead connection) would keep shutdown waiting for ever, so after
 * the deadline the pool is left to the process's exit, with a line saying what was still held.
 */
async function endPool(pool: pg.Pool, log: Logger): Promise<void> {
  const ended = await withTimeout(
    pool.end().then(() => 'ended' as const),
    POOL_END_TIMEOUT_MS,
    () => 'timeout' as const,
    { unref: true },
  );
  if (ended === 'timeout') {
    log.warn(
      { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount },
      'database pool did not close in time: connections were still checked out',
    );
  }
}

/**
 * drizzle's migrate() takes no lock, so instances starting together would race. A session-level
 * advisory lock on one dedicated connection makes them take turns; the later ones find nothing to do.
 */
async function migrateWithLock(pool: pg.Pool, place: DatabasePlace, log: Logger): Promise<MigrationRun> {
  const client = await pool.connect();
  try {
    const started = performance.now();
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    let run: MigrationRun;
    try {
      const locked = drizzle({ client, schema });
      run = await runRecordedMigrations(locked as unknown as Db, place, () =>
        migrate(locked, { migrationsFolder: migrationsFolder() }),
      );
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
    logMigrationRun(log, run, Math.round(performance.now() - started));
    return run;
  } finally {
    client.release();
  }
}
