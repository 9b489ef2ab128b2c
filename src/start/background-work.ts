import type { Config } from '../config.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import type { Database } from '../db/database.js';
import { startAppJobs } from '../jobs/app-jobs.js';
import type { Scheduler } from '../jobs/scheduler.js';
import type { Alerter } from '../ops/alerts.js';
import { backupTargetFor } from '../ops/backup/backup-target.js';
import type { Metrics } from '../ops/metrics.js';
import type { OpsMonitor } from '../ops/monitor.js';
import { guardUnhandledRejections } from '../ops/process-guards.js';
import type { DeliveryRunner, InboxSurface } from '../platforms/inbox/delivery-runner.js';
import type { CheckinRunner } from '../services/checkins/checkin-runner.js';
import type { DigestRunner } from '../services/digest/digest-runner.js';
import { insightEnricher } from '../services/digest/insight-enricher.js';
import type { InboxStore } from '../services/inbox/inbox-store.js';
import type { Services } from '../services/services.js';
import type { ChatPlatforms } from './chat-platforms.js';

/** Something to stop on shutdown, before the commands in flight are drained (see stop-app.ts). */
export type StopHandler = () => Promise<void> | void;

export interface BackgroundWork {
  /** In the order they run on shutdown: the scheduler first, so no job starts once shutdown begins. */
  stopHandlers: StopHandler[];
  scheduler: Scheduler;
  /** The weekly digest runner, as the schedule uses it; undefined without a chat platform. */
  digests: DigestRunner | undefined;
  checkins: CheckinRunner | undefined;
}

/** How often rows kept only for a while (inbox keys, rate-limit counters) are pruned. */
const PRUNE_EVERY_MS = 10 * 60_000;

/**
 * The step after the surfaces are up: the guard against unhandled rejections, the operations checks,
 * the inbox taking over what a stopped instance left unanswered, the prunes, and the scheduled jobs.
 */
export function startBackgroundWork(deps: {
  config: Config;
  logger: Logger;
  clock: Clock;
  database: Database;
  services: Services;
  metrics: Metrics;
  alerter: Alerter;
  ops: OpsMonitor;
  inbox: DeliveryRunner;
  inboxStore: InboxStore;
  chat: ChatPlatforms;
}): BackgroundWork {
  const { config, logger, database, services, ops, inbox } = deps;
  const { discord, slack } = deps.chat;
  const stopHandlers: StopHandler[] = [];
  stopHandlers.push(guardUnhandledRejections(logger, () => deps.metrics.unhandledRejection()));
  ops.start();
  // What an instance that stopped left unanswered is taken over now and then, by whichever instance
  // looks first; the console records nothing, so it has nothing to resume.
  const surfaces: InboxSurface[] = [
    ...(discord ? [discord.inboxSurface] : []),
    ...(slack ? [slack.inboxSurface] : []),
  ];
  if (surfaces.length > 0) {
    inbox.start(surfaces, Math.min(5000, Math.max(500, (config.inbox.leaseSeconds * 1000) / 2)));
    stopHandlers.push(pruneEvery(PRUNE_EVERY_MS, 'old inbox keys', () => deps.inboxStore.prune(), logger));
  }
  // Shared rate-limit counters of users who went quiet (RATE_LIMIT_STORE=database) would stay for ever.
  stopHandlers.push(
    pruneEvery(PRUNE_EVERY_MS, 'expired rate-limit counters', () => services.rateLimiter.prune(), logger),
  );
  // An /import's sealed file is kept only until its preview runs out (30 minutes).
  stopHandlers.push(
    pruneEvery(PRUNE_EVERY_MS, 'expired import previews', () => services.imports.prune(), logger),
  );
  const { scheduler, digests, checkins } = startAppJobs({
    db: database.db,
    logger,
    clock: deps.clock,
    alerter: deps.alerter,
    ops,
    sendDirect: deps.chat.sendDirect,
    sendToChannel: deps.chat.sendToChannel,
    platforms: [...(discord ? (['discord'] as const) : []), ...(slack ? (['slack'] as const) : [])],
    digest: {
      enabled: config.digest.enabled,
      leaseSeconds: config.digest.leaseSeconds,
      enrich: config.ai ? insightEnricher(services.insights) : undefined,
    },
    checkins: config.checkins,
    audit: services.audit,
    charts: services.charts,
    backup: config.backup.enabled
      ? { target: backupTargetFor(database, config.database), settings: config.backup }
      : undefined,
  });
  // First among the stop handlers: no job starts once shutdown begins.
  stopHandlers.unshift(() => scheduler.stop());
  return { stopHandlers, scheduler, digests, checkins };
}

/** Runs a prune now and then, logging what went; returns the function that stops it. */
function pruneEvery(everyMs: number, what: string, prune: () => Promise<number>, logger: Logger): () => void {
  const timer = setInterval(() => {
    prune()
      .then((n) => (n > 0 ? logger.debug({ pruned: n }, `${what} pruned`) : undefined))
      .catch((error: unknown) => logger.warn({ err: error }, `could not prune ${what}`));
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
