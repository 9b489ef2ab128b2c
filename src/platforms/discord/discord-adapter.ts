import {
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type Client,
  type CommandInteractionOption,
  Events,
  type GatewayDispatchPayload,
  type Interaction,
  InteractionWebhook,
  type Message,
  type MessageContextMenuCommandInteraction,
  MessageFlags,
  PermissionsBitField,
  REST,
  RESTEvents,
  Status,
  type User,
} from 'discord.js';
import { type Clock, systemClock } from '../../core/clock.js';
import { type Reply, reply as replies, splitCommandLine, suggest } from '../../core/commands/index.js';
import { ConfigError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { within, withTimeout } from '../../core/within.js';
import type { SpotifyLink } from '../../integrations/music-types.js';
import { findSpotifyLinks } from '../../integrations/spotify/link-parser.js';
import type { ChannelPostResult } from '../channel-messages.js';
import type { Dispatcher, Invocation, Outcome } from '../dispatcher.js';
import type { DeliveryRunner, InboxSurface } from '../inbox/delivery-runner.js';
import type { PlatformAdapter } from '../platform.js';
import { DEFAULT_ATTACHMENT_SIZE_LIMIT, fitAttachments, withoutFiles } from './attachments.js';
import { discordChannel, postDiscordChannelMessage } from './channel-post.js';
import { ANALYZE_TRACK_MENU, buildCommandJson, clip } from './command-json.js';
import type { DirectMessageResult, DirectMessenger } from './direct-messenger.js';
import {
  BOT_PERMISSIONS,
  createDiscordClient,
  type DiscordSettings,
  inviteLink,
  MESSAGE_CONTENT_PERMISSIONS,
  permissionNames,
} from './discord-client.js';
import {
  type DiscordDelivery,
  discordDeliveryKey,
  discordDeliverySchema,
  INTERACTION_TOKEN_WINDOW_MS,
} from './discord-deliveries.js';
import {
  DiscordCode,
  describeDiscordError,
  discordCodeOf,
  explainLoginError,
  gatewayCloseAdvice,
  httpStatusOf,
} from './discord-errors.js';
import { createDmQueue } from './dm-queue.js';
import { registerCommands } from './register-commands.js';
import { commandOfAction, parseButtonCustomId, renderMessage, renderReply } from './render.js';

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
  /** First wait after Discord says DMs are opened too fast (40003); doubles per retry. 5000 ms by default. */
  dmRetryDelayMs?: number;
  /**
   * How long after its arrival a command that is not declared slow may run before the interaction is
   * deferred; 1000 ms by default, so the acknowledgement leaves well within half of Discord's 3 seconds.
   */
  ackAfterMs?: number;
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

const RESTARTING = replies.error('MoodScale is restarting. Nothing was saved; try again in a moment.');
const SERVER_INSTALL_ONLY = replies.error(
  'MoodScale works in the servers it was added to and in a direct message with it, not through an app installed to your account. Ask a server admin to add it, or message it directly.',
);
const NOT_SAVED = replies.error(
  'MoodScale could not save that: its database did not answer. Nothing was saved; please try again in a minute.',
);
/** From its arrival, how long an interaction may wait for the inbox before the user is told it was not saved. */
const RECORD_DEADLINE_MS = 2000;
const NO_TRACK_LINK = replies.error(
  'There is no Spotify track link in that message. Use it on a message with an open.spotify.com/track/… link.',
);

/** At most this many links of one message are analysed (each is a /share, with its outbound calls). */
export const MAX_LINKS_PER_MESSAGE = 3;

const MESSAGE_CONTENT_HINT =
  'Spotify links in ordinary messages are not answered: to turn that on, enable the Message Content Intent ' +
  '(Developer Portal > your app > Bot > Message Content Intent), then set DISCORD_MESSAGE_CONTENT=true and ' +
  'restart. /share and the "Analyze track" message menu work without it.';

/** The link as text /share reads: a canonical open.spotify.com URL, or the short link as found. */
export function spotifyLinkUrl(link: SpotifyLink): string {
  return link.kind === 'short' ? link.url : `https://open.spotify.com/${link.kind}/${link.id}`;
}
const NOT_MINE = replies.error('This button no longer works. Run the command again.');

/** The values Discord delivered, keyed by option name; the dispatcher validates them like typed text. */
export function optionValues(
  data: readonly CommandInteractionOption[],
): Record<string, string | number | boolean> {
  const values: Record<string, string | number | boolean> = {};
  for (const option of data) {
    if (option.value !== undefined && option.value !== null) values[option.name] = option.value;
  }
  return values;
}

/**
 * The Discord adapter. Every interaction is acknowledged within Discord's 3 seconds: commands declared
 * `slow` are deferred at once, others are answered directly when they finish within `ackAfterMs` and
 * deferred otherwise; a deferral is ephemeral from the start unless the command is public, so a private
 * answer is never shown to anyone else. Direct messages go through a spaced queue.
 */
export function createDiscordAdapter(options: DiscordAdapterOptions): DiscordAdapter {
  const { dispatcher, config } = options;
  const clock = options.clock ?? systemClock;
  const ackAfterMs = options.ackAfterMs ?? 1000;
  const inbox = options.inbox;
  const log = options.logger.child({ platform: 'discord' });
  const messageContent = config.messageContent ?? false;
  const client = createDiscordClient(config);
  const url = inviteLink(config.applicationId, messageContent);
  const invitePermissionNames = permissionNames(
    messageContent ? MESSAGE_CONTENT_PERMISSIONS : BOT_PERMISSIONS,
  );
  const inFlight = new Set<Promise<void>>();
  // Interaction webhooks (edits and follow-ups of an answer) are not bound by the bot's global limit of
  // 50 requests a second, which @discordjs/rest applies to every route but the callback: behind a burst
  // of deferred answers it would hold the last edits for seconds. Their own per-token buckets still apply.
  const webhookRest = new REST({
    ...(config.apiUrl ? { api: config.apiUrl } : {}),
    globalRequestsPerSecond: Number.MAX_SAFE_INTEGER,
  });
  const webhookClient: Client<true> = Object.create(client, { rest: { value: webhookRest } });
  const webhookOf = (applicationId: string, token: string) =>
    new InteractionWebhook(webhookClient, applicationId, token);
  // Interaction id -> performance.now() of its gateway packet; taken when the interaction is handled.
  const arrivals = new Map<string, number>();
  const arrivedAt = new WeakMap<Interaction, number>();
  let accepting = false;
  let connected = false;
  let stopping: Promise<void> | undefined;

  const dms = createDmQueue({
    send: async (externalUserId, reply) => {
      // Not cached: a digest to thousands of users must not leave thousands of DM channels in memory.
      const channel = await client.users.createDM(externalUserId, { cache: false });
      await sendFitted(reply, DEFAULT_ATTACHMENT_SIZE_LIMIT, (fitted) =>
        channel.send(renderMessage(fitted, { now: clock.now() })),
      );
    },
    intervalMs: options.dmIntervalMs ?? 1000,
    retryDelayMs: options.dmRetryDelayMs ?? 5000,
    maxAttempts: 3,
    onBlocked: options.onDirectMessageBlocked,
    logger: log,
  });

  function acknowledged(interaction: Interaction): void {
    const at = arrivedAt.get(interaction);
    if (at === undefined) return;
    arrivedAt.delete(interaction);
    options.onAcknowledged?.(performance.now() - at);
  }

  /**
   * Sends a reply through `send` with its files fitted to Discord's upload limit (see fitAttachments).
   * When Discord still refuses them as too large (40005, the limit guessed wrong), the reply goes again
   * without them and says so: an answer never stays on "thinking…" because of a file.
   */
  async function sendFitted(
    reply: Reply,
    limitBytes: number,
    send: (reply: Reply) => Promise<unknown>,
  ): Promise<void> {
    const fitted = await fitAttachments(reply, limitBytes);
    try {
      await send(fitted);
    } catch (error) {
      if (!isTooLarge(error) || (fitted.files ?? []).length === 0) throw error;
      log.warn(
        { err: error, files: fitted.files?.map((file) => file.name), limitBytes },
        'Discord refused the files of an answer as too large (40005); answering without them',
      );
      await send(withoutFiles(fitted));
    }
  }

  /** Milliseconds since the interaction's gateway packet arrived. */
  const elapsed = (interaction: Interaction): number =>
    performance.now() - (arrivedAt.get(interaction) ?? performance.now());

  /** The channel as the inbox keeps it, and back. */
  const channelOf = (interaction: Interaction | Message) => ({
    guildId: interaction.guildId,
    channelId: interaction.channelId,
    permissions:
      'memberPermissions' in interaction
        ? (interaction.memberPermissions?.bitfield.toString() ?? null)
        : null,
    // The bot's own permissions in the channel, computed by Discord for every interaction.
    appPermissions:
      'appPermissions' in interaction
        ? // Typed as always there; a payload without app_permissions leaves it null at run time.
          ((interaction.appPermissions as Readonly<PermissionsBitField> | null)?.bitfield.toString() ?? null)
        : null,
  });
  const userOf = (user: User) => ({ id: user.id, displayName: user.globalName ?? user.username });

  /** The invocation a recorded delivery stands for. */
  function invocationOf(delivery: DiscordDelivery): Invocation {
    const { guildId, channelId, permissions, appPermissions } = delivery.channel;
    const bits = (value: string | null | undefined) =>
      value === null || value === undefined ? null : new PermissionsBitField(BigInt(value));
    const base = {
      identity: { platform: 'discord' as const, workspaceId: '', externalUserId: delivery.user.id },
      displayName: delivery.user.displayName,
      channel: discordChannel(guildId, channelId, bits(permissions), bits(appPermissions)),
    };
    if (delivery.kind === 'message') {
      return {
        ...base,
        command: 'share',
        input: { values: { url: delivery.url } },
        invocationId: `discord-message:${delivery.messageId}`,
      };
    }
    return {
      ...base,
      command: delivery.command,
      input: delivery.input,
      invocationId: delivery.interactionId,
    };
  }

  type Answerable = ChatInputCommandInteraction | ButtonInteraction | MessageContextMenuCommandInteraction;

  /**
   * Records an interaction before anything acknowledges it. Undefined when it is not to be run: a
   * duplicate (left to the copy that was recorded), or one the inbox did not take (the user is told).
   */
  async function record(
    interaction: Answerable,
    command: string,
    input: Extract<DiscordDelivery, { kind: 'interaction' }>['input'],
  ): Promise<{ deliveryKey: string; invocation: Invocation } | undefined> {
    const uploadLimit = uploadLimitOf(interaction);
    const delivery: DiscordDelivery = {
      kind: 'interaction',
      receivedAt: Date.now(),
      interactionId: interaction.id,
      applicationId: interaction.applicationId,
      token: interaction.token,
      user: userOf(interaction.user),
      channel: channelOf(interaction),
      ...(uploadLimit === undefined ? {} : { attachmentSizeLimit: uploadLimit }),
      command,
      input,
    };
    const deliveryKey = discordDeliveryKey.interaction(interaction.id);
    const invocation = invocationOf(delivery);
    const recorded = await inbox.record(
      {
        deliveryKey,
        identity: invocation.identity,
        kind: interaction.isButton() ? 'button' : 'command',
        command,
        payload: delivery,
      },
      RECORD_DEADLINE_MS - elapsed(interaction),
    );
    if (recorded === 'unsaved') {
      await interaction.reply(renderReply(NOT_SAVED, { now: clock.now() }));
      acknowledged(interaction);
      return undefined;
    }
    if (recorded === 'duplicate') {
      log.info({ interactionId: interaction.id }, 'discord interaction delivered again; ignored');
      return undefined;
    }
    return { deliveryKey, invocation };
  }

  /**
   * Answers an interaction with the outcome of `pending`: directly when it settles in time, otherwise
   * deferred first (ephemeral unless `deferPublicly`) and completed with an edit.
   */
  async function answer(
    interaction: ChatInputCommandInteraction | ButtonInteraction | MessageContextMenuCommandInteraction,
    pending: Promise<Outcome>,
    waitMs: number,
    deferPublicly: boolean,
  ): Promise<void> {
    const limit = uploadLimitOf(interaction) ?? DEFAULT_ATTACHMENT_SIZE_LIMIT;
    const early = await within(pending, waitMs - elapsed(interaction));
    if (early) {
      await sendFitted(early.value.reply, limit, (reply) =>
        interaction.reply(renderReply(reply, { now: clock.now() })),
      );
      acknowledged(interaction);
      return;
    }
    // Discord takes the ephemeral flag only now, at defer time; an edit cannot add it later.
    await interaction.deferReply(deferPublicly ? {} : { flags: MessageFlags.Ephemeral });
    acknowledged(interaction);
    const { reply } = await pending;
    if (deferPublicly && reply.visibility === 'private') {
      // The placeholder is public but the answer (an error, say) is private: remove the placeholder and
      // answer in an ephemeral follow-up instead of showing it to the channel.
      const webhook = webhookOf(interaction.applicationId, interaction.token);
      await webhook.deleteMessage('@original').catch((error: unknown) => {
        log.warn({ err: error }, `could not remove the public placeholder: ${describeDiscordError(error)}`);
      });
      await sendFitted(reply, limit, (fitted) =>
        webhook.send(renderReply(fitted, { now: clock.now(), ephemeral: true })),
      );
      return;
    }
    await editOriginal(interaction.applicationId, interaction.token, reply, limit);
  }

  /** Edits an interaction's answer (its "thinking…" placeholder, or an earlier answer) into `reply`. */
  function editOriginal(applicationId: string, token: string, reply: Reply, limit: number): Promise<void> {
    const webhook = webhookOf(applicationId, token);
    return sendFitted(reply, limit, (fitted) =>
      webhook.editMessage('@original', renderMessage(fitted, { now: clock.now() })),
    );
  }

  async function onCommand(interaction: ChatInputCommandInteraction): Promise<void> {
    const command = dispatcher.registry.get(interaction.commandName);
    const recorded = await record(interaction, interaction.commandName, {
      values: optionValues(interaction.options.data),
    });
    if (!recorded) return;
    await runAndAnswer(recorded, (pending) =>
      answer(interaction, pending, command?.slow ? 0 : ackAfterMs, command?.visibility === 'public'),
    );
  }

  /**
   * Runs a recorded interaction and answers it; an answer that fails (Discord refused or was gone)
   * leaves the delivery to be resumed, so the user still hears what was done.
   */
  async function runAndAnswer(
    recorded: { deliveryKey: string; invocation: Invocation },
    respond: (pending: Promise<Outcome>) => Promise<void>,
  ): Promise<void> {
    const pending = inbox.run({ ...recorded.invocation, deliveryKey: recorded.deliveryKey });
    let answered = false;
    try {
      await respond(pending);
      answered = true;
    } finally {
      await pending.catch(() => undefined);
      await inbox.finish(recorded.deliveryKey, answered);
    }
  }

  /** "Analyze track" on a message: /share of its first Spotify link, answered publicly with the card. */
  async function onAnalyzeTrack(interaction: MessageContextMenuCommandInteraction): Promise<void> {
    // Interactions carry the target message with its content, with or without the Message Content intent.
    const [link] = findSpotifyLinks(interaction.targetMessage.content, 1);
    if (!link) {
      await interaction.reply(renderReply(NO_TRACK_LINK, { now: clock.now() }));
      return;
    }
    const recorded = await record(interaction, 'share', { values: { url: spotifyLinkUrl(link) } });
    if (!recorded) return;
    // share is slow (outbound calls): defer publicly at once; a private answer replaces the placeholder.
    await runAndAnswer(recorded, (pending) => answer(interaction, pending, 0, true));
  }

  /**
   * A server message (DISCORD_MESSAGE_CONTENT=true): each Spotify track link in it, at most
   * MAX_LINKS_PER_MESSAGE, is shared for its author and answered with a reply card. Bots (MoodScale
   * included), webhooks and system messages are ignored; private answers (errors, albums) are not posted.
   */
  async function onMessage(message: Message): Promise<void> {
    if (!accepting) return;
    if (message.author.bot || message.webhookId !== null || message.system) return;
    if (message.author.id === client.user?.id) return;
    const links = findSpotifyLinks(message.content, MAX_LINKS_PER_MESSAGE);
    for (const [index, link] of links.entries()) {
      const delivery: DiscordDelivery = {
        kind: 'message',
        receivedAt: Date.now(),
        messageId: message.id,
        user: userOf(message.author),
        channel: channelOf(message),
        url: spotifyLinkUrl(link),
      };
      const deliveryKey = discordDeliveryKey.message(message.id, index);
      const invocation = invocationOf(delivery);
      const recorded = await inbox.record(
        { deliveryKey, identity: invocation.identity, kind: 'message', command: 'share', payload: delivery },
        RECORD_DEADLINE_MS,
      );
      if (recorded !== 'new') {
        if (recorded === 'unsaved')
          log.warn({ messageId: message.id }, 'a Spotify link in a message was not recorded');
        continue;
      }
      const { reply, outcome } = await inbox.run({ ...invocation, deliveryKey });
      const answered = await replyToMessage(delivery, reply, outcome).then(
        () => true,
        (error: unknown) => {
          log.warn({ err: error, messageId: message.id }, 'could not answer a Spotify link in a message');
          return false;
        },
      );
      await inbox.finish(deliveryKey, answered);
    }
  }

  /** A public answer to a link is a reply to its message; a private one (an error, an album) is not posted. */
  async function replyToMessage(
    delivery: Extract<DiscordDelivery, { kind: 'message' }>,
    reply: Reply,
    outcome?: Outcome['outcome'],
  ): Promise<void> {
    if (reply.visibility !== 'public') {
      log.debug(
        { messageId: delivery.messageId, channelId: delivery.channel.channelId, outcome },
        'a Spotify link in a message got a private answer; nothing posted in the channel',
      );
      return;
    }
    const channel = delivery.channel.channelId
      ? await client.channels.fetch(delivery.channel.channelId)
      : null;
    if (!channel?.isSendable()) throw new Error(`cannot post in channel ${delivery.channel.channelId}`);
    await channel.send({
      ...renderMessage(reply, { now: clock.now() }),
      reply: { messageReference: delivery.messageId, failIfNotExists: false },
      allowedMentions: { parse: [], repliedUser: false },
    });
  }

  /**
   * Answers a delivery another instance left: an interaction by editing its answer while its token
   * lasts (it fails when the interaction was never acknowledged), else by DM; a message link in place.
   */
  async function answerLate(
    payload: unknown,
    reply: Reply,
    receivedAt: Date,
  ): Promise<'answered' | 'failed'> {
    const parsed = discordDeliverySchema.safeParse(payload);
    if (!parsed.success || !connected) return 'failed';
    const delivery = parsed.data;
    if (delivery.kind === 'message') {
      await replyToMessage(delivery, reply);
      return 'answered';
    }
    if (clock.now().getTime() - receivedAt.getTime() < INTERACTION_TOKEN_WINDOW_MS - 60_000) {
      try {
        await editOriginal(
          delivery.applicationId,
          delivery.token,
          reply,
          delivery.attachmentSizeLimit ?? DEFAULT_ATTACHMENT_SIZE_LIMIT,
        );
        return 'answered';
      } catch (error) {
        log.info(
          { interactionId: delivery.interactionId, err: error },
          `could not answer a resumed interaction in place (${describeDiscordError(error)}); sending a DM`,
        );
      }
    }
    return (await dms.enqueue(delivery.user.id, reply)) === 'sent' ? 'answered' : 'failed';
  }

  async function onAutocomplete(interaction: AutocompleteInteraction): Promise<void> {
    const focused = interaction.options.getFocused(true);
    const command = dispatcher.registry.get(interaction.commandName);
    const option =
      command && Object.hasOwn(command.options, focused.name) ? command.options[focused.name] : undefined;
    const suggestions = option ? suggest(option, String(focused.value ?? ''), 25) : [];
    await interaction.respond(
      suggestions.slice(0, 25).map((s) => ({ name: clip(s.name, 100), value: clip(s.value, 100) })),
    );
  }

  async function onButton(interaction: ButtonInteraction): Promise<void> {
    const button = parseButtonCustomId(interaction.customId);
    const line = button ? splitCommandLine(button.action) : undefined;
    if (!button || !line) {
      await interaction.reply(renderReply(NOT_MINE, { now: clock.now() }));
      return;
    }
    if (button.expiresAt !== undefined && button.expiresAt <= clock.now()) {
      const again = commandOfAction(button.action);
      const expired = replies.error(`This button has expired, so nothing was done. Run ${again} again.`);
      await interaction.reply(renderReply(expired, { now: clock.now() }));
      return;
    }
    const command = dispatcher.registry.get(line.name);
    const recorded = await record(interaction, line.name, { text: line.args });
    if (!recorded) return;
    await runAndAnswer(recorded, (pending) =>
      answerButton(interaction, pending, command?.slow ? 0 : ackAfterMs),
    );
  }

  async function answerButton(interaction: ButtonInteraction, pending: Promise<Outcome>, waitMs: number) {
    if (!interaction.message.flags.has(MessageFlags.Ephemeral)) {
      // A button on a message others can see: the clicker's answer goes to them alone.
      await answer(interaction, pending, waitMs, false);
      return;
    }
    // A button on a private message: the message becomes the result, and its buttons go away.
    const limit = uploadLimitOf(interaction) ?? DEFAULT_ATTACHMENT_SIZE_LIMIT;
    const early = await within(pending, waitMs - elapsed(interaction));
    if (early) {
      await sendFitted(early.value.reply, limit, (reply) =>
        interaction.update(renderMessage(reply, { now: clock.now() })),
      );
      acknowledged(interaction);
      return;
    }
    await interaction.deferUpdate();
    acknowledged(interaction);
    const { reply } = await pending;
    await editOriginal(interaction.applicationId, interaction.token, reply, limit);
  }

  async function handle(interaction: Interaction): Promise<void> {
    try {
      if (!accepting) {
        if (interaction.isRepliable()) await interaction.reply(renderReply(RESTARTING, { now: clock.now() }));
        return;
      }
      if (installedOnAUserOnly(interaction)) {
        // Registered for server installs only; a copy a user installed to their own account could still
        // send interactions from servers MoodScale is not in. Nothing runs there.
        if (interaction.isAutocomplete()) await interaction.respond([]);
        else if (interaction.isRepliable()) {
          await interaction.reply(renderReply(SERVER_INSTALL_ONLY, { now: clock.now() }));
        }
        return;
      }
      if (interaction.isChatInputCommand()) await onCommand(interaction);
      else if (interaction.isMessageContextMenuCommand()) {
        if (interaction.commandName === ANALYZE_TRACK_MENU) await onAnalyzeTrack(interaction);
      } else if (interaction.isAutocomplete()) await onAutocomplete(interaction);
      else if (interaction.isButton()) await onButton(interaction);
    } catch (error) {
      const level = discordCodeOf(error) === DiscordCode.MissingPermissions ? 'error' : 'warn';
      log[level](
        { err: error, interactionId: interaction.id, type: interaction.type },
        `could not answer an interaction: ${describeDiscordError(error)}`,
      );
    }
  }

  const track = (task: Promise<void>): void => {
    inFlight.add(task);
    void task.finally(() => inFlight.delete(task));
  };
  // The gateway packet's arrival, before discord.js builds the interaction: what acknowledgement counts from.
  client.on(Events.Raw, (packet: GatewayDispatchPayload) => {
    if (packet.t !== 'INTERACTION_CREATE') return;
    // discord.js 14 reads `entitlements` without a fallback and throws inside its gateway handler when
    // it is missing (Discord's own documented example has none): the interaction would never be
    // acknowledged. Raw is emitted with the same object just before discord.js builds the interaction.
    const data = packet.d as { entitlements?: unknown; authorizing_integration_owners?: unknown };
    if (!Array.isArray(data.entitlements)) data.entitlements = [];
    // Likewise absent from older payloads, and read without a fallback.
    if (
      typeof data.authorizing_integration_owners !== 'object' ||
      data.authorizing_integration_owners === null
    ) {
      data.authorizing_integration_owners = {};
    }
    // Interactions that never reach the handler (a payload discord.js cannot build) must not pile up.
    if (arrivals.size > 10_000) arrivals.clear();
    arrivals.set(packet.d.id, performance.now());
  });
  client.on(Events.InteractionCreate, (interaction) => {
    arrivedAt.set(interaction, arrivals.get(interaction.id) ?? performance.now());
    arrivals.delete(interaction.id);
    track(handle(interaction));
  });
  if (messageContent) {
    client.on(Events.MessageCreate, (message) =>
      track(
        onMessage(message).catch((error: unknown) => {
          const level = discordCodeOf(error) === DiscordCode.MissingPermissions ? 'error' : 'warn';
          log[level](
            { err: error, messageId: message.id, channelId: message.channelId },
            `could not answer a Spotify link in a message: ${describeDiscordError(error)}`,
          );
        }),
      ),
    );
  }
  // discord.js resumes a dropped gateway session by itself (replaying missed events); these only report.
  client.on(Events.ShardReconnecting, (shardId) => {
    log.warn({ shardId }, 'discord gateway connection lost; discord.js is reconnecting and will resume');
  });
  client.on(Events.ShardResume, (shardId, replayedEvents) => {
    log.info({ shardId, replayedEvents }, 'discord gateway resumed');
  });
  client.on(Events.ShardDisconnect, (event, shardId) => {
    // Before the first connection, start() reports the failure itself.
    if (!connected) return;
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

  async function start(): Promise<void> {
    const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
    accepting = true;
    try {
      await client.login(config.token);
    } catch (error) {
      accepting = false;
      const { message, configuration } = explainLoginError(error, { messageContent });
      log.error({ err: error }, message);
      await client.destroy().catch(() => undefined);
      throw configuration ? new ConfigError(message) : new Error(message, { cause: error });
    }
    const readyTimeoutMs = options.readyTimeoutMs ?? 30_000;
    const timedOut = await within(ready, readyTimeoutMs).then((r) => r === undefined);
    if (timedOut && !client.isReady()) {
      accepting = false;
      await client.destroy();
      throw new Error(`Discord did not become ready within ${readyTimeoutMs / 1000} s.`);
    }
    const applicationId = client.application?.id;
    if (applicationId && applicationId !== config.applicationId) {
      accepting = false;
      await client.destroy();
      throw new ConfigError(
        `MoodScale cannot start: DISCORD_APPLICATION_ID is ${config.applicationId}, but DISCORD_TOKEN belongs to application ${applicationId}.\n` +
          '  DISCORD_APPLICATION_ID: expected the numeric application id (Developer Portal > your app > General Information)',
      );
    }
    connected = true;
    if (!messageContent) log.info(MESSAGE_CONTENT_HINT);
    log.info(
      { inviteUrl: url },
      `add MoodScale to a server with this link (scopes bot and applications.commands; permissions ${invitePermissionNames}, for the weekly channel post)`,
    );
    // Under a ShardingManager every shard runs this; one registration is enough.
    if (client.shard === null || client.shard.ids.includes(0)) {
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
    log.info(
      { user: client.user?.tag, guilds: client.guilds.cache.size, shards: client.shard?.ids ?? [0] },
      'discord connected',
    );
  }

  async function stop(): Promise<void> {
    stopping ??= (async () => {
      accepting = false;
      await dms.close();
      const stopTimeoutMs = options.stopTimeoutMs ?? 10_000;
      const settled = Promise.allSettled([...inFlight]).then(() => true);
      const finished = await withTimeout(settled, stopTimeoutMs, () => false);
      if (!finished) log.warn({ inFlight: inFlight.size }, 'stopping with interactions still in flight');
      connected = false;
      webhookRest.clearHashSweeper();
      webhookRest.clearHandlerSweeper();
      await client.destroy();
      log.info('discord disconnected');
    })();
    return stopping;
  }

  /** An acknowledged interaction has an original message (its answer or "thinking…"); an unanswered one none. */
  async function wasAcknowledged(payload: unknown, receivedAt: Date): Promise<boolean | undefined> {
    const parsed = discordDeliverySchema.safeParse(payload);
    if (!parsed.success || parsed.data.kind !== 'interaction') return undefined;
    if (clock.now().getTime() - receivedAt.getTime() >= INTERACTION_TOKEN_WINDOW_MS - 60_000)
      return undefined;
    try {
      await webhookOf(parsed.data.applicationId, parsed.data.token).fetchMessage('@original');
      return true;
    } catch (error) {
      return discordCodeOf(error) === DiscordCode.UnknownMessage ? false : undefined;
    }
  }

  const inboxSurface: InboxSurface = {
    platform: 'discord',
    answerWindowMs: INTERACTION_TOKEN_WINDOW_MS,
    wasAcknowledged,
    invocationOf(payload) {
      const parsed = discordDeliverySchema.safeParse(payload);
      return parsed.success ? invocationOf(parsed.data) : undefined;
    },
    answerLate,
  };

  return {
    name: 'discord',
    client,
    inboxSurface,
    inviteUrl: url,
    start,
    stop,
    isReady: () =>
      connected && client.ws.shards.size > 0 && client.ws.shards.every((s) => s.status === Status.Ready),
    async postToChannel(channelId, text) {
      if (!connected) throw new Error('Discord is not connected');
      await client.rest.post(`/channels/${channelId}/messages`, {
        body: { content: text.slice(0, 2000), allowed_mentions: { parse: [] } },
      });
    },
    sendToChannel(channelId, reply) {
      if (!connected) return Promise.resolve('failed' as const);
      return postDiscordChannelMessage(client, channelId, reply, log, clock.now());
    },
    sendDirect(externalUserId: string, reply: Reply): Promise<DirectMessageResult> {
      if (!connected) return Promise.resolve('failed');
      return dms.enqueue(externalUserId, reply);
    },
  };
}

/** An interaction authorised only by a user's own install of the app (never by a server's). */
function installedOnAUserOnly(interaction: Interaction): boolean {
  const owners = interaction.authorizingIntegrationOwners;
  return owners.userId !== null && owners.guildId === null;
}

/** The upload limit Discord announced with an interaction (it grows with a server's boosts), if any. */
function uploadLimitOf(interaction: Interaction): number | undefined {
  // Typed as always there; payloads from before Discord added it have none.
  const limit: unknown = interaction.attachmentSizeLimit;
  return typeof limit === 'number' && Number.isSafeInteger(limit) && limit > 0 ? limit : undefined;
}

/** Discord refused an upload as too large: 413 with code 40005. */
function isTooLarge(error: unknown): boolean {
  return discordCodeOf(error) === DiscordCode.RequestEntityTooLarge || httpStatusOf(error) === 413;
}
