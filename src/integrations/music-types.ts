import type { AudioFeatures } from '../db/schema/index.js';

export type { AudioFeatures };

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

/** The moods a track can be given: the fixed vocabulary of track analysis, 'unknown' aside. */
export const knownTrackMoods = [
  'happy',
  'energetic',
  'calm',
  'sad',
  'tense',
  'melancholic',
  'romantic',
  'dark',
] as const;
/** The fixed mood vocabulary of track analysis. */
export const trackMoods = [...knownTrackMoods, 'unknown'] as const;
export type TrackMood = (typeof trackMoods)[number];

/** A predicted mood, how sure, and where it came from. */
export interface MoodPrediction {
  mood: TrackMood;
  /** 0 to 1. */
  confidence: number;
  source: 'audio-features' | 'language-model' | 'unknown';
}
