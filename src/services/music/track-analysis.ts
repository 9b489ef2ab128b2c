import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../core/logger.js';
import { LruCache } from '../../core/lru-cache.js';
import type { Db } from '../../db/database.js';
import type { ChannelKey } from '../../db/repositories/channel-digest-channels.js';
import { recordChannelShare } from '../../db/repositories/channel-track-shares.js';
import { findLatestAnalysisOfTrack, recordShare } from '../../db/repositories/music-analysis.js';
import type { MusicAnalysis } from '../../db/schema/index.js';
import type {
  AudioFeatures,
  AudioFeaturesProvider,
  MetadataProvider,
  MoodPrediction,
  SpotifyLink,
  TrackMetadata,
} from '../../integrations/music-types.js';
import { isProviderError, outageSummary } from '../../integrations/spotify/http.js';

/** An analysed share, as the track card shows it. */
export type { MusicAnalysis };

/** What one share of a link came to. */
export type ShareOutcome =
  | { kind: 'track'; analysis: MusicAnalysis; prediction: MoodPrediction; reused: boolean }
  | { kind: 'not-a-track'; linkKind: 'album' | 'playlist' | 'artist' | 'episode' | 'show' }
  | { kind: 'not-found'; trackId: string }
  | { kind: 'unresolved' }
  | { kind: 'unavailable'; trackId: string };

export interface TrackAnalysisService {
  /**
   * Analyses the link's track (or reuses an earlier analysis) and records that this user shared it, and
   * in which channel when it was shared in one (for the channel's weekly post).
   */
  share(userId: number, link: SpotifyLink, channel?: ChannelKey): Promise<ShareOutcome>;
}

export interface TrackAnalysisDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  metadata: MetadataProvider;
  features: AudioFeaturesProvider;
  /** The local model: a mood from audio features. */
  predict(features: AudioFeatures): MoodPrediction;
  /** The language model's refinement, when configured; returns the local prediction on any failure. */
  refine?: (input: {
    trackName: string;
    artistName: string;
    features?: AudioFeatures;
    local: MoodPrediction;
  }) => Promise<MoodPrediction>;
  resolveShortLink(url: string): Promise<SpotifyLink | undefined>;
}

/** An analysis as reused across users: everything but who shared it and when. */
type Template = Omit<MusicAnalysis, 'id' | 'userId' | 'createdAt'>;

interface Lookup {
  value: Template | 'not-found' | 'unavailable';
  reused: boolean;
}

const UNKNOWN: MoodPrediction = { mood: 'unknown', confidence: 0.1, source: 'unknown' };

/**
 * Track analysis with reuse: one analysis per track serves every user. A track seen before (in this
 * process's LRU, or in music_analysis by spotify_track_id) answers with no outbound call; a new one
 * asks metadata, then audio features, then the local model, then (optionally) the language model.
 * Every share still stores a row for the user who shared it.
 */
export function createTrackAnalysisService(deps: TrackAnalysisDeps): TrackAnalysisService {
  const cache = new LruCache<string, Template>(5_000, 6 * 3_600_000);
  // Two people sharing one new track at once cause one analysis, not two.
  const inFlight = new Map<string, Promise<Lookup>>();
  const log = deps.logger.child({ component: 'track-analysis' });

  async function analyse(trackId: string): Promise<Template | 'not-found' | 'unavailable'> {
    let metadata: TrackMetadata | undefined;
    try {
      metadata = await deps.metadata.track(trackId);
    } catch (error) {
      // An outage (offline, Spotify down) is expected and gets one line; anything else keeps its stack.
      if (isProviderError(error))
        log.warn({ trackId, err: outageSummary(error) }, 'track metadata unavailable');
      else log.warn({ err: error, trackId }, 'track metadata unavailable');
      return 'unavailable';
    }
    if (!metadata) return 'not-found';
    const features = await deps.features.features(trackId);
    let prediction = features ? deps.predict(features) : UNKNOWN;
    if (deps.refine) {
      prediction = await deps.refine({
        trackName: metadata.name,
        artistName: metadata.artist,
        ...(features ? { features } : {}),
        local: prediction,
      });
    }
    return {
      spotifyTrackId: trackId,
      trackName: metadata.name,
      artistName: metadata.artist,
      albumImage: metadata.albumImage,
      // Where the prediction came from travels with the features (the table has no column for it).
      audioFeatures: { ...(features ?? {}), moodSource: prediction.source },
      predictedMood: prediction.mood,
      moodConfidence: prediction.confidence,
    };
  }

  /**
   * The track's analysis: from memory, else from the database, else made now. The memory and in-flight
   * checks happen together before any await, so concurrent shares of one track share one lookup.
   */
  async function template(trackId: string): Promise<Lookup> {
    const cached = cache.get(trackId);
    if (cached) return { value: cached, reused: true };
    const joined = inFlight.get(trackId);
    if (joined) return { value: (await joined).value, reused: true };
    const pending = lookup(trackId)
      .then((result) => {
        if (typeof result.value !== 'string') cache.set(trackId, result.value);
        return result;
      })
      .finally(() => inFlight.delete(trackId));
    inFlight.set(trackId, pending);
    return pending;
  }

  async function lookup(trackId: string): Promise<Lookup> {
    const stored = await findLatestAnalysisOfTrack(deps.db, trackId);
    if (stored) {
      const { id: _id, userId: _user, createdAt: _at, ...rest } = stored;
      return { value: rest, reused: true };
    }
    return { value: await analyse(trackId), reused: false };
  }

  return {
    async share(userId, link, channel) {
      let target = link;
      if (target.kind === 'short') {
        const resolved = await deps.resolveShortLink(target.url);
        if (!resolved || resolved.kind === 'short') return { kind: 'unresolved' };
        target = resolved;
      }
      if (target.kind !== 'track') return { kind: 'not-a-track', linkKind: target.kind };
      const { value, reused } = await template(target.id);
      if (value === 'not-found') return { kind: 'not-found', trackId: target.id };
      if (value === 'unavailable') return { kind: 'unavailable', trackId: target.id };
      const analysis = await recordShare(deps.db, { ...value, userId });
      if (channel) await recordChannelShare(deps.db, analysis.id, channel);
      return { kind: 'track', analysis, prediction: predictionOf(value), reused };
    },
  };
}

function predictionOf(template: Template): MoodPrediction {
  const source = template.audioFeatures?.moodSource;
  return {
    mood: (template.predictedMood as MoodPrediction['mood'] | null) ?? 'unknown',
    confidence: template.moodConfidence ?? 0,
    source: source === 'audio-features' || source === 'language-model' ? source : 'unknown',
  };
}
