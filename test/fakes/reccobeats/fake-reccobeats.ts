import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AudioFeatures } from '../../../src/integrations/music-types.js';

/** What the next request gets instead of the normal answer. */
export type ReccoBeatsReply =
  | { kind: 'ok' }
  | { kind: 'not-found' }
  | { kind: 'rate-limit'; retryAfter?: string }
  | { kind: 'server-error'; status?: number }
  | { kind: 'hang' }
  | { kind: 'malformed' }
  | { kind: 'wrong-shape' };

export interface RecordedReccoBeatsRequest {
  method: string;
  path: string;
  ids: string[];
  at: number;
}

/**
 * A fake ReccoBeats on 127.0.0.1: `GET /v1/audio-features?ids=a,b` answers
 * `{ content: [{ id, href: 'https://open.spotify.com/track/{spotifyId}', ...features }] }` for the known
 * tracks (unknown ones are absent, as with the real API). Replies can be programmed per request.
 */
export class FakeReccoBeats {
  readonly requests: RecordedReccoBeatsRequest[] = [];
  private readonly tracks = new Map<string, Omit<AudioFeatures, 'source'>>();
  private readonly queue: ReccoBeatsReply[] = [];
  private readonly server: Server;
  private port = 0;

  constructor() {
    this.server = createServer((req, res) => this.handle(req, res));
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  addTrack(spotifyId: string, features: Omit<AudioFeatures, 'source'>): this {
    this.tracks.set(spotifyId, features);
    return this;
  }

  /** Queues replies for the next requests, in order; afterwards requests get the normal answer. */
  reply(...replies: ReccoBeatsReply[]): this {
    this.queue.push(...replies);
    return this;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const ids = (url.searchParams.get('ids') ?? '').split(',').filter((s) => s !== '');
    this.requests.push({ method: req.method ?? 'GET', path: url.pathname, ids, at: Date.now() });
    if (req.method !== 'GET' || url.pathname !== '/v1/audio-features') {
      json(res, 404, { error: 'Not Found', status: 404, path: url.pathname });
      return;
    }
    const reply = this.queue.shift() ?? { kind: 'ok' };
    if (reply.kind === 'hang') return; // never answers; the client's timeout must fire
    if (reply.kind === 'malformed') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"content": [ {"id": ');
      return;
    }
    const answer = this.answer(reply, ids);
    json(res, answer.status, answer.body, answer.headers);
  }

  private answer(
    reply: Exclude<ReccoBeatsReply, { kind: 'hang' | 'malformed' }>,
    ids: string[],
  ): { status: number; body: unknown; headers?: Record<string, string> } {
    switch (reply.kind) {
      case 'not-found':
        return { status: 404, body: { error: 'Not Found', status: 404 } };
      case 'rate-limit': {
        const headers: Record<string, string> = {};
        if (reply.retryAfter !== undefined) headers['retry-after'] = reply.retryAfter;
        return { status: 429, body: { error: 'Too Many Requests', status: 429 }, headers };
      }
      case 'server-error':
        return { status: reply.status ?? 500, body: { error: 'Internal Server Error' } };
      case 'wrong-shape':
        return { status: 200, body: { content: [{ id: 'x', href: 'h', valence: 'very happy' }] } };
      case 'ok': {
        const content = ids.flatMap((id) => {
          const features = this.tracks.get(id);
          if (features === undefined) return [];
          return [{ id: reccoId(id), href: `https://open.spotify.com/track/${id}`, ...features }];
        });
        return { status: 200, body: { content } };
      }
    }
  }
}

function reccoId(spotifyId: string): string {
  const hex = Buffer.from(spotifyId).toString('hex').padEnd(32, '0').slice(0, 32);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}
