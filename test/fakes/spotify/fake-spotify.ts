import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Routes whose answers can be replaced by a failure. */
export type SpotifyRoute = 'token' | 'track' | 'search' | 'oembed' | 'redirect' | 'me' | 'recently-played';

/** What the next request(s) of a route get instead of the normal answer. */
export type SpotifyFailure =
  | { status: 401 | 403 | 404 | 500 | 502 | 503 }
  | { status: 429; retryAfter?: string }
  | { hang: true }
  | { malformed: true }
  /** A 400 OAuth error answer ({ error: 'invalid_grant', ... }) from the token endpoint. */
  | { oauthError: string };

/** What the browser brings back after the user consented on Spotify's authorize page. */
export interface FakeConsent {
  code: string;
  state: string;
  /** The redirect_uri with code and state, as the browser would be sent to it. */
  redirect: string;
}

export interface RecordedRequest {
  method: string;
  path: string;
  route: SpotifyRoute | 'unknown';
  authorization: string | undefined;
  body: string;
  at: number;
}

export interface FakeTrack {
  name: string;
  artists: string[];
  images: { url: string; width: number | null; height: number | null }[];
}

export interface FakeSpotifyOptions {
  clientId?: string;
  clientSecret?: string;
  /** expires_in of issued tokens, in seconds. */
  tokenLifetime?: number;
}

export interface FakeSpotify {
  /** http://127.0.0.1:port (accounts, Web API, oEmbed and short links all live here). */
  readonly url: string;
  /** host:port, for a resolver's allow-list. */
  readonly host: string;
  readonly oembedUrl: string;
  readonly requests: RecordedRequest[];
  readonly clientId: string;
  readonly clientSecret: string;
  addTrack(id: string, track: FakeTrack): void;
  /** GET {path} answers `status` with Location `to` (absolute, or relative to the fake). */
  addRedirect(path: string, to: string, status?: 301 | 302 | 303 | 307 | 308): void;
  /** The next `times` requests of `route` fail this way. */
  fail(route: SpotifyRoute, failure: SpotifyFailure, times?: number): void;
  /** Issued tokens stop being accepted (the next track call gets 401). */
  revokeTokens(): void;
  requestsTo(route: SpotifyRoute): RecordedRequest[];
  /**
   * The user's side of GET /authorize: checks the authorize URL (client, PKCE S256 challenge) and issues a
   * single-use code bound to its client_id, redirect_uri and challenge, for the Spotify user `userId`.
   */
  consent(authorizeUrl: string, userId?: string): FakeConsent;
  /** The tracks GET /v1/me/player/recently-played lists for this Spotify user, newest first. */
  setRecentlyPlayed(userId: string, trackIds: string[]): void;
  /** Whether refresh answers carry a new refresh token (default false: the old one stays valid). */
  setRefreshRotation(on: boolean): void;
  /** Every issued refresh token is refused from now on (invalid_grant), as after 6 months. */
  revokeRefreshTokens(): void;
  close(): Promise<void>;
}

export const defaultFakeTrack: FakeTrack = {
  name: 'Fake Song',
  artists: ['First Artist', 'Second Artist'],
  images: [
    { url: 'https://i.scdn.co/image/small', width: 64, height: 64 },
    { url: 'https://i.scdn.co/image/large', width: 640, height: 640 },
    { url: 'https://i.scdn.co/image/medium', width: 300, height: 300 },
  ],
};

function routeOf(method: string, path: string): SpotifyRoute | 'unknown' {
  if (method === 'POST' && path === '/api/token') return 'token';
  if (method === 'GET' && path.startsWith('/v1/tracks/')) return 'track';
  if (method === 'GET' && path === '/v1/search') return 'search';
  if (method === 'GET' && path === '/v1/me') return 'me';
  if (method === 'GET' && path === '/v1/me/player/recently-played') return 'recently-played';
  if (method === 'GET' && path === '/oembed') return 'oembed';
  if (method === 'GET') return 'redirect';
  return 'unknown';
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Spotify's accounts service (client credentials, PKCE authorization codes, refresh), Web API (tracks,
 * /v1/me, recently played), oEmbed and short-link redirects, on 127.0.0.1.
 */
