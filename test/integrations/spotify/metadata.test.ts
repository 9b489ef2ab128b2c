import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MetadataProvider } from '../../../src/integrations/music-types.js';
import { createMetadataChain } from '../../../src/integrations/spotify/metadata.js';
import { createOEmbedMetadata } from '../../../src/integrations/spotify/oembed.js';
import { createSpotifyWebApi } from '../../../src/integrations/spotify/spotify-api.js';
import { defaultFakeTrack, type FakeSpotify, startFakeSpotify } from '../../fakes/spotify/fake-spotify.js';

const ID = '4uLU6hMCjMI75M1A2tKUQC';

let fake: FakeSpotify;
beforeAll(async () => {
  fake = await startFakeSpotify();
  fake.addTrack(ID, defaultFakeTrack);
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.requests.length = 0;
});

function providers() {
  const webApi = createSpotifyWebApi({
    clientId: fake.clientId,
    clientSecret: fake.clientSecret,
    apiUrl: fake.url,
    accountsUrl: fake.url,
    timeoutMs: 300,
  });
  const oembed = createOEmbedMetadata({ oembedUrl: fake.oembedUrl, timeoutMs: 300 });
  return { webApi, oembed };
}

describe('GIVEN the metadata chain', () => {
  it('GIVEN the Web API works THEN it answers and oEmbed is not asked', async () => {
    const { webApi, oembed } = providers();
    await expect(createMetadataChain(webApi, oembed).track(ID)).resolves.toMatchObject({ source: 'spotify' });
    expect(fake.requestsTo('oembed')).toHaveLength(0);
  });

  it('GIVEN no Web API credentials THEN oEmbed answers', async () => {
    const { oembed } = providers();
    await expect(createMetadataChain(undefined, oembed).track(ID)).resolves.toMatchObject({
      source: 'oembed',
    });
    expect(fake.requestsTo('token')).toHaveLength(0);
  });

  it('GIVEN the Web API fails with 500 THEN oEmbed answers and a warning is logged', async () => {
    const { webApi, oembed } = providers();
    const logger = { warn: vi.fn() };
    fake.fail('track', { status: 500 });
    await expect(createMetadataChain(webApi, oembed, logger).track(ID)).resolves.toMatchObject({
      source: 'oembed',
      name: 'Fake Song',
    });
    expect(logger.warn).toHaveBeenCalledOnce();
  });

  it('GIVEN the Web API hangs THEN oEmbed answers', async () => {
    const { webApi, oembed } = providers();
    fake.fail('token', { hang: true });
    await expect(createMetadataChain(webApi, oembed).track(ID)).resolves.toMatchObject({ source: 'oembed' });
  });

  it('GIVEN the Web API says the track does not exist THEN undefined without asking oEmbed', async () => {
    const { webApi, oembed } = providers();
    await expect(
      createMetadataChain(webApi, oembed).track('zzzzzzzzzzzzzzzzzzzzzz'),
    ).resolves.toBeUndefined();
    expect(fake.requestsTo('oembed')).toHaveLength(0);
  });

  it('GIVEN both fail THEN the fallback error is thrown for the caller to degrade', async () => {
    const failing: MetadataProvider = {
      track: async () => {
        throw new Error('down');
      },
    };
    const { oembed } = providers();
    fake.fail('oembed', { status: 503 });
    await expect(createMetadataChain(failing, oembed).track(ID)).rejects.toMatchObject({ status: 503 });
  });
});
