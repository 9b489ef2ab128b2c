import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, inject } from 'vitest';
import { silentLogger } from '../../src/core/logger.js';
import type { Database, DatabaseKind } from '../../src/db/database.js';
import { dumpPglite, openPgliteDatabase } from '../../src/db/pglite.js';
import { openPostgresDatabase } from '../../src/db/postgres.js';
import { quoteIdent, urlForDatabase, withAdmin } from './postgres-admin.js';

/** True when the global setup found a real PostgreSQL server for this run. */
export function postgresAvailable(): boolean {
  return inject('postgresUrl') !== '';
}

let pgliteTemplate: Promise<Blob> | undefined;

/** A migrated PGlite image made once per worker; each test database starts from a copy (fast). */
function migratedPgliteImage(): Promise<Blob> {
  pgliteTemplate ??= (async () => {
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
  const database = openPostgresDatabase(
    {
      url: urlForDatabase(server, name),
      maxConnections: 10,
      idleTimeoutMs: 1000,
      connectionTimeoutMs: 5000,
      statementTimeoutMs: 30_000,
      slowQueryMs: 10_000,
    },
    silentLogger(),
  );
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

export const databaseKinds: DatabaseKind[] = ['pglite', 'postgres'];

/**
 * Declares the same suite once per kind of database: always on PGlite, and on real PostgreSQL when the
 * run has it. `getDb()` returns the suite's database, fresh and migrated for that describe block.
 */
export function describeEachDatabase(
  title: string,
  body: (getDb: () => Database, kind: DatabaseKind) => void,
): void {
  for (const kind of databaseKinds) {
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
