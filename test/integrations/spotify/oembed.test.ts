import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createOEmbedMetadata } from '../../../src/integrations/spotify/oembed.js';
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

const oembed = () => createOEmbedMetadata({ oembedUrl: fake.oembedUrl, timeoutMs: 500 });

describe('GIVEN oEmbed (no key)', () => {
  it('GIVEN a known track THEN its title and thumbnail are returned with Unknown artist', async () => {
    await expect(oembed().track(ID)).resolves.toEqual({
      id: ID,
      name: 'Fake Song',
      artist: 'Unknown artist',
      albumImage: 'https://i.scdn.co/image/small',
      source: 'oembed',
    });
    expect(fake.requestsTo('oembed')[0]?.path).toBe(
      `/oembed?url=${encodeURIComponent(`https://open.spotify.com/track/${ID}`)}`,
    );
  });

  it('GIVEN an answer with author_name THEN it is used as the artist', async () => {
    const fetchImpl: typeof fetch = async () =>
      Response.json({ title: 'Song', thumbnail_url: 'https://i.scdn.co/x', author_name: 'Band' });
    await expect(createOEmbedMetadata({ fetchImpl }).track(ID)).resolves.toMatchObject({ artist: 'Band' });
  });

  it('GIVEN an unknown track (404) THEN undefined', async () => {
    await expect(oembed().track('zzzzzzzzzzzzzzzzzzzzzz')).resolves.toBeUndefined();
  });

  it('GIVEN a 500 THEN it throws a ProviderError', async () => {
    fake.fail('oembed', { status: 500 });
    await expect(oembed().track(ID)).rejects.toMatchObject({ name: 'ProviderError', status: 500 });
  });

  it('GIVEN malformed JSON THEN it throws a malformed ProviderError', async () => {
    fake.fail('oembed', { malformed: true });
    await expect(oembed().track(ID)).rejects.toMatchObject({ kind: 'malformed' });
  });

  it('GIVEN a request that hangs THEN it throws a timeout ProviderError', async () => {
    fake.fail('oembed', { hang: true });
    await expect(
      createOEmbedMetadata({ oembedUrl: fake.oembedUrl, timeoutMs: 200 }).track(ID),
    ).rejects.toMatchObject({ kind: 'timeout' });
  });
});
