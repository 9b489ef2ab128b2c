import { and, desc, eq, gte, lt } from 'drizzle-orm';
import type { Db } from '../database.js';
import { type NewRecommendation, type Recommendation, recommendations } from '../schema/index.js';
import { boundedLimit, storableText } from './text-guard.js';

export type RecommendationInput = Omit<NewRecommendation, 'id'>;

export async function insertRecommendations(
  db: Db,
  rows: readonly RecommendationInput[],
): Promise<Recommendation[]> {
  if (rows.length === 0) return [];
  return db
    .insert(recommendations)
    .values(
      rows.map((r) => ({
        ...r,
        spotifyTrackId: storableText(r.spotifyTrackId, 'track id'),
        trackName: storableText(r.trackName, 'track name'),
        artistName: storableText(r.artistName, 'artist name'),
        albumImage: storableText(r.albumImage ?? null, 'album image'),
        reason: storableText(r.reason ?? null, 'reason'),
      })),
    )
    .returning();
}

/** The user's recommendations, newest first (default 20, at most 500). */
export async function listRecommendations(db: Db, userId: number, limit?: number): Promise<Recommendation[]> {
  return db
    .select()
    .from(recommendations)
    .where(eq(recommendations.userId, userId))
    .orderBy(desc(recommendations.createdAt), desc(recommendations.id))
    .limit(boundedLimit(limit, 20, 500));
}

/** The track ids recommended to the user most recently (at most `limit`, default 30): to vary the next list. */
export async function recentlyRecommendedTrackIds(
  db: Db,
  userId: number,
  limit?: number,
): Promise<Set<string>> {
  const rows = await db
    .select({ id: recommendations.spotifyTrackId })
    .from(recommendations)
    .where(eq(recommendations.userId, userId))
    .orderBy(desc(recommendations.createdAt), desc(recommendations.id))
    .limit(boundedLimit(limit, 30, 500));
  return new Set(rows.map((r) => r.id));
}

/** The user's recommendations made in [since, until), oldest first (at most 1,000). */
export async function listRecommendationsBetween(
  db: Db,
  userId: number,
  since: Date,
  until: Date,
): Promise<Recommendation[]> {
  return db
    .select()
    .from(recommendations)
    .where(
      and(
        eq(recommendations.userId, userId),
        gte(recommendations.createdAt, since),
        lt(recommendations.createdAt, until),
      ),
    )
    .orderBy(recommendations.createdAt, recommendations.id)
    .limit(1000);
}
