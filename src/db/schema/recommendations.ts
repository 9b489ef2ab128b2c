import { index, integer, pgTable, real, serial, text, timestamp } from 'drizzle-orm/pg-core';
import { moodEntries } from './mood-entries.js';
import { users } from './users.js';

/** `recommendations` as specified. A deleted mood entry leaves the recommendation without its link. */
export const recommendations = pgTable(
  'recommendations',
  {
    id: serial('id').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    moodEntryId: integer('mood_entry_id').references(() => moodEntries.id, { onDelete: 'set null' }),
    spotifyTrackId: text('spotify_track_id').notNull(),
    trackName: text('track_name').notNull(),
    artistName: text('artist_name').notNull(),
    albumImage: text('album_image'),
    reason: text('reason'),
    matchScore: real('match_score'),
    createdAt: timestamp('created_at').notNull().defaultNow(),
  },
  (t) => [index('idx_recommendations_user_created').on(t.userId, t.createdAt.desc().nullsFirst())],
);

export type Recommendation = typeof recommendations.$inferSelect;
export type NewRecommendation = typeof recommendations.$inferInsert;
