import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../core/logger.js';
import type { Db } from '../../db/database.js';
import type { AiClient } from '../../integrations/ai/openai-client.js';
import { createSpotifyWebApi } from '../../integrations/spotify/spotify-api.js';
import { createInsightService, type InsightService, type NotesReader } from '../insights/insight-service.js';
import type { MusicSettings } from '../music/build-track-analysis.js';
import { createRecommendationService, type RecommendationService } from './recommendation-service.js';

/**
 * Recommendations and insights from the configuration: the language model when one is given (the app's
 * one client and circuit breaker, shared with track analysis), Spotify's search when Web API credentials
 * are set.
 */
export function buildMusicAdvice(deps: {
  db: Db;
  clock: Clock;
  logger: Logger;
  settings: MusicSettings;
  notes: NotesReader;
  ai?: AiClient | undefined;
}): { recommendations: RecommendationService; insights: InsightService } {
  const { music } = deps.settings;
  const { ai } = deps;
  const logger = deps.logger.child({ component: 'music-advice' });
  const webApi = music.spotify
    ? createSpotifyWebApi({
        clientId: music.spotify.clientId,
        clientSecret: music.spotify.clientSecret,
        apiUrl: music.spotifyApiUrl,
        accountsUrl: music.spotifyAccountsUrl,
        timeoutMs: deps.settings.timeoutMs ?? 4000,
      })
    : undefined;
  return {
    recommendations: createRecommendationService({
      db: deps.db,
      clock: deps.clock,
      logger,
      ai,
      searchTrack: webApi ? (query) => webApi.searchTrack(query) : undefined,
    }),
    insights: createInsightService({
      db: deps.db,
      clock: deps.clock,
      logger,
      ai,
      notes: deps.notes,
    }),
  };
}
