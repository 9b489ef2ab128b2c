import {
  type Client,
  Events,
  type GatewayDispatchPayload,
  type Interaction,
  type Message,
  RESTEvents,
} from 'discord.js';
import type { Logger } from '../../core/logger.js';
import { DiscordCode, describeDiscordError, discordCodeOf, gatewayCloseAdvice } from './discord-errors.js';
import type { ArrivalClock } from './interaction-timing.js';

/** What listening for interactions and messages needs. */
export interface InteractionListenerDeps {
  client: Client;
  log: Logger;
  /** DISCORD_MESSAGE_CONTENT: ordinary messages are read for Spotify links. */
  messageContent: boolean;
  timing: ArrivalClock;
  /** Keeps a task in flight until it settles (stop() waits for them). */
  track(task: Promise<void>): void;
  /** Answers an interaction; never throws. */
  handleInteraction(interaction: Interaction): Promise<void>;
  /** Answers the Spotify links of a message. */
  onMessage(message: Message): Promise<void>;
}

/** Sends interactions (and, with the Message Content intent, messages) from the gateway to their handlers. */
export function listenForInteractions(deps: InteractionListenerDeps): void {
  const { client, log, timing, track } = deps;
  // The gateway packet's arrival, before discord.js builds the interaction: what acknowledgement counts from.
  client.on(Events.Raw, (packet: GatewayDispatchPayload) => {
    if (packet.t !== 'INTERACTION_CREATE') return;
    patchInteractionPayload(packet.d);
    timing.packetArrived(packet.d.id);
  });
  client.on(Events.InteractionCreate, (interaction) => {
    timing.interactionBuilt(interaction);
    track(deps.handleInteraction(interaction));
  });
  // Server messages arrive only with DISCORD_MESSAGE_CONTENT=true (GuildMessages), DMs always.
  client.on(Events.MessageCreate, (message) =>
    track(
      deps.onMessage(message).catch((error: unknown) => {
        const level = discordCodeOf(error) === DiscordCode.MissingPermissions ? 'error' : 'warn';
        log[level](
          { err: error, messageId: message.id, channelId: message.channelId },
          `could not answer a message: ${describeDiscordError(error)}`,
        );
      }),
    ),
  );
}

/** Fills in, on the raw gateway payload of an interaction, the fields discord.js reads without a fallback. */
function patchInteractionPayload(payload: object): void {
  // discord.js 14 reads `entitlements` without a fallback and throws inside its gateway handler when
  // it is missing (Discord's own documented example has none): the interaction would never be
  // acknowledged. Raw is emitted with the same object just before discord.js builds the interaction.
  const data = payload as { entitlements?: unknown; authorizing_integration_owners?: unknown };
  if (!Array.isArray(data.entitlements)) data.entitlements = [];
  // Likewise absent from older payloads, and read without a fallback.
  if (
    typeof data.authorizing_integration_owners !== 'object' ||
    data.authorizing_integration_owners === null
  ) {
    data.authorizing_integration_owners = {};
  }
}

/** What reporting the gateway's and the REST client's health needs. */
export interface HealthReportDeps {
  client: Client;
  log: Logger;
  messageContent: boolean;
  /** Before the first connection, start() reports a closed gateway itself. */
  state: { readonly connected: boolean };
}

/** Logs what happens to the gateway connection and to REST requests (rate limits, invalid requests). */
export function reportGatewayHealth({ client, log, messageContent, state }: HealthReportDeps): void {
  // discord.js resumes a dropped gateway session by itself (replaying missed events); these only report.
  client.on(Events.ShardReconnecting, (shardId) => {
    log.warn({ shardId }, 'discord gateway connection lost; discord.js is reconnecting and will resume');
  });
  client.on(Events.ShardResume, (shardId, replayedEvents) => {
    log.info({ shardId, replayedEvents }, 'discord gateway resumed');
  });
  client.on(Events.ShardDisconnect, (event, shardId) => {
    // Before the first connection, start() reports the failure itself.
    if (!state.connected) return;
    const advice = gatewayCloseAdvice(event.code, { messageContent });
    log.error(
      { shardId, code: event.code },
      advice ?? `discord gateway closed with ${event.code} and will not reconnect`,
    );
  });
  client.on(Events.ShardError, (error, shardId) => {
    log.warn({ err: error, shardId }, 'discord gateway connection error');
  });
  client.on(Events.Error, (error) => log.error({ err: error }, 'discord client error'));
  client.on(Events.Warn, (message) => log.warn(message));
  client.on(Events.Debug, (message) => log.trace(message));
  client.rest.on(RESTEvents.RateLimited, (info) => {
    log.warn(
      { route: info.route, method: info.method, global: info.global, retryAfterMs: info.retryAfter },
      'discord rate limit reached; requests wait',
    );
  });
  client.rest.on(RESTEvents.InvalidRequestWarning, (info) => {
    log.warn(
      { count: info.count, remainingMs: info.remainingTime },
      'many invalid Discord requests (10,000 in 10 minutes earn a temporary ban)',
    );
  });
}
