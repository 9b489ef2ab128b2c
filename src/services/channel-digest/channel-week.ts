import type { WeekSpan } from '../../core/calendar/index.js';
import type { Db } from '../../db/database.js';
import type { ChannelKey } from '../../db/repositories/channel-digest-channels.js';
import {
  type CatalogueTrack,
  type ChannelSharedTrack,
  catalogueNear,
  listChannelShares,
} from '../../db/repositories/channel-track-shares.js';
import { type VibeFigures, vibeFigures } from '../../db/repositories/channel-vibe.js';
import { type RankedTrack, rankNearTarget } from '../recommendations/rank-local.js';

/** The channel vibe is shown only when at least this many opted-in members logged moods that week. */
export const MIN_VIBE_CONTRIBUTORS = 5;

/** Everything a channel's weekly post is built from; nothing in it identifies a person. */
export interface ChannelWeek {
  week: WeekSpan;
  shared: ChannelSharedTrack[];
  /** The average valence and energy of the shared tracks that have audio features. */
  musicalMood: { valence: number; energy: number; tracks: number } | undefined;
  recommendations: RankedTrack[];
  /** Present only from MIN_VIBE_CONTRIBUTORS contributors on. */
  vibe: VibeFigures | undefined;
}

/** How many nearby catalogue tracks the ranking chooses from. */
const CANDIDATES = 200;

export async function gatherChannelWeek(
  db: Db,
  channel: ChannelKey,
  week: WeekSpan,
  recommendationCount = 3,
): Promise<ChannelWeek> {
  const shared = await listChannelShares(db, channel, week.start, week.end);
  const withFeatures = shared.filter(
    (t): t is ChannelSharedTrack & { valence: number; energy: number } =>
      t.valence !== null && t.energy !== null,
  );
  const musicalMood =
    withFeatures.length > 0
      ? {
          valence: withFeatures.reduce((sum, t) => sum + t.valence, 0) / withFeatures.length,
          energy: withFeatures.reduce((sum, t) => sum + t.energy, 0) / withFeatures.length,
          tracks: withFeatures.length,
        }
      : undefined;
  let recommendations: RankedTrack[] = [];
  if (musicalMood) {
    const exclude = new Set(shared.map((t) => t.spotifyTrackId));
    const candidates: CatalogueTrack[] = await catalogueNear(db, musicalMood, CANDIDATES + exclude.size);
    recommendations = rankNearTarget({
      target: musicalMood,
      candidates,
      limit: recommendationCount,
      exclude,
    });
  }
  const figures = await vibeFigures(db, channel.platform, channel.workspaceId, week.start, week.end);
  return {
    week,
    shared,
    musicalMood,
    recommendations,
    vibe: figures.contributors >= MIN_VIBE_CONTRIBUTORS ? figures : undefined,
  };
}
