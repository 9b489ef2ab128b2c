import { and, desc, eq, gte } from 'drizzle-orm';
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
