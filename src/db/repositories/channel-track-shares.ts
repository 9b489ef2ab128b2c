import { and, asc, eq, gte, lt, sql } from 'drizzle-orm';
import type { Db } from '../database.js';
import { queryRows } from '../raw-query.js';
import { channelTrackShares, musicAnalysis } from '../schema/index.js';
import type { ChannelKey } from './channel-digest-channels.js';
import { type RankableTrack, toRankableTrack } from './music-analysis.js';
import { storableText } from './text-guard.js';

/** Records that the share `musicAnalysisId` happened in a channel. */
export async function recordChannelShare(
  db: Db,
  musicAnalysisId: number,
  channel: ChannelKey,
): Promise<void> {
  await db.insert(channelTrackShares).values({
    musicAnalysisId,
    platform: channel.platform,
    workspaceId: storableText(channel.workspaceId, 'workspace id'),
    channelId: storableText(channel.channelId, 'channel id'),
  });
}

/** One track shared in a channel during a period, with how often and its analysed mood. */
export interface ChannelSharedTrack {
  spotifyTrackId: string;
  trackName: string;
  artistName: string;
  albumImage: string | null;
  predictedMood: string | null;
  moodConfidence: number | null;
  valence: number | null;
  energy: number | null;
  shares: number;
  firstSharedAt: Date;
}

const numberOrNull = (value: unknown): number | null =>
  typeof value === 'number' && Number.isFinite(value) ? value : null;

/**
 * The tracks shared in a channel in [from, to), first shared first; a track shared several times is one
 * entry with its count. Who shared them is not selected: a channel post never names anyone.
 */
export async function listChannelShares(
  db: Db,
  channel: ChannelKey,
  from: Date,
  to: Date,
  limit = 500,
): Promise<ChannelSharedTrack[]> {
  const rows = await db
    .select({
      spotifyTrackId: musicAnalysis.spotifyTrackId,
      trackName: musicAnalysis.trackName,
      artistName: musicAnalysis.artistName,
      albumImage: musicAnalysis.albumImage,
      predictedMood: musicAnalysis.predictedMood,
      moodConfidence: musicAnalysis.moodConfidence,
      audioFeatures: musicAnalysis.audioFeatures,
      sharedAt: channelTrackShares.createdAt,
    })
    .from(channelTrackShares)
    .innerJoin(musicAnalysis, eq(musicAnalysis.id, channelTrackShares.musicAnalysisId))
    .where(
      and(
        eq(channelTrackShares.platform, channel.platform),
        eq(channelTrackShares.workspaceId, channel.workspaceId),
        eq(channelTrackShares.channelId, channel.channelId),
        gte(channelTrackShares.createdAt, from),
        lt(channelTrackShares.createdAt, to),
      ),
    )
    .orderBy(asc(channelTrackShares.createdAt), asc(channelTrackShares.id))
    .limit(limit);
  const byTrack = new Map<string, ChannelSharedTrack>();
  for (const row of rows) {
    const known = byTrack.get(row.spotifyTrackId);
    if (known) {
      known.shares += 1;
      continue;
    }
    byTrack.set(row.spotifyTrackId, {
      spotifyTrackId: row.spotifyTrackId,
      trackName: row.trackName,
      artistName: row.artistName,
      albumImage: row.albumImage,
      predictedMood: row.predictedMood,
      moodConfidence: row.moodConfidence,
      valence: numberOrNull(row.audioFeatures?.valence),
      energy: numberOrNull(row.audioFeatures?.energy),
      shares: 1,
      firstSharedAt: row.sharedAt,
    });
  }
  return [...byTrack.values()];
}

/** An analysed track as the channel's recommendations rank it. */
export type CatalogueTrack = RankableTrack;

/**
 * The analysed tracks (one per track id) nearest a point in valence and energy, at most `limit`: the
 * candidates a ranking then orders. The whole catalogue is read once per call, which a weekly job affords.
 */
export async function catalogueNear(
  db: Db,
  target: { valence: number; energy: number },
  limit: number,
): Promise<CatalogueTrack[]> {
  const rows = await queryRows(
    db,
    sql`SELECT * FROM (
          SELECT DISTINCT ON (spotify_track_id) spotify_track_id, track_name, artist_name, album_image,
                 (audio_features->>'valence')::float8 AS valence, (audio_features->>'energy')::float8 AS energy
            FROM music_analysis
           WHERE jsonb_typeof(audio_features->'valence') = 'number'
             AND jsonb_typeof(audio_features->'energy') = 'number'
           ORDER BY spotify_track_id, created_at DESC
        ) tracks
        ORDER BY (valence - ${target.valence}::float8) ^ 2 + (energy - ${target.energy}::float8) ^ 2, spotify_track_id
        LIMIT ${Math.max(1, Math.min(1000, Math.trunc(limit)))}`,
  );
  return rows.map(toRankableTrack);
}
