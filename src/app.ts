import type { Config } from './config.js';
import { type Clock, systemClock } from './core/clock.js';
import type { Logger } from './core/logger.js';
import { resolveCipher } from './crypto/cipher-from-config.js';
import type { FieldCipher } from './crypto/field-cipher.js';
import type { Database } from './db/database.js';
import type { Alerter } from './ops/alerts.js';
import { createMetrics, type Metrics } from './ops/metrics.js';
import type { OpsMonitor } from './ops/monitor.js';
import { createReadinessCheck } from './ops/readiness.js';
import type { SendToChannel } from './platforms/channel-messages.js';
import type { SendDirect } from './platforms/direct-messages.js';
import type { DiscordAdapter } from './platforms/discord/discord-adapter.js';
import type { Dispatcher } from './platforms/dispatcher.js';
import type { DeliveryRunner } from './platforms/inbox/delivery-runner.js';
import type { PlatformAdapter } from './platforms/platform.js';
import type { SlackAdapter } from './platforms/slack/slack-adapter.js';
import type { CheckinRunner } from './services/checkins/checkin-runner.js';
import type { DigestRunner } from './services/digest/digest-runner.js';
import type { Services } from './services/services.js';
import { type BackgroundWork, startBackgroundWork } from './start/background-work.js';
import { type ChatPlatforms, type ConsoleChatOptions, createChatPlatforms } from './start/chat-platforms.js';
import { createCommandPath } from './start/command-path.js';
import { openMigratedDatabase } from './start/database.js';
import { createHttpServers, type HttpServers } from './start/http-servers.js';
import { createOperations, type Operations } from './start/operations.js';
import { createAppServices } from './start/services.js';
import { startSurfaces } from './start/start-surfaces.js';
import { createStopApp, PLATFORM_STOP_TIMEOUT_MS } from './start/stop-app.js';

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
  /** The check-in runner the schedule uses (also for `npm run checkins`); undefined without a chat platform. */
  checkins: CheckinRunner | undefined;
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

export interface StartOptions {
  clock?: Clock;
  /** The console chat. Used when no platform is configured. */
  console?: ConsoleChatOptions;
  /** Called when a platform ends on its own (the console's input ended, or /quit), saying why. */
  onPlatformEnd?: (reason: string) => void;
  /** How often the operations checks (database, storage, backup age) run; 60 s when not given. */
  opsCheckIntervalMs?: number;
}

/**
 * The composition root: config -> database -> services -> commands -> platforms, each a build step of
 * src/start/ in the order it runs.
 */
export async function startApp(config: Config, logger: Logger, options: StartOptions = {}): Promise<App> {
  const { cipher, keyMaterial } = resolveCipher(config, logger);
  const base = { config, logger, clock: options.clock ?? systemClock, metrics: createMetrics() };
  // The alerter and the monitor need the platforms, so they are made later (what comes before is dropped).
  const late = lateOperations();
  const database = await openMigratedDatabase({ ...base, cipher, onConnectionError: late.connectionLost });
  const { db } = database;
  const { registry, services } = createAppServices({
    ...base,
    cipher,
    keyMaterial,
    db,
    raiseAlert: late.raise,
  });
  const { dispatcher, inbox, inboxStore } = createCommandPath({ ...base, cipher, db, registry, services });
  const chat = await createChatPlatforms({
    ...base,
    dispatcher,
    inbox,
    services,
    commandNames: registry.all().map((command) => command.name),
    stopTimeoutMs: PLATFORM_STOP_TIMEOUT_MS,
    ...(options.console ? { console: options.console } : {}),
    onPlatformEnd: (reason) => options.onPlatformEnd?.(reason),
  });
  const readiness = createReadinessCheck({ database, platforms: chat.platforms });
  const servers = createHttpServers({ ...base, readiness, account: services.spotifyAccount });
  const intervalMs = options.opsCheckIntervalMs;
  const { alerter, ops } = late.set(createOperations({ ...base, database, chat, inboxStore, intervalMs }));
  const required = config.discord !== undefined || config.slack !== undefined;
  await startSurfaces({ ...servers, platforms: chat.platforms, required, logger }).catch(async (error) => {
    await services.audit.close().catch(() => undefined);
    await database.close().catch(() => undefined);
    throw error;
  });
  const built = { ...base, database, cipher, services, dispatcher, inbox, alerter, ops, chat, servers };
  return runningApp({ ...built, background: startBackgroundWork({ ...built, inboxStore }) });
}

/**
 * The operations (alerter and monitor) as the steps before them see them: made after the platforms, so
 * a connection lost or an alert raised before `set` is not reported.
 */
function lateOperations() {
  let operations: Operations | undefined;
  return {
    set(made: Operations): Operations {
      operations = made;
      return made;
    },
    connectionLost: (error: Error) => operations?.ops.connectionLost(error),
    raise: (key: string, message: string) => operations?.alerter.raise(key, message),
  };
}

/** What start-up built, for runningApp. */
interface Built {
  config: Config;
  logger: Logger;
  clock: Clock;
  metrics: Metrics;
  database: Database;
  cipher: FieldCipher;
  services: Services;
  dispatcher: Dispatcher;
  inbox: DeliveryRunner;
  alerter: Alerter;
  ops: OpsMonitor;
  chat: ChatPlatforms;
  servers: HttpServers;
  background: BackgroundWork;
}

/** The App over what start-up built: its URLs read the servers as they are now; stop() runs once. */
function runningApp(built: Built): App {
  const { database, services, dispatcher, inbox, alerter, ops, chat, background } = built;
  const { http, opsHttp } = built.servers;
  const { stopHandlers, scheduler } = background;
  const { platforms, discord, slack } = chat;
  return {
    database,
    cipher: built.cipher,
    services,
    dispatcher,
    inbox,
    platforms,
    discord,
    slack,
    sendDirect: chat.sendDirect,
    sendToChannel: chat.sendToChannel,
    metrics: built.metrics,
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
    digests: background.digests,
    checkins: background.checkins,
    runJob: (name, now) => scheduler.runOnce(name, now),
    stop: createStopApp({
      logger: built.logger,
      stopHandlers,
      ops,
      dispatcher,
      platforms,
      inbox,
      http,
      opsHttp,
      alerter,
      audit: services.audit,
      database,
    }),
  };
}
