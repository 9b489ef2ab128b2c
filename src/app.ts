import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { createRegistry } from '../commands/index.js';
import type { Config } from './config.js';
import { type Clock, systemClock } from './core/clock.js';
import type { Logger } from './core/logger.js';
import { resolveCipher } from './crypto/cipher-from-config.js';
import type { FieldCipher } from './crypto/field-cipher.js';
import type { Database } from './db/database.js';
import { openDatabase } from './db/open-database.js';
import { createHttpServer, type HttpServer } from './http/http-server.js';
import { opsRoutes } from './http/ops-routes.js';
import {
  createSpotifyCallbackHandler,
  SPOTIFY_CALLBACK_PATH,
  spotifyCallbackRoute,
} from './http/spotify-callback.js';
import { startAppJobs } from './jobs/app-jobs.js';
import { type Alerter, createAlerter } from './ops/alerts.js';
import { backupTargetFor } from './ops/backup/backup-target.js';
import { backupBeforeMigrating } from './ops/backup/pre-migration.js';
import { createMetrics, type Metrics } from './ops/metrics.js';
import { createOpsMonitor, type OpsMonitor } from './ops/monitor.js';
import { guardUnhandledRejections } from './ops/process-guards.js';
import { createReadinessCheck } from './ops/readiness.js';
import { createSendToChannel, type SendToChannel } from './platforms/channel-messages.js';
import { createConsoleChat } from './platforms/console/console-chat.js';
import { createSendDirect, type SendDirect } from './platforms/direct-messages.js';
import type { DiscordAdapter } from './platforms/discord/discord-adapter.js';
import { createDispatcher, type Dispatcher } from './platforms/dispatcher.js';
import { createInbox, type DeliveryRunner, type InboxSurface } from './platforms/inbox/delivery-runner.js';
import type { PlatformAdapter } from './platforms/platform.js';
import type { SlackAdapter } from './platforms/slack/slack-adapter.js';
import type { DigestRunner } from './services/digest/digest-runner.js';
import { insightEnricher } from './services/digest/insight-enricher.js';
import { checkStoredKeys } from './services/keys/stored-key-check.js';
import { createServices, type Services } from './services/services.js';

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
  const database = await openDatabase(config.database, logger, {
    onSlowQuery: () => metrics.slowQuery(),
    onConnectionError: (error) => monitor?.connectionLost(error),
  });
  metrics.watchDatabase(database);
  try {
    await backupBeforeMigrating({ database, config, logger, clock });
    await database.migrate();
    await database.ping();
    // Values under a key this server lacks: production stops here (see stored-key-check.ts).
    await checkStoredKeys({ db: database.db, cipher, config, logger });
  } catch (error) {
    await database.close().catch(() => undefined);
    throw error;
  }

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

  const platforms: PlatformAdapter[] = [];
  // Each chat SDK is loaded only when its platform is configured: discord.js and Bolt are tens of MB
  // resident each, and a Discord-only bot should not carry Slack's (nor the console either).
  const discord = config.discord
    ? (await import('./platforms/discord/discord-adapter.js')).createDiscordAdapter({
        dispatcher,
        inbox,
        config: config.discord,
        logger,
        stopTimeoutMs: PLATFORM_STOP_TIMEOUT_MS,
        onAcknowledged: (ms) => metrics.acknowledged('discord', ms),
        onDirectMessageBlocked: (externalUserId) =>
          services.settings.markDirectMessagesBlocked({
            platform: 'discord',
            workspaceId: '',
            externalUserId,
          }),
      })
    : undefined;
  if (discord) platforms.push(discord);
  // The public port (PORT) serves only what the platforms call: Slack's events (its HTTP receiver holds
  // the port) and the Spotify callback. /healthz, /readyz and /metrics have a port of their own, on
  // loopback unless the operator exposes it, so metrics and readiness details never face the internet.
  const account = services.spotifyAccount;
  const slackHoldsPort = config.slack?.mode === 'http';
  const readiness = createReadinessCheck({ database, platforms });
  const opsHttp = createHttpServer({
    name: 'ops',
    port: config.http.ops.port,
    host: config.http.ops.host,
    routes: opsRoutes({ readiness, metrics, logger, token: config.http.ops.token }),
    logger,
  });
  const slack = config.slack
    ? (await import('./platforms/slack/slack-adapter.js')).createSlackAdapter({
        inbox,
        config: config.slack,
        port: config.http.port,
        logger,
        stopTimeoutMs: PLATFORM_STOP_TIMEOUT_MS,
        // A command holds at most one connection at a time: as many at once as the pool has keeps it busy.
        concurrency: config.database.maxConnections,
        onAcknowledged: (ms) => metrics.acknowledged('slack', ms),
        commandNames: registry.all().map((command) => command.name),
        customRoutes: account
          ? [
              {
                path: SPOTIFY_CALLBACK_PATH,
                method: ['GET'],
                handler: createSpotifyCallbackHandler(account, logger),
              },
            ]
          : [],
      })
    : undefined;
  // The console alone is a local, single-user mode: its callback server listens on loopback only.
  const chatConfigured = config.discord !== undefined || config.slack !== undefined;
  const http: HttpServer | undefined =
    slackHoldsPort || !account
      ? undefined
      : createHttpServer({
          name: 'public',
          port: config.http.port,
          ...(chatConfigured ? {} : { host: '127.0.0.1' }),
          routes: [spotifyCallbackRoute(account, logger)],
          logger,
        });
  if (slack) platforms.push(slack);
  // Discord reports refusals itself (above); Slack's are recorded here, on the shared path.
  const sendDirect = createSendDirect({ discord, slack }, (to) =>
    to.platform === 'discord' ? Promise.resolve() : services.settings.markDirectMessagesBlocked(to),
  );
  const sendToChannel = createSendToChannel({ discord, slack });
  // The console is the fallback surface: with a chat platform configured (and under a shard manager,
  // where every shard would read the same stdin) it stays off.
  if (platforms.length === 0 && options.console) {
    platforms.push(
      createConsoleChat({
        dispatcher,
        user: options.console.user,
        input: options.console.input as NodeJS.ReadableStream & import('node:stream').Readable,
        output: options.console.output as NodeJS.WritableStream & import('node:stream').Writable,
        filesDir: join(config.database.dataDir, 'exports'),
        interactive: options.console.interactive,
        onEnd: () => options.onPlatformEnd?.(),
      }),
    );
  }
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

  const started: PlatformAdapter[] = [];
  try {
    await startHttp(
      opsHttp,
      logger,
      chatConfigured,
      'OPS_PORT is in use: /healthz, /readyz and /metrics are off for this console session',
    );
    await startHttp(
      http,
      logger,
      chatConfigured,
      'PORT is in use: the Spotify callback is off for this console session',
    );
    for (const platform of platforms) {
      await platform.start();
      started.push(platform);
    }
  } catch (error) {
    // A platform that cannot start (bad token) must not leave the others connected or the database open.
    for (const platform of started.reverse()) await platform.stop().catch(() => undefined);
    await http?.stop().catch(() => undefined);
    await opsHttp.stop().catch(() => undefined);
    await services.audit.close().catch(() => undefined);
    await database.close().catch(() => undefined);
    throw error;
  }
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
        await Promise.race([inbox.stop(), new Promise((r) => setTimeout(r, 1000).unref())]);
        await http?.stop().catch((e: unknown) => logger.warn({ err: e }, 'http server stop failed'));
        await opsHttp.stop().catch((e: unknown) => logger.warn({ err: e }, 'ops server stop failed'));
        await Promise.race([alerter.settled(), new Promise((r) => setTimeout(r, 1000).unref())]);
        // Bounded like the rest: a flush stuck on a dead connection must not hold shutdown for ever.
        const flushed = await Promise.race([
          services.audit.close().then(() => true),
          new Promise<false>((r) => setTimeout(() => r(false), AUDIT_FLUSH_TIMEOUT_MS).unref()),
        ]);
        if (!flushed) logger.warn('the last audit entries could not be written before shutdown');
        await database.close();
        logger.info('MoodScale stopped');
      })();
      return stopping;
    },
  };
}

/**
 * Starts a server. With a chat platform configured a port already taken is fatal (the probes or the
 * callback would fail silently); the console alone is a local, single-user mode and runs without it.
 */
async function startHttp(
  http: HttpServer | undefined,
  logger: Logger,
  required: boolean,
  whenOff: string,
): Promise<void> {
  if (!http) return;
  try {
    await http.start();
  } catch (error) {
    if (required || (error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    logger.warn({ err: error }, whenOff);
  }
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
