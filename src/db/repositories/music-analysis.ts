import { and, desc, eq, gte, inArray, lt, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../database.js';
import { type PreparedStatement, runPrepared } from '../raw-query.js';
import { type MusicAnalysis, musicAnalysis, type NewMusicAnalysis } from '../schema/index.js';
import { boundedLimit, storableText } from './text-guard.js';

export type MusicAnalysisInput = Omit<NewMusicAnalysis, 'id'>;

export async function insertMusicAnalysis(db: Db, input: MusicAnalysisInput): Promise<MusicAnalysis> {
  const [row] = await db
    .insert(musicAnalysis)
    .values({
      ...input,
      spotifyTrackId: storableText(input.spotifyTrackId, 'track id'),
      trackName: storableText(input.trackName, 'track name'),
      artistName: storableText(input.artistName, 'artist name'),
      albumImage: storableText(input.albumImage ?? null, 'album image'),
      predictedMood: storableText(input.predictedMood ?? null, 'predicted mood'),
    })
    .returning();
  return row!;
}

/** The most recent analysis of a track by anyone; analyses are reused across users. */
export async function findLatestAnalysisOfTrack(
  db: Db,
  spotifyTrackId: string,
): Promise<MusicAnalysis | undefined> {
  const [row] = await db
    .select()
    .from(musicAnalysis)
    .where(eq(musicAnalysis.spotifyTrackId, spotifyTrackId))
    .orderBy(desc(musicAnalysis.createdAt), desc(musicAnalysis.id))
    .limit(1);
  return row;
}

/** The user's analysed tracks, newest first (default 50, at most 1,000). */
export async function listUserAnalyses(
  db: Db,
  userId: number,
  options: { since?: Date; limit?: number } = {},
): Promise<MusicAnalysis[]> {
  return db
    .select()
    .from(musicAnalysis)
    .where(
      and(
        eq(musicAnalysis.userId, userId),
        options.since ? gte(musicAnalysis.createdAt, options.since) : undefined,
      ),
    )
    .orderBy(desc(musicAnalysis.createdAt), desc(musicAnalysis.id))
    .limit(boundedLimit(options.limit, 50, 1000));
}

const shareStatement: PreparedStatement = {
  name: 'moodscale_record_share_v1',
  text: `INSERT INTO music_analysis (user_id, spotify_track_id, track_name, artist_name, album_image,
                                   audio_features, predicted_mood, mood_confidence)
         VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8)
         RETURNING id, (extract(epoch FROM created_at) * 1000)::float8 AS created_ms`,
};

const shareRow = z.object({ id: z.coerce.number(), created_ms: z.coerce.number() });

/**
 * Records that a user shared a track, copying a known analysis: the hot path of a share that needs no
 * outbound call, so one prepared statement instead of the query builder.
 */
export async function recordShare(db: Db, input: MusicAnalysisInput): Promise<MusicAnalysis> {
  const values = {
    spotifyTrackId: storableText(input.spotifyTrackId, 'track id'),
    trackName: storableText(input.trackName, 'track name'),
    artistName: storableText(input.artistName, 'artist name'),
    albumImage: storableText(input.albumImage ?? null, 'album image'),
    audioFeatures: input.audioFeatures ?? null,
    predictedMood: storableText(input.predictedMood ?? null, 'predicted mood'),
    moodConfidence: input.moodConfidence ?? null,
  };
  const [row] = await runPrepared(db, shareStatement, [
    input.userId,
    values.spotifyTrackId,
    values.trackName,
    values.artistName,
    values.albumImage,
    values.audioFeatures === null ? null : JSON.stringify(values.audioFeatures),
    values.predictedMood,
    values.moodConfidence,
  ]);
  const inserted = shareRow.parse(row);
  return { id: inserted.id, userId: input.userId, createdAt: new Date(inserted.created_ms), ...values };
}

/** The ids of the tracks the user has in music_analysis since `since` (to skip re-analysing them). */
export async function trackIdsOfUserSince(db: Db, userId: number, since: Date): Promise<Set<string>> {
  const rows = await db
    .selectDistinct({ id: musicAnalysis.spotifyTrackId })
    .from(musicAnalysis)
    .where(and(eq(musicAnalysis.userId, userId), gte(musicAnalysis.createdAt, since)));
  return new Set(rows.map((r) => r.id));
}

/** An analysed track with the two features the rankers order by (recommendations, digests, channels). */
export interface RankableTrack {
  spotifyTrackId: string;
  trackName: string;
  artistName: string;
  albumImage: string | null;
  valence: number;
  energy: number;
}

/** A RankableTrack with when it was analysed (the latest analysis of the track). */
export interface CatalogueTrack extends RankableTrack {
  analysedAt: Date;
}

const rankableRow = z.object({
  spotify_track_id: z.string(),
  track_name: z.string(),
  artist_name: z.string(),
  album_image: z.string().nullable(),
  valence: z.coerce.number(),
  energy: z.coerce.number(),
});

/** A raw row with spotify_track_id, track_name, artist_name, album_image, valence and energy. */
export function toRankableTrack(row: unknown): RankableTrack {
  const r = rankableRow.parse(row);
  return {
    spotifyTrackId: r.spotify_track_id,
    trackName: r.track_name,
    artistName: r.artist_name,
    albumImage: r.album_image,
    valence: r.valence,
    energy: r.energy,
  };
}

const analysedAtRow = z.object({ analysed_ms: z.coerce.number() });

/** A raw RankableTrack row with `analysed_ms` (epoch milliseconds). */
export function toCatalogueTrack(row: unknown): CatalogueTrack {
  return { ...toRankableTrack(row), analysedAt: new Date(analysedAtRow.parse(row).analysed_ms) };
}

const userCatalogueStatement: PreparedStatement = {
  name: 'moodscale_user_catalogue_v1',
  text: `SELECT * FROM (
           SELECT DISTINCT ON (spotify_track_id) spotify_track_id, track_name, artist_name, album_image,
                  (audio_features->>'valence')::float8 AS valence, (audio_features->>'energy')::float8 AS energy,
                  (extract(epoch FROM created_at) * 1000)::float8 AS analysed_ms
             FROM music_analysis
            WHERE user_id = $1
              -- Only numeric features count: providers' jsonb may hold anything, and a failed cast would fail.
              AND jsonb_typeof(audio_features->'valence') = 'number'
              AND jsonb_typeof(audio_features->'energy') = 'number'
            ORDER BY spotify_track_id, created_at DESC, id DESC
         ) t
         ORDER BY t.analysed_ms DESC, t.spotify_track_id
         LIMIT $2::int`,
};

/**
 * The user's own analysed tracks that have valence and energy, each once, newest first (at most 500):
 * a named statement, as /recommend reads it every time.
 */
export async function listUserCatalogue(db: Db, userId: number, limit?: number): Promise<CatalogueTrack[]> {
  const rows = await runPrepared(db, userCatalogueStatement, [userId, boundedLimit(limit, 100, 500)]);
  return rows.map(toCatalogueTrack);
}

/**
 * An analysed track by its title and artist, compared without case or surrounding spaces (the latest
 * analysis when several match); how a suggestion by name resolves without the Web API.
 */
export async function findAnalysedTrackByName(
  db: Db,
  trackName: string,
  artistName: string,
): Promise<MusicAnalysis | undefined> {
  const [row] = await db
    .select()
    .from(musicAnalysis)
    .where(
      and(
        sql`lower(btrim(${musicAnalysis.trackName})) = lower(btrim(${trackName}))`,
        sql`lower(btrim(${musicAnalysis.artistName})) = lower(btrim(${artistName}))`,
      ),
    )
    .orderBy(desc(musicAnalysis.createdAt), desc(musicAnalysis.id))
    .limit(1);
  return row;
}

/** The user's analyses in [since, until), oldest first (at most 2,000): what a weekly insight reads. */
export async function listUserAnalysesBetween(
  db: Db,
  userId: number,
  since: Date,
  until: Date,
): Promise<MusicAnalysis[]> {
  return db
    .select()
    .from(musicAnalysis)
    .where(
      and(
        eq(musicAnalysis.userId, userId),
        gte(musicAnalysis.createdAt, since),
        lt(musicAnalysis.createdAt, until),
      ),
    )
    .orderBy(musicAnalysis.createdAt, musicAnalysis.id)
    .limit(2000);
}

/** The latest analysis of each of these tracks, by track id (tracks never analysed are absent). */
export async function latestAnalysesOfTracks(
  db: Db,
  spotifyTrackIds: readonly string[],
): Promise<Map<string, MusicAnalysis>> {
  const ids = [...new Set(spotifyTrackIds)];
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectDistinctOn([musicAnalysis.spotifyTrackId])
    .from(musicAnalysis)
    .where(inArray(musicAnalysis.spotifyTrackId, ids))
    .orderBy(musicAnalysis.spotifyTrackId, desc(musicAnalysis.createdAt), desc(musicAnalysis.id));
  return new Map(rows.map((r) => [r.spotifyTrackId, r]));
}
