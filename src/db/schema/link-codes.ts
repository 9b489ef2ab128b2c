import { index, integer, pgTable, serial, text, timestamp, unique } from 'drizzle-orm/pg-core';
import { users } from './users.js';

/**
 * One-time codes that join a chat account on another platform to a user (`/link`). Only a hash of
 * the code is stored; a code is used once and expires after minutes.
 */
export const linkCodes = pgTable(
  'link_codes',
  {
    id: serial('id').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    codeHash: text('code_hash').notNull(),
    expiresAt: timestamp('expires_at').notNull(),
    usedAt: timestamp('used_at'),
    createdAt: timestamp('created_at').notNull().defaultNow(),
  },
  (t) => [unique('link_codes_code_hash_key').on(t.codeHash), index('idx_link_codes_user').on(t.userId)],
);

export type LinkCode = typeof linkCodes.$inferSelect;
