import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../core/logger.js';

export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

export interface Route {
  method: 'GET' | 'POST';
  /** Exact path, without the query string ('/spotify/callback'). */
  path: string;
  handler: RouteHandler;
}

export interface HttpServer {
  /** Listens; resolves with the port actually bound (useful with port 0). */
  start(): Promise<{ port: number; url: string }>;
  stop(): Promise<void>;
  /** http://host:port once started. */
  readonly url: string | undefined;
}

function sendText(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}) {
  res.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'x-content-type-options': 'nosniff',
    ...headers,
  });
  res.end(text);
}

/**
 * A tiny HTTP server for the few pages MoodScale serves itself (the Spotify callback, and the operations
 * endpoints on a port of their own). Routes match
 * method and exact path; an unknown path is 404, a known path with another method 405, and a handler
 * that throws gives a bare 500 (the error is logged, never sent).
 */
export function createHttpServer(options: {
  port: number;
  /** Interface to bind (default 0.0.0.0, all IPv4 interfaces). */
  host?: string;
  routes: Route[];
  logger: Logger;
  /** What the server is for, in its log lines ('public', 'ops'). */
  name?: string;
}): HttpServer {
  const logger = options.logger.child({
    component: 'http',
    ...(options.name ? { server: options.name } : {}),
  });
  const host = options.host ?? '0.0.0.0';
  let server: Server | undefined;
  let url: string | undefined;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let path: string;
    try {
      path = new URL(req.url ?? '/', 'http://localhost').pathname;
    } catch {
      return sendText(res, 400, 'Bad request');
    }
    const forPath = options.routes.filter((route) => route.path === path);
    if (forPath.length === 0) return sendText(res, 404, 'Not found');
    const route = forPath.find((r) => r.method === req.method);
    if (!route) {
      return sendText(res, 405, 'Method not allowed', { allow: forPath.map((r) => r.method).join(', ') });
    }
    await route.handler(req, res);
  }

  return {
    get url() {
      return url;
    },
    async start() {
      if (server) throw new Error('the HTTP server is already started');
      const created = createServer((req, res) => {
        Promise.resolve()
          .then(() => handle(req, res))
          .catch((error: unknown) => {
            logger.error({ err: error, path: req.url?.split('?')[0] }, 'http handler failed');
            if (!res.headersSent) sendText(res, 500, 'Internal server error');
            else res.end();
          });
      });
      server = created;
      await new Promise<void>((resolve, reject) => {
        created.once('error', reject);
        created.listen(options.port, host, () => {
          created.off('error', reject);
          resolve();
        });
      });
      const { port } = created.address() as AddressInfo;
      url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
      logger.info({ host, port }, 'http server listening');
      return { port, url };
    },
    async stop() {
      const current = server;
      server = undefined;
      url = undefined;
      if (!current) return;
      current.closeIdleConnections();
      await new Promise<void>((resolve) => current.close(() => resolve()));
    },
  };
}
