import type { Config } from '../config.js';
import type { Logger } from '../core/logger.js';
import { createHttpServer, type HttpServer } from '../http/http-server.js';
import { opsRoutes } from '../http/ops-routes.js';
import { spotifyCallbackRoute } from '../http/spotify-callback.js';
import type { Metrics } from '../ops/metrics.js';
import type { Readiness } from '../ops/readiness.js';
import type { Services } from '../services/services.js';

export interface HttpServers {
  /** /healthz, /readyz and /metrics on OPS_HOST:OPS_PORT. */
  opsHttp: HttpServer;
  /** The public PORT for the Spotify callback; undefined when Slack's receiver holds it or nothing needs it. */
  http: HttpServer | undefined;
}

/**
 * The build step for the HTTP servers (not yet listening). The public port (PORT) serves only what the
 * platforms call: Slack's events (its HTTP receiver holds the port) and the Spotify callback.
 * /healthz, /readyz and /metrics have a port of their own, on loopback unless the operator exposes it,
 * so metrics and readiness details never face the internet.
 */
export function createHttpServers(deps: {
  config: Config;
  logger: Logger;
  metrics: Metrics;
  readiness: () => Promise<Readiness>;
  account: Services['spotifyAccount'];
}): HttpServers {
  const { config, logger, account } = deps;
  const opsHttp = createHttpServer({
    name: 'ops',
    port: config.http.ops.port,
    host: config.http.ops.host,
    routes: opsRoutes({
      readiness: deps.readiness,
      metrics: deps.metrics,
      logger,
      token: config.http.ops.token,
    }),
    logger,
  });
  const slackHoldsPort = config.slack?.mode === 'http';
  // The console alone is a local, single-user mode: its callback server listens on loopback only.
  const chatConfigured = config.discord !== undefined || config.slack !== undefined;
  const http =
    slackHoldsPort || !account
      ? undefined
      : createHttpServer({
          name: 'public',
          port: config.http.port,
          ...(chatConfigured ? {} : { host: '127.0.0.1' }),
          routes: [spotifyCallbackRoute(account, logger)],
          logger,
        });
  return { opsHttp, http };
}
