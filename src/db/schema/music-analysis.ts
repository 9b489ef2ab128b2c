import { index, integer, jsonb, pgTable, real, serial, text, timestamp } from 'drizzle-orm/pg-core';
import type { AudioFeatures } from '../../core/music.js';
import { users } from './users.js';

/** `music_analysis` as specified: one analysed track shared by a user. */
export const musicAnalysis = pgTable(
  'music_analysis',
  {
    id: serial('id').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    spotifyTrackId: text('spotify_track_id').notNull(),
    trackName: text('track_name').notNull(),
    artistName: text('artist_name').notNull(),
    albumImage: text('album_image'),
    audioFeatures: jsonb('audio_features').$type<AudioFeatures>(),
    predictedMood: text('predicted_mood'),
    moodConfidence: real('mood_confidence'),
    createdAt: timestamp('created_at').notNull().defaultNow(),
  },
  (t) => [
    index('idx_music_analysis_user_created').on(t.userId, t.createdAt.desc().nullsFirst()),
    index('idx_music_analysis_track').on(t.spotifyTrackId),
  ],
);

export type MusicAnalysis = typeof musicAnalysis.$inferSelect;
export type NewMusicAnalysis = typeof musicAnalysis.$inferInsert;
