import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { warmUpPglite } from '../../src/db/pglite-warm-up.js';
import { queryRows } from '../support/query-rows.js';
import { createTestDatabase } from '../support/test-database.js';

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase('pglite');
});
afterAll(async () => {
  await database.close();
});

describe('warming up the embedded database at start', () => {
  it('GIVEN a migrated PGlite WHEN it is warmed up THEN nothing is written', async () => {
    await warmUpPglite(database.db);

    const [counts] = await queryRows<Record<string, number>>(
      database.db,
      sql`SELECT (SELECT count(*) FROM users)::int AS users, (SELECT count(*) FROM chat_identities)::int AS identities,
                 (SELECT count(*) FROM mood_entries)::int AS moods, (SELECT count(*) FROM user_settings)::int AS settings,
                 (SELECT count(*) FROM audit_log)::int AS audits`,
    );
    expect(counts).toEqual({ users: 0, identities: 0, moods: 0, settings: 0, audits: 0 });
  });

  it('GIVEN a warmed-up PGlite WHEN the first user logs a mood THEN the user and the entry get id 1, as if no warm-up had run', async () => {
    await warmUpPglite(database.db);
    await warmUpPglite(database.db);

    const [ids] = await queryRows<Record<string, number>>(
      database.db,
      sql`WITH u AS (INSERT INTO users (username) VALUES ('first') RETURNING id),
               m AS (INSERT INTO mood_entries (user_id, mood_score) SELECT id, 6 FROM u RETURNING id)
          SELECT (SELECT id FROM u)::int AS "user", (SELECT id FROM m)::int AS entry`,
    );
    expect(ids).toEqual({ user: 1, entry: 1 });
  });
});
