import type { Config } from '../../config.js';
import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../core/logger.js';
import type { Db } from '../../db/database.js';
import type { AiClient, ModelCallReport } from '../../integrations/ai/openai-client.js';
import { refineTrackMood } from '../../integrations/ai/track-mood.js';
import { createFeaturesChain } from '../../integrations/audio-features/chain.js';
import { createReccoBeats } from '../../integrations/audio-features/reccobeats.js';
import { createSpotifyAudioFeatures } from '../../integrations/audio-features/spotify-features.js';
import type { AudioFeaturesProvider } from '../../integrations/music-types.js';
import { createMetadataChain } from '../../integrations/spotify/metadata.js';
import { createOEmbedMetadata } from '../../integrations/spotify/oembed.js';
import { createShortLinkResolver } from '../../integrations/spotify/short-link-resolver.js';
import { createSpotifyWebApi } from '../../integrations/spotify/spotify-api.js';
import { predictFromFeatures } from './mood-model.js';
import { createTrackAnalysisService, type TrackAnalysisService } from './track-analysis.js';

export interface MusicSettings {
  music: Config['music'];
  ai: Config['ai'];
  /**
   * Per outbound request; every provider degrades instead of failing when it runs out (4 s, and 2 s for
   * the language model, which refines answers a user is waiting for).
   */
  timeoutMs?: number;
  /** Tests point the providers at loopback fakes; production never sets these two. */
  allowLoopbackForTests?: boolean;
  shortLinkHosts?: readonly string[];
  /** Told how each language model call went, whatever its purpose (metrics). */
  onModelCall?: (call: ModelCallReport) => void;
}

/**
 * Track analysis from the configuration: metadata from the Web API (with credentials) else oEmbed,
 * audio features from Spotify (remembering a 403) then ReccoBeats, the local mood model, and the
 * language model when one is given (the app's one client, shared with recommendations and insights).
 */
export function buildTrackAnalysis(deps: {
  db: Db;
  clock: Clock;
  logger: Logger;
  settings: MusicSettings;
  ai?: AiClient | undefined;
}): TrackAnalysisService {
  const { music } = deps.settings;
  const { ai } = deps;
  const timeoutMs = deps.settings.timeoutMs ?? 4000;
  const logger = deps.logger.child({ component: 'music' });
  const webApi = music.spotify
    ? createSpotifyWebApi({
        clientId: music.spotify.clientId,
        clientSecret: music.spotify.clientSecret,
        apiUrl: music.spotifyApiUrl,
        accountsUrl: music.spotifyAccountsUrl,
        timeoutMs,
      })
    : undefined;
  const featureProviders: AudioFeaturesProvider[] = [];
  if (webApi) {
    featureProviders.push(
      createSpotifyAudioFeatures({
        getToken: () => webApi.accessToken(),
        apiUrl: music.spotifyApiUrl,
        timeoutMs,
        logger,
      }),
    );
  }
  featureProviders.push(createReccoBeats({ apiUrl: music.reccoBeatsUrl, timeoutMs, logger }));
  const resolver = createShortLinkResolver({
    timeoutMs,
    ...(deps.settings.allowLoopbackForTests ? { allowLoopbackForTests: true } : {}),
    ...(deps.settings.shortLinkHosts ? { allowedHosts: deps.settings.shortLinkHosts } : {}),
  });
  return createTrackAnalysisService({
    db: deps.db,
    clock: deps.clock,
    logger: deps.logger,
    metadata: createMetadataChain(
      webApi,
      createOEmbedMetadata({ oembedUrl: music.oembedUrl, timeoutMs }),
      logger,
    ),
    features: createFeaturesChain(featureProviders),
    predict: predictFromFeatures,
    ...(ai ? { refine: (input) => refineTrackMood(ai, input) } : {}),
    resolveShortLink: (url) => resolver.resolve(url),
  });
}
