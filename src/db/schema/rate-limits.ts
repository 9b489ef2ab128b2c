import { integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Per-user command counters shared by every instance (RATE_LIMIT_STORE=database). The shape is the one
 * rate-limiter-flexible's Drizzle store reads and writes: key, points, expire.
 */
export const rateLimits = pgTable('rate_limits', {
  key: text('key').primaryKey(),
  points: integer('points').notNull(),
  expire: timestamp('expire'),
});