export async function startFakeSpotify(options: FakeSpotifyOptions = {}): Promise<FakeSpotify> {
  const clientId = options.clientId ?? 'fake-client-id';
  const clientSecret = options.clientSecret ?? 'fake-client-secret';
  const tokenLifetime = options.tokenLifetime ?? 3600;
  const tracks = new Map<string, FakeTrack>();
  const redirects = new Map<string, { to: string; status: number }>();
  const failures = new Map<SpotifyRoute, { failure: SpotifyFailure; times: number }[]>();
  const requests: RecordedRequest[] = [];
  const validTokens = new Set<string>();
  const hanging = new Set<ServerResponse>();
  let issued = 0;
  /** Authorization codes: what they were issued for; deleted on first use. */
  const codes = new Map<
    string,
    { clientId: string; redirectUri: string; challenge: string; userId: string }
  >();
  /** User access and refresh tokens -> Spotify user id. */
  const userTokens = new Map<string, string>();
  const refreshTokens = new Map<string, string>();
  const recentlyPlayed = new Map<string, string[]>();
  let rotateRefresh = false;

  function issueUserTokens(userId: string, withRefresh: boolean) {
    const accessToken = `fake-user-token-${++issued}`;
    validTokens.add(accessToken);
    userTokens.set(accessToken, userId);
    const answer: Record<string, unknown> = {
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: tokenLifetime,
      scope: 'user-read-recently-played',
    };
    if (withRefresh) {
      const refreshToken = `fake-refresh-${randomBytes(8).toString('hex')}`;
      refreshTokens.set(refreshToken, userId);
      answer.refresh_token = refreshToken;
    }
    return answer;
  }

  function userOf(req: IncomingMessage): string | undefined {
    const auth = req.headers.authorization ?? '';
    return auth.startsWith('Bearer ') ? userTokens.get(auth.slice(7)) : undefined;
  }

  function takeFailure(route: SpotifyRoute): SpotifyFailure | undefined {
    const queue = failures.get(route);
    const head = queue?.[0];
    if (!queue || !head) return undefined;
    head.times--;
    if (head.times <= 0) queue.shift();
    return head.failure;
  }

  function answerFailure(res: ServerResponse, failure: SpotifyFailure): void {
    if ('hang' in failure) {
      hanging.add(res);
      res.on('close', () => hanging.delete(res));
      return;
    }
    if ('oauthError' in failure) {
      sendJson(res, 400, { error: failure.oauthError, error_description: 'fake refusal' });
      return;
    }
    if ('malformed' in failure) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"name": "cut off');
      return;
    }
    const headers: Record<string, string> = {};
    if (failure.status === 429 && failure.retryAfter !== undefined)
      headers['retry-after'] = failure.retryAfter;
    sendJson(res, failure.status, { error: { status: failure.status, message: 'fake failure' } }, headers);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const route = routeOf(method, url.pathname);
    const body = await readBody(req);
    requests.push({
      method,
      path: url.pathname + url.search,
      route,
      authorization: req.headers.authorization,
      body,
      at: Date.now(),
    });
    if (route === 'unknown') return sendJson(res, 405, { error: 'method not allowed' });
    const failure = takeFailure(route);
    if (failure) return answerFailure(res, failure);

    switch (route) {
      case 'token': {
        const form = new URLSearchParams(body);
        const grant = form.get('grant_type');
        if (grant === 'authorization_code') {
          // PKCE: a public client, identified by client_id in the body and proven by the verifier.
          if (form.get('client_id') !== clientId) return sendJson(res, 400, { error: 'invalid_client' });
          const code = form.get('code') ?? '';
          const issuedFor = codes.get(code);
          codes.delete(code);
          const verifier = form.get('code_verifier') ?? '';
          const challenge = createHash('sha256').update(verifier).digest('base64url');
          if (
            !issuedFor ||
            issuedFor.clientId !== clientId ||
            issuedFor.redirectUri !== form.get('redirect_uri') ||
            issuedFor.challenge !== challenge
          ) {
            return sendJson(res, 400, {
              error: 'invalid_grant',
              error_description: 'Invalid authorization code',
            });
          }
          return sendJson(res, 200, issueUserTokens(issuedFor.userId, true));
        }
        if (grant === 'refresh_token') {
          if (form.get('client_id') !== clientId) return sendJson(res, 400, { error: 'invalid_client' });
          const userId = refreshTokens.get(form.get('refresh_token') ?? '');
          if (userId === undefined) {
            return sendJson(res, 400, { error: 'invalid_grant', error_description: 'Refresh token revoked' });
          }
          return sendJson(res, 200, issueUserTokens(userId, rotateRefresh));
        }
        const expected = `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`;
        if (req.headers.authorization !== expected) return sendJson(res, 400, { error: 'invalid_client' });
        if (grant !== 'client_credentials') {
          return sendJson(res, 400, { error: 'unsupported_grant_type' });
        }
        const token = `fake-token-${++issued}`;
        validTokens.add(token);
        return sendJson(res, 200, { access_token: token, token_type: 'Bearer', expires_in: tokenLifetime });
      }
      case 'track': {
        const auth = req.headers.authorization ?? '';
        if (!auth.startsWith('Bearer ') || !validTokens.has(auth.slice(7))) {
          return sendJson(res, 401, { error: { status: 401, message: 'The access token expired' } });
        }
        const id = url.pathname.slice('/v1/tracks/'.length);
        const track = tracks.get(id);
        if (!track) return sendJson(res, 404, { error: { status: 404, message: 'Resource not found' } });
        return sendJson(res, 200, {
          id,
          name: track.name,
          type: 'track',
          artists: track.artists.map((name, i) => ({ id: `artist${i}`, name, type: 'artist' })),
          album: { name: 'Fake Album', images: track.images },
        });
      }
      case 'search': {
        // Spotify's field filters, as the client sends them: "track:<title> artist:<name>".
        const auth = req.headers.authorization ?? '';
        if (!auth.startsWith('Bearer ') || !validTokens.has(auth.slice(7))) {
          return sendJson(res, 401, { error: { status: 401, message: 'The access token expired' } });
        }
        const q = url.searchParams.get('q') ?? '';
        const match = /^track:(.*?)\s+artist:(.*)$/.exec(q);
        const wantTrack = (match?.[1] ?? q).trim().toLowerCase();
        const wantArtist = (match?.[2] ?? '').trim().toLowerCase();
        const items = [...tracks]
          .filter(
            ([, t]) =>
              t.name.toLowerCase().includes(wantTrack) &&
              (wantArtist === '' || t.artists.some((a) => a.toLowerCase().includes(wantArtist))),
          )
          .slice(0, Number(url.searchParams.get('limit') ?? '20'))
          .map(([id, t]) => ({
            id,
            name: t.name,
            type: 'track',
            artists: t.artists.map((name, i) => ({ id: `artist${i}`, name, type: 'artist' })),
            album: { name: 'Fake Album', images: t.images },
          }));
        return sendJson(res, 200, { tracks: { items, total: items.length } });
      }
      case 'me': {
        const userId = userOf(req);
        if (userId === undefined)
          return sendJson(res, 401, { error: { status: 401, message: 'Invalid access token' } });
        return sendJson(res, 200, { id: userId, display_name: `Fake ${userId}`, type: 'user' });
      }
      case 'recently-played': {
        const userId = userOf(req);
        if (userId === undefined)
          return sendJson(res, 401, { error: { status: 401, message: 'Invalid access token' } });
        const limit = Number(url.searchParams.get('limit') ?? '20');
        if (!Number.isInteger(limit) || limit < 1 || limit > 50) {
          return sendJson(res, 400, { error: { status: 400, message: 'Invalid limit' } });
        }
        const ids = (recentlyPlayed.get(userId) ?? []).slice(0, limit);
        return sendJson(res, 200, {
          items: ids.map((id, i) => ({
            track: { id, name: tracks.get(id)?.name ?? `Track ${id}`, type: 'track' },
            played_at: new Date(Date.UTC(2026, 0, 1, 12, 0, 0) - i * 60_000).toISOString(),
          })),
          limit,
        });
      }
      case 'oembed': {
        const target = url.searchParams.get('url') ?? '';
        const match = /^https:\/\/open\.spotify\.com\/track\/([A-Za-z0-9]{22})$/.exec(target);
        const track = match ? tracks.get(match[1]!) : undefined;
        if (!track) {
          res.writeHead(404, { 'content-type': 'text/plain' });
          res.end('Not Found');
          return;
        }
        return sendJson(res, 200, {
          html: `<iframe src="https://open.spotify.com/embed/track/${match![1]}"></iframe>`,
          width: 456,
          height: 152,
          version: '1.0',
          provider_name: 'Spotify',
          provider_url: 'https://spotify.com',
          type: 'rich',
          title: track.name,
          thumbnail_url: track.images[0]?.url,
          thumbnail_width: 300,
          thumbnail_height: 300,
        });
      }
      case 'redirect': {
        const hop = redirects.get(url.pathname);
        if (!hop) return sendJson(res, 404, { error: 'no such short link' });
        res.writeHead(hop.status, { location: hop.to, 'content-type': 'text/html' });
        res.end(`<a href="${hop.to}">Moved</a>`);
        return;
      }
    }
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;

  return {
    url: base,
    host: `127.0.0.1:${port}`,
    oembedUrl: `${base}/oembed`,
    requests,
    clientId,
    clientSecret,
    addTrack: (id, track) => tracks.set(id, track),
    addRedirect: (path, to, status = 307) => redirects.set(path, { to, status }),
    fail(route, failure, times = 1) {
      const queue = failures.get(route) ?? [];
      queue.push({ failure, times });
      failures.set(route, queue);
    },
    revokeTokens: () => validTokens.clear(),
    consent(authorizeUrl, userId = 'fake-spotify-user') {
      const params = new URL(authorizeUrl).searchParams;
      const redirectUri = params.get('redirect_uri') ?? '';
      const challenge = params.get('code_challenge') ?? '';
      if (params.get('client_id') !== clientId) throw new Error('authorize: unknown client_id');
      if (params.get('response_type') !== 'code') throw new Error('authorize: response_type must be code');
      if (params.get('code_challenge_method') !== 'S256') throw new Error('authorize: PKCE S256 required');
      if (!/^[A-Za-z0-9_-]{43}$/.test(challenge)) throw new Error('authorize: bad code_challenge');
      if (!redirectUri) throw new Error('authorize: redirect_uri missing');
      const code = `fake-code-${randomBytes(12).toString('hex')}`;
      codes.set(code, { clientId, redirectUri, challenge, userId });
      const state = params.get('state') ?? '';
      const redirect = new URL(redirectUri);
      redirect.searchParams.set('code', code);
      redirect.searchParams.set('state', state);
      return { code, state, redirect: redirect.toString() };
    },
    setRecentlyPlayed: (userId, trackIds) => recentlyPlayed.set(userId, [...trackIds]),
    setRefreshRotation(on) {
      rotateRefresh = on;
    },
    revokeRefreshTokens: () => refreshTokens.clear(),
    requestsTo: (route) => requests.filter((r) => r.route === route),
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
