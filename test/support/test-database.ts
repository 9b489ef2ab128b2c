import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, inject } from 'vitest';
import { silentLogger } from '../../src/core/logger.js';
import type { Database, DatabaseKind } from '../../src/db/database.js';
import { dumpPglite, openPgliteDatabase } from '../../src/db/pglite.js';
import { quoteIdent, urlForDatabase, withAdmin } from './postgres-admin.js';
import { openTestPostgres } from './scratch-database.js';

/** True when the global setup found a real PostgreSQL server for this run. */
export function postgresAvailable(): boolean {
  return inject('postgresUrl') !== '';
}

let pgliteTemplate: Promise<Blob> | undefined;

/**
 * The migrated PGlite image the run's global setup wrote (read once per test file); each test database
 * starts from a copy. Made here when the file runs without that setup.
 */
export function migratedPgliteImage(): Promise<Blob> {
  pgliteTemplate ??= (async () => {
    const made = inject('pgliteImage');
    if (made) return new Blob([await readFile(made)]);
    const db = await openPgliteDatabase({ dataDir: undefined, slowQueryMs: 10_000 }, silentLogger());
    await db.migrate();
    const image = await dumpPglite(db);
    await db.close();
    return image;
  })();
  return pgliteTemplate;
}

/** A fresh, migrated, empty database of the given kind. Closing it also drops it (PostgreSQL). */
export async function createTestDatabase(kind: DatabaseKind): Promise<Database> {
  if (kind === 'pglite') {
    return openPgliteDatabase(
      { dataDir: undefined, slowQueryMs: 10_000, loadDataDir: await migratedPgliteImage() },
      silentLogger(),
    );
  }
  const server = inject('postgresUrl');
  if (!server) throw new Error('PostgreSQL is not available in this run');
  const name = await createEmptyPostgresDatabase(inject('postgresTemplate'));
  const database = openTestPostgres(urlForDatabase(server, name), { maxConnections: 10 });
  return {
    ...database,
    async close() {
      await database.close();
      await dropPostgresDatabase(name);
    },
  };
}

/** A new database on the test server, copied from `template` (migrated) or empty when template is ''. */
export async function createEmptyPostgresDatabase(template: string): Promise<string> {
  const server = inject('postgresUrl');
  const name = `moodscale_t_${randomBytes(6).toString('hex')}`;
  const from = template ? ` TEMPLATE ${quoteIdent(template)}` : '';
  await withAdmin(server, (admin) => admin.query(`CREATE DATABASE ${quoteIdent(name)}${from}`));
  return name;
}

export async function dropPostgresDatabase(name: string): Promise<void> {
  await withAdmin(inject('postgresUrl'), (admin) =>
    admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`),
  );
}

/** URL of a database on the test server. */
export function postgresUrlFor(name: string): string {
  return urlForDatabase(inject('postgresUrl'), name);
}

/** Scratch databases of one describe block or test file (see useMigratedPostgresDatabases). */
export interface ScratchPostgresDatabases {
  /** A new database on the test server: its name and URL. */
  create(): Promise<{ name: string; url: string }>;
  /** A new database, opened (openTestPostgres with `settings`); closed before it is dropped. */
  open(settings?: Parameters<typeof openTestPostgres>[1]): Promise<{ name: string; database: Database }>;
}

/**
 * Migrated databases on the test server (copies of the run's template), for a test that needs one of its
 * own rather than describeEachDatabase's: an app, a child process or a pool of its own on it, or the
 * database taken away mid-test. Call it at the top of a describe block (or of a file), before the block's
 * own hooks: it registers an afterAll then, and vitest runs after-hooks in stack order (the one
 * registered first runs last), so every database it made is dropped after the block's tests AND after
 * the block's own afterAll hooks, which stop whatever still uses it (apps, pools, processes) first. The
 * databases `open` opened are closed just before the drop.
 */
export function useMigratedPostgresDatabases(): ScratchPostgresDatabases {
  return useScratchPostgresDatabases(() => inject('postgresTemplate'));
}

/**
 * Empty databases on the test server (not copies of the run's migrated template), for tests of
 * migrating itself. Called and dropped as useMigratedPostgresDatabases's are.
 */
export function useEmptyPostgresDatabases(): ScratchPostgresDatabases {
  return useScratchPostgresDatabases(() => '');
}

/** useMigratedPostgresDatabases and useEmptyPostgresDatabases: each database a copy of `template()`. */
function useScratchPostgresDatabases(template: () => string): ScratchPostgresDatabases {
  const created: string[] = [];
  const opened: Database[] = [];
  afterAll(async () => {
    for (const database of opened) await database.close().catch(() => undefined);
    for (const name of created) await dropPostgresDatabase(name);
  });
  const create = async () => {
    const name = await createEmptyPostgresDatabase(template());
    created.push(name);
    return { name, url: postgresUrlFor(name) };
  };
  return {
    create,
    async open(settings) {
      const { name, url } = await create();
      const database = openTestPostgres(url, settings);
      opened.push(database);
      return { name, database };
    },
  };
}

export const databaseKinds: DatabaseKind[] = ['pglite', 'postgres'];

/**
 * Declares the same suite once per kind of database: always on PGlite, and on real PostgreSQL when the
 * run has it. `getDb()` returns the suite's database, fresh and migrated for that describe block.
 * `kinds` narrows it (['postgres'] for what needs a second connection, such as row locks).
 */
export function describeEachDatabase(
  title: string,
  body: (getDb: () => Database, kind: DatabaseKind) => void,
  kinds: readonly DatabaseKind[] = databaseKinds,
): void {
  for (const kind of kinds) {
    const skip = kind === 'postgres' && !postgresAvailable();
    describe.skipIf(skip)(`${title} [${kind}]`, () => {
      let database: Database | undefined;
      beforeAll(async () => {
        database = await createTestDatabase(kind);
      });
      afterAll(async () => {
        await database?.close();
      });
      body(() => {
        if (!database) throw new Error('test database is not open yet');
        return database;
      }, kind);
    });
  }
}
