import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { silentLogger } from '../../../src/core/logger.js';
import type { Database } from '../../../src/db/database.js';
import { openPostgresDatabase } from '../../../src/db/postgres.js';
import { type AuditWriter, createAuditWriter } from '../../../src/services/audit-writer.js';
import { quoteIdent, withAdmin } from '../../support/postgres-admin.js';
import { queryRows } from '../../support/query-rows.js';
import { postgresAvailable, useMigratedPostgresDatabases } from '../../support/test-database.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Takes the database away from its clients: no new connections, the open ones ended. */
async function outage(name: string, on: boolean): Promise<void> {
  await withAdmin(inject('postgresUrl'), async (admin) => {
    // ALLOW_CONNECTIONS holds for superusers too (CONNECTION LIMIT does not).
    await admin.query(`ALTER DATABASE ${quoteIdent(name)} ALLOW_CONNECTIONS ${on ? 'false' : 'true'}`);
    if (on) {
      await admin.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
        [name],
      );
    }
  });
}

const entry = (i: number) => ({
  userId: null,
  platform: 'console',
  action: `spool-${i}`,
  outcome: 'ok' as const,
});

describe.skipIf(!postgresAvailable())('the audit trail during a database outage [postgres]', () => {
  const databases = useMigratedPostgresDatabases();
  let name: string;
  let database: Database;

  beforeAll(async () => {
    const created = await databases.create();
    name = created.name;
    database = openPostgresDatabase(
      {
        url: created.url,
        maxConnections: 2,
        idleTimeoutMs: 10_000,
        connectionTimeoutMs: 1000,
        statementTimeoutMs: 5000,
        slowQueryMs: 10_000,
      },
      silentLogger(),
    );
    await database.migrate();
  }, 60_000);

  afterAll(async () => {
    await outage(name, false).catch(() => undefined);
    await database?.close();
  });

  const stored = async (prefix: string) => {
    const rows = await queryRows<{ action: string }>(
      database.db,
      sql`SELECT action FROM audit_log WHERE action LIKE ${`${prefix}%`} ORDER BY id`,
    );
    return rows.map((r) => r.action);
  };

  it('GIVEN entries recorded while the database is unavailable THEN they are held, counted, and written in order once it is back', async () => {
    const held: number[] = [];
    const audit: AuditWriter = createAuditWriter({
      db: database.db,
      logger: silentLogger(),
      flushMs: 20,
      retryMs: 200,
      observer: { held: (n) => held.push(n), dropped: () => undefined },
    });
    await outage(name, true);
    for (let i = 0; i < 30; i++) audit.record(entry(i));
    await audit.flush();
    expect(audit.held).toBe(30);
    expect(held.at(-1)).toBe(30);

    await outage(name, false);
    for (let waited = 0; audit.held > 0 && waited < 10_000; waited += 100) await sleep(100);
    expect(audit.held).toBe(0);
    expect(held.at(-1)).toBe(0);
    expect(await stored('spool-')).toEqual(Array.from({ length: 30 }, (_, i) => `spool-${i}`));
    await audit.close();
  }, 30_000);

  it('GIVEN an outage longer than the hold limit THEN the oldest entries are dropped, counted and reported, the rest written', async () => {
    const drops: Array<{ count: number; total: number }> = [];
    const audit = createAuditWriter({
      db: database.db,
      logger: silentLogger(),
      flushMs: 20,
      retryMs: 200,
      maxHeld: 10,
      observer: { held: () => undefined, dropped: (count, total) => drops.push({ count, total }) },
    });
    await outage(name, true);
    for (let i = 0; i < 5; i++) audit.record({ ...entry(i), action: `bound-${i}` });
    await audit.flush();
    for (let i = 5; i < 15; i++) audit.record({ ...entry(i), action: `bound-${i}` });
    expect(drops.reduce((n, d) => n + d.count, 0)).toBe(5);
    expect(drops.at(-1)?.total).toBe(5);

    await outage(name, false);
    for (let waited = 0; audit.held > 0 && waited < 10_000; waited += 100) await sleep(100);
    expect(await stored('bound-')).toEqual(Array.from({ length: 10 }, (_, i) => `bound-${i + 5}`));
    await audit.close();
  }, 30_000);
});
