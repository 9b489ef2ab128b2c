import { existsSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { appliedMigrations, listMigrations, rollbackMigrations } from '../../src/db/rollback.js';
import { newUser } from '../support/fixtures.js';
import { insertMoodEntry } from '../support/mood-entries.js';
import { queryRows } from '../support/query-rows.js';
import { openTestPostgres } from '../support/scratch-database.js';
import { postgresAvailable, useEmptyPostgresDatabases } from '../support/test-database.js';

const settings = { maxConnections: 5 };

const emptyDatabases = useEmptyPostgresDatabases();
/** The URL of a new, empty database (dropped after the file's tests). */
const emptyDatabase = async () => (await emptyDatabases.create()).url;

const publicTables = (db: Parameters<typeof queryRows>[0]) =>
  queryRows<{ table_name: string }>(
    db,
    sql`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`,
  ).then((rows) => rows.map((r) => r.table_name));

describe('GIVEN the checked-in migrations', () => {
  it('THEN every migration ships a down script', () => {
    const migrations = listMigrations();
    expect(migrations.length).toBeGreaterThan(0);
    for (const m of migrations) {
      expect(
        existsSync(m.downPath),
        `${m.downPath} is missing: every migration needs a down script that undoes it exactly (npm run db:rollback runs it)`,
      ).toBe(true);
    }
  });
});

describe.skipIf(!postgresAvailable())('GIVEN a real PostgreSQL database', () => {
  it('WHEN migrated up, down and up again with data in the tables THEN the schema returns whole and empty', async () => {
    const database = openTestPostgres(await emptyDatabase(), settings);
    try {
      await database.migrate();
      const tablesAfterUp = await publicTables(database.db);
      expect(tablesAfterUp).toContain('mood_entries');
      const user = await newUser(database.db);
      await insertMoodEntry(database.db, { userId: user.id, moodScore: 6, emotions: ['tired'] });

      const undone = await rollbackMigrations(database.db, listMigrations().length);
      expect(undone).toEqual(
        listMigrations()
          .map((m) => m.tag)
          .reverse(),
      );
      expect(await publicTables(database.db)).toEqual([]);
      expect(await appliedMigrations(database.db)).toEqual([]);

      await database.migrate();
      expect(await publicTables(database.db)).toEqual(tablesAfterUp);
      const [count] = await queryRows<{ n: number }>(
        database.db,
        sql`SELECT count(*)::int AS n FROM mood_entries`,
      );
      expect(count?.n).toBe(0);
      await insertMoodEntry(database.db, { userId: (await newUser(database.db)).id, moodScore: 7 });
    } finally {
      await database.close();
    }
  });

  it('WHEN five instances migrate one empty database at once THEN all succeed and each migration is applied once', async () => {
    const url = await emptyDatabase();
    const instances = Array.from({ length: 5 }, () => openTestPostgres(url, settings));
    try {
      await Promise.all(instances.map((i) => i.migrate()));
      const [row] = await queryRows<{ n: number }>(
        instances[0]!.db,
        sql`SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations`,
      );
      expect(row?.n).toBe(listMigrations().length);
    } finally {
      await Promise.all(instances.map((i) => i.close()));
    }
  });

  it('WHEN migrations run on an up-to-date database THEN nothing changes', async () => {
    const database = openTestPostgres(await emptyDatabase(), settings);
    try {
      await database.migrate();
      await database.migrate();
      expect(await appliedMigrations(database.db)).toEqual(listMigrations().map((m) => m.tag));
    } finally {
      await database.close();
    }
  });
});
