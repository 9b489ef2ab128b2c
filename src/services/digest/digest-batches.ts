import { daysOfWeek, isKnownTimeZone, previousWeek } from '../../core/calendar/index.js';
import type { Db } from '../../db/database.js';
import {
  type DigestMoodRow,
  type DigestMusicRow,
  type DigestUser,
  findDigestUsers,
  listDigestUsers,
  moodsBetween,
  musicBetween,
  trackCatalogue,
} from '../../db/repositories/digest-data.js';
import type { RankableTrack } from '../../db/repositories/music-analysis.js';
import type { RankedTrack } from '../recommendations/rank-local.js';
import { buildDigest, type DigestData } from './build-digest.js';

/**
 * The digest's reads in batches of users (one statement per kind of row per batch, never one per user)
 * and the digests computed from them with the pure builder.
 */

/** The tracks recommendations come from, and the rankings made from them in this run. */
export interface Catalogue {
  tracks: readonly RankableTrack[];
  rankings: Map<string, RankedTrack[]>;
}

const CATALOGUE_LIMIT = 200_000;

/** The zone a user's days are counted in: their own, or UTC when it is not one this runtime knows. */
export const zoneOf = (user: DigestUser): string => (isKnownTimeZone(user.timeZone) ? user.timeZone : 'UTC');

/** Every user (or those of `userIds`) in batches of `batchSize`, in user order, until `signal` aborts. */
export async function* userBatches(
  db: Db,
  batchSize: number,
  userIds: readonly number[] | undefined,
  signal?: AbortSignal,
): AsyncGenerator<DigestUser[]> {
  if (userIds) {
    for (let i = 0; i < userIds.length && !signal?.aborted; i += batchSize)
      yield await findDigestUsers(db, userIds.slice(i, i + batchSize));
    return;
  }
  let after = 0;
  while (!signal?.aborted) {
    const users = await listDigestUsers(db, after, batchSize);
    if (users.length === 0) return;
    yield users;
    after = users.at(-1)!.userId;
  }
}

/** The catalogue, read once per run when first needed, with the run's shared rankings. */
export function catalogueOnce(db: Db): () => Promise<Catalogue> {
  let loaded: Promise<Catalogue> | undefined;
  return () => {
    loaded ??= trackCatalogue(db, CATALOGUE_LIMIT).then((tracks) => ({ tracks, rankings: new Map() }));
    return loaded;
  };
}

function groupBy<T extends { userId: number }>(rows: readonly T[]): Map<number, T[]> {
  const groups = new Map<number, T[]>();
  for (const row of rows) {
    const list = groups.get(row.userId);
    if (list) list.push(row);
    else groups.set(row.userId, [row]);
  }
  return groups;
}

/** The digests of one batch's users for one week: two queries (and the run's catalogue), then pure code. */
export async function computeDigests(
  db: Db,
  users: readonly DigestUser[],
  period: string,
  catalogue: () => Promise<Catalogue>,
): Promise<DigestData[]> {
  if (users.length === 0) return [];
  const zoned = { userIds: users.map((u) => u.userId), timeZones: users.map(zoneOf) };
  const days = daysOfWeek(period);
  const from = daysOfWeek(previousWeek(period))[0]!;
  const [moods, music, { tracks, rankings }] = await Promise.all([
    moodsBetween(db, zoned, from, days[6]!),
    musicBetween(db, zoned, days[0]!, days[6]!),
    catalogue(),
  ]);
  const moodsOf = groupBy<DigestMoodRow>(moods);
  const musicOf = groupBy<DigestMusicRow>(music);
  return users.map((u) =>
    buildDigest({
      userId: u.userId,
      period,
      moods: moodsOf.get(u.userId) ?? [],
      music: musicOf.get(u.userId) ?? [],
      catalogue: tracks,
      rankings,
    }),
  );
}
