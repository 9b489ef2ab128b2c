import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SpotifyLink } from '../../../src/integrations/music-types.js';
import { findSpotifyLinks, parseSpotifyLink } from '../../../src/integrations/spotify/link-parser.js';

const ID = '4uLU6hMCjMI75M1A2tKUQC';
const ID2 = '0VjIjW4GlUZAMYd2vXMi3b';
const track: SpotifyLink = { kind: 'track', id: ID };

const table: [given: string, then: SpotifyLink | undefined][] = [
  // Accepted forms
  [`https://open.spotify.com/track/${ID}`, track],
  [`http://open.spotify.com/track/${ID}`, track],
  [`https://open.spotify.com/track/${ID}/`, track],
  [`https://open.spotify.com/track/${ID}?si=abc123&utm_source=copy-link`, track],
  [`https://open.spotify.com/track/${ID}#fragment`, track],
  [`https://open.spotify.com/intl-de/track/${ID}`, track],
  [`https://open.spotify.com/intl-pt-BR/track/${ID}?si=x`, track],
  [`https://OPEN.SPOTIFY.COM/track/${ID}`, track],
  [`HTTPS://open.spotify.com/track/${ID}`, track],
  [`spotify:track:${ID}`, track],
  [`https://open.spotify.com/album/${ID}`, { kind: 'album', id: ID }],
  [`https://open.spotify.com/playlist/${ID}`, { kind: 'playlist', id: ID }],
  [`https://open.spotify.com/artist/${ID}`, { kind: 'artist', id: ID }],
  [`https://open.spotify.com/episode/${ID}`, { kind: 'episode', id: ID }],
  [`https://open.spotify.com/show/${ID}`, { kind: 'show', id: ID }],
  [`spotify:album:${ID}`, { kind: 'album', id: ID }],
  [`spotify:playlist:${ID}`, { kind: 'playlist', id: ID }],
  [`spotify:artist:${ID}`, { kind: 'artist', id: ID }],
  [`spotify:episode:${ID}`, { kind: 'episode', id: ID }],
  [`spotify:show:${ID}`, { kind: 'show', id: ID }],
  ['https://spotify.link/AbC123xyZ', { kind: 'short', url: 'https://spotify.link/AbC123xyZ' }],
  ['https://spotify.app.link/AbC123xyZ?_p=c1', { kind: 'short', url: 'https://spotify.app.link/AbC123xyZ' }],
  ['https://open.spotify.com/s/AbC123xyZ', { kind: 'short', url: 'https://open.spotify.com/s/AbC123xyZ' }],
  // Hostile hosts
  [`https://open.spotify.com.evil.com/track/${ID}`, undefined],
  [`https://open.spotify.com@evil.com/track/${ID}`, undefined],
  [`https://user:pass@open.spotify.com/track/${ID}`, undefined],
  [`https://evil.com@open.spotify.com/track/${ID}`, undefined],
  [`https://open-spotify.com/track/${ID}`, undefined],
  [`https://open.spotify.com./track/${ID}`, undefined],
  [`https://xn--pen-spotify-xyz.com/track/${ID}`, undefined],
  [`https://xn--open-spotfy-xyz.com/track/${ID}`, undefined],
  [`https://opеn.spotify.com/track/${ID}`, undefined], // Cyrillic е
  [`https://open\u3002spotify\u3002com/track/${ID}`, undefined], // ideographic full stops
  [`https://open%2Espotify.com/track/${ID}`, undefined],
  [`https://open.spotify.com:8443/track/${ID}`, undefined],
  [`https://open.spotify.com:443/track/${ID}`, undefined],
  [`https://evil.com/open.spotify.com/track/${ID}`, undefined],
  [`https://evil.com/?u=https://open.spotify.com/track/${ID}`, undefined],
  [`https://evil.com\\@open.spotify.com/track/${ID}`, undefined],
  [`https://127.0.0.1/track/${ID}`, undefined],
  [`https://[::1]/track/${ID}`, undefined],
  ['https://169.254.169.254/latest/meta-data', undefined],
  ['https://spotify.link.evil.com/AbC123', undefined],
  ['https://evilspotify.link/AbC123', undefined],
  // Other schemes
  [`ftp://open.spotify.com/track/${ID}`, undefined],
  [`javascript://open.spotify.com/track/${ID}`, undefined],
  [`file://open.spotify.com/track/${ID}`, undefined],
  [`data:text/html,https://open.spotify.com/track/${ID}`, undefined],
  [`//open.spotify.com/track/${ID}`, undefined],
  [`https:open.spotify.com/track/${ID}`, undefined],
  [`https:/open.spotify.com/track/${ID}`, undefined],
  // Encoded slashes, whitespace, control characters
  [`https://open.spotify.com/track%2F${ID}`, undefined],
  [`https://open.spotify.com/intl-de%2Ftrack/${ID}`, undefined],
  [`https://open.spotify.com/%2e%2e/track/${ID}`, undefined],
  [`https://open.spotify.com/x/../track/${ID}`, undefined],
  [`https://open.spotify.com/./track/${ID}`, undefined],
  [`https://open.spotify.com/track\\${ID}`, undefined],
  [`https://open.spotify.com/track/${ID} `, undefined],
  [`https://open.spotify.com/track/\t${ID}`, undefined],
  [`https://open.spotify.com/track/${ID}\n`, undefined],
  [`https://open.spotify.com/track/${ID}\u0000`, undefined],
  [`https://open.spotify.com/track/${ID}\u200b`, undefined],
  // Wrong shapes
  [`https://open.spotify.com/track/${ID.slice(1)}`, undefined],
  [`https://open.spotify.com/track/${ID}A`, undefined],
  [`https://open.spotify.com/track/${ID.slice(1)}-`, undefined],
  [`https://open.spotify.com/TRACK/${ID}`, undefined],
  [`https://open.spotify.com/user/${ID}`, undefined],
  [`https://open.spotify.com/intl-deu/track/${ID}`, undefined],
  [`https://open.spotify.com/track/${ID}/extra`, undefined],
  [`https://open.spotify.com//track/${ID}`, undefined],
  [`spotify:track:${ID.slice(1)}`, undefined],
  [`spotify:user:${ID}`, undefined],
  [`spotify:track:${ID}:extra`, undefined],
  ['https://spotify.link/', undefined],
  ['https://spotify.link/a/b', undefined],
  ['', undefined],
];

