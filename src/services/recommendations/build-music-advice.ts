import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../core/logger.js';
import type { Db } from '../../db/database.js';
import { createAiClient } from '../../integrations/ai/openai-client.js';
import { createSpotifyWebApi } from '../../integrations/spotify/spotify-api.js';
import { createInsightService, type InsightService, type NotesReader } from '../insights/insight-service.js';
import type { MusicSettings } from '../music/build-track-analysis.js';
import { createRecommendationService, type RecommendationService } from './recommendation-service.js';

/**
 * Recommendations and insights from the configuration: the language model when OPENAI_API_KEY is set (one
 * client and circuit breaker for both), Spotify's search when Web API credentials are set.
 */
export function buildMusicAdvice(deps: {
  db: Db;
  clock: Clock;
  logger: Logger;
  settings: MusicSettings;
  notes: NotesReader;
}): { recommendations: RecommendationService; insights: InsightService } {
  const { music, ai } = deps.settings;
  const logger = deps.logger.child({ component: 'music-advice' });
  const aiClient = ai
    ? createAiClient({
        apiKey: ai.apiKey,
        ...(ai.baseUrl ? { baseURL: ai.baseUrl } : {}),
        model: ai.model,
        logger,
        ...(deps.settings.timeoutMs ? { timeoutMs: deps.settings.timeoutMs } : {}),
      })
    : undefined;
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
      ai: aiClient,
      searchTrack: webApi ? (query) => webApi.searchTrack(query) : undefined,
    }),
    insights: createInsightService({
      db: deps.db,
      clock: deps.clock,
      logger,
      ai: aiClient,
      notes: deps.notes,
    }),
  };
}
