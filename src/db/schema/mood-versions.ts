import { bigint, integer, pgTable } from 'drizzle-orm/pg-core';
import { users } from './users.js';

/**
 * How often each user's mood entries have changed: every statement that adds, removes or moves a
 * user's entries raises their version in the same transaction. An instance that remembers a user's
 * recent days (their /mood stats) with the version it saw knows them current when the version it raises
 * next is the one after, without reading the entries again. Absent means 0.
 */
export const moodVersions = pgTable('mood_versions', {
  userId: integer('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  version: bigint('version', { mode: 'number' }).notNull().default(0),
});

export type MoodVersion = typeof moodVersions.$inferSelect;
