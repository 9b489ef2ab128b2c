import { isIP } from 'node:net';
import type { SpotifyLink } from '../music-types.js';
import { parseSpotifyLink } from './link-parser.js';

/** Hosts a short link may redirect through. Fixed names: see the note on DNS in `refusal`. */
export const defaultShortLinkHosts: readonly string[] = [
  'spotify.link',
  'spotify.app.link',
  'open.spotify.com',
];

export interface ShortLinkResolverOptions {
  /** Hosts (`host` or `host:port`) that may be fetched. Default: Spotify's short-link hosts. */
  allowedHosts?: readonly string[];
  /** Most requests made for one link. */
  maxHops?: number;
  /** For the whole chain, all hops together. */
  timeoutMs?: number;
  fetchImpl?: typeof fetch;
  /**
   * Tests only: lets loopback hosts (127.0.0.0/8, ::1, localhost) be fetched, over http too, when they are
   * in `allowedHosts`. Every other IP literal and private address stays refused. Never set in production.
   */
  allowLoopbackForTests?: boolean;
}

export interface ShortLinkResolver {
  /** The link a short link leads to; undefined when it cannot be resolved safely. Never throws. */
  resolve(url: string): Promise<SpotifyLink | undefined>;
}

const redirectStatuses = new Set([301, 302, 303, 307, 308]);

function isLoopbackHost(hostname: string): boolean {
  const bare = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
  if (bare === 'localhost' || bare.endsWith('.localhost')) return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  if (isIP(bare) === 6) return bare === '::1' || /^::ffff:(127\.|7f)/i.test(bare);
  return false;
}

/**
 * Why a URL must not be fetched, or undefined when it may be.
 *
 * Literal addresses are refused outright (the WHATWG URL parser has already normalised forms such as
 * `0x7f.1` or `2130706433` to dotted IPv4, and IPv6 comes in brackets), and so are `localhost` names.
 * Names are not resolved here: the default allow-list holds only Spotify's own domains, whose DNS an
 * attacker does not control, so DNS rebinding cannot point a fetch at a private address. Adding other
 * names to `allowedHosts` gives up that guarantee for them.
 */
function refusal(url: URL, allowed: ReadonlySet<string>, allowLoopback: boolean): string | undefined {
  if (url.username !== '' || url.password !== '') return 'userinfo';
  const host = url.host.toLowerCase();
  const hostname = url.hostname.toLowerCase();
  const bare = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
  const loopback = isLoopbackHost(hostname);
  if (loopback && !allowLoopback) return 'loopback address';
  if (!loopback && (isIP(bare) !== 0 || hostname.endsWith('.'))) return 'address literal';
  const secure = url.protocol === 'https:' || (loopback && allowLoopback && url.protocol === 'http:');
  if (!secure) return 'scheme';
  if (!allowed.has(host)) return 'host not allowed';
  return undefined;
}

/**
 * Follows a short link one redirect at a time (`redirect: 'manual'`), only through allowed hosts, and
 * stops at the first URL that names a track, album, etc. (which is not fetched).
 */
export function createShortLinkResolver(options: ShortLinkResolverOptions = {}): ShortLinkResolver {
  const allowed = new Set((options.allowedHosts ?? defaultShortLinkHosts).map((h) => h.toLowerCase()));
  const maxHops = options.maxHops ?? 4;
  const timeoutMs = options.timeoutMs ?? 3000;
  const fetchImpl = options.fetchImpl ?? fetch;
  const allowLoopback = options.allowLoopbackForTests === true;

  async function follow(start: string): Promise<SpotifyLink | undefined> {
    const deadline = Date.now() + timeoutMs;
    const visited = new Set<string>();
    let current = start;
    for (let hop = 0; ; hop++) {
      const link = parseSpotifyLink(current);
      if (link && link.kind !== 'short') return link;
      if (hop >= maxHops) return undefined;
      let url: URL;
      try {
        url = new URL(current);
      } catch {
        return undefined;
      }
      if (refusal(url, allowed, allowLoopback) !== undefined) return undefined;
      if (visited.has(url.href)) return undefined;
      visited.add(url.href);
      const remaining = deadline - Date.now();
      if (remaining <= 0) return undefined;
      const response = await fetchImpl(url.href, {
        method: 'GET',
        redirect: 'manual',
        headers: { accept: 'text/html,*/*' },
        signal: AbortSignal.timeout(remaining),
      });
      await response.body?.cancel().catch(() => undefined);
      const location = response.headers.get('location');
      if (!redirectStatuses.has(response.status) || location === null) return undefined;
      try {
        current = new URL(location, url).href;
      } catch {
        return undefined;
      }
    }
  }

  return {
    async resolve(url) {
      try {
        return await follow(url);
      } catch {
        return undefined;
      }
    },
  };
}
