import type { Logger } from 'pino';
import { z } from 'zod';
import type { AudioFeatures, AudioFeaturesProvider } from '../music-types.js';
import { featureFields, spotifyTrackId, toAudioFeatures } from './shared.js';

export interface SpotifyAudioFeaturesOptions {
  /** A client-credentials (or user) access token; may throw, which counts as a failure. */
  getToken: () => Promise<string>;
  /** e.g. https://api.spotify.com */
  apiUrl: string;
  timeoutMs: number;
  fetchImpl?: typeof fetch;
  logger: Logger;
}

export interface SpotifyAudioFeaturesProvider extends AudioFeaturesProvider {
  /** True once Spotify refused the endpoint (403, or 404 for the endpoint itself) in this process. */
  readonly refused: boolean;
}

/** Spotify's own error body; a 404 carrying it is about the track, a 404 without it about the endpoint. */
const spotifyError = z.object({ error: z.object({ status: z.number(), message: z.string().optional() }) });

/**
 * Spotify's audio features (GET /v1/audio-features/{id}). Apps created after November 2024 get 403 (or
 * 404) from this endpoint; the first such answer is remembered and the provider stops asking for the rest
 * of the process. Never throws: every failure is `undefined`.
 */
export function createSpotifyAudioFeatures(
  options: SpotifyAudioFeaturesOptions,
): SpotifyAudioFeaturesProvider {
  const { getToken, timeoutMs, logger } = options;
  const fetchImpl = options.fetchImpl ?? fetch;
  const apiUrl = options.apiUrl.replace(/\/+$/, '');
  let refused = false;

  const refuse = (status: number) => {
    if (refused) return;
    refused = true;
    logger.info(
      { provider: 'spotify', status },
      'Spotify refused audio features (apps created after November 2024 have no access); not asking again in this process',
    );
  };

  return {
    name: 'spotify',
    get refused() {
      return refused;
    },
    async features(trackId: string): Promise<AudioFeatures | undefined> {
      if (refused || !spotifyTrackId.test(trackId)) return undefined;
      try {
        const token = await getToken();
        const res = await fetchImpl(`${apiUrl}/v1/audio-features/${encodeURIComponent(trackId)}`, {
          headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
          signal: AbortSignal.timeout(timeoutMs),
        });
        if (res.status === 403) {
          await res.body?.cancel();
          refuse(403);
          return undefined;
        }
        if (res.status === 404) {
          const body: unknown = await res.json().catch(() => undefined);
          if (!spotifyError.safeParse(body).success) refuse(404);
          return undefined;
        }
        if (!res.ok) {
          await res.body?.cancel();
          logger.warn({ provider: 'spotify', status: res.status }, 'Spotify audio features failed');
          return undefined;
        }
        const parsed = featureFields.safeParse(await res.json());
        if (!parsed.success) {
          logger.warn({ provider: 'spotify' }, 'Spotify audio features answer did not match the schema');
          return undefined;
        }
        return toAudioFeatures(parsed.data, 'spotify');
      } catch (err) {
        logger.warn({ provider: 'spotify', error: errorName(err) }, 'Spotify audio features unavailable');
        return undefined;
      }
    },
  };
}

export function errorName(err: unknown): string {
  return err instanceof Error ? err.name : typeof err;
}
