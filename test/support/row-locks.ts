import { type SQL, sql } from 'drizzle-orm';
import { withTimeout } from '../../src/core/within.js';
import type { Db } from '../../src/db/database.js';

/**
 * Runs `work` while another transaction holds the rows `select` picks (SELECT ... FOR UPDATE), and
 * answers what it resolved to, or 'blocked' when it still waited for them after `waitMs`; the lock is
 * released once that is known. Row locks need a second connection: real PostgreSQL only (PGlite has one).
 */
export function whileRowsLocked<T>(
  db: Db,
  select: SQL,
  work: () => Promise<T>,
  waitMs = 3000,
): Promise<T | 'blocked'> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`${select} FOR UPDATE`);
    return withTimeout(work(), waitMs, () => 'blocked' as const);
  });
}
