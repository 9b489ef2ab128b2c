import type { Logger } from 'pino';
import { z } from 'zod';
import type { AudioFeatures, AudioFeaturesProvider } from '../music-types.js';
import { featureFields, spotifyTrackId, toAudioFeatures } from './shared.js';
import { errorName } from './spotify-features.js';

export interface ReccoBeatsOptions {
  /** Defaults to https://api.reccobeats.com */
  apiUrl?: string;
  timeoutMs: number;
  fetchImpl?: typeof fetch;
  logger: Logger;
  /** Clock for Retry-After; defaults to Date.now. */
  now?: () => number;
}

export interface ReccoBeatsProvider extends AudioFeaturesProvider {
  /** Epoch ms before which no request is made (after a 429); 0 when not rate limited. */
  readonly blockedUntil: number;
}

/** Used when a 429 carries no usable Retry-After. */
const DEFAULT_BACKOFF_MS = 60_000;
/** A Retry-After longer than this is treated as this. */
const MAX_BACKOFF_MS = 60 * 60_000;

/**
 * One entry of GET /v1/audio-features?ids=... : ReccoBeats' own id, the Spotify link of the track in
 * `href`, and Spotify-style features.
 */
const featureEntry = featureFields.extend({
  id: z.string().optional(),
  href: z.string().optional(),
});
const featuresResponse = z.object({ content: z.array(featureEntry) });

/** Parses Retry-After (delta seconds or an HTTP date) into milliseconds from `now`. */
export function retryAfterMs(header: string | null, now: number): number {
  if (header === null || header.trim() === '') return DEFAULT_BACKOFF_MS;
  const value = header.trim();
  if (/^\d+(\.\d+)?$/.test(value)) return Math.min(MAX_BACKOFF_MS, Math.ceil(Number(value) * 1000));
  const date = Date.parse(value);
  if (Number.isNaN(date)) return DEFAULT_BACKOFF_MS;
  return Math.min(MAX_BACKOFF_MS, Math.max(0, date - now));
}

/**
 * ReccoBeats (keyless): `GET {apiUrl}/v1/audio-features?ids={spotifyTrackId}` accepts Spotify track ids
 * and answers `{ content: [{ id, href: 'https://open.spotify.com/track/{spotifyId}', valence, energy, ... }] }`
 * (tracks it has not analysed are simply absent). A 429 with Retry-After makes the provider answer
 * `undefined` without asking until that time has passed (no sleeping); 404, 5xx, timeouts and malformed
 * answers are `undefined` too. Never throws.
 */
export function createReccoBeats(options: ReccoBeatsOptions): ReccoBeatsProvider {
  const { timeoutMs, logger } = options;
  const fetchImpl = options.fetchImpl ?? fetch;
  const now = options.now ?? Date.now;
  const apiUrl = (options.apiUrl ?? 'https://api.reccobeats.com').replace(/\/+$/, '');
  let blockedUntil = 0;

  return {
    name: 'reccobeats',
    get blockedUntil() {
      return blockedUntil;
    },
    async features(trackId: string): Promise<AudioFeatures | undefined> {
      if (!spotifyTrackId.test(trackId)) return undefined;
      if (now() < blockedUntil) return undefined;
      try {
        const url = `${apiUrl}/v1/audio-features?ids=${encodeURIComponent(trackId)}`;
        const res = await fetchImpl(url, {
          headers: { accept: 'application/json' },
          signal: AbortSignal.timeout(timeoutMs),
        });
        if (res.status === 429) {
          await res.body?.cancel();
          const wait = retryAfterMs(res.headers.get('retry-after'), now());
          blockedUntil = now() + wait;
          logger.warn({ provider: 'reccobeats', retryAfterMs: wait }, 'ReccoBeats rate limited; pausing');
          return undefined;
        }
        if (res.status === 404) {
          await res.body?.cancel();
          return undefined;
        }
        if (!res.ok) {
          await res.body?.cancel();
          logger.warn({ provider: 'reccobeats', status: res.status }, 'ReccoBeats audio features failed');
          return undefined;
        }
        const parsed = featuresResponse.safeParse(await res.json());
        if (!parsed.success) {
          logger.warn({ provider: 'reccobeats' }, 'ReccoBeats answer did not match the schema');
          return undefined;
        }
        const entries = parsed.data.content;
        const match =
          entries.find((e) => e.href !== undefined && spotifyIdOf(e.href) === trackId) ??
          (entries.length === 1 && entries[0]?.href === undefined ? entries[0] : undefined);
        if (match === undefined) return undefined;
        const { id: _id, href: _href, ...fields } = match;
        return toAudioFeatures(fields, 'reccobeats');
      } catch (err) {
        logger.warn({ provider: 'reccobeats', error: errorName(err) }, 'ReccoBeats unavailable');
        return undefined;
      }
    },
  };
}

function spotifyIdOf(href: string): string | undefined {
  return /\/track\/([A-Za-z0-9]+)/.exec(href)?.[1];
}