describe('parseSpotifyLink', () => {
  it.each(table)('GIVEN %j THEN the link is %j', (given, then) => {
    expect(parseSpotifyLink(given)).toEqual(then);
  });

  it('GIVEN arbitrary strings THEN it never throws and every id is 22 base62 characters', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.webUrl(), fc.string({ unit: 'binary' })), (s) => {
        const link = parseSpotifyLink(s);
        if (link && link.kind !== 'short') expect(link.id).toMatch(/^[A-Za-z0-9]{22}$/);
      }),
      { numRuns: 2000 },
    );
  });

  it('GIVEN arbitrary Spotify-looking URLs THEN returned ids are 22 base62 characters', () => {
    const pieces = fc.constantFrom(
      'https://',
      'http://',
      'spotify:',
      'open.spotify.com',
      '/track/',
      ':track:',
      '/',
      '@',
      '%2F',
      '?',
      '#',
      ID,
      'x',
      '.evil.com',
      ':443',
    );
    fc.assert(
      fc.property(fc.array(pieces, { maxLength: 8 }), (parts) => {
        const link = parseSpotifyLink(parts.join(''));
        if (link && link.kind !== 'short') expect(link.id).toMatch(/^[A-Za-z0-9]{22}$/);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('findSpotifyLinks', () => {
  it('GIVEN a link in a sentence THEN it is found without the trailing punctuation', () => {
    expect(findSpotifyLinks(`listen to this: https://open.spotify.com/track/${ID}.`)).toEqual([track]);
  });

  it('GIVEN Slack <url|label> markup THEN the link is found once', () => {
    const text = `<https://open.spotify.com/track/${ID}?si=a&amp;b=c|open.spotify.com/track/${ID}> nice`;
    expect(findSpotifyLinks(text)).toEqual([track]);
  });

  it('GIVEN Slack or Discord <url> markup THEN the link is found', () => {
    expect(findSpotifyLinks(`<https://open.spotify.com/album/${ID}>`)).toEqual([{ kind: 'album', id: ID }]);
  });

  it('GIVEN a Markdown link THEN the closing parenthesis is not part of the id', () => {
    expect(findSpotifyLinks(`[song](https://open.spotify.com/track/${ID})`)).toEqual([track]);
  });

  it('GIVEN URIs, short links and duplicates THEN each appears once, in order', () => {
    const text = `spotify:track:${ID} and https://spotify.link/Abc123 and https://open.spotify.com/track/${ID} and spotify:track:${ID2}`;
    expect(findSpotifyLinks(text)).toEqual([
      track,
      { kind: 'short', url: 'https://spotify.link/Abc123' },
      { kind: 'track', id: ID2 },
    ]);
  });

  it('GIVEN more links than the maximum THEN only the first ones are returned', () => {
    const ids = Array.from({ length: 8 }, (_, i) => `${'a'.repeat(21)}${i}`);
    const text = ids.map((id) => `spotify:track:${id}`).join(' ');
    expect(findSpotifyLinks(text).map((l) => (l.kind === 'short' ? l.url : l.id))).toEqual(ids.slice(0, 5));
    expect(findSpotifyLinks(text, 2)).toHaveLength(2);
  });

  it('GIVEN hostile lookalikes in text THEN nothing is found', () => {
    const text = `https://open.spotify.com.evil.com/track/${ID} <https://open.spotify.com@evil.com/track/${ID}|x> https://open-spotify.com/track/${ID}`;
    expect(findSpotifyLinks(text)).toEqual([]);
  });

  it('GIVEN arbitrary text THEN it never throws and every id is 22 base62 characters', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 500 }), (s) => {
        for (const link of findSpotifyLinks(s)) {
          if (link.kind !== 'short') expect(link.id).toMatch(/^[A-Za-z0-9]{22}$/);
        }
      }),
    );
  });
});
