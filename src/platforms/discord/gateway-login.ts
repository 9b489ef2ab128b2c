import { type Client, Events } from 'discord.js';
import { ConfigError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { within } from '../../core/within.js';
import type { Dispatcher } from '../dispatcher.js';
import { buildCommandJson } from './command-json.js';
import {
  BOT_PERMISSIONS,
  type DiscordSettings,
  MESSAGE_CONTENT_PERMISSIONS,
  permissionNames,
} from './discord-client.js';
import { explainLoginError } from './discord-errors.js';
import { registerCommands } from './register-commands.js';

const MESSAGE_CONTENT_HINT =
  'Spotify links in ordinary messages are not answered: to turn that on, enable the Message Content Intent ' +
  '(Developer Portal > your app > Bot > Message Content Intent), then set DISCORD_MESSAGE_CONTENT=true and ' +
  'restart. /share and the "Analyze track" message menu work without it.';

/** Whether interactions are taken (from login until stop) and whether the gateway is connected. */
export interface GatewayState {
  accepting: boolean;
  connected: boolean;
}

/** What logging in and getting ready need. */
export interface GatewayLoginDeps {
  client: Client;
  config: DiscordSettings;
  dispatcher: Pick<Dispatcher, 'registry'>;
  log: Logger;
  state: GatewayState;
  /** How long to wait for the gateway to be ready after logging in. */
  readyTimeoutMs: number;
  /** DISCORD_MESSAGE_CONTENT, as the client's intents were chosen. */
  messageContent: boolean;
  /** The link that adds the bot to a server, logged once connected. */
  inviteUrl: string;
}

/**
 * Logs in, waits for the gateway to be ready, checks the token belongs to the configured application,
 * and registers the commands. Interactions are taken from the login on (they are answered once ready);
 * a failure leaves the client destroyed and throws, a ConfigError when the configuration is at fault.
 */
export async function connectGateway(deps: GatewayLoginDeps): Promise<void> {
  const { client, config, log, state, messageContent } = deps;
  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  state.accepting = true;
  try {
    await client.login(config.token);
  } catch (error) {
    state.accepting = false;
    const { message, configuration } = explainLoginError(error, { messageContent });
    log.error({ err: error }, message);
    await client.destroy().catch(() => undefined);
    throw configuration ? new ConfigError(message) : new Error(message, { cause: error });
  }
  const timedOut = await within(ready, deps.readyTimeoutMs).then((r) => r === undefined);
  if (timedOut && !client.isReady()) {
    state.accepting = false;
    await client.destroy();
    throw new Error(`Discord did not become ready within ${deps.readyTimeoutMs / 1000} s.`);
  }
  const applicationId = client.application?.id;
  if (applicationId && applicationId !== config.applicationId) {
    state.accepting = false;
    await client.destroy();
    throw new ConfigError(
      `MoodScale cannot start: DISCORD_APPLICATION_ID is ${config.applicationId}, but DISCORD_TOKEN belongs to application ${applicationId}.\n` +
        '  DISCORD_APPLICATION_ID: expected the numeric application id (Developer Portal > your app > General Information)',
    );
  }
  state.connected = true;
  if (!messageContent) log.info(MESSAGE_CONTENT_HINT);
  const invitePermissionNames = permissionNames(
    messageContent ? MESSAGE_CONTENT_PERMISSIONS : BOT_PERMISSIONS,
  );
  log.info(
    { inviteUrl: deps.inviteUrl },
    `add MoodScale to a server with this link (scopes bot and applications.commands; permissions ${invitePermissionNames}, for the weekly channel post)`,
  );
  await registerOnFirstShard(deps);
  log.info(
    { user: client.user?.tag, guilds: client.guilds.cache.size, shards: client.shard?.ids ?? [0] },
    'discord connected',
  );
}

/** Registers the commands with Discord; a failure is logged and the commands Discord has stay. */
async function registerOnFirstShard({ client, config, dispatcher, log }: GatewayLoginDeps): Promise<void> {
  // Under a ShardingManager every shard runs this; one registration is enough.
  if (client.shard !== null && !client.shard.ids.includes(0)) return;
  await registerCommands({
    rest: client.rest,
    applicationId: config.applicationId,
    guildId: config.guildId,
    commands: buildCommandJson(dispatcher.registry.all()),
    logger: log,
  }).catch(() => {
    // Logged with its cause; the commands Discord already has keep working.
    log.warn('discord commands were not updated; the bot keeps running with those Discord has');
  });
}
