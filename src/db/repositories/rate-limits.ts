/**
 * The `rate_limits` key of a user's command counter (RATE_LIMIT_STORE=database): the limiter's prefix
 * `cmd` (src/services/rate-limiter.ts) and the dispatcher's `user:<id>`. Erasure deletes it by this key.
 */
export const commandCounterKey = (userId: number): string => `cmd:user:${userId}`;
