import { z } from 'zod';
import type { LocalDate } from '../../core/calendar/index.js';
import type { Db } from '../database.js';
import { type PreparedStatement, runPrepared } from '../raw-query.js';
import { type RankableTrack, toRankableTrack } from './music-analysis.js';

/**
 * The weekly digest's reads, one statement per batch of users (never one per user): who is in the batch
 * and how they want their digest, where they can be reached, their mood entries and analysed music of
 * the two weeks, and the track catalogue the recommendations come from. Local days are computed by
 * PostgreSQL in each user's zone. Which digests are settled is read in digest-deliveries.ts; the
 * insights of sent digests are stored by personality-insights.ts.
 */

const ids = z.coerce.number().int();

const userRow = z.object({
  user_id: ids,
  time_zone: z.string(),
  digest_enabled: z.boolean(),
  digest_day: z.coerce.number(),
  digest_hour: z.coerce.number(),
  dm_blocked: z.boolean(),
});

/** A user as the digest sees them: settings, with every default of an absent settings row. */
export interface DigestUser {
  userId: number;
  timeZone: string;
  digestEnabled: boolean;
  digestDay: number;
  digestHour: number;
  dmBlocked: boolean;
}

const usersAfter: PreparedStatement = {
  name: 'moodscale_digest_users_v1',
  text: `SELECT u.id AS user_id, coalesce(s.time_zone, 'UTC') AS time_zone,
                coalesce(s.digest_enabled, true) AS digest_enabled, coalesce(s.digest_day, 1) AS digest_day,
                coalesce(s.digest_hour, 9) AS digest_hour, (s.dm_blocked_at IS NOT NULL) AS dm_blocked
           FROM users u LEFT JOIN user_settings s ON s.user_id = u.id
          WHERE u.id > $1 ORDER BY u.id LIMIT $2`,
};

const usersByIds: PreparedStatement = {
  name: 'moodscale_digest_users_by_id_v1',
  text: `SELECT u.id AS user_id, coalesce(s.time_zone, 'UTC') AS time_zone,
                coalesce(s.digest_enabled, true) AS digest_enabled, coalesce(s.digest_day, 1) AS digest_day,
                coalesce(s.digest_hour, 9) AS digest_hour, (s.dm_blocked_at IS NOT NULL) AS dm_blocked
           FROM users u LEFT JOIN user_settings s ON s.user_id = u.id
          WHERE u.id = ANY($1::int[]) ORDER BY u.id`,
};

const toUser = (r: z.infer<typeof userRow>): DigestUser => ({
  userId: r.user_id,
  timeZone: r.time_zone,
  digestEnabled: r.digest_enabled,
  digestDay: r.digest_day,
  digestHour: r.digest_hour,
  dmBlocked: r.dm_blocked,
});

/** The next `limit` users after `afterId` (keyset pagination over every user). */
export async function listDigestUsers(db: Db, afterId: number, limit: number): Promise<DigestUser[]> {
  const rows = await runPrepared(db, usersAfter, [afterId, limit]);
  return rows.map((r) => toUser(userRow.parse(r)));
}

/** The users of `userIds` (those that exist), in user order. */
export async function findDigestUsers(db: Db, userIds: readonly number[]): Promise<DigestUser[]> {
  const rows = await runPrepared(db, usersByIds, [userIds]);
  return rows.map((r) => toUser(userRow.parse(r)));
}

const targetRow = z.object({
  user_id: ids,
  platform: z.enum(['discord', 'slack']),
  workspace_id: z.string(),
  external_user_id: z.string(),
});

/** A chat account a digest can be sent to. */
export interface DirectTarget {
  platform: 'discord' | 'slack';
  workspaceId: string;
  externalUserId: string;
}

const targetsOf: PreparedStatement = {
  name: 'moodscale_digest_targets_v1',
  text: `SELECT DISTINCT ON (user_id, platform) user_id, platform, workspace_id, external_user_id
           FROM chat_identities
          WHERE user_id = ANY($1::int[]) AND platform IN ('discord', 'slack')
          ORDER BY user_id, platform, last_seen_at DESC, id DESC`,
};

/**
 * Where each user can get a DM: per platform, the account they used most recently (two Slack workspaces
 * give one), so linked accounts spanning Discord and Slack get one on each.
 */
export async function listDirectTargets(
  db: Db,
  userIds: readonly number[],
): Promise<Map<number, DirectTarget[]>> {
  const rows = await runPrepared(db, targetsOf, [userIds]);
  const targets = new Map<number, DirectTarget[]>();
  for (const raw of rows) {
    const r = targetRow.parse(raw);
    const list = targets.get(r.user_id) ?? [];
    list.push({ platform: r.platform, workspaceId: r.workspace_id, externalUserId: r.external_user_id });
    targets.set(r.user_id, list);
  }
  return targets;
}

/** A batch's users with the zone their local days are counted in. */
export interface ZonedUsers {
  userIds: number[];
  timeZones: string[];
}

const moodRow = z.object({
  user_id: ids,
  id: ids,
  day: z.string(),
  score: z.coerce.number(),
  emotions: z.array(z.string()).nullable(),
});

