import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTimeout } from '../../../src/core/within.js';
import type { Database } from '../../../src/db/database.js';
import { acceptInboxEntries, renewInboxLeases } from '../../../src/db/repositories/inbox.js';
import { queryRows } from '../../support/query-rows.js';
import { createTestDatabase, postgresAvailable } from '../../support/test-database.js';

const entry = (deliveryKey: string) => ({
  deliveryKey,
  platform: 'slack',
  workspaceId: 'T1',
  externalUserId: 'U1',
  kind: 'command',
  command: 'mood',
  payload: 'enc:sealed',
});

const leaseOf = async (db: Database['db'], key: string) =>
  (
    await queryRows<{ lease: string }>(
      db,
      sql`SELECT lease_expires_at::text AS lease FROM inbox WHERE delivery_key = ${key}`,
    )
  )[0]?.lease;

// Row locks need a second connection: real PostgreSQL only (PGlite has one).
describe.skipIf(!postgresAvailable())('GIVEN deliveries whose leases this instance renews [postgres]', () => {
  let database: Database;
  beforeAll(async () => {
    database = await createTestDatabase('postgres');
  });
  afterAll(async () => {
    await database?.close();
  });

  it('THEN a delivery locked by the work applying it is skipped, not waited for, and the others are renewed', async () => {
    const { db } = database;
    await acceptInboxEntries(db, [entry('renew:busy'), entry('renew:free')], 'me', 1000);
    const freeBefore = await leaseOf(db, 'renew:free');
    const busyBefore = await leaseOf(db, 'renew:busy');
    await db.transaction(async (tx) => {
      await tx.execute(sql`SELECT id FROM inbox WHERE delivery_key = 'renew:busy' FOR UPDATE`);
      const renewed = await withTimeout(
        renewInboxLeases(db, ['renew:busy', 'renew:free'], 'me', 600_000).then(() => 'renewed' as const),
        3000,
        () => 'blocked' as const,
      );
      expect(renewed).toBe('renewed');
    });
    expect(await leaseOf(db, 'renew:free')).not.toBe(freeBefore);
    expect(await leaseOf(db, 'renew:busy')).toBe(busyBefore);
  });
});
