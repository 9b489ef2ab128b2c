import type { SpotifyLink } from '../music-types.js';

/** Kinds of Spotify resources a link can name directly. */
export const spotifyLinkKinds = ['track', 'album', 'playlist', 'artist', 'episode', 'show'] as const;
type DirectKind = (typeof spotifyLinkKinds)[number];

/** Hosts of short links, resolved later by following redirects (see short-link-resolver.ts). */
export const spotifyShortLinkHosts = ['spotify.link', 'spotify.app.link'] as const;
const webHost = 'open.spotify.com';

/** A Spotify id: exactly 22 base62 characters. */
export const spotifyIdPattern = /^[A-Za-z0-9]{22}$/;

export function isSpotifyId(value: string): boolean {
  return spotifyIdPattern.test(value);
}

const maxCandidateLength = 2048;
/** Only printable ASCII: no whitespace, control characters or Unicode that URL parsing would fold. */
const printableAscii = /^[\x21-\x7e]+$/;
const uriPattern = /^spotify:(track|album|playlist|artist|episode|show):([A-Za-z0-9]{22})$/;
/** The authority as written: a plain host name, so no userinfo (@), port (:), percent-escapes or brackets. */
const plainAuthority = /^https?:\/\/([A-Za-z0-9.-]+)(?:[/?#]|$)/i;
const webPath =
  /^\/(?:intl-[a-z]{2}(?:-[A-Za-z]{2})?\/)?(track|album|playlist|artist|episode|show)\/([A-Za-z0-9]{22})\/?$/;
const shortCodePath = /^\/([A-Za-z0-9_-]{1,64})\/?$/;
const webShortPath = /^\/s\/([A-Za-z0-9_-]{1,64})\/?$/;

/**
 * One candidate (a whole URL or URI, nothing around it) as a SpotifyLink, or undefined.
 * Never throws and never fetches anything. Query strings and fragments are ignored.
 */
export function parseSpotifyLink(candidate: string): SpotifyLink | undefined {
  if (candidate.length === 0 || candidate.length > maxCandidateLength) return undefined;
  if (!printableAscii.test(candidate) || candidate.includes('\\')) return undefined;

  const uri = uriPattern.exec(candidate);
  if (uri) return { kind: uri[1] as DirectKind, id: uri[2]! };

  const authority = plainAuthority.exec(candidate);
  if (!authority) return undefined;
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  if (url.username !== '' || url.password !== '' || url.port !== '') return undefined;
  // Exact host comparison; 'open.spotify.com.' (trailing dot) and 'open.spotify.com.evil.com' differ.
  const host = url.hostname.toLowerCase();
  if (host !== authority[1]!.toLowerCase()) return undefined;
  // The path must be exactly as written: URL parsing folds dot segments (also escaped ones, %2e%2e), and
  // escapes (%2F, %5C...) are never needed by Spotify links, so any of these is refused.
  const rawPath = candidate.slice(candidate.indexOf('//') + 2 + authority[1]!.length).split(/[?#]/)[0] ?? '';
  if (rawPath !== url.pathname || rawPath.includes('%')) return undefined;

  if (host === webHost) {
    const direct = webPath.exec(url.pathname);
    if (direct) return { kind: direct[1] as DirectKind, id: direct[2]! };
    const short = webShortPath.exec(url.pathname);
    if (short) return { kind: 'short', url: `https://${webHost}/s/${short[1]}` };
    return undefined;
  }
  if ((spotifyShortLinkHosts as readonly string[]).includes(host)) {
    const short = shortCodePath.exec(url.pathname);
    if (short) return { kind: 'short', url: `https://${host}/${short[1]}` };
  }
  return undefined;
}

/** Candidates in chat text: URLs (up to markup delimiters) and spotify: URIs. */
const candidatePattern = /https?:\/\/[^\s<>|"'`]+|spotify:[a-z]+:[A-Za-z0-9]+/gi;
/** Punctuation that ends a sentence or closes Markdown/brackets rather than belonging to the URL. */
const trailingPunctuation = /[.,;:!?)\]}*_~]+$/;

function keyOf(link: SpotifyLink): string {
  return link.kind === 'short' ? `short:${link.url}` : `${link.kind}:${link.id}`;
}

/**
 * Spotify links in free chat text, in order, without duplicates, at most `max`.
 * Understands Slack's `<url|label>` and `<url>` markup and Discord's `<url>` (embed suppression).
 */
export function findSpotifyLinks(text: string, max = 5): SpotifyLink[] {
  const found: SpotifyLink[] = [];
  if (max <= 0) return found;
  const seen = new Set<string>();
  // Bounded work on hostile input: only the first 20k characters are scanned.
  for (const match of text.slice(0, 20_000).matchAll(candidatePattern)) {
    const candidate = match[0].replace(trailingPunctuation, '');
    const link = parseSpotifyLink(candidate);
    if (!link) continue;
    const key = keyOf(link);
    if (seen.has(key)) continue;
    seen.add(key);
    found.push(link);
    if (found.length >= max) break;
  }
  return found;
}
