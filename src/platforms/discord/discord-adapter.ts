import { type Client, Status } from 'discord.js';
import { type Clock, systemClock } from '../../core/clock.js';
import type { Reply } from '../../core/commands/index.js';
import type { Logger } from '../../core/logger.js';
import { withTimeout } from '../../core/within.js';
import type { DirectMessageOptions } from '../../services/direct-messages.js';
import type { ChannelPostResult } from '../channel-messages.js';
import type { Dispatcher } from '../dispatcher.js';
import type { DeliveryRunner, InboxSurface } from '../inbox/delivery-runner.js';
import type { PlatformAdapter } from '../platform.js';
import { postDiscordChannelMessage } from './channel-post.js';
import { createDirectMessages, createDmChannelIds } from './direct-channels.js';
import type { DirectMessageResult, DirectMessenger } from './direct-messenger.js';
import { onDirectMessage } from './direct-moods.js';
import { createDiscordClient, type DiscordSettings, inviteLink } from './discord-client.js';
import { createDmLanes } from './dm-queue.js';
import { listenForInteractions, reportGatewayHealth } from './gateway-events.js';
import { connectGateway, type GatewayState } from './gateway-login.js';
import { handleInteraction, type InteractionDeps } from './interaction-router.js';
import { createArrivalClock } from './interaction-timing.js';
import { createInboxSurface, type LateDeliveryDeps } from './late-deliveries.js';
import { type MessageLinkDeps, onMessage } from './message-links.js';
import { createInteractionWebhooks, createReplySender } from './reply-sender.js';

// Public exports of this module, now kept with the code that uses them.
export { optionValues } from './command-interactions.js';
export { MAX_LINKS_PER_MESSAGE, spotifyLinkUrl } from './message-links.js';

export interface DiscordAdapterOptions {
  dispatcher: Dispatcher;
  /** Where every interaction is recorded before it is acknowledged, and run from. */
  inbox: DeliveryRunner;
  /** `config.discord`. */
  config: DiscordSettings;
  logger: Logger;
  /** Decides whether a button has expired; the system clock when not given. */
  clock?: Clock;
  /** Least time between two direct messages; 1000 ms when not given. */
  dmIntervalMs?: number;
  /** Check-in prompts sent at once (the 'prompt' lane of direct messages); 16 when not given. */
  promptLanes?: number;
  /** First wait after Discord says DMs are opened too fast (40003); doubles per retry. 5000 ms by default. */
  dmRetryDelayMs?: number;
  /**
   * How long after its arrival a command that is not declared slow may run before the interaction is
   * deferred; 1000 ms by default, so the acknowledgement leaves well within half of Discord's 3 seconds.
   */
  ackAfterMs?: number;
  /**
   * From its arrival, how long an interaction may wait for the inbox before the user is told it was not
   * saved; 2000 ms by default, leaving time to say so within Discord's 3 seconds.
   */
  recordDeadlineMs?: number;
  /** How long stop() waits for interactions in flight; 10 s by default. */
  stopTimeoutMs?: number;
  /** How long start() waits for the gateway to be ready after logging in; 30 s by default. */
  readyTimeoutMs?: number;
  /** Called when a user does not accept direct messages (Discord error 50007). */
  onDirectMessageBlocked?: (externalUserId: string) => Promise<void>;
  /** Told how long each interaction took from its arrival (the gateway packet) to its acknowledgement. */
  onAcknowledged?: (ms: number) => void;
}

/** MoodScale on Discord: slash commands, autocomplete and buttons in, private answers and DMs out. */
export interface DiscordAdapter extends PlatformAdapter, DirectMessenger {
  /** The discord.js client, for metrics and for tests. */
  readonly client: Client;
  /** The link that adds the bot to a server (also logged at start). */
  readonly inviteUrl: string;
  /** Posts a reply in a server channel (the weekly channel post); mentions disabled. */
  sendToChannel(channelId: string, reply: Reply): Promise<ChannelPostResult>;
  /** Posts plain text in a channel (admin alerts), mentioning no one. */
  postToChannel(channelId: string, text: string): Promise<void>;
  /** How the inbox finishes a Discord delivery that an instance left unanswered. */
  readonly inboxSurface: InboxSurface;
}

/**
 * The Discord adapter. Every interaction is acknowledged within Discord's 3 seconds: commands declared
 * `slow` are deferred at once, others are answered directly when they finish within `ackAfterMs` and
 * deferred otherwise; a deferral is ephemeral from the start unless the command is public, so a private
 * answer is never shown to anyone else. Direct messages go through a spaced queue.
 *
 * This function wires the pieces together: interaction-router.ts (and the command, component and answer
 * modules it uses), message-links.ts, direct-moods.ts, late-deliveries.ts, gateway-events.ts and
 * gateway-login.ts.
 */
