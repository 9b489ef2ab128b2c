import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { createRegistry } from '../commands/index.js';
import type { Config } from './config.js';
import { type Clock, systemClock } from './core/clock.js';
import type { Logger } from './core/logger.js';
import type { Database } from './db/database.js';
import { openDatabase } from './db/open-database.js';
import { createHttpServer, type HttpServer } from './http/http-server.js';
import {
  createSpotifyCallbackHandler,
  SPOTIFY_CALLBACK_PATH,
  spotifyCallbackRoute,
} from './http/spotify-callback.js';
import { createConsoleChat } from './platforms/console/console-chat.js';
import { createSendDirect, type SendDirect } from './platforms/direct-messages.js';
import { createDiscordAdapter, type DiscordAdapter } from './platforms/discord/discord-adapter.js';
import { createDispatcher, type Dispatcher } from './platforms/dispatcher.js';
import type { PlatformAdapter } from './platforms/platform.js';
import { createSlackAdapter, type SlackAdapter } from './platforms/slack/slack-adapter.js';
import { resolveCipher } from './services/crypto/cipher-from-config.js';
import type { FieldCipher } from './services/crypto/field-cipher.js';
import { createServices, type Services } from './services/services.js';

/** A running MoodScale: what start-up built, and how to stop it in order. */
export interface App {
  database: Database;
  cipher: FieldCipher;
  services: Services;
  dispatcher: Dispatcher;
  platforms: PlatformAdapter[];
  /** The Discord bot when DISCORD_TOKEN is set. */
  discord: DiscordAdapter | undefined;
  /** The Slack bot when SLACK_BOT_TOKEN is set. */
  slack: SlackAdapter | undefined;
  /** Direct messages to any chat account on a running platform (the weekly digest). */
  sendDirect: SendDirect;
  stop(): Promise<void>;
}

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
}

/** The composition root: config -> database -> services -> commands -> platforms. */
export async function startApp(config: Config, logger: Logger, options: StartOptions = {}): Promise<App> {
  const { cipher, keyMaterial } = resolveCipher(config, logger);
  const database = await openDatabase(config.database, logger);
  try {
    await database.migrate();
    await database.ping();
  } catch (error) {
    await database.close().catch(() => undefined);
    throw error;
  }

  const registry = createRegistry();
  const services = createServices({
    db: database.db,
    cipher,
    clock: options.clock ?? systemClock,
    logger,
    config,
    secret: createHash('sha256').update(keyMaterial).digest('hex'),
    music: { music: config.music, ai: config.ai },
    catalog: { commands: () => registry.all() },
  });
  const dispatcher = createDispatcher(registry, services);

  const platforms: PlatformAdapter[] = [];
  const discord = config.discord
    ? createDiscordAdapter({
        dispatcher,
        config: config.discord,
        logger,
        onDirectMessageBlocked: (externalUserId) =>
          services.settings.markDirectMessagesBlocked({
            platform: 'discord',
            workspaceId: '',
            externalUserId,
          }),
      })
    : undefined;
  if (discord) platforms.push(discord);
  // The Spotify callback is served on PORT: by Slack's HTTP receiver when it holds the port, else by
  // a small server of our own (only when linking is configured, so no port opens for nothing).
  const account = services.spotifyAccount;
  const slackHoldsPort = config.slack?.mode === 'http';
  const slack = config.slack
    ? createSlackAdapter({
        dispatcher,
        config: config.slack,
        port: config.http.port,
        logger,
        ...(account && slackHoldsPort
          ? {
              customRoutes: [
                {
                  path: SPOTIFY_CALLBACK_PATH,
                  method: ['GET'],
                  handler: createSpotifyCallbackHandler(account, logger),
                },
              ],
            }
          : {}),
      })
    : undefined;
  const http: HttpServer | undefined =
    account && !slackHoldsPort
      ? createHttpServer({ port: config.http.port, routes: [spotifyCallbackRoute(account, logger)], logger })
      : undefined;
  if (slack) platforms.push(slack);
  // Discord reports refusals itself (above); Slack's are recorded here, on the shared path.
  const sendDirect = createSendDirect({ discord, slack }, (to) =>
    to.platform === 'discord' ? Promise.resolve() : services.settings.markDirectMessagesBlocked(to),
  );
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
  const started: PlatformAdapter[] = [];
  try {
    await http?.start();
    for (const platform of platforms) {
      await platform.start();
      started.push(platform);
    }
  } catch (error) {
    // A platform that cannot start (bad token) must not leave the others connected or the database open.
    for (const platform of started.reverse()) await platform.stop().catch(() => undefined);
    await http?.stop().catch(() => undefined);
    await services.audit.close().catch(() => undefined);
    await database.close().catch(() => undefined);
    throw error;
  }

  let stopping: Promise<void> | undefined;
  return {
    database,
    cipher,
    services,
    dispatcher,
    platforms,
    discord,
    slack,
    sendDirect,
    stop() {
      stopping ??= (async () => {
        for (const platform of platforms)
          await platform.stop().catch((e: unknown) => logger.warn({ err: e }, 'platform stop failed'));
        await http?.stop().catch((e: unknown) => logger.warn({ err: e }, 'http server stop failed'));
        await services.audit.close();
        await database.close();
        logger.info('MoodScale stopped');
      })();
      return stopping;
    },
  };
}
