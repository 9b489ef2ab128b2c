import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createShortLinkResolver } from '../../../src/integrations/spotify/short-link-resolver.js';
import { type FakeSpotify, startFakeSpotify } from '../../fakes/spotify/fake-spotify.js';

const ID = '4uLU6hMCjMI75M1A2tKUQC';

/** Global fetch that records every URL it is asked for. */
function recordingFetch(): { fetchImpl: typeof fetch; urls: string[] } {
  const urls: string[] = [];
  const fetchImpl: typeof fetch = (input, init) => {
    urls.push(String(input));
    return fetch(input, init);
  };
  return { fetchImpl, urls };
}

/** A fetch that must never be called, with canned redirects for Spotify hostnames otherwise. */
function cannedFetch(routes: Record<string, string>): { fetchImpl: typeof fetch; urls: string[] } {
  const urls: string[] = [];
  const fetchImpl: typeof fetch = async (input) => {
    const url = String(input);
    urls.push(url);
    const to = routes[url];
    if (to === undefined) return new Response('not found', { status: 404 });
    return new Response(null, { status: 307, headers: { location: to } });
  };
  return { fetchImpl, urls };
}

let fake: FakeSpotify;
beforeAll(async () => {
  fake = await startFakeSpotify();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.requests.length = 0;
});

function testResolver(overrides: { maxHops?: number; timeoutMs?: number } = {}) {
  const recorder = recordingFetch();
  const resolver = createShortLinkResolver({
    allowedHosts: [fake.host],
    allowLoopbackForTests: true,
    fetchImpl: recorder.fetchImpl,
    ...overrides,
  });
  return { resolver, urls: recorder.urls };
}

