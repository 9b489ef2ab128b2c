import { createHash } from 'node:crypto';
import { createRegistry } from '../commands/index.js';
import type { Config } from './config.js';
import { type Clock, systemClock } from './core/clock.js';
import type { Logger } from './core/logger.js';
import { withTimeout } from './core/within.js';
import { resolveCipher } from './crypto/cipher-from-config.js';
import type { FieldCipher } from './crypto/field-cipher.js';
import type { Database } from './db/database.js';
import { startAppJobs } from './jobs/app-jobs.js';
import { type Alerter, createAlerter } from './ops/alerts.js';
import { backupTargetFor } from './ops/backup/backup-target.js';
import { createMetrics, type Metrics } from './ops/metrics.js';
import { createOpsMonitor, type OpsMonitor } from './ops/monitor.js';
import { guardUnhandledRejections } from './ops/process-guards.js';
import { createReadinessCheck } from './ops/readiness.js';
import type { SendToChannel } from './platforms/channel-messages.js';
import type { ConsoleScreen } from './platforms/console/console-screen.js';
import type { SendDirect } from './platforms/direct-messages.js';
import type { DiscordAdapter } from './platforms/discord/discord-adapter.js';
import { createDispatcher, type Dispatcher } from './platforms/dispatcher.js';
import { createInbox, type DeliveryRunner, type InboxSurface } from './platforms/inbox/delivery-runner.js';
import type { PlatformAdapter } from './platforms/platform.js';
import type { SlackAdapter } from './platforms/slack/slack-adapter.js';
import type { DigestRunner } from './services/digest/digest-runner.js';
import { insightEnricher } from './services/digest/insight-enricher.js';
import { createServices, type Services } from './services/services.js';
import { createChatPlatforms } from './start/chat-platforms.js';
import { openMigratedDatabase } from './start/database.js';
import { createHttpServers } from './start/http-servers.js';
import { startSurfaces } from './start/start-surfaces.js';

/** A running MoodScale: what start-up built, and how to stop it in order. */
export interface App {
  database: Database;
  cipher: FieldCipher;
  services: Services;
  dispatcher: Dispatcher;
  /** The durable inbox every chat delivery passes through. */
  inbox: DeliveryRunner;
  platforms: PlatformAdapter[];
  /** The Discord bot when DISCORD_TOKEN is set. */
  discord: DiscordAdapter | undefined;
  /** The Slack bot when SLACK_BOT_TOKEN is set. */
  slack: SlackAdapter | undefined;
  /** Direct messages to any chat account on a running platform (the weekly digest). */
  sendDirect: SendDirect;
  /**
   * Public posts in channels on a running platform (the weekly channel post, scheduled in
   * src/jobs/app-jobs.ts).
   */
  sendToChannel: SendToChannel;
  /** Prometheus metrics (GET /metrics). */
  metrics: Metrics;
  alerter: Alerter;
  /**
   * Operations hooks for the jobs: `ops.digest(outcome)` from the weekly digest, `ops.backup(result)` from
   * the backup job; both feed metrics and alerts.
   */
  ops: OpsMonitor;
  /**
   * The public port, once started: Slack's receiver in Slack HTTP mode, else a small server for the
   * Spotify callback (none without Spotify).
   */
  readonly httpUrl: string | undefined;
  /** Where /healthz, /readyz and /metrics answer (OPS_HOST:OPS_PORT), once started. */
  readonly opsUrl: string | undefined;
  /**
   * Registers something to stop first on shutdown (a schedule), before commands in flight are drained
   * and the platforms disconnect. Handlers run in registration order.
   */
  onStop(handler: () => Promise<void> | void): void;
  /** The weekly digest runner, as the schedule uses it (`npm run digest`); undefined without a chat platform. */
  digests: DigestRunner | undefined;
  /**
   * Runs a scheduled job now, through the same path as its schedule (a failure alerts the same way).
   * Rejects for a job this instance does not run (the digest and channel post need a chat platform,
   * the backup BACKUP_ENABLED).
   */
  runJob(name: ScheduledJobName, now?: Date): Promise<void>;
  stop(): Promise<void>;
}

/** The jobs of the one scheduler (src/jobs/app-jobs.ts). */
export type ScheduledJobName = 'weekly-digest' | 'channel-digest' | 'backup';

