import { sql } from 'drizzle-orm';
import { check, index, integer, pgTable, serial, text, timestamp } from 'drizzle-orm/pg-core';
import { users } from './users.js';

/** `mood_entries` as specified: one logged mood, 1 to 10, with optional tags and note. */
export const moodEntries = pgTable(
  'mood_entries',
  {
    id: serial('id').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    moodScore: integer('mood_score').notNull(),
    emotions: text('emotions').array(),
    notes: text('notes'),
    createdAt: timestamp('created_at').notNull().defaultNow(),
  },
  (t) => [
    check('mood_entries_mood_score_check', sql`${t.moodScore} BETWEEN 1 AND 10`),
    index('idx_mood_entries_user_created').on(t.userId, t.createdAt.desc().nullsFirst()),
  ],
);

export type MoodEntry = typeof moodEntries.$inferSelect;
export type NewMoodEntry = typeof moodEntries.$inferInsert;
