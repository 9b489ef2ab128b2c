/**
 * Music value types every layer shares: the audio features a track is described by (stored as JSON in
 * music_analysis) and the fixed mood vocabulary of track analysis.
 */

/** Spotify-style audio features; every field optional because providers return different subsets. */
export interface AudioFeatures {
  valence?: number;
  energy?: number;
  danceability?: number;
  acousticness?: number;
  instrumentalness?: number;
  speechiness?: number;
  liveness?: number;
  loudness?: number;
  tempo?: number;
  key?: number;
  mode?: number;
  /** Which provider gave the features (spotify, reccobeats). */
  source?: string;
  /** Where the predicted mood came from: audio-features (local model), language-model or unknown. */
  moodSource?: string;
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
