import type { Logger } from 'pino';
import type { MetadataProvider, TrackMetadata } from '../music-types.js';
import { isProviderError, outageSummary } from './http.js';

/**
 * The Web API when configured (`primary`), oEmbed otherwise. When the primary fails (outage, bad
 * credentials, rate limit) the fallback answers instead: an outage degrades, never breaks. A primary
 * that says the track does not exist is believed. Only a failing fallback throws.
 */
export function createMetadataChain(
  primary: MetadataProvider | undefined,
  fallback: MetadataProvider,
  logger?: Pick<Logger, 'warn'>,
): MetadataProvider {
  if (!primary) return fallback;
  return {
    async track(id: string): Promise<TrackMetadata | undefined> {
      try {
        return await primary.track(id);
      } catch (error) {
        logger?.warn(
          { err: isProviderError(error) ? outageSummary(error) : error, trackId: id },
          'Spotify Web API failed; using oEmbed',
        );
        return fallback.track(id);
      }
    },
  };
}
