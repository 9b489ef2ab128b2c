import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { warmUpPostgresPool } from '../../src/db/postgres-warm-up.js';
import { queryRows } from '../support/query-rows.js';
import { createTestDatabase, postgresAvailable } from '../support/test-database.js';

describe.skipIf(!postgresAvailable())('warming up the PostgreSQL pool at start [postgres]', () => {
  let database: Database;
  beforeAll(async () => {
    database = await createTestDatabase('postgres');
  });
  afterAll(async () => {
    await database?.close();
  });

  it('GIVEN a migrated database and a pool of 6 WHEN warmed up THEN the pool holds 6 open connections and nothing is written', async () => {
    await warmUpPostgresPool(database.db, 6);

    expect(database.poolStats()).toMatchObject({ total: 6, waiting: 0 });
    const [counts] = await queryRows<Record<string, number>>(
      database.db,
      sql`SELECT (SELECT count(*) FROM users)::int AS users, (SELECT count(*) FROM inbox)::int AS inbox,
                 (SELECT count(*) FROM mood_entries)::int AS moods`,
    );
    expect(counts).toEqual({ users: 0, inbox: 0, moods: 0 });
  });
});
