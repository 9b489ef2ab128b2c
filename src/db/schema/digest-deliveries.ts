import { index, integer, pgTable, serial, text, timestamp, unique } from 'drizzle-orm/pg-core';
import { users } from './users.js';

export const digestStatuses = ['claimed', 'sent', 'failed', 'skipped'] as const;
export type DigestStatus = (typeof digestStatuses)[number];

/**
 * One row per user and period (an ISO week such as 2026-W47). The unique key makes sending exactly
 * once: a sender claims the row with a lease first, and a lease that ran out is claimable again.
 */
export const digestDeliveries = pgTable(
  'digest_deliveries',
  {
    id: serial('id').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    period: text('period').notNull(),
    status: text('status').$type<DigestStatus>().notNull().default('claimed'),
    claimedBy: text('claimed_by'),
    leaseExpiresAt: timestamp('lease_expires_at'),
    attempts: integer('attempts').notNull().default(0),
    sentAt: timestamp('sent_at'),
    lastError: text('last_error'),
    createdAt: timestamp('created_at').notNull().defaultNow(),
  },
  (t) => [
    unique('digest_deliveries_user_period_key').on(t.userId, t.period),
    index('idx_digest_deliveries_period_status').on(t.period, t.status),
  ],
);

export type DigestDelivery = typeof digestDeliveries.$inferSelect;
