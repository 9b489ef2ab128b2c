import type { Logger } from '../core/logger.js';
import type { HttpServer } from '../http/http-server.js';
import type { PlatformAdapter } from '../platforms/platform.js';

/**
 * The step that opens the bot to the world: the operations server, the public server, then each
 * platform in turn. A platform that cannot start (a bad token) must not leave the others connected:
 * everything started is stopped again and the error is thrown.
 */
export async function startSurfaces(deps: {
  opsHttp: HttpServer;
  http: HttpServer | undefined;
  platforms: readonly PlatformAdapter[];
  /** With a chat platform configured a port already taken is fatal; the console alone runs without. */
  required: boolean;
  logger: Logger;
}): Promise<void> {
  const { opsHttp, http, logger, required } = deps;
  const started: PlatformAdapter[] = [];
  try {
    await listen(
      opsHttp,
      logger,
      required,
      'OPS_PORT is in use: /healthz, /readyz and /metrics are off for this console session',
    );
    await listen(
      http,
      logger,
      required,
      'PORT is in use: the Spotify callback is off for this console session',
    );
    for (const platform of deps.platforms) {
      await platform.start();
      started.push(platform);
    }
  } catch (error) {
    for (const platform of started.reverse()) await platform.stop().catch(() => undefined);
    await http?.stop().catch(() => undefined);
    await opsHttp.stop().catch(() => undefined);
    throw error;
  }
}

/**
 * Starts a server. With a chat platform configured a port already taken is fatal (the probes or the
 * callback would fail silently); the console alone is a local, single-user mode and runs without it.
 */
async function listen(http: HttpServer | undefined, logger: Logger, required: boolean, whenOff: string) {
  if (!http) return;
  try {
    await http.start();
  } catch (error) {
    if (required || (error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    // Expected (another MoodScale, or anything else on that port): one line, no stack.
    logger.warn({ err: (error as Error).message }, whenOff);
  }
}
