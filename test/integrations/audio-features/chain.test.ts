import { afterEach, describe, expect, it } from 'vitest';
import { createFeaturesChain } from '../../../src/integrations/audio-features/chain.js';
import { createReccoBeats } from '../../../src/integrations/audio-features/reccobeats.js';
import { createSpotifyAudioFeatures } from '../../../src/integrations/audio-features/spotify-features.js';
import type { AudioFeatures, AudioFeaturesProvider } from '../../../src/integrations/music-types.js';
import { FakeReccoBeats } from '../../fakes/reccobeats/fake-reccobeats.js';
import { captureLogger } from './log-capture.js';

function stub(
  name: string,
  answer: AudioFeatures | undefined | 'throw',
  calls: string[],
): AudioFeaturesProvider {
  return {
    name,
    async features(id) {
      calls.push(`${name}:${id}`);
      if (answer === 'throw') throw new Error('contract broken');
      return answer;
    },
  };
}

describe('features chain', () => {
  it('GIVEN the first provider answers THEN later ones are not asked', async () => {
    const calls: string[] = [];
    const chain = createFeaturesChain([
      stub('a', { valence: 0.1, energy: 0.2, source: 'a' }, calls),
      stub('b', { valence: 0.9, energy: 0.9, source: 'b' }, calls),
    ]);
    expect(await chain.features('x')).toMatchObject({ valence: 0.1, source: 'a' });
    expect(calls).toEqual(['a:x']);
  });

  it('GIVEN earlier providers have nothing or throw THEN the next in order answers, named by source', async () => {
    const calls: string[] = [];
    const chain = createFeaturesChain([
      stub('a', undefined, calls),
      stub('b', 'throw', calls),
      stub('c', { valence: 0.5, energy: 0.5 }, calls),
      stub('d', { valence: 0.9, energy: 0.9 }, calls),
    ]);
    expect(await chain.features('x')).toEqual({ valence: 0.5, energy: 0.5, source: 'c' });
    expect(calls).toEqual(['a:x', 'b:x', 'c:x']);
  });

  it('GIVEN no provider has anything THEN undefined', async () => {
    const chain = createFeaturesChain([stub('a', undefined, []), stub('b', undefined, [])]);
    expect(await chain.features('x')).toBeUndefined();
    expect(await createFeaturesChain([]).features('x')).toBeUndefined();
  });

  describe('with Spotify refusing and ReccoBeats answering', () => {
    let fake: FakeReccoBeats | undefined;
    afterEach(async () => {
      await fake?.close();
    });

    it('GIVEN Spotify 403s THEN ReccoBeats answers, and Spotify is not asked again', async () => {
      const { logger } = captureLogger();
      fake = await new FakeReccoBeats().start();
      fake.addTrack('4uLU6hMCjMI75M1A2tKUQC', { valence: 0.8, energy: 0.6 });
      let spotifyCalls = 0;
      const spotifyFetch: typeof fetch = async () => {
        spotifyCalls += 1;
        return new Response(JSON.stringify({ error: { status: 403, message: 'Forbidden' } }), {
          status: 403,
        });
      };
      const chain = createFeaturesChain([
        createSpotifyAudioFeatures({
          getToken: async () => 't',
          apiUrl: 'http://spotify.invalid',
          timeoutMs: 500,
          fetchImpl: spotifyFetch,
          logger,
        }),
        createReccoBeats({ apiUrl: fake.url, timeoutMs: 500, logger }),
      ]);
      expect(await chain.features('4uLU6hMCjMI75M1A2tKUQC')).toMatchObject({ source: 'reccobeats' });
      expect(await chain.features('4uLU6hMCjMI75M1A2tKUQC')).toMatchObject({ source: 'reccobeats' });
      expect(spotifyCalls).toBe(1);
      expect(fake.requests).toHaveLength(2);
    });
  });
});
