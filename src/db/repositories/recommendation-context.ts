import { desc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../database.js';
import { type MoodEntry, moodEntries, musicAnalysis, recommendations } from '../schema/index.js';
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

const extras = z.object({ hasMusic: z.boolean(), recent: z.array(z.string()) });

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
  const limit = boundedLimit(recentLimit, 30, 500);
  const [row] = await db
    .select({
      entry: moodEntries,
      hasMusic: sql`EXISTS (SELECT 1 FROM ${musicAnalysis} WHERE ${musicAnalysis.userId} = ${userId})`,
      recent: sql`ARRAY(SELECT ${recommendations.spotifyTrackId} FROM ${recommendations}
                         WHERE ${recommendations.userId} = ${userId}
                         ORDER BY ${recommendations.createdAt} DESC, ${recommendations.id} DESC
                         LIMIT ${limit})`,
    })
    .from(moodEntries)
    .where(eq(moodEntries.userId, userId))
    .orderBy(desc(moodEntries.createdAt), desc(moodEntries.id))
    .limit(1);
  if (!row) return { entry: undefined };
  const { hasMusic, recent } = extras.parse(row);
  return { entry: row.entry, hasMusic, recentTrackIds: new Set(recent) };
}
