import { RateLimiterDrizzle, RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { Db } from '../db/database.js';
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
          // One row per user, reused when its window expires: the table cannot grow past the user count,
          // so the library's cleanup timer (which reports through console.warn) is not needed.
          clearExpiredByTimeout: false,
        })
      : memory;
  return {
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
