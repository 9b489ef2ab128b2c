import type { AudioFeatures, AudioFeaturesProvider } from '../music-types.js';

/**
 * Tries each provider in order and returns the first answer; its `source` names the provider that gave
 * it (the provider's own `source`, else its name). A provider that throws despite its contract is skipped.
 */
export function createFeaturesChain(providers: AudioFeaturesProvider[]): AudioFeaturesProvider {
  return {
    name: `chain(${providers.map((p) => p.name).join(',')})`,
    async features(trackId: string): Promise<AudioFeatures | undefined> {
      for (const provider of providers) {
        let result: AudioFeatures | undefined;
        try {
          result = await provider.features(trackId);
        } catch {
          result = undefined;
        }
        if (result !== undefined) return { ...result, source: result.source ?? provider.name };
      }
      return undefined;
    },
  };
}
