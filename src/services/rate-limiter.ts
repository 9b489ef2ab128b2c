import { RateLimiterDrizzle, RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { Db } from '../db/database.js';
import { pruneExpiredRateLimits } from '../db/repositories/rate-limits.js';
import { rateLimits } from '../db/schema/index.js';

export interface RateLimitSettings {
  /** Commands allowed per user within `durationSeconds`. */
  points: number;
  durationSeconds: number;
  /** memory: per process; database: shared by every instance on one database. */
  store: 'memory' | 'database';
}

export type RateLimitDecision = { allowed: true } | { allowed: false; retryAfterMs: number };

export interface RateLimiter {
  consume(key: string): Promise<RateLimitDecision>;
  /** Deletes shared counters whose window ended long ago (database store); resolves with how many. */
  prune(): Promise<number>;
}

/** Per-user command limits on rate-limiter-flexible; a database outage falls back to memory limits. */
export function createRateLimiter(settings: RateLimitSettings, db: Db): RateLimiter {
  const options = { points: settings.points, duration: settings.durationSeconds, keyPrefix: 'cmd' };
  const memory = new RateLimiterMemory(options);
  const limiter =
    settings.store === 'database'
      ? new RateLimiterDrizzle({
          ...options,
          schema: rateLimits,
          storeClient: db,
          insuranceLimiter: memory,
          // One row per user, reused when its window expires; rows of users who went quiet are pruned by
          // prune() (the app's maintenance timer), not by the library's timer, which reports through
          // console.warn.
          clearExpiredByTimeout: false,
        })
      : memory;
  return {
    prune: () => (settings.store === 'database' ? pruneExpiredRateLimits(db) : Promise.resolve(0)),
    async consume(key) {
      try {
        await limiter.consume(key);
        return { allowed: true };
      } catch (rejection) {
        if (rejection instanceof RateLimiterRes)
          return { allowed: false, retryAfterMs: rejection.msBeforeNext };
        throw rejection;
      }
    },
  };
}
