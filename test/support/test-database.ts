import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { afterAll, beforeAll, describe, inject } from 'vitest';
import { silentLogger } from '../../src/core/logger.js';
import type { Database, DatabaseKind, Db } from '../../src/db/database.js';
import { dumpPglite, openPgliteDatabase } from '../../src/db/pglite.js';
import * as schema from '../../src/db/schema/index.js';
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

/**
 * A fresh, migrated, empty database of the given kind. Closing it also drops it (PostgreSQL); an
 * in-memory PGlite is kept by this worker and lent again, emptied (see takePglite).
 */
export async function createTestDatabase(kind: DatabaseKind): Promise<Database> {
  if (kind === 'pglite') return takePglite();
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

/**
 * In-memory PGlite databases this worker opened and tests closed, ready to lend again. Opening one from
 * the migrated image costs about a second (WebAssembly start and the image loaded), and about 140 test
 * files open one, so a closed one is kept (the worker runs files one after another, vitest.config.ts)
 * and lent again after its tables are emptied and its sequences and session settings reset: 20-40 ms.
 * One whose schema, migrations or roles a test changed is closed instead (its fingerprint differs).
 */
const idlePglite: Database[] = [];
const IDLE_PGLITE_KEPT = 2;
let pristine: Promise<string> | undefined;

interface PgliteClient {
  closed: boolean;
  query(text: string): Promise<{ rows: Array<Record<string, unknown>> }>;
  exec(text: string): Promise<unknown>;
}

const clientOf = (database: Database) => (database.db as unknown as { $client: PgliteClient }).$client;

/** What a test could change that emptying the tables does not undo. */
async function fingerprint(client: PgliteClient): Promise<string> {
  const { rows } = await client.query(
    `SELECT (SELECT string_agg(c.relname || ':' || c.relkind::text, ',' ORDER BY c.relname, c.relkind)
               FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
              WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')) AS relations,
            (SELECT count(*) FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
              WHERE c.relnamespace = 'public'::regnamespace AND a.attnum > 0 AND NOT a.attisdropped) AS columns,
            (SELECT count(*) FROM pg_constraint) AS constraints,
            (SELECT count(*) FROM pg_trigger) AS triggers,
            (SELECT count(*) FROM pg_proc WHERE pronamespace = 'public'::regnamespace) AS functions,
            (SELECT count(*) FROM pg_roles) AS roles,
            (SELECT count(*) FROM pg_extension) AS extensions,
            (SELECT count(*) FROM drizzle.__drizzle_migrations) AS migrations`,
  );
  return JSON.stringify(rows[0]);
}

async function takePglite(): Promise<Database> {
  for (let database = idlePglite.pop(); database; database = idlePglite.pop()) {
    try {
      await emptyPglite(clientOf(database));
      return lend(database);
    } catch {
      await database.close().catch(() => undefined);
    }
  }
  const database = await openPgliteDatabase(
    { dataDir: undefined, slowQueryMs: 10_000, loadDataDir: await migratedPgliteImage() },
    silentLogger(),
  );
  pristine ??= fingerprint(clientOf(database));
  await pristine;
  return lend(database);
}

/** Back to the image's state: no rows, sequences at their start, the session as openPgliteDatabase set it. */
async function emptyPglite(client: PgliteClient): Promise<void> {
  // Truncating a table costs PGlite milliseconds even when it is empty, and a file uses a few of ~30.
  tableNames ??= client
    .query("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    .then(({ rows }) => rows.map((r) => String(r.tablename)));
  const tables = await tableNames;
  const probes = tables.map(
    (t) => `CASE WHEN EXISTS (SELECT 1 FROM ${quoteIdent(t)}) THEN ${quoteLiteral(t)} END`,
  );
  const { rows } = await client.query(`SELECT array_remove(ARRAY[${probes.join(', ')}], NULL) AS used`);
  const used = (rows[0]?.used as string[] | undefined) ?? [];
  if (used.length > 0) await client.exec(`TRUNCATE ${used.map(quoteIdent).join(', ')} CASCADE`);
  await client.query(
    `SELECT setval(format('%I.%I', schemaname, sequencename)::regclass, start_value, false)
       FROM pg_sequences WHERE schemaname = 'public' AND last_value IS NOT NULL`,
  );
  // Alone: a multi-statement exec is one transaction block, where DISCARD ALL cannot run.
  await client.exec('DISCARD ALL');
  await client.exec("SET TIME ZONE 'UTC'");
}

let tableNames: Promise<string[]> | undefined;
const quoteLiteral = (text: string) => `'${text.replaceAll("'", "''")}'`;

/**
 * The database as a test sees it: its own Drizzle over the worker's PGlite, refusing every call once the
 * test closed it (as a closed PGlite does), and closing it gives the PGlite back (or closes it, above).
 */
function lend(database: Database): Database {
  const client = clientOf(database);
  let returned = false;
  const refuse = () => {
    if (returned) throw new Error('PGlite is closed');
  };
  const guarded = new Proxy(client, {
    get(target, key) {
      if (key === 'closed') return returned || target.closed;
      const value: unknown = Reflect.get(target, key, target);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        refuse();
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return {
    ...database,
    db: drizzle({ client: guarded as unknown as PGlite, schema }) as unknown as Db,
    async ping() {
      refuse();
      await database.ping();
    },
    async close() {
      if (returned) return;
      returned = true;
      await giveBack(database);
    },
  };
}

async function giveBack(database: Database): Promise<void> {
  const client = clientOf(database);
  if (client.closed) return;
  try {
    // A test that failed inside a transaction leaves it open.
    await client.exec('ROLLBACK');
    if ((await fingerprint(client)) === (await pristine) && idlePglite.length < IDLE_PGLITE_KEPT) {
      idlePglite.push(database);
      return;
    }
  } catch {
    // Closed below.
  }
  await database.close();
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
