import { DAY_MS } from '../../core/calendar/index.js';
import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../core/logger.js';
import type { Db } from '../../db/database.js';
import { trackIdsOfUserSince } from '../../db/repositories/music-analysis.js';
import type { SpotifyAccountService } from '../spotify-account/spotify-account-service.js';
import type { TrackAnalysisService } from './track-analysis.js';

/** Recently played tracks newer than this are not analysed twice for one user. */
const FRESH_DAYS = 7;
/** At most this many new tracks per sync, so one call stays bounded whatever Spotify returns. */
const PER_SYNC = 20;

export interface RecentPlays {
  /** Analyses the linked account's recently played tracks the user has not had analysed this week. */
  sync(userId: number): Promise<{ analysed: number; skipped: number }>;
}

/**
 * Feeds a linked Spotify account's listening into music_analysis (what weekly insights read), reusing
 * analyses across users like a share does. Bounded per call; Spotify's list is cached by the account
 * service, and tracks analysed for this user in the last week are skipped.
 */
export function createRecentPlays(deps: {
  db: Db;
  clock: Clock;
  logger: Logger;
  account: SpotifyAccountService;
  tracks: TrackAnalysisService;
}): RecentPlays {
  return {
    async sync(userId) {
      const ids = await deps.account.recentTracks(userId, 50);
      const since = new Date(deps.clock.now().getTime() - FRESH_DAYS * DAY_MS);
      const known = await trackIdsOfUserSince(deps.db, userId, since);
      const fresh = [...new Set(ids)].filter((id) => !known.has(id)).slice(0, PER_SYNC);
      let analysed = 0;
      for (const id of fresh) {
        const outcome = await deps.tracks.share(userId, { kind: 'track', id });
        if (outcome.kind === 'track') analysed++;
      }
      deps.logger.debug({ userId, analysed, candidates: ids.length }, 'recently played tracks synced');
      return { analysed, skipped: ids.length - analysed };
    },
  };
}
