import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Routes whose answers can be replaced by a failure. */
export type SpotifyRoute = 'token' | 'track' | 'oembed' | 'redirect';

/** What the next request(s) of a route get instead of the normal answer. */
export type SpotifyFailure =
  | { status: 401 | 403 | 404 | 500 | 502 | 503 }
  | { status: 429; retryAfter?: string }
  | { hang: true }
  | { malformed: true };

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

/** Spotify's accounts service, Web API (tracks), oEmbed and short-link redirects, on 127.0.0.1. */
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
        const expected = `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`;
        if (req.headers.authorization !== expected) return sendJson(res, 400, { error: 'invalid_client' });
        if (new URLSearchParams(body).get('grant_type') !== 'client_credentials') {
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
    requestsTo: (route) => requests.filter((r) => r.route === route),
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
