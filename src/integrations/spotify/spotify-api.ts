import { z } from 'zod';
import type { MetadataProvider, TrackMetadata } from '../music-types.js';
import { fetchJson, ProviderError, sleep } from './http.js';
import { isSpotifyId } from './link-parser.js';

export interface SpotifyWebApiOptions {
  clientId: string;
  clientSecret: string;
  apiUrl?: string;
  accountsUrl?: string;
  /** Per request. */
  timeoutMs?: number;
  fetchImpl?: typeof fetch;
  /** Longest Retry-After waited once on 429 (default 5 s); a longer one throws at once. */
  maxRetryAfterMs?: number;
  /** Clock, for tests of token expiry. */
  now?: () => number;
}

export interface SpotifyWebApi extends MetadataProvider {
  /** Requests made to the accounts service so far (token fetches). */
  readonly tokenRequests: number;
  /** The app's (client credentials) access token, cached; for other Web API clients (audio features). */
  accessToken(): Promise<string>;
  /**
   * The best match of a title and artist in Spotify's catalogue (GET /v1/search), or undefined when Spotify
   * has none whose title and artist both match. How a language model's suggestion becomes a real track id.
   */
  searchTrack(query: { track: string; artist: string }): Promise<TrackMetadata | undefined>;
}

const provider = 'spotify-api';
/** A token is replaced this long before Spotify says it expires. */
const tokenMarginMs = 60_000;

const tokenSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.string(),
  expires_in: z.number().int().positive(),
});

const imageSchema = z.object({
  url: z.string().min(1),
  width: z.number().nullable().optional(),
  height: z.number().nullable().optional(),
});

const trackSchema = z.object({
  id: z.string().nullable().optional(),
  name: z.string(),
  artists: z.array(z.object({ name: z.string() })),
  album: z.object({ images: z.array(imageSchema) }),
});

const searchSchema = z.object({
  tracks: z.object({ items: z.array(trackSchema.extend({ id: z.string() }).nullable()) }),
});

type SpotifyImage = z.infer<typeof imageSchema>;

/** Lower case, accents and punctuation dropped, so "Beyoncé" finds "Beyonce" and "Don't" finds "Dont". */
export function looseName(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/['\u2019`]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** A title without its version suffix: "Song - Remastered 2011" and "Song (Live)" are "Song". */
function baseTitle(text: string): string {
  return text.split(/\s+-\s+|\s*[([]/)[0] ?? text;
}

/** Same title or artist after looseName, or the same once a version suffix is dropped ("Song" = "Song - Live"). */
export function sameName(a: string, b: string): boolean {
  const x = looseName(a);
  const y = looseName(b);
  if (x === '' || y === '') return false;
  return x === y || looseName(baseTitle(a)) === y || x === looseName(baseTitle(b));
}

/** The image with the most pixels (images without sizes count as 0), or null when there is none. */
export function largestImage(images: readonly SpotifyImage[]): string | null {
  let best: SpotifyImage | undefined;
  let bestArea = -1;
  for (const image of images) {
    const area = (image.width ?? 0) * (image.height ?? 0);
    if (area > bestArea) {
      best = image;
      bestArea = area;
    }
  }
  return best?.url ?? null;
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

/**
 * Track metadata from Spotify's Web API with client credentials. Optional: development-mode apps are
 * limited (see platform-facts), so callers put oEmbed behind it (metadata.ts).
 */
export function createSpotifyWebApi(options: SpotifyWebApiOptions): SpotifyWebApi {
  const apiUrl = trimSlash(options.apiUrl ?? 'https://api.spotify.com');
  const accountsUrl = trimSlash(options.accountsUrl ?? 'https://accounts.spotify.com');
  const timeoutMs = options.timeoutMs ?? 5000;
  const fetchImpl = options.fetchImpl ?? fetch;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 5000;
  const now = options.now ?? Date.now;
  const basic = Buffer.from(`${options.clientId}:${options.clientSecret}`).toString('base64');

  let cached: { token: string; refreshAt: number } | undefined;
  let pending: Promise<string> | undefined;
  let tokenRequests = 0;

  async function requestToken(): Promise<string> {
    tokenRequests++;
    const answer = await fetchJson({
      provider,
      url: `${accountsUrl}/api/token`,
      method: 'POST',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
      schema: tokenSchema,
      timeoutMs,
      fetchImpl,
    });
    if (!answer) throw new ProviderError(provider, 'status', 'token endpoint not found', 404);
    const lifetime = answer.expires_in * 1000;
    cached = { token: answer.access_token, refreshAt: now() + Math.max(0, lifetime - tokenMarginMs) };
    return answer.access_token;
  }

  /** The cached token, or one new one shared by every caller waiting for it. */
  function token(): Promise<string> {
    if (cached && now() < cached.refreshAt) return Promise.resolve(cached.token);
    pending ??= requestToken().finally(() => {
      pending = undefined;
    });
    return pending;
  }

  async function getTrack(id: string, accessToken: string) {
    return fetchJson({
      provider,
      url: `${apiUrl}/v1/tracks/${id}`,
      headers: { authorization: `Bearer ${accessToken}` },
      schema: trackSchema,
      timeoutMs,
      fetchImpl,
    });
  }

  async function track(id: string): Promise<TrackMetadata | undefined> {
    if (!isSpotifyId(id)) return undefined;
    let refreshed = false;
    let waited = false;
    for (;;) {
      const accessToken = await token();
      try {
        const answer = await getTrack(id, accessToken);
        if (!answer) return undefined;
        return {
          id,
          name: answer.name,
          artist: answer.artists[0]?.name ?? 'Unknown artist',
          albumImage: largestImage(answer.album.images),
          source: 'spotify',
        };
      } catch (error) {
        if (!(error instanceof ProviderError)) throw error;
        if (error.status === 401 && !refreshed) {
          refreshed = true;
          if (cached?.token === accessToken) cached = undefined;
          continue;
        }
        if (error.status === 429 && !waited) {
          const wait = error.retryAfterMs ?? 1000;
          if (wait > maxRetryAfterMs) throw error;
          waited = true;
          await sleep(wait);
          continue;
        }
        throw error;
      }
    }
  }

  async function searchTrack(query: { track: string; artist: string }): Promise<TrackMetadata | undefined> {
    const q = `track:${query.track.replace(/[:"]/g, ' ')} artist:${query.artist.replace(/[:"]/g, ' ')}`;
    const params = new URLSearchParams({ q, type: 'track', limit: '5' });
    let refreshed = false;
    for (;;) {
      const accessToken = await token();
      try {
        const answer = await fetchJson({
          provider,
          url: `${apiUrl}/v1/search?${params.toString()}`,
          headers: { authorization: `Bearer ${accessToken}` },
          schema: searchSchema,
          timeoutMs,
          fetchImpl,
        });
        const found = answer?.tracks.items.find(
          (item) =>
            item !== null &&
            isSpotifyId(item.id) &&
            sameName(item.name, query.track) &&
            item.artists.some((a) => sameName(a.name, query.artist)),
        );
        if (!found) return undefined;
        return {
          id: found.id,
          name: found.name,
          artist: found.artists[0]?.name ?? query.artist,
          albumImage: largestImage(found.album.images),
          source: 'spotify',
        };
      } catch (error) {
        if (error instanceof ProviderError && error.status === 401 && !refreshed) {
          refreshed = true;
          if (cached?.token === accessToken) cached = undefined;
          continue;
        }
        throw error;
      }
    }
  }

  return {
    track,
    searchTrack,
    accessToken: token,
    get tokenRequests() {
      return tokenRequests;
    },
  };
}