describe('GIVEN the fake serving short links on 127.0.0.1 (allowLoopbackForTests)', () => {
  it('GIVEN a two-hop chain ending on a track URL THEN the track is returned after two requests', async () => {
    fake.addRedirect('/ok1', '/ok2');
    fake.addRedirect('/ok2', `https://open.spotify.com/track/${ID}?si=abc`, 301);
    const { resolver } = testResolver();
    await expect(resolver.resolve(`${fake.url}/ok1`)).resolves.toEqual({ kind: 'track', id: ID });
    expect(fake.requests.map((r) => r.path)).toEqual(['/ok1', '/ok2']);
  });

  it('GIVEN a chain ending on an album THEN the album is returned', async () => {
    fake.addRedirect('/album', `https://open.spotify.com/intl-fr/album/${ID}`, 302);
    const { resolver } = testResolver();
    await expect(resolver.resolve(`${fake.url}/album`)).resolves.toEqual({ kind: 'album', id: ID });
  });

  it('GIVEN a chain longer than maxHops THEN it gives up after maxHops requests', async () => {
    for (let i = 0; i < 6; i++) fake.addRedirect(`/long${i}`, `/long${i + 1}`);
    fake.addRedirect('/long6', `https://open.spotify.com/track/${ID}`);
    const { resolver } = testResolver({ maxHops: 4 });
    await expect(resolver.resolve(`${fake.url}/long0`)).resolves.toBeUndefined();
    expect(fake.requests).toHaveLength(4);
  });

  it('GIVEN a redirect loop THEN it gives up without requesting a URL twice', async () => {
    fake.addRedirect('/loopA', '/loopB');
    fake.addRedirect('/loopB', '/loopA');
    const { resolver } = testResolver({ maxHops: 10 });
    await expect(resolver.resolve(`${fake.url}/loopA`)).resolves.toBeUndefined();
    expect(fake.requests.map((r) => r.path)).toEqual(['/loopA', '/loopB']);
  });

  it('GIVEN a redirect to a non-Spotify host THEN that host is never fetched', async () => {
    fake.addRedirect('/evil', 'https://open.spotify.com.evil.example/track/x');
    const { resolver, urls } = testResolver();
    await expect(resolver.resolve(`${fake.url}/evil`)).resolves.toBeUndefined();
    expect(urls).toEqual([`${fake.url}/evil`]);
  });

  it.each([
    ['cloud metadata', 'http://169.254.169.254/latest/meta-data/'],
    ['cloud metadata over https', 'https://169.254.169.254/latest/meta-data/'],
    ['another loopback port', 'http://127.0.0.1:1/admin'],
    ['loopback in decimal', 'http://2130706433/admin'],
    ['IPv6 loopback', 'http://[::1]/admin'],
    ['a private network', 'https://10.0.0.1/'],
    ['IPv6 link-local', 'https://[fe80::1]/'],
    ['localhost by name', 'http://localhost/'],
    ['userinfo trick', 'https://open.spotify.com@evil.example/track/x'],
  ])('GIVEN a redirect to %s THEN it is never fetched', async (_name, target) => {
    fake.addRedirect('/private', target);
    const { resolver, urls } = testResolver();
    await expect(resolver.resolve(`${fake.url}/private`)).resolves.toBeUndefined();
    expect(urls).toEqual([`${fake.url}/private`]);
  });

  it('GIVEN a hop that hangs THEN it gives up within the timeout', async () => {
    fake.addRedirect('/slow', `https://open.spotify.com/track/${ID}`);
    fake.fail('redirect', { hang: true });
    const { resolver } = testResolver({ timeoutMs: 200 });
    const started = Date.now();
    await expect(resolver.resolve(`${fake.url}/slow`)).resolves.toBeUndefined();
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('GIVEN a short link that answers 404 THEN it resolves to undefined', async () => {
    const { resolver } = testResolver();
    await expect(resolver.resolve(`${fake.url}/missing`)).resolves.toBeUndefined();
  });

  it('GIVEN a short link that answers 500 THEN it resolves to undefined', async () => {
    fake.fail('redirect', { status: 500 });
    const { resolver } = testResolver();
    await expect(resolver.resolve(`${fake.url}/whatever`)).resolves.toBeUndefined();
  });
});

describe('GIVEN the default (production) configuration', () => {
  it('GIVEN spotify.link redirecting through open.spotify.com/s THEN the track is returned', async () => {
    const { fetchImpl, urls } = cannedFetch({
      'https://spotify.link/Abc123': 'https://open.spotify.com/s/Xyz789',
      'https://open.spotify.com/s/Xyz789': `https://open.spotify.com/track/${ID}?si=1`,
    });
    const resolver = createShortLinkResolver({ fetchImpl });
    await expect(resolver.resolve('https://spotify.link/Abc123')).resolves.toEqual({ kind: 'track', id: ID });
    expect(urls).toEqual(['https://spotify.link/Abc123', 'https://open.spotify.com/s/Xyz789']);
  });

  it('GIVEN a redirect to a plain-http Spotify URL that is not a track THEN it is not fetched', async () => {
    const { fetchImpl, urls } = cannedFetch({
      'https://spotify.link/Abc123': 'http://open.spotify.com/s/Xyz',
    });
    const resolver = createShortLinkResolver({ fetchImpl });
    await expect(resolver.resolve('https://spotify.link/Abc123')).resolves.toBeUndefined();
    expect(urls).toEqual(['https://spotify.link/Abc123']);
  });

  it('GIVEN IP literals and localhost in the allow-list THEN they are still never fetched', async () => {
    const { fetchImpl, urls } = cannedFetch({});
    const resolver = createShortLinkResolver({
      fetchImpl,
      allowedHosts: ['127.0.0.1', '169.254.169.254', '[::1]', '10.0.0.1', 'localhost', '127.0.0.1:8080'],
    });
    for (const target of [
      'https://127.0.0.1/s/x',
      'https://127.0.0.1:8080/s/x',
      'https://169.254.169.254/latest',
      'https://[::1]/s/x',
      'https://10.0.0.1/s/x',
      'https://localhost/s/x',
      'https://2130706433/s/x',
      'https://0x7f.1/s/x',
    ]) {
      await expect(resolver.resolve(target)).resolves.toBeUndefined();
    }
    expect(urls).toEqual([]);
  });

  it('GIVEN the fake on 127.0.0.1 without allowLoopbackForTests THEN it is never fetched', async () => {
    const { fetchImpl, urls } = recordingFetch();
    fake.addRedirect('/noflag', `https://open.spotify.com/track/${ID}`);
    const resolver = createShortLinkResolver({ fetchImpl, allowedHosts: [fake.host] });
    await expect(resolver.resolve(`${fake.url}/noflag`)).resolves.toBeUndefined();
    expect(urls).toEqual([]);
    expect(fake.requests).toEqual([]);
  });

  it('GIVEN a fetch that throws THEN it resolves to undefined', async () => {
    const resolver = createShortLinkResolver({
      fetchImpl: async () => {
        throw new TypeError('fetch failed');
      },
    });
    await expect(resolver.resolve('https://spotify.link/Abc123')).resolves.toBeUndefined();
  });

  it('GIVEN a direct track link THEN it is returned without any request', async () => {
    const { fetchImpl, urls } = cannedFetch({});
    const resolver = createShortLinkResolver({ fetchImpl });
    await expect(resolver.resolve(`https://open.spotify.com/track/${ID}`)).resolves.toEqual({
      kind: 'track',
      id: ID,
    });
    expect(urls).toEqual([]);
  });
});