export function createDiscordAdapter(options: DiscordAdapterOptions): DiscordAdapter {
  const { dispatcher, config } = options;
  const clock = options.clock ?? systemClock;
  const log = options.logger.child({ platform: 'discord' });
  const messageContent = config.messageContent ?? false;
  const client = createDiscordClient(config);
  const url = inviteLink(config.applicationId, messageContent);
  const webhooks = createInteractionWebhooks(client, config);
  const timing = createArrivalClock((ms) => options.onAcknowledged?.(ms));
  const state: GatewayState = { accepting: false, connected: false };
  let stopping: Promise<void> | undefined;
  const sender = createReplySender({ log, clock, webhookOf: webhooks.webhookOf });
  const direct = {
    intervalMs: options.dmIntervalMs ?? 1000,
    retryDelayMs: options.dmRetryDelayMs ?? 5000,
    onBlocked: options.onDirectMessageBlocked,
  };
  const dms = createDirectMessages(direct, { client, clock, log, sender });
  // Prompts go several at once, each to a DM channel remembered from the day before when there is one.
  const channels = createDmChannelIds();
  const prompts = createDmLanes(options.promptLanes ?? 16, () =>
    createDirectMessages({ ...direct, intervalMs: 0 }, { client, clock, log, sender, channels }),
  );

  const context = {
    dispatcher,
    inbox: options.inbox,
    client,
    clock,
    log,
    ackAfterMs: options.ackAfterMs ?? 1000,
    ...(options.recordDeadlineMs === undefined ? {} : { recordDeadlineMs: options.recordDeadlineMs }),
    state,
    timing,
    replies: sender,
    webhookOf: webhooks.webhookOf,
    dms,
  } satisfies AdapterContext;
  const inFlight = listen(context, messageContent);

  async function start(): Promise<void> {
    const readyTimeoutMs = options.readyTimeoutMs ?? 30_000;
    await connectGateway({
      client,
      config,
      dispatcher,
      log,
      state,
      readyTimeoutMs,
      messageContent,
      inviteUrl: url,
    });
  }

  async function stop(): Promise<void> {
    stopping ??= (async () => {
      state.accepting = false;
      await Promise.all([dms.close(), prompts.close()]);
      await settleInFlight(inFlight, options.stopTimeoutMs ?? 10_000, log);
      state.connected = false;
      webhooks.close();
      await client.destroy();
      log.info('discord disconnected');
    })();
    return stopping;
  }

  return {
    name: 'discord',
    client,
    inboxSurface: createInboxSurface(context),
    inviteUrl: url,
    start,
    stop,
    isReady: () => state.connected && allShardsReady(client),
    async postToChannel(channelId, text) {
      if (!state.connected) throw new Error('Discord is not connected');
      await client.rest.post(`/channels/${channelId}/messages`, {
        body: { content: text.slice(0, 2000), allowed_mentions: { parse: [] } },
      });
    },
    sendToChannel(channelId, reply) {
      if (!state.connected) return Promise.resolve('failed' as const);
      return postDiscordChannelMessage(client, channelId, reply, log, clock.now());
    },
    sendDirect(
      externalUserId: string,
      reply: Reply,
      send?: DirectMessageOptions,
    ): Promise<DirectMessageResult> {
      if (!state.connected) return Promise.resolve('failed');
      return (send?.lane === 'prompt' ? prompts : dms).enqueue(externalUserId, reply);
    },
  };
}

/** What the interaction, message and late-delivery handlers are given; each takes the part it declares. */
type AdapterContext = InteractionDeps & MessageLinkDeps & LateDeliveryDeps & { state: GatewayState };

/** Every gateway shard of the client is connected and ready. */
function allShardsReady(client: Client): boolean {
  return client.ws.shards.size > 0 && client.ws.shards.every((s) => s.status === Status.Ready);
}

/**
 * Sends the gateway's interactions and messages to their handlers and reports its health. Returns the
 * tasks still in flight (interactions and messages being answered), which stop() waits for.
 */
function listen(context: AdapterContext, messageContent: boolean): Set<Promise<void>> {
  const { client, log, timing, state } = context;
  const inFlight = new Set<Promise<void>>();
  const track = (task: Promise<void>): void => {
    inFlight.add(task);
    void task.finally(() => inFlight.delete(task));
  };
  listenForInteractions({
    client,
    log,
    messageContent,
    timing,
    track,
    handleInteraction: (interaction) => handleInteraction(context, interaction),
    // DMs (no server) may be moods; server messages are read for Spotify links only when asked for
    // (without GuildMessages Discord does not send them anyway).
    onMessage: async (message) => {
      if (message.guildId === null) await onDirectMessage(context, message);
      else if (messageContent) await onMessage(context, message);
    },
  });
  reportGatewayHealth({ client, log, messageContent, state });
  return inFlight;
}

/** Waits for the tasks in flight, at most `timeoutMs`; warns when some are still running then. */
async function settleInFlight(inFlight: Set<Promise<void>>, timeoutMs: number, log: Logger): Promise<void> {
  const settled = Promise.allSettled([...inFlight]).then(() => true);
  const finished = await withTimeout(settled, timeoutMs, () => false);
  if (!finished) log.warn({ inFlight: inFlight.size }, 'stopping with interactions still in flight');
}
