import { and, desc, eq, gte } from 'drizzle-orm';
import type { Db } from '../database.js';
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
