import { createHash, timingSafeEqual } from 'node:crypto';
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

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * Whether the request carries `Authorization: Bearer <token>`; compared in constant time (over digests,
 * so the length of the token does not show either).
 */
function carriesToken(req: IncomingMessage, token: string): boolean {
  const header = req.headers.authorization ?? '';
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1] !== undefined && timingSafeEqual(digest(match[1]), digest(token));
}

/**
 * /healthz answers 200 while the process can answer at all (liveness); /readyz 200 or 503 with the
 * reason (the database ping and each platform's connection); /metrics the Prometheus text. With a
 * token, /readyz and /metrics answer 401 without it; /healthz tells nothing and stays open for probes.
 */
export function opsRoutes(deps: {
  readiness: () => Promise<Readiness>;
  metrics: { render(): Promise<{ contentType: string; body: string }> };
  /** Where a failing check's details go: the answer says which check failed, never hosts or driver messages. */
  logger?: Logger;
  /** OPS_TOKEN: asked of /readyz and /metrics as a bearer token. */
  token?: string | undefined;
}): Route[] {
  const token = deps.token;
  const refused = (req: IncomingMessage, res: ServerResponse): boolean => {
    if (token === undefined || carriesToken(req, token)) return false;
    res.writeHead(401, {
      'content-type': 'text/plain; charset=utf-8',
      'www-authenticate': 'Bearer realm="moodscale-ops"',
      'cache-control': 'no-store',
    });
    res.end('Unauthorized: send the OPS_TOKEN as "Authorization: Bearer <token>"');
    return true;
  };
  return [
    { method: 'GET', path: HEALTH_PATH, handler: (_req, res) => sendJson(res, 200, { status: 'ok' }) },
    {
      method: 'GET',
      path: READY_PATH,
      async handler(req, res) {
        if (refused(req, res)) return;
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
      async handler(req, res) {
        if (refused(req, res)) return;
        const { contentType, body } = await deps.metrics.render();
        res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' });
        res.end(body);
      },
    },
  ];
}
