import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../../../src/integrations/spotify/http.js';
import {
  createSpotifyWebApi,
  type SpotifyWebApiOptions,
} from '../../../src/integrations/spotify/spotify-api.js';
import { defaultFakeTrack, type FakeSpotify, startFakeSpotify } from '../../fakes/spotify/fake-spotify.js';

const ID = '4uLU6hMCjMI75M1A2tKUQC';
const ID2 = '0VjIjW4GlUZAMYd2vXMi3b';
const MISSING = 'zzzzzzzzzzzzzzzzzzzzzz';

let fake: FakeSpotify;
beforeAll(async () => {
  fake = await startFakeSpotify();
  fake.addTrack(ID, defaultFakeTrack);
  fake.addTrack(ID2, { name: 'No Cover', artists: [], images: [] });
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.requests.length = 0;
});

function api(overrides: Partial<SpotifyWebApiOptions> = {}) {
  return createSpotifyWebApi({
    clientId: fake.clientId,
    clientSecret: fake.clientSecret,
    apiUrl: fake.url,
    accountsUrl: fake.url,
    timeoutMs: 500,
    ...overrides,
  });
}

describe('GIVEN Spotify Web API credentials', () => {
  it('GIVEN a known track THEN name, first artist and the largest image are returned', async () => {
    await expect(api().track(ID)).resolves.toEqual({
      id: ID,
      name: 'Fake Song',
      artist: 'First Artist',
      albumImage: 'https://i.scdn.co/image/large',
      source: 'spotify',
    });
  });

  it('GIVEN a track without artists or images THEN it has Unknown artist and no image', async () => {
    await expect(api().track(ID2)).resolves.toMatchObject({ artist: 'Unknown artist', albumImage: null });
  });

  it('GIVEN many track lookups THEN one token request serves them all', async () => {
    const client = api();
    await Promise.all([client.track(ID), client.track(ID2), client.track(ID)]);
    await client.track(ID2);
    expect(fake.requestsTo('token')).toHaveLength(1);
    expect(fake.requestsTo('track')).toHaveLength(4);
    expect(fake.requestsTo('token')[0]?.body).toBe('grant_type=client_credentials');
  });

  it('GIVEN a token close to expiry THEN a new one is requested', async () => {
    let clock = 1_000_000;
    const client = api({ now: () => clock });
    await client.track(ID);
    clock += 3600_000 - 30_000;
    await client.track(ID);
    expect(fake.requestsTo('token')).toHaveLength(2);
  });

  it('GIVEN a 401 on a track THEN the token is refreshed once and the call succeeds', async () => {
    const client = api();
    await client.track(ID);
    fake.revokeTokens();
    await expect(client.track(ID)).resolves.toMatchObject({ name: 'Fake Song' });
    expect(fake.requestsTo('token')).toHaveLength(2);
    expect(fake.requestsTo('track')).toHaveLength(3);
  });

  it('GIVEN 401 twice in a row THEN it throws a ProviderError after one refresh', async () => {
    fake.fail('track', { status: 401 }, 2);
    await expect(api().track(ID)).rejects.toMatchObject({ name: 'ProviderError', status: 401 });
    expect(fake.requestsTo('token')).toHaveLength(2);
  });

  it('GIVEN an unknown track (404) THEN undefined', async () => {
    await expect(api().track(MISSING)).resolves.toBeUndefined();
  });

  it('GIVEN an id that is not 22 base62 characters THEN undefined without any request', async () => {
    await expect(api().track('../../v1/me')).resolves.toBeUndefined();
    expect(fake.requests).toEqual([]);
  });

  it('GIVEN a 429 with a short Retry-After THEN it waits once and succeeds', async () => {
    fake.fail('track', { status: 429, retryAfter: '1' });
    const started = Date.now();
    await expect(api().track(ID)).resolves.toMatchObject({ name: 'Fake Song' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(fake.requestsTo('track')).toHaveLength(2);
  });

  it('GIVEN 429 twice THEN it throws a rate-limited ProviderError', async () => {
    fake.fail('track', { status: 429, retryAfter: '0' }, 2);
    await expect(api().track(ID)).rejects.toMatchObject({ kind: 'rate-limited', status: 429 });
    expect(fake.requestsTo('track')).toHaveLength(2);
  });

  it('GIVEN a 429 with a Retry-After beyond 5 s THEN it throws at once without waiting', async () => {
    fake.fail('track', { status: 429, retryAfter: '60' });
    const started = Date.now();
    await expect(api().track(ID)).rejects.toMatchObject({ retryAfterMs: 60_000 });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(fake.requestsTo('track')).toHaveLength(1);
  });

  it('GIVEN a 500 THEN it throws a ProviderError', async () => {
    fake.fail('track', { status: 500 });
    await expect(api().track(ID)).rejects.toBeInstanceOf(ProviderError);
  });

  it('GIVEN a 403 THEN it throws a ProviderError', async () => {
    fake.fail('track', { status: 403 });
    await expect(api().track(ID)).rejects.toMatchObject({ status: 403 });
  });

  it('GIVEN malformed JSON THEN it throws a malformed ProviderError', async () => {
    fake.fail('track', { malformed: true });
    await expect(api().track(ID)).rejects.toMatchObject({ kind: 'malformed' });
  });

  it('GIVEN a track answer of the wrong shape THEN it throws a malformed ProviderError', async () => {
    const fetchImpl: typeof fetch = async (input) =>
      String(input).endsWith('/api/token')
        ? Response.json({ access_token: 't', token_type: 'Bearer', expires_in: 3600 })
        : Response.json({ name: 42 });
    await expect(api({ fetchImpl }).track(ID)).rejects.toMatchObject({ kind: 'malformed' });
  });

  it('GIVEN a track request that hangs THEN it throws a timeout ProviderError', async () => {
    fake.fail('track', { hang: true });
    await expect(api({ timeoutMs: 200 }).track(ID)).rejects.toMatchObject({ kind: 'timeout' });
  });

  it('GIVEN the token endpoint fails THEN it throws a ProviderError', async () => {
    fake.fail('token', { status: 500 });
    await expect(api().track(ID)).rejects.toMatchObject({ status: 500 });
  });

  it('GIVEN wrong client credentials THEN it throws a ProviderError', async () => {
    await expect(api({ clientSecret: 'wrong' }).track(ID)).rejects.toMatchObject({ status: 400 });
  });
});
