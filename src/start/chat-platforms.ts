import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import type { Config } from '../config.js';
import type { Logger } from '../core/logger.js';
import { createSpotifyCallbackHandler, SPOTIFY_CALLBACK_PATH } from '../http/spotify-callback.js';
import type { Metrics } from '../ops/metrics.js';
import { createSendToChannel, type SendToChannel } from '../platforms/channel-messages.js';
import { createConsoleChat } from '../platforms/console/console-chat.js';
import type { ConsoleScreen } from '../platforms/console/console-screen.js';
import { createSendDirect, type SendDirect } from '../platforms/direct-messages.js';
import type { DiscordAdapter } from '../platforms/discord/discord-adapter.js';
import type { Dispatcher } from '../platforms/dispatcher.js';
import type { DeliveryRunner } from '../platforms/inbox/delivery-runner.js';
import type { PlatformAdapter } from '../platforms/platform.js';
import type { SlackAdapter } from '../platforms/slack/slack-adapter.js';
import type { Services } from '../services/services.js';

/**
 * Slack commands worked on at once after their acknowledgement. A command's writes and lookups join
 * statements shared with the commands beside it (the inbox, account resolution, the mood writes), so a
 * slot is not a pool connection: fewer slots than a burst splits it into waves, each paying every
 * statement's round trip again (bench/answer-latency: answer p99 1.8x the minimal bot's with the pool's
 * 20 slots, 1.1x with 64). Reads beyond the pool wait in its queue.
 */
const SLACK_COMMANDS_IN_FLIGHT = 64;

export interface ChatPlatformsDeps {
  config: Config;
  logger: Logger;
  metrics: Metrics;
  dispatcher: Dispatcher;
  inbox: DeliveryRunner;
  services: Services;
  /** The declared command names (Slack renames them with SLACK_COMMAND_PREFIX). */
  commandNames: readonly string[];
  /** How long each platform's stop() waits for its commands in flight. */
  stopTimeoutMs: number;
  /** The console chat, used when no chat platform is configured. */
  console?: ConsoleChatOptions;
  onPlatformEnd: (reason: string) => void;
}

/** The console chat: who is typing, and where its lines come from. */
export interface ConsoleChatOptions {
  user: string;
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  interactive: boolean;
  /** The terminal shared with the log (see src/start/console-logging.ts). */
  screen?: ConsoleScreen;
}

export interface ChatPlatforms {
  /** In start order; the console alone when neither Discord nor Slack is configured. */
  platforms: PlatformAdapter[];
  discord: DiscordAdapter | undefined;
  slack: SlackAdapter | undefined;
  sendDirect: SendDirect;
  sendToChannel: SendToChannel;
}

/**
 * The build step that makes the chat surfaces (not yet started): Discord and Slack when configured,
 * else the console, and the two ways jobs reach users through them (DMs, channel posts).
 */
export async function createChatPlatforms(deps: ChatPlatformsDeps): Promise<ChatPlatforms> {
  const { config, logger, metrics, dispatcher, inbox, services } = deps;
  const platforms: PlatformAdapter[] = [];
  // Each chat SDK is loaded only when its platform is configured: discord.js and Bolt are tens of MB
  // resident each, and a Discord-only bot should not carry Slack's (nor the console either).
  const discord = config.discord
    ? (await import('../platforms/discord/discord-adapter.js')).createDiscordAdapter({
        dispatcher,
        inbox,
        config: config.discord,
        logger,
        stopTimeoutMs: deps.stopTimeoutMs,
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
  // In Slack HTTP mode Slack's receiver holds the public PORT, so the Spotify callback rides on it.
  const account = services.spotifyAccount;
  const slack = config.slack
    ? (await import('../platforms/slack/slack-adapter.js')).createSlackAdapter({
        inbox,
        config: config.slack,
        port: config.http.port,
        logger,
        stopTimeoutMs: deps.stopTimeoutMs,
        concurrency: SLACK_COMMANDS_IN_FLIGHT,
        onAcknowledged: (ms) => metrics.acknowledged('slack', ms),
        commandNames: deps.commandNames,
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
  if (slack) platforms.push(slack);
  // Discord reports refusals itself (above); Slack's are recorded here, on the shared path.
  const sendDirect = createSendDirect({ discord, slack }, (to) =>
    to.platform === 'discord' ? Promise.resolve() : services.settings.markDirectMessagesBlocked(to),
  );
  const sendToChannel = createSendToChannel({ discord, slack });
  // The console is the fallback surface: with a chat platform configured (and under a shard manager,
  // where every shard would read the same stdin) it stays off.
  if (platforms.length === 0 && deps.console) {
    platforms.push(
      createConsoleChat({
        dispatcher,
        user: deps.console.user,
        input: deps.console.input as NodeJS.ReadableStream & Readable,
        output: deps.console.output as NodeJS.WritableStream & Writable,
        filesDir: join(config.database.dataDir, 'exports'),
        interactive: deps.console.interactive,
        onEnd: deps.onPlatformEnd,
        ...(deps.console.screen ? { screen: deps.console.screen } : {}),
      }),
    );
  }
  return { platforms, discord, slack, sendDirect, sendToChannel };
}
