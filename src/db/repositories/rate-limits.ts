import type { Db } from '../database.js';
import { type PreparedStatement, runPrepared } from '../raw-query.js';

/**
 * The `rate_limits` key of a user's command counter (RATE_LIMIT_STORE=database): the limiter's prefix
 * `cmd` (src/services/rate-limiter.ts) and the dispatcher's `user:<id>`. Erasure deletes it by this key.
 */
export const commandCounterKey = (userId: number): string => `cmd:user:${userId}`;

// An hour past its window: no instance can still be counting in it.
const pruneStatement: PreparedStatement = {
  name: 'moodscale_rate_limits_prune_v1',
  text: `DELETE FROM rate_limits WHERE key IN (
           SELECT key FROM rate_limits
            WHERE expire < (now() AT TIME ZONE 'UTC') - interval '1 hour'
            LIMIT $1)
         RETURNING key`,
};

/**
 * Deletes the counters whose window ended over an hour ago (a user who stopped using the bot), `batch`
 * rows per statement; returns how many went. Counters without an expiry are kept.
 */
export async function pruneExpiredRateLimits(db: Db, batch = 1000, maxBatches = 100): Promise<number> {
  let total = 0;
  for (let i = 0; i < maxBatches; i++) {
    const rows = await runPrepared(db, pruneStatement, [batch]);
    total += rows.length;
    if (rows.length < batch) break;
  }
  return total;
}
