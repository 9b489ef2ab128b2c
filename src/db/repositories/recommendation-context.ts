import { z } from 'zod';
import type { Db } from '../database.js';
import { type PreparedStatement, runPrepared } from '../raw-query.js';
import type { MoodEntry } from '../schema/index.js';
import { moodEntryRow, toMoodEntry } from './mood-entries.js';
import { boundedLimit } from './text-guard.js';

/** What /recommend reads before it knows where the mood points. */
export type RecommendationContext =
  | { entry: undefined }
  | {
      /** The user's latest mood. */
      entry: MoodEntry;
      /** Whether the user has shared (analysed) any music. */
      hasMusic: boolean;
      /** The tracks recommended to the user most recently, at most `recentLimit`. */
      recentTrackIds: Set<string>;
    };

const contextRow = moodEntryRow.extend({ has_music: z.boolean(), recent: z.array(z.string()) });

// Named and prepared once per connection: /recommend runs it first every time, and parsing and planning
// it cost more than running it.
const contextStatement: PreparedStatement = {
  name: 'moodscale_recommendation_context_v1',
  text: `SELECT m.id, m.user_id, m.mood_score, m.emotions, m.notes,
                (extract(epoch FROM m.created_at) * 1000)::float8 AS created_ms,
                EXISTS (SELECT 1 FROM music_analysis WHERE user_id = $1) AS has_music,
                ARRAY(SELECT spotify_track_id FROM recommendations
                       WHERE user_id = $1
                       ORDER BY created_at DESC, id DESC
                       LIMIT $2::int) AS recent
           FROM mood_entries m
          WHERE m.user_id = $1
          ORDER BY m.created_at DESC, m.id DESC
          LIMIT 1`,
};

/**
 * The latest mood, whether the user has music, and the recently recommended tracks, in one statement:
 * one round trip (and one database process woken) instead of three beside each other, which on a
 * machine whose cores the bot shares with PostgreSQL is most of what /recommend spends before ranking.
 * No mood, no row: nothing else is needed then.
 */
export async function readRecommendationContext(
  db: Db,
  userId: number,
  recentLimit: number,
): Promise<RecommendationContext> {
  const [raw] = await runPrepared(db, contextStatement, [userId, boundedLimit(recentLimit, 30, 500)]);
  if (!raw) return { entry: undefined };
  const row = contextRow.parse(raw);
  return { entry: toMoodEntry(row), hasMusic: row.has_music, recentTrackIds: new Set(row.recent) };
}