/** Shutdown budget: commands in flight get this long, platforms a little more, under main's 8 s. */
const DRAIN_TIMEOUT_MS = 4000;
/** How long shutdown waits for the audit log's last batch. */
const AUDIT_FLUSH_TIMEOUT_MS = 1500;
const PLATFORM_STOP_TIMEOUT_MS = 1500;

export interface StartOptions {
  clock?: Clock;
  /** The console chat: who is typing, and where its lines come from. Used when no platform is configured. */
  console?: {
    user: string;
    input: NodeJS.ReadableStream;
    output: NodeJS.WritableStream;
    interactive: boolean;
    /** The terminal shared with the log (see src/start/console-logging.ts). */
    screen?: ConsoleScreen;
  };
  /** Called when a platform ends on its own (the console's input ended). */
  onPlatformEnd?: () => void;
  /** How often the operations checks (database, storage, backup age) run; 60 s when not given. */
  opsCheckIntervalMs?: number;
}

/** The composition root: config -> database -> services -> commands -> platforms. */
export async function startApp(config: Config, logger: Logger, options: StartOptions = {}): Promise<App> {
  const { cipher, keyMaterial } = resolveCipher(config, logger);
  const clock = options.clock ?? systemClock;
  const metrics = createMetrics();
  let monitor: OpsMonitor | undefined;
  const database = await openMigratedDatabase({
    config,
    logger,
    clock,
    cipher,
    metrics,
    onConnectionError: (error) => monitor?.connectionLost(error),
  });

  const registry = createRegistry();
  // Services are made before the alerter (which needs the platforms); what they report goes to it once it exists.
  let raiseAlert: ((key: string, message: string) => void) | undefined;
  const services = createServices({
    db: database.db,
    cipher,
    clock: options.clock ?? systemClock,
    logger,
    config,
    secret: createHash('sha256').update(keyMaterial).digest('hex'),
    music: { music: config.music, ai: config.ai, onModelCall: (call) => metrics.modelCall(call) },
    catalog: { commands: () => registry.all() },
    auditObserver: {
      held: (count) => metrics.audit.held(count),
      dropped: (count, total) => {
        metrics.audit.dropped(count);
        raiseAlert?.(
          'audit-dropped',
          `The database has been unavailable long enough that ${total} audit entries were dropped (the oldest first).`,
        );
      },
    },
  });
  const dispatcher = createDispatcher(registry, services, { observer: metrics });
  const { store: inboxStore, runner: inbox } = createInbox({
    db: database.db,
    cipher,
    logger,
    leaseMs: config.inbox.leaseSeconds * 1000,
    retentionMs: config.inbox.retentionHours * 3_600_000,
    dispatcher,
    observer: metrics.inbox,
  });

  const { platforms, discord, slack, sendDirect, sendToChannel } = await createChatPlatforms({
    config,
    logger,
    metrics,
    dispatcher,
    inbox,
    services,
    commandNames: registry.all().map((command) => command.name),
    stopTimeoutMs: PLATFORM_STOP_TIMEOUT_MS,
    ...(options.console ? { console: options.console } : {}),
    onPlatformEnd: () => options.onPlatformEnd?.(),
  });
  const { opsHttp, http } = createHttpServers({
    config,
    logger,
    metrics,
    readiness: createReadinessCheck({ database, platforms }),
    account: services.spotifyAccount,
  });
  const chatConfigured = config.discord !== undefined || config.slack !== undefined;
  const alertChannel = config.ops.alertChannel;
  const alertAdapter = alertChannel?.platform === 'discord' ? discord : slack;
  if (alertChannel && !alertAdapter) {
    logger.warn({ platform: alertChannel.platform }, 'ALERT_CHANNEL names a platform that is not configured');
  }
  const alerter = createAlerter({
    webhookUrl: config.ops.alertWebhookUrl,
    sendToChannel:
      alertChannel && alertAdapter
        ? (text) => alertAdapter.postToChannel(alertChannel.channelId, text)
        : undefined,
    logger,
    clock,
  });
  raiseAlert = (key, message) => alerter.raise(key, message);
  monitor = createOpsMonitor({
    database,
    metrics,
    alerter,
    logger,
    clock,
    storageAlertBytes: config.ops.storageAlertBytes,
    inboxBacklog: () => inboxStore.backlog(),
    backupsEnabled: config.backup.enabled,
    ...(options.opsCheckIntervalMs ? { intervalMs: options.opsCheckIntervalMs } : {}),
  });
  const ops = monitor;
  const stopHandlers: Array<() => Promise<void> | void> = [];

  await startSurfaces({ opsHttp, http, platforms, required: chatConfigured, logger }).catch(async (error) => {
    await services.audit.close().catch(() => undefined);
    await database.close().catch(() => undefined);
    throw error;
  });
  stopHandlers.push(guardUnhandledRejections(logger, () => metrics.unhandledRejection()));
  ops.start();
  // What an instance that stopped left unanswered is taken over now and then, by whichever instance
  // looks first; the console records nothing, so it has nothing to resume.
  const surfaces: InboxSurface[] = [
    ...(discord ? [discord.inboxSurface] : []),
    ...(slack ? [slack.inboxSurface] : []),
  ];
  if (surfaces.length > 0) {
    inbox.start(surfaces, Math.min(5000, Math.max(500, (config.inbox.leaseSeconds * 1000) / 2)));
    stopHandlers.push(pruneEvery(PRUNE_EVERY_MS, 'old inbox keys', () => inboxStore.prune(), logger));
  }
  // Shared rate-limit counters of users who went quiet (RATE_LIMIT_STORE=database) would stay for ever.
  stopHandlers.push(
    pruneEvery(PRUNE_EVERY_MS, 'expired rate-limit counters', () => services.rateLimiter.prune(), logger),
  );
  const { scheduler, digests } = startAppJobs({
    db: database.db,
    logger,
    clock,
    alerter,
    ops,
    sendDirect,
    sendToChannel,
    platforms: [...(discord ? (['discord'] as const) : []), ...(slack ? (['slack'] as const) : [])],
    digest: {
      enabled: config.digest.enabled,
      leaseSeconds: config.digest.leaseSeconds,
      enrich: config.ai ? insightEnricher(services.insights) : undefined,
    },
    backup: config.backup.enabled
      ? { target: backupTargetFor(database, config.database), settings: config.backup }
      : undefined,
  });
  // First among the stop handlers: no job starts once shutdown begins.
  stopHandlers.unshift(() => scheduler.stop());

  let stopping: Promise<void> | undefined;
  return {
    database,
    cipher,
    services,
    dispatcher,
    inbox,
    platforms,
    discord,
    slack,
    sendDirect,
    sendToChannel,
    metrics,
    alerter,
    ops,
    get httpUrl() {
      if (http) return http.url;
      return slack?.port !== undefined ? `http://127.0.0.1:${slack.port}` : undefined;
    },
    get opsUrl() {
      return opsHttp.url;
    },
    onStop(handler) {
      stopHandlers.push(handler);
    },
    digests,
    runJob: (name, now) => scheduler.runOnce(name, now),
    stop() {
      stopping ??= (async () => {
        // Schedules first (nothing new starts), then the commands in flight, then the connections.
        for (const handler of stopHandlers) {
          await Promise.resolve()
            .then(handler)
            .catch((e: unknown) => logger.warn({ err: e }, 'a stop handler failed'));
        }
        ops.stop();
        const drained = await dispatcher.drain?.(DRAIN_TIMEOUT_MS);
        if (drained === false) {
          logger.warn({ inFlight: dispatcher.inFlight }, 'stopping with commands still in flight');
        }
        for (const platform of platforms)
          await platform.stop().catch((e: unknown) => logger.warn({ err: e }, 'platform stop failed'));
        // The last deliveries marked done; one left open is answered by the next instance.
        await withTimeout(inbox.stop(), 1000, () => undefined, { unref: true });
        await http?.stop().catch((e: unknown) => logger.warn({ err: e }, 'http server stop failed'));
        await opsHttp.stop().catch((e: unknown) => logger.warn({ err: e }, 'ops server stop failed'));
        await withTimeout(alerter.settled(), 1000, () => undefined, { unref: true });
        // Bounded like the rest: a flush stuck on a dead connection must not hold shutdown for ever.
        const flushed = await withTimeout(
          services.audit.close().then(() => true),
          AUDIT_FLUSH_TIMEOUT_MS,
          () => false,
          { unref: true },
        );
        if (!flushed) logger.warn('the last audit entries could not be written before shutdown');
        await database.close();
        logger.info('MoodScale stopped');
      })();
      return stopping;
    },
  };
}

/** How often rows kept only for a while (inbox keys, rate-limit counters) are pruned. */
const PRUNE_EVERY_MS = 10 * 60_000;

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
