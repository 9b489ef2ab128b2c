import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../core/logger.js';
import type { Readiness } from '../ops/readiness.js';
import type { Route } from './http-server.js';

export const HEALTH_PATH = '/healthz';
export const READY_PATH = '/readyz';
export const METRICS_PATH = '/metrics';

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

/**
 * /healthz answers 200 while the process can answer at all (liveness); /readyz 200 or 503 with the
 * reason (the database ping and each platform's connection); /metrics the Prometheus text.
 */
export function opsRoutes(deps: {
  readiness: () => Promise<Readiness>;
  metrics: { render(): Promise<{ contentType: string; body: string }> };
  /** Where a failing check's details go: the answer says which check failed, never hosts or driver messages. */
  logger?: Logger;
}): Route[] {
  return [
    { method: 'GET', path: HEALTH_PATH, handler: (_req, res) => sendJson(res, 200, { status: 'ok' }) },
    {
      method: 'GET',
      path: READY_PATH,
      async handler(_req, res) {
        const readiness = await deps.readiness();
        const entries = Object.entries(readiness.checks);
        const failing = entries
          .filter(([, check]) => !check.ok)
          .map(([name, check]) => `${name}: ${check.reason ?? 'not ready'}`);
        const details = Object.fromEntries(
          entries
            .filter(([, check]) => check.detail !== undefined)
            .map(([name, check]) => [name, check.detail]),
        );
        if (Object.keys(details).length > 0) deps.logger?.warn({ details }, 'a readiness check failed');
        sendJson(res, readiness.ready ? 200 : 503, {
          status: readiness.ready ? 'ready' : 'not ready',
          ...(failing.length > 0 ? { reason: failing.join('; ') } : {}),
          checks: Object.fromEntries(
            entries.map(([name, { ok, reason }]) => [name, reason === undefined ? { ok } : { ok, reason }]),
          ),
        });
      },
    },
    {
      method: 'GET',
      path: METRICS_PATH,
      async handler(_req, res) {
        const { contentType, body } = await deps.metrics.render();
        res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' });
        res.end(body);
      },
    },
  ];
}

/** Bolt's customRoutes shape (Slack's HTTP receiver holds PORT in Slack HTTP mode). */
export interface BoltCustomRoute {
  path: string;
  method: string[];
  handler: (req: IncomingMessage, res: ServerResponse) => void;
}

/** The same routes for Bolt's receiver; a handler that throws answers a bare 500 and is logged. */
export function asBoltRoutes(routes: readonly Route[], logger: Logger): BoltCustomRoute[] {
  return routes.map((route) => ({
    path: route.path,
    method: [route.method],
    handler(req, res) {
      Promise.resolve()
        .then(() => route.handler(req, res))
        .catch((error: unknown) => {
          logger.error({ err: error, path: route.path }, 'http handler failed');
          if (!res.headersSent) {
            res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
            res.end('Internal server error');
          } else res.end();
        });
    },
  }));
}
