import type { AudioFeatures, TrackMood } from '../core/music.js';

// The shared vocabulary lives in core (the schema and the seed use it too); integrations re-export it.
export { type AudioFeatures, knownTrackMoods, type TrackMood, trackMoods } from '../core/music.js';

/** A Spotify link as found in a message, before anything is fetched. */
export type SpotifyLink =
  | { kind: 'track'; id: string }
  | { kind: 'album' | 'playlist' | 'artist' | 'episode' | 'show'; id: string }
  /** spotify.link/... or open.spotify.com/s/...: resolved by following redirects to Spotify hosts only. */
  | { kind: 'short'; url: string };

/** What a track is: from Spotify's Web API (with credentials) or its keyless oEmbed. */
export interface TrackMetadata {
  id: string;
  name: string;
  /** Primary artist; oEmbed has no artist field, so it may be derived or 'Unknown artist'. */
  artist: string;
  albumImage: string | null;
  source: 'spotify' | 'oembed';
}

export interface MetadataProvider {
  /** Undefined when the track does not exist; throws only for outages (the caller degrades). */
  track(id: string): Promise<TrackMetadata | undefined>;
}

/** One link of the audio-features chain (Spotify, ReccoBeats, ...). */
export interface AudioFeaturesProvider {
  readonly name: string;
  /** Undefined when this provider has nothing for the track (or is known to refuse); never throws. */
  features(trackId: string): Promise<AudioFeatures | undefined>;
}

/** A predicted mood, how sure, and where it came from. */
export interface MoodPrediction {
  mood: TrackMood;
  /** 0 to 1. */
  confidence: number;
  source: 'audio-features' | 'language-model' | 'unknown';
}
