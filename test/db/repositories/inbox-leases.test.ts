import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import type { Database } from '../../../src/db/database.js';
import { acceptInboxEntries, renewInboxLeases } from '../../../src/db/repositories/inbox.js';
import { queryRows } from '../../support/query-rows.js';
import { whileRowsLocked } from '../../support/row-locks.js';
import { describeEachDatabase } from '../../support/test-database.js';

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
describeEachDatabase(
  'GIVEN deliveries whose leases this instance renews',
  (getDb) => {
    it('THEN a delivery locked by the work applying it is skipped, not waited for, and the others are renewed', async () => {
      const { db } = getDb();
      await acceptInboxEntries(db, [entry('renew:busy'), entry('renew:free')], 'me', 1000);
      const freeBefore = await leaseOf(db, 'renew:free');
      const busyBefore = await leaseOf(db, 'renew:busy');
      const renewed = await whileRowsLocked(
        db,
        sql`SELECT id FROM inbox WHERE delivery_key = 'renew:busy'`,
        () =>
          renewInboxLeases(db, ['renew:busy', 'renew:free'], 'me', 600_000).then(() => 'renewed' as const),
      );
      expect(renewed).toBe('renewed');
      expect(await leaseOf(db, 'renew:free')).not.toBe(freeBefore);
      expect(await leaseOf(db, 'renew:busy')).toBe(busyBefore);
    });
  },
  ['postgres'],
);
