import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { silentLogger } from '../../src/core/logger.js';
import type { Database } from '../../src/db/database.js';
import { openPostgresDatabase } from '../../src/db/postgres.js';
import { withAdmin } from '../support/postgres-admin.js';
import {
  createEmptyPostgresDatabase,
  dropPostgresDatabase,
  postgresAvailable,
  postgresUrlFor,
} from '../support/test-database.js';

const base = { maxConnections: 3, idleTimeoutMs: 30_000, connectionTimeoutMs: 5000, slowQueryMs: 10_000 };

describe.skipIf(!postgresAvailable())('GIVEN the PostgreSQL pool', () => {
  let name: string;
  beforeAll(async () => {
    name = await createEmptyPostgresDatabase('');
  });
  afterAll(async () => {
    await dropPostgresDatabase(name);
  });

  it('WHEN the server terminates its idle connections THEN the process survives and the next query works', async () => {
    const database: Database = openPostgresDatabase(
      { ...base, url: postgresUrlFor(name), statementTimeoutMs: 5000 },
      silentLogger(),
    );
    try {
      await Promise.all([database.ping(), database.ping(), database.ping()]);
      expect(database.poolStats().idle).toBeGreaterThan(0);
      await withAdmin(inject('postgresUrl'), (admin) =>
        admin.query(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`,
          [name],
        ),
      );
      await new Promise((r) => setTimeout(r, 200));
      await expect(database.ping()).resolves.toBeUndefined();
    } finally {
      await database.close();
    }
  });

  it('WHEN a statement runs past DB_STATEMENT_TIMEOUT THEN it is cancelled with an error', async () => {
    const database = openPostgresDatabase(
      { ...base, url: postgresUrlFor(name), statementTimeoutMs: 100 },
      silentLogger(),
    );
    try {
      const pool = (database.db as unknown as { $client: import('pg').Pool }).$client;
      await expect(pool.query('SELECT pg_sleep(2)')).rejects.toMatchObject({ code: '57014' });
      await expect(database.ping()).resolves.toBeUndefined();
    } finally {
      await database.close();
    }
  });

  it('WHEN a query is slower than DB_SLOW_QUERY_MS THEN it is logged at warn with its duration and no parameters', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(JSON.parse(String(chunk)));
        done();
      },
    });
    const logger = pino({ level: 'debug' }, sink);
    const database = openPostgresDatabase(
      { ...base, url: postgresUrlFor(name), statementTimeoutMs: 5000, slowQueryMs: 50 },
      logger,
    );
    try {
      const pool = (database.db as unknown as { $client: import('pg').Pool }).$client;
      await pool.query('SELECT pg_sleep(0.1), $1::text AS secret', ['do-not-log-me']);
      await pool.query('SELECT 1');
      await new Promise((r) => setTimeout(r, 20));
      const slow = lines.find((l) => l.msg === 'slow query');
      expect(slow).toMatchObject({ level: 40, sql: 'SELECT pg_sleep(0.1), $1::text AS secret' });
      expect(slow?.durationMs).toBeGreaterThanOrEqual(50);
      expect(lines.some((l) => l.msg === 'query' && l.level === 20 && l.sql === 'SELECT 1')).toBe(true);
      expect(JSON.stringify(lines)).not.toContain('do-not-log-me');
    } finally {
      await database.close();
    }
  });
});
