import { createHash } from 'node:crypto';
import type { Config } from '../config.js';
import type { Clock } from '../core/clock.js';
import type { HelpCommand } from '../core/commands/index.js';
import type { Logger } from '../core/logger.js';
import type { FieldCipher } from '../crypto/field-cipher.js';
import type { Db } from '../db/database.js';
import { type AiClient, createAiClient } from '../integrations/ai/openai-client.js';
import { type AuditObserver, type AuditWriter, createAuditWriter } from './audit-writer.js';
import { DEFAULT_CARE_TEXT } from './care/care-resources.js';
import {
  type ChannelDigestService,
  createChannelDigestService,
} from './channel-digest/channel-digest-service.js';
import { type ChartRenderer, createChartRenderer } from './charts/index.js';
import { type CheckinService, createCheckinService } from './checkins/checkin-service.js';
import { type ConfirmationCodes, createConfirmationCodes } from './confirmation-codes.js';
import { createIdentityService, type IdentityService } from './identity-service.js';
import { createImportService, type ImportService } from './import/import-service.js';
import type { InsightService } from './insights/insight-service.js';
import { createLinkService, type LinkService } from './link-service.js';
import { createMoodService, type MoodService } from './mood/mood-service.js';
import { createMoodWriteBatcher } from './mood/mood-write-batcher.js';
import { createNoteCipher } from './mood/note-cipher.js';
import { buildTrackAnalysis, type MusicSettings } from './music/build-track-analysis.js';
import { createRecentPlays, type RecentPlays } from './music/recent-plays.js';
import type { TrackAnalysisService } from './music/track-analysis.js';
import { createPrivacyService, type PrivacyService } from './privacy/privacy-service.js';
import { createRateLimiter, type RateLimiter } from './rate-limiter.js';
import { buildMusicAdvice } from './recommendations/build-music-advice.js';
import type { RecommendationService } from './recommendations/recommendation-service.js';
import { createSettingsService, type SettingsService } from './settings-service.js';
import {
  createSpotifyAccountService,
  type SpotifyAccountService,
} from './spotify-account/spotify-account-service.js';

/** Everything a command handler may use. Built once by the composition root, or by a test. */
export interface Services {
  clock: Clock;
  logger: Logger;
  identities: IdentityService;
  moods: MoodService;
  /** Daily check-in settings and the answers to its prompts (/checkin). */
  checkins: CheckinService;
  settings: SettingsService;
  privacy: PrivacyService;
  /** /import: a file read into a preview, then written once on confirmation. */
  imports: ImportService;
  links: LinkService;
  tracks: TrackAnalysisService;
  /** Music for the latest mood (/recommend and the digest). */
  recommendations: RecommendationService;
  /** Weekly personality insights (/insights and the digest). */
  insights: InsightService;
  /** The weekly channel post's switch (/channel-digest) and who belongs to which Discord server. */
  channelDigest: ChannelDigestService;
  /** Present when Spotify linking is configured (client id and redirect URI). */
  spotifyAccount: SpotifyAccountService | undefined;
  /** Analyses a linked account's recently played tracks (present with spotifyAccount). */
  recentPlays: RecentPlays | undefined;
  confirmations: ConfirmationCodes;
  audit: AuditWriter;
  rateLimiter: RateLimiter;
  care: { text: string };
  /** Draws the pictures (/history, /insights and the weekly digest). */
  charts: ChartRenderer;
  /** The declared commands, for /help (filled in by whoever builds the command registry). */
  catalog: { commands(): HelpCommand[] };
}

export interface ServiceDeps {
  db: Db;
  cipher: FieldCipher;
  clock: Clock;
  logger: Logger;
  config: Pick<Config, 'rateLimit' | 'care'> & Partial<Pick<Config, 'imports'>>;
  /** Key material for stateless codes; any instance sharing it accepts another's codes. */
  secret: string;
  /**
   * Where track analysis gets its data, and the language model's settings (one client for every use);
   * the public services with no language model when not given.
   */
  music?: MusicSettings;
  catalog?: Services['catalog'];
  /** How /mood writes are grouped (see createMoodWriteBatcher); its defaults otherwise. */
  moodWrite?: { maxInFlight?: number; maxBatch?: number };
  /** Told what the audit trail holds back during a database outage and what it had to drop. */
  auditObserver?: AuditObserver;
  /**
   * The one chart renderer of the process (the composition root shares it with the digest); a new one
   * when not given (tests, benchmarks). Making one loads nothing until the first chart.
   */
  charts?: ChartRenderer;
}

