import { and, desc, eq, gte, lt } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../database.js';
import { type PreparedStatement, runPrepared } from '../raw-query.js';
import { type NewRecommendation, type Recommendation, recommendations } from '../schema/index.js';
import { boundedLimit, storableText } from './text-guard.js';

export type RecommendationInput = Omit<NewRecommendation, 'id'>;

/**
 * Stores recommendations as shown. With `flush: false` the commit does not wait for the WAL to reach the
 * disk (`synchronous_commit = off` for this transaction only): a list of suggestions is a record of what
 * was shown, and a crash in the next few hundred milliseconds that loses it costs only the "something new
 * next time" variety, while the wait for the disk is the slowest part of a /recommend.
 */
export async function insertRecommendations(
  db: Db,
  rows: readonly RecommendationInput[],
  options: { flush?: boolean } = {},
): Promise<Recommendation[]> {
  if (rows.length === 0) return [];
  if (options.flush === false) return insertWithoutFlush(db, rows);
  return insertRows(db, rows);
}

/** The rows in one statement that commits without waiting for the flush (insertLazilyStatement). */
async function insertWithoutFlush(db: Db, rows: readonly RecommendationInput[]): Promise<Recommendation[]> {
  const raw = await runPrepared(db, insertLazilyStatement, columnsOf(rows));
  return raw.map((row) => {
    const r = insertedRow.parse(row);
    return {
      id: r.id,
      userId: r.user_id,
      moodEntryId: r.mood_entry_id,
      spotifyTrackId: r.spotify_track_id,
      trackName: r.track_name,
      artistName: r.artist_name,
      albumImage: r.album_image,
      reason: r.reason,
      matchScore: r.match_score,
      createdAt: new Date(r.created_ms),
    };
  });
}

const INSERT_FROM_ARRAYS = `INSERT INTO recommendations (user_id, mood_entry_id, spotify_track_id, track_name,
                                      artist_name, album_image, reason, match_score, created_at)
         SELECT user_id, mood_entry_id, spotify_track_id, track_name, artist_name, album_image, reason,
                match_score, coalesce(created_at, now())
           FROM unnest($1::int[], $2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                       $8::real[], $9::timestamp[])
                AS t(user_id, mood_entry_id, spotify_track_id, track_name, artist_name, album_image, reason,
                     match_score, created_at)`;

/**
 * The same insert in one round trip that also turns synchronous_commit off for its own transaction:
 * set_config(..., true) lasts until that transaction ends, and the commit reads the setting before it
 * is reset. BEGIN, SET LOCAL, INSERT and COMMIT were four round trips of a /recommend's seven.
 */
const insertLazilyStatement: PreparedStatement = {
  name: 'moodscale_insert_recommendations_lazily_v1',
  text: `WITH commit_lazily AS (SELECT set_config('synchronous_commit', 'off', true))
         ${INSERT_FROM_ARRAYS} CROSS JOIN commit_lazily
         RETURNING id, user_id, mood_entry_id, spotify_track_id, track_name, artist_name, album_image,
                   reason, match_score, (extract(epoch FROM created_at) * 1000)::float8 AS created_ms`,
};

const insertedRow = z.object({
  id: z.number().int(),
  user_id: z.number().int(),
  mood_entry_id: z.number().int().nullable(),
  spotify_track_id: z.string(),
  track_name: z.string(),
  artist_name: z.string(),
  album_image: z.string().nullable(),
  reason: z.string().nullable(),
  match_score: z.number().nullable(),
  created_ms: z.number(),
});

// One array per column, nothing returned: Drizzle's builder made one parameter per value, and building
// that statement for a batch's 1,500 recommendations cost more CPU than PostgreSQL's insert.
const insertManyStatement: PreparedStatement = {
  name: 'moodscale_insert_recommendations_v1',
  text: INSERT_FROM_ARRAYS,
};

/** Stores many recommendations in one statement, returning nothing (the sent digests' of a batch). */
export async function insertManyRecommendations(db: Db, rows: readonly RecommendationInput[]): Promise<void> {
  if (rows.length === 0) return;
  await runPrepared(db, insertManyStatement, columnsOf(rows));
}

/** The rows as one array per column, in INSERT_FROM_ARRAYS' parameter order. */
function columnsOf(rows: readonly RecommendationInput[]): unknown[] {
  const checked = rows.map(storable);
  return [
    checked.map((r) => r.userId),
    checked.map((r) => r.moodEntryId ?? null),
    checked.map((r) => r.spotifyTrackId),
    checked.map((r) => r.trackName),
    checked.map((r) => r.artistName),
    checked.map((r) => r.albumImage ?? null),
    checked.map((r) => r.reason ?? null),
    checked.map((r) => r.matchScore ?? null),
    // As Drizzle writes a timestamp without time zone: the UTC wall time.
    checked.map((r) => r.createdAt?.toISOString() ?? null),
  ];
}

/** The recommendation with its free-text columns checked storable (storableText refuses a NUL). */
function storable(r: RecommendationInput): RecommendationInput {
  return {
    ...r,
    spotifyTrackId: storableText(r.spotifyTrackId, 'track id'),
    trackName: storableText(r.trackName, 'track name'),
    artistName: storableText(r.artistName, 'artist name'),
    albumImage: storableText(r.albumImage ?? null, 'album image'),
    reason: storableText(r.reason ?? null, 'reason'),
  };
}

function insertRows(db: Db, rows: readonly RecommendationInput[]): Promise<Recommendation[]> {
  return db.insert(recommendations).values(rows.map(storable)).returning();
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
