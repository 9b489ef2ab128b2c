import type { Logger } from '../core/logger.js';
import { withTimeout } from '../core/within.js';
import type { Database } from '../db/database.js';
import type { HttpServer } from '../http/http-server.js';
import type { Alerter } from '../ops/alerts.js';
import type { OpsMonitor } from '../ops/monitor.js';
import type { Dispatcher } from '../platforms/dispatcher.js';
import type { DeliveryRunner } from '../platforms/inbox/delivery-runner.js';
import type { PlatformAdapter } from '../platforms/platform.js';
import type { StopHandler } from './background-work.js';

/** Shutdown budget: commands in flight get this long, platforms a little more, under main's 8 s. */
const DRAIN_TIMEOUT_MS = 4000;
/** How long shutdown waits for the audit log's last batch. */
const AUDIT_FLUSH_TIMEOUT_MS = 1500;
/** How long each platform's stop() waits for its commands in flight. */
export const PLATFORM_STOP_TIMEOUT_MS = 1500;

/** What a running app stops, in the order it stops them. */
export interface StopParts {
  logger: Logger;
  /** Read when stopping, so handlers registered after start-up run too (in this order). */
  stopHandlers: readonly StopHandler[];
  ops: OpsMonitor;
  dispatcher: Dispatcher;
  platforms: readonly PlatformAdapter[];
  inbox: DeliveryRunner;
  http: HttpServer | undefined;
  opsHttp: HttpServer;
  alerter: Alerter;
  /** The audit log's writer, whose last batch is flushed. */
  audit: { close(): Promise<void> };
  database: Database;
}

/**
 * The last build step: the app's stop(). Schedules first (nothing new starts), then the commands in
 * flight, then the connections; each step bounded, so shutdown always ends. Calling it again returns
 * the same promise.
 */
export function createStopApp(parts: StopParts): () => Promise<void> {
  let stopping: Promise<void> | undefined;
  return () => {
    stopping ??= stopInOrder(parts);
    return stopping;
  };
}

async function stopInOrder(parts: StopParts): Promise<void> {
  const { logger, dispatcher, http, opsHttp } = parts;
  for (const handler of parts.stopHandlers) {
    await Promise.resolve()
      .then(handler)
      .catch((e: unknown) => logger.warn({ err: e }, 'a stop handler failed'));
  }
  parts.ops.stop();
  const drained = await dispatcher.drain?.(DRAIN_TIMEOUT_MS);
  if (drained === false) {
    logger.warn({ inFlight: dispatcher.inFlight }, 'stopping with commands still in flight');
  }
  for (const platform of parts.platforms)
    await platform.stop().catch((e: unknown) => logger.warn({ err: e }, 'platform stop failed'));
  // The last deliveries marked done; one left open is answered by the next instance.
  await withTimeout(parts.inbox.stop(), 1000, () => undefined, { unref: true });
  await http?.stop().catch((e: unknown) => logger.warn({ err: e }, 'http server stop failed'));
  await opsHttp.stop().catch((e: unknown) => logger.warn({ err: e }, 'ops server stop failed'));
  await withTimeout(parts.alerter.settled(), 1000, () => undefined, { unref: true });
  // Bounded like the rest: a flush stuck on a dead connection must not hold shutdown for ever.
  const flushed = await withTimeout(
    parts.audit.close().then(() => true),
    AUDIT_FLUSH_TIMEOUT_MS,
    () => false,
    { unref: true },
  );
  if (!flushed) logger.warn('the last audit entries could not be written before shutdown');
  await parts.database.close();
  logger.info('MoodScale stopped');
}
