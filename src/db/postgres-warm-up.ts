import { sql } from 'drizzle-orm';
import type { Logger } from '../core/logger.js';
import type { Db } from './database.js';

/**
 * Opens the pool's connections before the first command and has each PostgreSQL backend read every
 * table's catalog entries (and its indexes') and a first row once. A new backend pays for that on its
 * first statement touching each table, and a pool grows only when commands wait: a bot that just
 * started (a restart, Slack redelivering what a crashed one left) would pay it in its first burst.
 * Measured with bench/answer-latency (500 signed /mood at 50 in flight against a minimal Bolt bot):
 * the first burst's answer p99 was 128-413 ms in 4 runs without this (median 258) and 126-315 ms in 9
 * with it (median 177; the later bursts' 97-206 ms either way); the run's ratio to the minimal bot met
 * its 1.5x in 6 of 9 runs instead of 1 of 4. Idle connections still close after DB_IDLE_TIMEOUT: this
 * is for the start.
 */
export async function warmUpPostgresPool(db: Db, connections: number, logger: Logger): Promise<void> {
  // Issued together, so the pool opens a connection for each instead of reusing one. Best effort: a
  // server with fewer free connections than the pool's size still gets a bot, as it did without this.
  const results = await Promise.allSettled(
    Array.from({ length: Math.max(1, connections) }, () => db.execute(WARM_UP)),
  );
  const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed.length > 0) {
    logger.warn(
      { component: 'db', failed: failed.length, of: results.length, err: failed[0]?.reason },
      'could not open every pooled connection at start; the pool opens them when commands need them',
    );
  }
}

const WARM_UP = sql`DO $$
  DECLARE t regclass;
  BEGIN
    FOR t IN SELECT c.oid::regclass FROM pg_class c
              WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p')
    LOOP
      EXECUTE format('SELECT count(*) FROM (SELECT 1 FROM %s LIMIT 1) s', t);
    END LOOP;
  END $$`;
