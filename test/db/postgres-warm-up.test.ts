import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { sql } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { silentLogger } from '../../src/core/logger.js';
import type { Database } from '../../src/db/database.js';
import { warmUpPostgresPool } from '../../src/db/postgres-warm-up.js';
import { quoteIdent, withAdmin } from '../support/postgres-admin.js';
import { queryRows } from '../support/query-rows.js';
import { openTestPostgres } from '../support/scratch-database.js';
import { postgresAvailable, useMigratedPostgresDatabases } from '../support/test-database.js';

describe.skipIf(!postgresAvailable())('warming up the PostgreSQL pool at start [postgres]', () => {
  const scratch = useMigratedPostgresDatabases();
  let url: string;
  let database: Database;
  /** A login role the server lets open at most two connections. */
  const limited = `moodscale_t_role_${randomBytes(4).toString('hex')}`;
  beforeAll(async () => {
    const created = await scratch.create();
    url = created.url;
    database = openTestPostgres(url, { maxConnections: 6 });
    await withAdmin(inject('postgresUrl'), (admin) =>
      admin.query(`CREATE ROLE ${quoteIdent(limited)} LOGIN CONNECTION LIMIT 2`),
    );
    await withAdmin(url, (admin) =>
      admin.query(`GRANT SELECT ON ALL TABLES IN SCHEMA public TO ${quoteIdent(limited)}`),
    );
  });
  afterAll(async () => {
    await database?.close();
    await withAdmin(url, (admin) => admin.query(`DROP OWNED BY ${quoteIdent(limited)}`)).catch(
      () => undefined,
    );
    await withAdmin(inject('postgresUrl'), (admin) =>
      admin.query(`DROP ROLE IF EXISTS ${quoteIdent(limited)}`),
    );
  });

  it('GIVEN a migrated database and a pool of 6 WHEN warmed up THEN the pool holds 6 open connections and nothing is written', async () => {
    await warmUpPostgresPool(database.db, 6, silentLogger());

    expect(database.poolStats()).toMatchObject({ total: 6, waiting: 0 });
    const [counts] = await queryRows<Record<string, number>>(
      database.db,
      sql`SELECT (SELECT count(*) FROM users)::int AS users, (SELECT count(*) FROM inbox)::int AS inbox,
                 (SELECT count(*) FROM mood_entries)::int AS moods`,
    );
    expect(counts).toEqual({ users: 0, inbox: 0, moods: 0 });
  });

  it('GIVEN a server that allows fewer connections than the pool WHEN warmed up THEN it warns once and the database still answers', async () => {
    const asLimited = new URL(url);
    asLimited.username = limited;
    const small = openTestPostgres(asLimited.toString(), { maxConnections: 6 });
    const lines: string[] = [];
    const logger = pino(
      { level: 'warn' },
      new Writable({
        write(chunk, _encoding, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    );
    try {
      await warmUpPostgresPool(small.db, 6, logger);

      expect(lines).toHaveLength(1);
      expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ failed: 4, of: 6 });
      const [row] = await queryRows<{ n: number }>(small.db, sql`SELECT count(*)::int AS n FROM users`);
      expect(row?.n).toBe(0);
    } finally {
      await small.close();
    }
  });
});
