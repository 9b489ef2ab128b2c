import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.js';
import { silentLogger } from '../../src/core/logger.js';
import type { Database } from '../../src/db/database.js';
import { openPgliteDatabase } from '../../src/db/pglite.js';
import { listMigrations, rollbackMigrations } from '../../src/db/rollback.js';
import { queryRows } from '../support/query-rows.js';
import { postgresAvailable, useEmptyPostgresDatabases } from '../support/test-database.js';

const allTags = listMigrations().map((m) => m.tag);

/** A new, empty PostgreSQL database, opened, and its name. */
const emptyPostgres = useEmptyPostgresDatabases().open;

/**
 * What `drizzle-kit push` leaves: every table, no record of migrations. Made by migrating and then
 * removing the record (`keepEmptyRecord`: the empty table a failed migrate leaves behind).
 */
async function withoutRecord(database: Database, keepEmptyRecord: boolean): Promise<void> {
  await database.migrate();
  await database.db.execute(
    keepEmptyRecord ? sql`DELETE FROM drizzle.__drizzle_migrations` : sql`DROP SCHEMA drizzle CASCADE`,
  );
}

async function tableCount(database: Database): Promise<number> {
  const [row] = await queryRows<{ n: number }>(
    database.db,
    sql`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public'`,
  );
  return Number(row?.n);
}

describe.skipIf(!postgresAvailable())('GIVEN a PostgreSQL database [postgres]', () => {
  it('WHEN an empty database is migrated THEN the run reports every migration as applied by it', async () => {
    const { database } = await emptyPostgres();
    expect(await database.migrate()).toEqual({ applied: allTags, previouslyApplied: [] });
  });

  it('WHEN an up-to-date database is migrated THEN the run reports nothing applied and all applied before', async () => {
    const { database } = await emptyPostgres();
    await database.migrate();
    expect(await database.migrate()).toEqual({ applied: [], previouslyApplied: allTags });
  });

  it('WHEN a database one migration behind is migrated THEN the run reports only that migration', async () => {
    const { database } = await emptyPostgres();
    await database.migrate();
    await rollbackMigrations(database.db, 1);
    expect(await database.migrate()).toEqual({
      applied: allTags.slice(-1),
      previouslyApplied: allTags.slice(0, -1),
    });
  });

  it('WHEN its tables exist without a migration record (drizzle-kit push) THEN migrate refuses with a UserError that says how to start over', async () => {
    const { name, database } = await emptyPostgres();
    await withoutRecord(database, false);
    const tablesBefore = await tableCount(database);

    const refusal = database.migrate();
    await expect(refusal).rejects.toBeInstanceOf(UserError);
    await expect(refusal).rejects.toMatchObject({ code: 'MIGRATION_RECORD_MISSING' });
    await expect(refusal).rejects.toThrow(`database ${name}`);
    await expect(refusal).rejects.toThrow('npm run db:push:raw');
    await expect(refusal).rejects.toThrow(`dropdb -h`);
    await expect(refusal).rejects.toThrow(`createdb -h`);
    expect(await tableCount(database)).toBe(tablesBefore);
  });

  it('WHEN its tables exist with an empty migration record (a failed migrate) THEN migrate refuses the same way', async () => {
    const { database } = await emptyPostgres();
    await withoutRecord(database, true);
    await expect(database.migrate()).rejects.toMatchObject({ code: 'MIGRATION_RECORD_MISSING' });
  });
});

describe('GIVEN an embedded database [pglite]', () => {
  it('WHEN its tables exist without a migration record THEN migrate refuses with a UserError', async () => {
    const database = await openPgliteDatabase({ dataDir: undefined, slowQueryMs: 10_000 }, silentLogger());
    try {
      await withoutRecord(database, false);
      await expect(database.migrate()).rejects.toMatchObject({
        name: 'UserError',
        code: 'MIGRATION_RECORD_MISSING',
      });
    } finally {
      await database.close();
    }
  });
});
