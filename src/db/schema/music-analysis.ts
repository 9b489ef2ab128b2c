import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, real, serial, text, timestamp } from 'drizzle-orm/pg-core';
import type { AudioFeatures } from '../../core/music.js';
import { users } from './users.js';

/** Both features are JSON numbers: providers' jsonb may hold anything, and a failed cast would fail the write. */
const numericFeatures = `jsonb_typeof(audio_features->'valence') = 'number' AND jsonb_typeof(audio_features->'energy') = 'number'`;

/**
 * A track's place on the valence/energy plane, NULL unless both features are numbers: the expression the
 * GiST index idx_music_analysis_mood_point holds (drizzle/0008), so `ORDER BY <this> <-> point(v, e)`
 * reads the nearest tracks from the index instead of sorting the table. Queries must spell it exactly
 * like this for the planner to match the index. Each cast sits inside its CASE, so a row with text
 * features stores a NULL point instead of failing its INSERT.
 */
export const MOOD_POINT_SQL = `point(CASE WHEN ${numericFeatures} THEN (audio_features->>'valence')::float8 END, CASE WHEN ${numericFeatures} THEN (audio_features->>'energy')::float8 END)`;

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
    // Not in the schema document: /recommend's nearest tracks at a million rows (issue 21, docs/capacity.md).
    index('idx_music_analysis_mood_point').using('gist', sql.raw(`(${MOOD_POINT_SQL})`)),
  ],
);

export type MusicAnalysis = typeof musicAnalysis.$inferSelect;
export type NewMusicAnalysis = typeof musicAnalysis.$inferInsert;