/** A mood entry as the digest reads it, on its user's local day. */
export interface DigestMoodRow {
  userId: number;
  id: number;
  day: LocalDate;
  score: number;
  emotions: string[];
}

// The UTC range is widened by a day on each side (no zone is further than 14 h from UTC); the local day
// filter then keeps exactly the entries of the users' own days.
const moodsOf: PreparedStatement = {
  name: 'moodscale_digest_moods_v1',
  text: `SELECT m.user_id, m.id, d.day::text AS day, m.mood_score AS score, m.emotions
           FROM unnest($1::int[], $2::text[]) AS u(id, tz)
           JOIN mood_entries m ON m.user_id = u.id
                AND m.created_at >= $3::date - 1 AND m.created_at < $4::date + 2
           CROSS JOIN LATERAL (SELECT ((m.created_at AT TIME ZONE 'UTC') AT TIME ZONE u.tz)::date AS day) d
          WHERE d.day BETWEEN $3::date AND $4::date
          ORDER BY m.user_id, m.created_at, m.id`,
};

/** Every mood entry of the batch whose local day is from `first` to `last` (inclusive). */
export async function moodsBetween(
  db: Db,
  users: ZonedUsers,
  first: LocalDate,
  last: LocalDate,
): Promise<DigestMoodRow[]> {
  const rows = await runPrepared(db, moodsOf, [users.userIds, users.timeZones, first, last]);
  return rows.map((raw) => {
    const r = moodRow.parse(raw);
    return { userId: r.user_id, id: r.id, day: r.day, score: r.score, emotions: r.emotions ?? [] };
  });
}

const feature = z.coerce.number().nullable();
const musicRow = z.object({
  user_id: ids,
  day: z.string(),
  spotify_track_id: z.string(),
  artist_name: z.string(),
  predicted_mood: z.string().nullable(),
  valence: feature,
  energy: feature,
  danceability: feature,
  acousticness: feature,
  tempo: feature,
});

/** An analysed track as the digest reads it, on its user's local day. */
export interface DigestMusicRow {
  userId: number;
  day: LocalDate;
  spotifyTrackId: string;
  artistName: string;
  predictedMood: string | null;
  valence: number | null;
  energy: number | null;
  danceability: number | null;
  acousticness: number | null;
  tempo: number | null;
}

// Providers' jsonb may hold anything: a feature that is not a number reads as null instead of failing
// the cast, and with it every digest of the batch.
const featureOf = (key: string) =>
  `CASE WHEN jsonb_typeof(a.audio_features->'${key}') = 'number' THEN (a.audio_features->>'${key}')::float8 END AS ${key}`;

const musicOf: PreparedStatement = {
  name: 'moodscale_digest_music_v2',
  text: `SELECT a.user_id, d.day::text AS day, a.spotify_track_id, a.artist_name, a.predicted_mood,
                ${['valence', 'energy', 'danceability', 'acousticness', 'tempo'].map(featureOf).join(', ')}
           FROM unnest($1::int[], $2::text[]) AS u(id, tz)
           JOIN music_analysis a ON a.user_id = u.id
                AND a.created_at >= $3::date - 1 AND a.created_at < $4::date + 2
           CROSS JOIN LATERAL (SELECT ((a.created_at AT TIME ZONE 'UTC') AT TIME ZONE u.tz)::date AS day) d
          WHERE d.day BETWEEN $3::date AND $4::date
          ORDER BY a.user_id, a.created_at, a.id`,
};

/** Every analysed track the batch's users shared or linked on their local days `first` to `last`. */
export async function musicBetween(
  db: Db,
  users: ZonedUsers,
  first: LocalDate,
  last: LocalDate,
): Promise<DigestMusicRow[]> {
  const rows = await runPrepared(db, musicOf, [users.userIds, users.timeZones, first, last]);
  return rows.map((raw) => {
    const r = musicRow.parse(raw);
    return {
      userId: r.user_id,
      day: r.day,
      spotifyTrackId: r.spotify_track_id,
      artistName: r.artist_name,
      predictedMood: r.predicted_mood,
      valence: r.valence,
      energy: r.energy,
      danceability: r.danceability,
      acousticness: r.acousticness,
      tempo: r.tempo,
    };
  });
}

const catalogueOf: PreparedStatement = {
  name: 'moodscale_digest_catalogue_v2',
  text: `SELECT DISTINCT ON (spotify_track_id) spotify_track_id, track_name, artist_name, album_image,
                (audio_features->>'valence')::float8 AS valence, (audio_features->>'energy')::float8 AS energy
           FROM music_analysis
          WHERE jsonb_typeof(audio_features->'valence') = 'number'
            AND jsonb_typeof(audio_features->'energy') = 'number'
          ORDER BY spotify_track_id, created_at DESC
          LIMIT $1`,
};

/**
 * The analysed tracks recommendations are drawn from, each once with its latest features. Read once per
 * run: the ranker indexes the list once and every user of every batch is ranked against it.
 */
export async function trackCatalogue(db: Db, limit: number): Promise<RankableTrack[]> {
  const rows = await runPrepared(db, catalogueOf, [limit]);
  return rows.map(toRankableTrack);
}
