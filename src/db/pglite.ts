import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import type { Logger } from '../core/logger.js';
import { acquireDataDirLock, type DataDirLock } from './data-dir-lock.js';
import type { Database, Db } from './database.js';
import { type DatabasePlace, logMigrationRun, runRecordedMigrations } from './migration-state.js';
import { migrationsFolder } from './migrations-folder.js';
import { timeQueries } from './query-timing.js';
import * as schema from './schema/index.js';

export interface PgliteSettings {
  /** A directory to persist in, or undefined for an in-memory database (tests). */
  dataDir: string | undefined;
  slowQueryMs: number;
  onSlowQuery?: (durationMs: number) => void;
  /** A tarball from dumpDataDir() to start from; tests use a migrated template this way. */
  loadDataDir?: Blob;
}

/** Opens the embedded PostgreSQL. A persisted directory is locked against a second process. */
export async function openPgliteDatabase(settings: PgliteSettings, logger: Logger): Promise<Database> {
  const log = logger.child({ component: 'db', driver: 'pglite' });
  const lock: DataDirLock | undefined = settings.dataDir ? acquireDataDirLock(settings.dataDir) : undefined;
  let client: PGlite;
  try {
    client = await PGlite.create({
      ...(settings.dataDir ? { dataDir: `${settings.dataDir}/pglite` } : {}),
      ...(settings.loadDataDir ? { loadDataDir: settings.loadDataDir } : {}),
    });
  } catch (error) {
    lock?.release();
    throw error;
  }
  // Columns are TIMESTAMP without time zone and hold UTC (see postgres.ts).
  await client.exec("SET TIME ZONE 'UTC'");
  timeQueries(client, 'query', log, settings);
  const db = drizzle({ client, schema }) as unknown as Db;

  return {
    kind: 'pglite',
    db,
    async migrate() {
      // One connection and a process lock: nothing else can migrate concurrently, so no advisory lock.
      const started = performance.now();
      const run = await runRecordedMigrations(db, pglitePlace(settings.dataDir), () =>
        migrate(drizzle({ client, schema }), { migrationsFolder: migrationsFolder() }),
      );
      logMigrationRun(log, run, Math.round(performance.now() - started));
      return run;
    },
    async ping() {
      await client.query('SELECT 1');
    },
    poolStats: () => ({ total: 1, idle: 1, waiting: 0 }),
    async close() {
      try {
        if (!client.closed) await client.close();
      } finally {
        lock?.release();
      }
    },
  };
}

/** The embedded database's directory, and how to start it over (only a hand-made copy can lack the record). */
function pglitePlace(dataDir: string | undefined): DatabasePlace {
  if (!dataDir) return { description: 'the embedded database in memory', startOver: 'open a new one' };
  const dir = `${dataDir}/pglite`;
  return {
    description: `the embedded database in DATA_DIR (${dir})`,
    startOver: `stop MoodScale, move ${dir} elsewhere, and start again (npm start or npm run db:push)`,
  };
}

/** A migrated in-memory database's data directory, to seed further databases from. */
export async function dumpPglite(database: Database): Promise<Blob> {
  const client = (database.db as unknown as { $client: PGlite }).$client;
  return client.dumpDataDir('none');
}
