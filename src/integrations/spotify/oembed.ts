import { z } from 'zod';
import type { MetadataProvider, TrackMetadata } from '../music-types.js';
import { fetchJson } from './http.js';
import { isSpotifyId } from './link-parser.js';

export interface OEmbedMetadataOptions {
  oembedUrl?: string;
  timeoutMs?: number;
  fetchImpl?: typeof fetch;
}

const provider = 'spotify-oembed';

const oembedSchema = z.object({
  title: z.string().min(1),
  thumbnail_url: z.string().nullable().optional(),
  html: z.string().optional(),
  provider_name: z.string().optional(),
  author_name: z.string().optional(),
});

/**
 * Track metadata from Spotify's keyless oEmbed endpoint.
 *
 * Artist: Spotify documents no artist field (the title is the track name alone, and the embed HTML
 * holds only an iframe). The standard oEmbed `author_name` is used when Spotify sends a non-empty one;
 * otherwise the artist is 'Unknown artist'. Nothing is scraped from `html` or guessed from `title`.
 */
export function createOEmbedMetadata(options: OEmbedMetadataOptions = {}): MetadataProvider {
  const oembedUrl = options.oembedUrl ?? 'https://open.spotify.com/oembed';
  const timeoutMs = options.timeoutMs ?? 5000;
  const fetchImpl = options.fetchImpl ?? fetch;

  return {
    async track(id: string): Promise<TrackMetadata | undefined> {
      if (!isSpotifyId(id)) return undefined;
      const url = new URL(oembedUrl);
      url.searchParams.set('url', `https://open.spotify.com/track/${id}`);
      const answer = await fetchJson({ provider, url: url.href, schema: oembedSchema, timeoutMs, fetchImpl });
      if (!answer) return undefined;
      const thumbnail = answer.thumbnail_url ?? null;
      return {
        id,
        name: answer.title,
        artist: answer.author_name?.trim() || 'Unknown artist',
        albumImage: thumbnail?.startsWith('https://') ? thumbnail : null,
        source: 'oembed',
      };
    },
  };
}
