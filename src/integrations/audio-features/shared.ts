import { z } from 'zod';
import type { AudioFeatures } from '../music-types.js';

/** Spotify-style feature fields as both Spotify and ReccoBeats send them; anything else is ignored. */
export const featureFields = z.object({
  valence: z.number().min(0).max(1).optional(),
  energy: z.number().min(0).max(1).optional(),
  danceability: z.number().min(0).max(1).optional(),
  acousticness: z.number().min(0).max(1).optional(),
  instrumentalness: z.number().min(0).max(1).optional(),
  speechiness: z.number().min(0).max(1).optional(),
  liveness: z.number().min(0).max(1).optional(),
  loudness: z.number().optional(),
  tempo: z.number().nonnegative().optional(),
  key: z.number().int().min(-1).max(11).optional(),
  mode: z.number().int().min(0).max(1).optional(),
});

export type FeatureFields = z.infer<typeof featureFields>;

/** Keeps only the defined fields and stamps the source. */
export function toAudioFeatures(fields: FeatureFields, source: string): AudioFeatures {
  const out: AudioFeatures = {};
  for (const [k, v] of Object.entries(fields) as [keyof FeatureFields, number | undefined][]) {
    if (v !== undefined) out[k] = v;
  }
  out.source = source;
  return out;
}

/** Spotify track ids are base62; anything else is never sent anywhere. */
export const spotifyTrackId = /^[A-Za-z0-9]{1,64}$/;