/** IMPORT_MAX_ENTRIES, IMPORT_MAX_BYTES and IMPORT_PER_HOUR's defaults (see config.ts). */
const DEFAULT_IMPORT_LIMITS: Config['imports'] = {
  maxEntries: 10_000,
  maxBytes: 5 * 1024 * 1024,
  perHour: 10,
};

const defaultMusic: MusicSettings = {
  music: {
    spotify: undefined,
    spotifyApiUrl: 'https://api.spotify.com',
    spotifyAccountsUrl: 'https://accounts.spotify.com',
    oembedUrl: 'https://open.spotify.com/oembed',
    reccoBeatsUrl: 'https://api.reccobeats.com',
    redirectUri: undefined,
  },
  ai: undefined,
};

/**
 * The one language model client (and so the one circuit breaker) for track moods, recommendations and
 * insights, when OPENAI_API_KEY is set: failures of one use open the breaker for all, and every call is
 * reported to `onModelCall` with its purpose. Without a key each use answers from its local path.
 */
function buildLanguageModel(music: MusicSettings, logger: Logger): AiClient | undefined {
  if (!music.ai) return undefined;
  return createAiClient({
    apiKey: music.ai.apiKey,
    ...(music.ai.baseUrl ? { baseURL: music.ai.baseUrl } : {}),
    model: music.ai.model,
    logger: logger.child({ component: 'language-model' }),
    ...(music.timeoutMs ? { timeoutMs: music.timeoutMs } : {}),
    ...(music.onModelCall ? { onCall: music.onModelCall } : {}),
  });
}

export function createServices(deps: ServiceDeps): Services {
  const { db, clock, logger } = deps;
  const identities = createIdentityService({ db, logger });
  const notes = createNoteCipher({ cipher: deps.cipher, logger });
  const moods = createMoodService({
    db,
    clock,
    notes,
    writer: createMoodWriteBatcher({ db, ...deps.moodWrite }),
  });
  const music = deps.music ?? defaultMusic;
  const derive = (purpose: string) =>
    createHash('sha256').update(`moodscale-${purpose}\u0000${deps.secret}`).digest();
  const ai = buildLanguageModel(music, logger);
  const tracks = buildTrackAnalysis({ db, clock, logger, settings: music, ai });
  const spotify = music.music.spotify;
  const spotifyAccount =
    spotify && music.music.redirectUri
      ? createSpotifyAccountService({
          db,
          cipher: deps.cipher,
          clock,
          logger,
          settings: {
            clientId: spotify.clientId,
            redirectUri: music.music.redirectUri,
            accountsUrl: music.music.spotifyAccountsUrl,
            apiUrl: music.music.spotifyApiUrl,
            secret: derive('spotify-oauth'),
          },
        })
      : undefined;
  const settings = createSettingsService({ db, identities, onChange: (userId) => moods.forget(userId) });
  const audit = createAuditWriter({
    db,
    logger,
    ...(deps.auditObserver ? { observer: deps.auditObserver } : {}),
  });
  const importLimits = deps.config.imports ?? DEFAULT_IMPORT_LIMITS;
  return {
    clock,
    logger,
    identities,
    moods,
    checkins: createCheckinService({ db, clock, moods, notes }),
    tracks,
    ...buildMusicAdvice({
      db,
      clock,
      logger,
      settings: music,
      notes: (id, period) => moods.notes(id, period),
      ai,
    }),
    channelDigest: createChannelDigestService({ db, logger, now: () => clock.now() }),
    spotifyAccount,
    recentPlays: spotifyAccount
      ? createRecentPlays({ db, clock, logger, account: spotifyAccount, tracks })
      : undefined,
    settings,
    privacy: createPrivacyService({ db, clock, identities, notes }),
    imports: createImportService({
      db,
      cipher: deps.cipher,
      notes,
      clock,
      logger,
      audit,
      settings,
      limiter: createRateLimiter(
        { points: importLimits.perHour, durationSeconds: 3600, store: deps.config.rateLimit.store },
        db,
      ),
      limits: importLimits,
      onImported: (userId) => moods.forget(userId),
    }),
    links: createLinkService({
      db,
      clock,
      cipher: deps.cipher,
      identities,
      secret: derive('link-codes'),
      onMerged: (userIds) => {
        for (const id of userIds) moods.forget(id);
      },
    }),
    confirmations: createConfirmationCodes({ secret: derive('confirmations'), clock }),
    audit,
    rateLimiter: createRateLimiter(deps.config.rateLimit, db),
    care: { text: deps.config.care.text ?? DEFAULT_CARE_TEXT },
    charts: deps.charts ?? createChartRenderer(),
    catalog: deps.catalog ?? { commands: () => [] },
  };
}
