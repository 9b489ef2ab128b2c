import {
  type AllMiddlewareArgs,
  App,
  type AppOptions,
  type Context,
  type CustomRoute,
  HTTPReceiver,
  type RespondArguments,
  type SlackActionMiddlewareArgs,
  type SlackCommandMiddlewareArgs,
  type SlackEventMiddlewareArgs,
  SocketModeReceiver,
  webApi,
} from '@slack/bolt';
import { type CommandChannel, type Reply, splitCommandLine } from '../../core/commands/index.js';
import type { Logger } from '../../core/logger.js';
import { within, withTimeout } from '../../core/within.js';
import type { SpotifyLink } from '../../integrations/music-types.js';
import { findSpotifyLinks } from '../../integrations/spotify/link-parser.js';
import type { ChannelPostResult } from '../channel-messages.js';
import type { Invocation, Outcome } from '../dispatcher.js';
import type { DeliveryRunner, InboxSurface } from '../inbox/delivery-runner.js';
import type { PlatformAdapter } from '../platform.js';
import { boltLogger } from './bolt-logger.js';
import { postSlackChannelMessage } from './channel-post.js';
import { commandNameOf, createCommandRenamer } from './command-names.js';
import { createDirectMessenger, type DirectResult } from './direct-messages.js';
import {
  blockActionsSchema,
  channelMessageEventSchema,
  slackApiFailure,
  slashCommandSchema,
} from './payloads.js';
import { createProfileLookup } from './profiles.js';
import { decodeButtonValue, decodeSlackEntities, renderSlackMessage } from './render.js';
import { DEFAULT_MAX_BODY_BYTES, refuseBeforeBody } from './request-gate.js';
import { createDmChannels, uploadFiles, webClientOptions } from './slack-api.js';
import {
  RESPONSE_URL_WINDOW_MS,
  type SlackDelivery,
  slackDeliveryKey,
  slackDeliverySchema,
} from './slack-deliveries.js';
import { explainStartFailure, verifyBotToken } from './startup.js';
import { createUsersInfo } from './users-info.js';
import { createInFlight, createInHand, createLimiter } from './work-queue.js';

/** The Slack part of MoodScale's configuration (`config.slack`). */
export interface SlackSettings {
  botToken: string;
  mode: 'socket' | 'http';
  appToken: string | undefined;
  signingSecret: string | undefined;
  apiUrl: string | undefined;
  /** HTTP mode: larger request bodies are refused before they are read (SLACK_MAX_BODY_BYTES). */
  maxBodyBytes?: number | undefined;
  /** SLACK_COMMAND_PREFIX: the workspace types `/ms-mood` for `mood`. '' (the default) for plain names. */
  commandPrefix?: string | undefined;
}

export interface SlackAdapterOptions {
  /** Where every delivery is recorded before it is acknowledged, and run (through the dispatcher) from. */
  inbox: DeliveryRunner;
  config: SlackSettings;
  /** HTTP mode: the port serving POST /slack/events (`config.http.port`; 0 picks a free one). */
  port: number;
  logger: Logger;
  /** Spacing of direct messages; Slack allows about one message a second per channel. Default 1100 ms. */
  dmIntervalMs?: number;
  /**
   * A slash command that finishes within this long after its arrival is answered in the acknowledgement
   * itself (the HTTP response, the Socket Mode ack); a slower one is acknowledged then and answered
   * through response_url. Default 1000 ms; 0 answers every command through response_url.
   */
  answerWithinMs?: number;
  /**
   * Commands worked on at once after their acknowledgement; the rest wait their turn, so acknowledging a
   * burst stays fast. Only the dispatch takes a slot, not the waits on Slack. Default 8; the app passes
   * SLACK_COMMANDS_IN_FLIGHT (src/start/chat-platforms.ts).
   */
  concurrency?: number;
  /** How long stop() waits for commands in flight. Default 10 s. */
  stopTimeoutMs?: number;
  /**
   * Socket Mode: how long start() waits for the connection. The SDK retries some refusals (a token of
   * the wrong type or app) forever; past this, start() fails and says what to check. Default 30 s.
   */
  startTimeoutMs?: number;
  /**
   * HTTP mode: more routes on the same port (health, readiness), since `/slack/events` takes `port`.
   * Paths other than these and `/slack/events` get 404.
   */
  customRoutes?: CustomRoute[];
  /** Told how long each delivery took from its arrival to its acknowledgement (metrics). */
  onAcknowledged?: (ms: number) => void;
  /** The declared command names, so answers name them with the workspace's prefix (see commandPrefix). */
  commandNames?: readonly string[];
  /** The time for button expiry; the system clock by default. */
  now?: () => Date;
}

/** A running Slack surface; `sendDirect` is for jobs (the weekly digest) that message users first. */
export interface SlackAdapter extends PlatformAdapter {
  /** How the inbox finishes a Slack delivery that an instance left unanswered. */
  readonly inboxSurface: InboxSurface;
  /** Sends a reply as a DM: 'blocked' when this user can never get one (a bot, gone, DMs disabled). */
  sendDirect(externalUserId: string, workspaceId: string, reply: Reply): Promise<DirectResult>;
  /** HTTP mode: the port listened on once started (useful with port 0); undefined in Socket Mode. */
  readonly port: number | undefined;
  /** Posts a reply in a channel the bot is a member of (the weekly channel post). */
  sendToChannel(channelId: string, reply: Reply): Promise<ChannelPostResult>;
  /** Posts plain text in a channel the bot is in (admin alerts). */
  postToChannel(channelId: string, text: string): Promise<void>;
}

/** Where a reply goes and how: the ephemeral/in-channel response, and the channel and DM for files. */
interface Target {
  respond: (message: RespondArguments) => Promise<unknown>;
  userId: string;
  channelId: string | undefined;
  replaceOriginal: boolean;
}

type CommandArgs = SlackCommandMiddlewareArgs & AllMiddlewareArgs;
/** What an acknowledgement of a slash command may carry: the answer itself. */
type AckBody = RespondArguments;
type ActionArgs = SlackActionMiddlewareArgs & AllMiddlewareArgs;
type MessageEventArgs = SlackEventMiddlewareArgs<'message'> & AllMiddlewareArgs;

/** At most this many links of one message are analysed (each is a /share, with its outbound calls). */
export const MAX_LINKS_PER_MESSAGE = 3;

/** The link as text /share reads: a canonical open.spotify.com URL, or the short link as found. */
function spotifyLinkUrl(link: SpotifyLink): string {
  return link.kind === 'short' ? link.url : `https://open.spotify.com/${link.kind}/${link.id}`;
}

const RESTARTING = 'MoodScale is restarting. Nothing was saved; please send that again in a minute.';
const NOT_SAVED =
  ':warning: MoodScale could not save that: its database did not answer. Nothing was saved; please send it again in a minute.';
const RESPOND_TIMEOUT_MS = 15_000;
/** Where Slack sends commands, actions and events in HTTP mode. */
const SLACK_EVENTS_PATH = '/slack/events';
/** From its arrival, how long a delivery may wait for the inbox before the user is told it was not saved. */
const RECORD_DEADLINE_MS = 2000;
/** An acknowledgement that leaves later than this may reach Slack after its 3 s: the answer goes again. */
const LATE_ACK_MS = 2500;
/** users.info for a new user's profile: past this the user keeps UTC. */
const PROFILE_TIMEOUT_MS = 5000;
/** A new user's profile lookup waits for the commands in hand to finish, at most this long after it was asked. */
const PROFILE_DEFER_MAX_MS = 5000;

/**
 * When a delivery reached the process (performance.now()): the HTTP request's start or the envelope's
 * receipt; in HTTP mode also when its response left (undefined when the connection closed first).
 */
interface Arrival {
  at: number;
  sent?: Promise<number | undefined>;
}

function isArrival(value: unknown): value is Arrival {
  return typeof value === 'object' && value !== null && typeof (value as Arrival).at === 'number';
}

/**
 * Every command of the registry as a Slack slash command, on @slack/bolt: Socket Mode by default (no
 * public URL), or HTTP mode (`/slack/events` on `port`, requests verified with the signing secret; a bad or
 * missing signature or a timestamp over 5 minutes old gets 401 from Bolt's HTTPReceiver). Each command is
 * acknowledged at once with an empty body, then dispatched, and answered through `respond` (ephemeral
 * unless the reply is public). Retries and redeliveries are acknowledged and ignored.
 */
export function createSlackAdapter(options: SlackAdapterOptions): SlackAdapter {
  const { config } = options;
  const log = options.logger.child({ component: 'slack' });
  const now = options.now ?? (() => new Date());
  const commandPrefix = config.commandPrefix ?? '';
  const renameCommands = createCommandRenamer({ prefix: commandPrefix, names: options.commandNames ?? [] });
  /** A reply as a Slack message, naming commands the way this workspace types them. */
  const render = (reply: Reply, filesNote?: string) =>
    renderSlackMessage(reply, { now: now(), renameCommands, ...(filesNote ? { filesNote } : {}) });
  const api = new webApi.WebClient(config.botToken, {
    ...webClientOptions(config.apiUrl),
    logger: boltLogger(log),
  });
  const inbox = options.inbox;
  const answerWithinMs = options.answerWithinMs ?? 1000;
  const profiles = createProfileLookup({
    client: api,
    usersInfo: createUsersInfo({
      token: config.botToken,
      apiUrl: config.apiUrl,
      timeoutMs: PROFILE_TIMEOUT_MS,
      maxSockets: 4,
    }),
    logger: log,
    startWhen: (askedAt) => inHand.whenIdle(Math.max(0, askedAt + PROFILE_DEFER_MAX_MS - Date.now())),
  });
  const openDm = createDmChannels(api);
  const direct = createDirectMessenger({
    client: api,
    logger: log,
    intervalMs: options.dmIntervalMs ?? 1100,
    now,
    renameCommands,
  });
  const limiter = createLimiter(options.concurrency ?? 8);
  // Deliveries from arrival until acknowledged and until their command has run (which may be later):
  // new users' profile lookups wait for a lull in them.
  const inHand = createInHand();
  const runCounted = <T>(task: () => Promise<T>): Promise<T> => inHand.hold(() => limiter.run(task));
  const inFlight = createInFlight();
  let app: App | undefined;
  let port: number | undefined;
  let stopping = false;
  let ready = false;
  let stopped: Promise<void> | undefined;
  let lastSdkError: string | undefined;
  const arrivals = new WeakMap<object, Arrival>();
  const sdkLogger = boltLogger(log, {
    onError: (line) => {
      lastSdkError = line;
    },
  });

  /**
   * The channel a command came from: C… (public) or G… (private, group); a D… direct message is none.
   * Whether the user is an admin is asked of Slack only when a command wants to know.
   */
  function channelOf(
    workspaceId: string,
    channelId: string | undefined,
    userId: string,
  ): CommandChannel | undefined {
    if (!channelId || channelId.startsWith('D')) return undefined;
    return { workspaceId, channelId, isAdmin: () => profiles.isAdmin(userId) };
  }

  /** Starts the work of an acknowledged delivery; the listener returns without waiting for it. */
  function enqueue(task: () => Promise<void>): void {
    inFlight.add(task().catch((error: unknown) => log.error({ err: error }, 'Slack handler failed')));
  }

  /**
   * Uploads the files (DM, or the channel for a public reply), then answers with a note on where they
   * went; false when the answer itself was refused.
   */
  async function deliver(reply: Reply, target: Target): Promise<boolean> {
    let filesNote: string | undefined;
    const files = reply.files ?? [];
    if (files.length > 0) {
      const names = files.map((f) => f.name).join(', ');
      const inChannel = reply.visibility === 'public' && target.channelId !== undefined;
      try {
        const channel = inChannel && target.channelId ? target.channelId : await openDm(target.userId);
        await uploadFiles(api, channel, files);
        filesNote = inChannel
          ? `:paperclip: ${names} posted in this channel.`
          : `:paperclip: I sent ${names} to our direct messages: Slack cannot attach files to a private reply.`;
      } catch (error) {
        const failure = slackApiFailure(error);
        log.warn({ err: error, error: failure?.error }, 'Slack file upload failed');
        filesNote = `:warning: I could not send ${names} (${failure?.error ?? 'upload failed'}). Please try again later.`;
      }
    }
    const message = render(reply, filesNote);
    try {
      await target.respond({
        response_type: reply.visibility === 'public' ? 'in_channel' : 'ephemeral',
        // Said either way: left out, a click's answer may replace the message the button is on.
        replace_original: target.replaceOriginal,
        text: message.text,
        blocks: message.blocks,
      });
      return true;
    } catch (error) {
      log.warn({ err: error }, 'Slack response_url rejected the answer');
      return false;
    }
  }

  function arrivalOf(context: Context): Arrival {
    const arrival = context.arrival;
    return isArrival(arrival) ? arrival : { at: performance.now() };
  }

  /**
   * Hands an acknowledgement to Bolt and reports, once it has left, the time since the delivery's
   * arrival. In HTTP mode Bolt sends it when the listener returns (see processBeforeResponse).
   */
  async function acknowledge(sending: Promise<void>, arrival: Arrival): Promise<void> {
    await sending;
    if (!arrival.sent) {
      options.onAcknowledged?.(performance.now() - arrival.at);
      return;
    }
    void arrival.sent.then((at) => {
      if (at !== undefined) options.onAcknowledged?.(at - arrival.at);
    });
  }

  /** When the acknowledgement left: at once in Socket Mode (the ack was sent), or when the HTTP response did. */
  const acknowledgementSent = (arrival: Arrival): Promise<number | undefined> =>
    arrival.sent ?? Promise.resolve(performance.now());

  /** The invocation a recorded delivery stands for; `channel` is asked of Slack only when needed. */
  function invocationOf(delivery: SlackDelivery): Invocation {
    if (delivery.kind === 'command') {
      const { command } = delivery;
      return {
        identity: { platform: 'slack', workspaceId: command.team_id, externalUserId: command.user_id },
        displayName: delivery.displayName,
        ...(delivery.timeZone ? { defaultTimeZone: delivery.timeZone } : {}),
        command: commandNameOf(command.command, commandPrefix),
        input: { text: decodeSlackEntities(command.text) },
        invocationId: `slack:${command.trigger_id}`,
        channel: channelOf(command.team_id, command.channel_id, command.user_id),
      };
    }
    if (delivery.kind === 'button') {
      return {
        identity: { platform: 'slack', workspaceId: delivery.workspaceId, externalUserId: delivery.userId },
        displayName: delivery.displayName,
        command: delivery.command,
        input: { text: delivery.args },
        invocationId: `slack:${delivery.triggerId}`,
        channel: channelOf(delivery.workspaceId, delivery.channelId, delivery.userId),
      };
    }
    return {
      identity: { platform: 'slack', workspaceId: delivery.workspaceId, externalUserId: delivery.userId },
      displayName: null,
      command: 'share',
      input: { values: { url: delivery.url } },
      invocationId: `slack-message:${delivery.workspaceId}:${delivery.channelId}:${delivery.threadTs}`,
      channel:
        delivery.channelType === 'im'
          ? undefined
          : channelOf(delivery.workspaceId, delivery.channelId, delivery.userId),
    };
  }

  /** Records a delivery; answers the user itself when it cannot be kept (or was kept already). */
  async function record(
    deliveryKey: string,
    delivery: SlackDelivery,
    arrival: Arrival,
  ): Promise<'new' | 'duplicate' | 'unsaved'> {
    const invocation = invocationOf(delivery);
    return inbox.record(
      {
        deliveryKey,
        identity: invocation.identity,
        kind: delivery.kind,
        command: invocation.command,
        payload: delivery,
      },
      RECORD_DEADLINE_MS - (performance.now() - arrival.at),
    );
  }

  /**
   * Runs a recorded slash command. A user it creates gets their Slack profile (time zone, name) once
   * users.info answers, after the command; nobody waits for it (see the identity service).
   */
  function runCommand(deliveryKey: string, delivery: SlackDelivery & { kind: 'command' }) {
    const { command } = delivery;
    const lookupProfile = () => profiles.get(command.team_id, command.user_id);
    return runCounted(() => inbox.run({ ...invocationOf(delivery), deliveryKey, lookupProfile }));
  }

  async function onCommand({ ack, body, respond, context }: CommandArgs): Promise<void> {
    const arrival = arrivalOf(context);
    const parsed = slashCommandSchema.safeParse(body);
    if (!parsed.success) {
      await acknowledge(ack(), arrival);
      log.warn(
        { issues: parsed.error.issues.map((i) => i.path.join('.')) },
        'Slack slash command payload rejected',
      );
      return;
    }
    const command = parsed.data;
    if (stopping) {
      await acknowledge(ack({ response_type: 'ephemeral', text: RESTARTING }), arrival);
      return;
    }
    const deliveryKey = slackDeliveryKey.command(command.team_id, command.trigger_id);
    const delivery = {
      kind: 'command' as const,
      receivedAt: Date.now(),
      command,
      displayName: command.user_name ?? null,
    };
    const recorded = await record(deliveryKey, delivery, arrival);
    if (recorded === 'unsaved') {
      await acknowledge(ack({ response_type: 'ephemeral', text: NOT_SAVED }), arrival);
      return;
    }
    if (recorded === 'duplicate') {
      await acknowledge(ack(), arrival);
      log.info({ command: command.command, retryNum: context.retryNum }, 'Slack redelivery ignored');
      return;
    }
    const pending = runCommand(deliveryKey, delivery);
    const early = await within(pending, answerWithinMs - (performance.now() - arrival.at));
    const target = {
      respond,
      userId: command.user_id,
      channelId: command.channel_id,
      replaceOriginal: false,
    };
    if (early && (early.value.reply.files ?? []).length === 0) {
      const reply = early.value.reply;
      const handed = await acknowledge(ack(ackBodyOf(reply)), arrival).then(
        () => true,
        (error: unknown) => {
          log.warn(
            { err: error },
            'the acknowledgement with the answer failed; answering through response_url',
          );
          return false;
        },
      );
      // Done only once the answer has left: a crash before that leaves the delivery to be resumed.
      enqueue(async () => {
        const sentAt = handed ? await acknowledgementSent(arrival) : undefined;
        // Slack drops an acknowledgement that comes after 3 s (the user sees a timeout): say it again.
        const late = sentAt === undefined || sentAt - arrival.at > LATE_ACK_MS;
        await inbox.finish(deliveryKey, late ? await deliver(reply, target) : true);
      });
      return;
    }
    await acknowledge(ack(), arrival);
    enqueue(async () => {
      const outcome = await pending;
      await inbox.finish(deliveryKey, await deliver(outcome.reply, target));
    });
  }

  /** A reply as the body of the acknowledgement (no files: those need uploads first). */
  function ackBodyOf(reply: Reply): AckBody {
    const message = render(reply);
    return {
      response_type: reply.visibility === 'public' ? 'in_channel' : 'ephemeral',
      text: message.text,
      blocks: message.blocks,
    };
  }

  async function onAction({ ack, body, respond, context }: ActionArgs): Promise<void> {
    const arrival = arrivalOf(context);
    const parsed = blockActionsSchema.safeParse(body);
    if (!parsed.success) {
      await acknowledge(ack(), arrival);
      log.warn({ issues: parsed.error.issues.map((i) => i.path.join('.')) }, 'Slack action payload rejected');
      return;
    }
    const payload = parsed.data;
    const action = payload.actions[0]!;
    const workspaceId = payload.team?.id ?? payload.user.team_id ?? '';
    const value = decodeButtonValue(action.value);
    const line = value ? splitCommandLine(value.c) : undefined;
    // A private answer with buttons (the /forget prompt) becomes the result of the click. A message that
    // stays (the weekly digest in the DM, a channel post) is kept: the answer goes beside it.
    const replaceOriginal = payload.container?.is_ephemeral === true;
    if (!payload.response_url || !value || !line || stopping) {
      await acknowledge(ack(), arrival);
      if (stopping && payload.response_url) await respond({ response_type: 'ephemeral', text: RESTARTING });
      else if (payload.response_url)
        log.warn({ actionId: action.action_id }, 'Slack button without a MoodScale command');
      return;
    }
    if (value.x !== undefined && value.x <= now().getTime()) {
      await acknowledge(ack(), arrival);
      await respond({
        response_type: 'ephemeral',
        replace_original: replaceOriginal,
        text: `That button has expired. Run \`/${line.name}\` again for a new one.`,
      });
      return;
    }
    const deliveryKey = slackDeliveryKey.button(
      workspaceId,
      payload.user.id,
      action.action_ts,
      payload.trigger_id,
    );
    const delivery = {
      kind: 'button' as const,
      receivedAt: Date.now(),
      workspaceId,
      userId: payload.user.id,
      displayName: payload.user.name ?? payload.user.username ?? null,
      ...(payload.channel?.id ? { channelId: payload.channel.id } : {}),
      responseUrl: payload.response_url,
      triggerId: payload.trigger_id,
      command: line.name,
      args: line.args,
    };
    const recorded = await record(deliveryKey, delivery, arrival);
    // Slack reads nothing from a button's acknowledgement: every answer goes through response_url.
    await acknowledge(ack(), arrival);
    if (recorded === 'unsaved') {
      await respond({ response_type: 'ephemeral', text: NOT_SAVED });
      return;
    }
    if (recorded === 'duplicate') {
      log.info({ retryNum: context.retryNum }, 'Slack action redelivery ignored');
      return;
    }
    enqueue(async () => {
      const outcome = await runCounted(() => inbox.run({ ...invocationOf(delivery), deliveryKey }));
      const answered = await deliver(outcome.reply, {
        respond,
        userId: payload.user.id,
        channelId: payload.channel?.id,
        replaceOriginal,
      });
      await inbox.finish(deliveryKey, answered);
    });
  }

  /** Shares one Spotify link of a channel message for its author and answers in its thread. */
  async function answerLink(deliveryKey: string, delivery: SlackDelivery & { kind: 'message' }) {
    // As for commands: a user this share creates gets their profile after it, nobody waits for it.
    const lookupProfile = () => profiles.get(delivery.workspaceId, delivery.userId);
    const { reply, outcome } = await runCounted(() =>
      inbox.run({ ...invocationOf(delivery), deliveryKey, lookupProfile }),
    );
    await inbox.finish(deliveryKey, await answerInThread(delivery, reply, outcome));
  }

  /** A public answer to a link goes in the message's thread; a private one (an error, an album) nowhere. */
  async function answerInThread(
    delivery: SlackDelivery & { kind: 'message' },
    reply: Reply,
    outcome?: Outcome['outcome'],
  ): Promise<boolean> {
    if (reply.visibility !== 'public') {
      log.debug(
        { channel: delivery.channelId, ts: delivery.threadTs, outcome },
        'a Spotify link in a message got a private answer; nothing posted in the thread',
      );
      return true;
    }
    const rendered = render(reply);
    try {
      // No link_names: the card's text is escaped and mentions nobody.
      await api.chat.postMessage({
        channel: delivery.channelId,
        thread_ts: delivery.threadTs,
        text: rendered.text,
        blocks: rendered.blocks,
        unfurl_links: false,
        unfurl_media: false,
      });
      return true;
    } catch (error) {
      const failure = slackApiFailure(error);
      log.warn(
        { err: error, error: failure?.error, channel: delivery.channelId },
        'could not answer a Spotify link in the thread',
      );
      return false;
    }
  }

  /**
   * A message in a channel the bot is in: plain messages (and thread replies also sent to the channel)
   * by people, with Spotify links, are answered in their thread, each link (at most 3) a delivery of
   * its own. Bot posts, edits, deletions, joins and redeliveries are ignored; a message without a link
   * is not recorded at all.
   */
  async function onMessage({ body, context }: MessageEventArgs): Promise<void> {
    const arrival = arrivalOf(context);
    const parsed = channelMessageEventSchema.safeParse(body);
    if (!parsed.success) {
      log.debug({ issues: parsed.error.issues.map((i) => i.path.join('.')) }, 'Slack message event skipped');
      return;
    }
    const { event, team_id: teamId } = parsed.data;
    if (event.subtype !== undefined && event.subtype !== 'thread_broadcast') return;
    if (event.bot_id !== undefined || event.user === undefined) return;
    if (context.botUserId !== undefined && event.user === context.botUserId) return;
    if (stopping) return;
    const links = findSpotifyLinks(event.text, MAX_LINKS_PER_MESSAGE);
    const messageId = event.client_msg_id ?? event.ts;
    const user = event.user;
    const recorded = await Promise.all(
      links.map(async (link, index) => {
        const deliveryKey = slackDeliveryKey.message(teamId, event.channel, messageId, index);
        const delivery = {
          kind: 'message' as const,
          receivedAt: Date.now(),
          workspaceId: teamId,
          userId: user,
          channelId: event.channel,
          ...(event.channel_type ? { channelType: event.channel_type } : {}),
          // In the message's thread (the thread it is in, when it is a reply).
          threadTs: event.thread_ts ?? event.ts,
          url: spotifyLinkUrl(link),
        };
        return { deliveryKey, delivery, result: await record(deliveryKey, delivery, arrival) };
      }),
    );
    const fresh = recorded.filter((r) => r.result === 'new');
    if (recorded.some((r) => r.result === 'duplicate')) {
      log.info({ retryNum: context.retryNum, channel: event.channel }, 'Slack message redelivery ignored');
    }
    if (recorded.some((r) => r.result === 'unsaved')) {
      log.warn(
        { channel: event.channel },
        'a Spotify link in a message was not recorded; Slack will retry it',
      );
      // Not acknowledged (Bolt answers events after the listener): Slack retries the event later.
      throw new Error('the inbox did not take a message event');
    }
    // Links of one message are answered in order, so the thread reads like the message.
    if (fresh.length > 0) {
      enqueue(async () => {
        for (const { deliveryKey, delivery } of fresh) await answerLink(deliveryKey, delivery);
      });
    }
  }

  /** Answers a delivery another instance left: in place while response_url lasts, else by DM. */
  async function answerLate(
    payload: unknown,
    reply: Reply,
    receivedAt: Date,
  ): Promise<'answered' | 'failed'> {
    const parsed = slackDeliverySchema.safeParse(payload);
    if (!parsed.success) return 'failed';
    const delivery = parsed.data;
    if (delivery.kind === 'message') return (await answerInThread(delivery, reply)) ? 'answered' : 'failed';
    const [userId, workspaceId, responseUrl, channelId] =
      delivery.kind === 'command'
        ? [
            delivery.command.user_id,
            delivery.command.team_id,
            delivery.command.response_url,
            delivery.command.channel_id,
          ]
        : [delivery.userId, delivery.workspaceId, delivery.responseUrl, delivery.channelId];
    if (now().getTime() - receivedAt.getTime() < RESPONSE_URL_WINDOW_MS - 60_000) {
      const respond = (message: RespondArguments) => postToResponseUrl(responseUrl, message);
      if (await deliver(reply, { respond, userId, channelId, replaceOriginal: false })) return 'answered';
    }
    return (await direct.send(userId, workspaceId, reply)) === 'sent' ? 'answered' : 'failed';
  }

  function build(bot: { botUserId: string | undefined; botId: string | undefined }): App {
    const common: AppOptions = {
      token: config.botToken,
      ...(bot.botUserId ? { botUserId: bot.botUserId } : {}),
      ...(bot.botId ? { botId: bot.botId } : {}),
      // verifyBotToken already ran auth.test; the App need not repeat it.
      tokenVerificationEnabled: false,
      logger: sdkLogger,
      // Bolt's respond() posts to response_url with this fetch: bounded, like every Web API call.
      clientOptions: { ...webClientOptions(config.apiUrl), fetch: fetchWithTimeout(RESPOND_TIMEOUT_MS) },
      convoStore: false,
    };
    let built: App;
    if (config.mode === 'http') {
      if (!config.signingSecret) throw new Error('Slack HTTP mode needs SLACK_SIGNING_SECRET');
      const maxBodyBytes = config.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
      const receiver = new HTTPReceiver({
        signingSecret: config.signingSecret,
        endpoints: SLACK_EVENTS_PATH,
        port: options.port,
        logger: sdkLogger,
        // Also enforced while reading, for a body longer than its Content-Length said.
        bodyLimit: maxBodyBytes,
        // Events are acknowledged when their listener returns, after the inbox holds them (Bolt would
        // otherwise acknowledge them before any listener runs).
        processBeforeResponse: true,
        customPropertiesExtractor: (request) => ({
          arrival: arrivals.get(request) ?? { at: performance.now() },
        }),
        ...(options.customRoutes ? { customRoutes: options.customRoutes } : {}),
      });
      // The request's arrival, before its body is read: what the acknowledgement time counts from.
      const listener = receiver.requestListener;
      receiver.requestListener = (request, response) => {
        const refusal =
          request.method === 'POST' && request.url?.split('?')[0] === SLACK_EVENTS_PATH
            ? refuseBeforeBody(request.headers, now(), maxBodyBytes)
            : undefined;
        if (refusal) {
          // The body stays unread, so the connection cannot carry another request: it is closed.
          log.debug(
            { status: refusal.status, reason: refusal.reason },
            'Slack request refused before its body',
          );
          response.writeHead(refusal.status, { connection: 'close' }).end();
          return;
        }
        const at = performance.now();
        const sent = new Promise<number | undefined>((resolve) => {
          response.once('finish', () => resolve(performance.now()));
          response.once('close', () => resolve(undefined));
        });
        arrivals.set(request, { at, sent });
        listener(request, response);
      };
      built = new App({ ...common, receiver });
    } else {
      if (!config.appToken) throw new Error('Slack Socket Mode needs SLACK_APP_TOKEN');
      const receiver = new SocketModeReceiver({
        appToken: config.appToken,
        logger: sdkLogger,
        // The Socket Mode client's own Web API client (apps.connections.open) keeps its long reconnect policy.
        installerOptions: { clientOptions: config.apiUrl ? { slackApiUrl: config.apiUrl } : {} },
        customPropertiesExtractor: () => ({ arrival: { at: performance.now() } }),
      });
      built = new App({ ...common, receiver });
    }
    // One listener for every command: Bolt runs each listener's matching on every request, and the
    // dispatcher knows the commands (one this version lacks still gets its answer there).
    built.command(/^\//, (args) => inHand.hold(() => onCommand(args)));
    built.action(/^ms:/, (args) => inHand.hold(() => onAction(args)));
    built.event('message', (args) => inHand.hold(() => onMessage(args)));
    built.error(async (error) => {
      log.error({ err: error }, 'Slack event failed');
    });
    return built;
  }

  return {
    name: 'slack',
    inboxSurface: {
      platform: 'slack',
      answerWindowMs: RESPONSE_URL_WINDOW_MS,
      invocationOf(payload) {
        const parsed = slackDeliverySchema.safeParse(payload);
        return parsed.success ? invocationOf(parsed.data) : undefined;
      },
      answerLate,
    },
    get port() {
      return port;
    },
    async start() {
      const bot = await verifyBotToken(api, log, config.apiUrl);
      app = build(bot);
      try {
        const starting = app.start(options.port);
        if (config.mode === 'http') {
          const address = (await starting).address();
          port = typeof address === 'object' && address !== null ? address.port : options.port;
        } else {
          // A refusal after the deadline has already been reported: keep it from going unhandled.
          starting.catch(() => undefined);
          const startTimeoutMs = options.startTimeoutMs ?? 30_000;
          await withTimeout(starting, startTimeoutMs, () => {
            throw new StartTimeout(`no connection within ${startTimeoutMs} ms`);
          });
        }
      } catch (error) {
        await app.stop().catch(() => undefined);
        app = undefined;
        throw explainStartFailure(error, config.mode, options.port, lastSdkError);
      }
      log.info(
        { mode: config.mode, team: bot.team, teamId: bot.teamId, ...(port !== undefined ? { port } : {}) },
        config.mode === 'http'
          ? `Slack is listening on :${port}/slack/events`
          : 'Slack is connected (Socket Mode)',
      );
      ready = true;
    },
    stop() {
      stopped ??= (async () => {
        stopping = true;
        ready = false;
        const running = app;
        app = undefined;
        // Stop taking deliveries first (Slack redelivers what was not acknowledged), then finish the rest.
        if (running)
          await running.stop().catch((error: unknown) => log.warn({ err: error }, 'Slack stop failed'));
        if (!(await inFlight.drain(options.stopTimeoutMs ?? 10_000))) {
          log.warn({ inFlight: inFlight.size }, 'Slack stopped with commands still in flight');
        }
      })();
      return stopped;
    },
    isReady: () => ready && !stopping,
    async postToChannel(channelId, text) {
      await api.chat.postMessage({ channel: channelId, text, unfurl_links: false, unfurl_media: false });
    },
    sendDirect(externalUserId, workspaceId, reply) {
      return direct.send(externalUserId, workspaceId, reply);
    },
    sendToChannel(channelId, reply) {
      return postSlackChannelMessage(api, channelId, reply, log, now(), renameCommands);
    },
  };
}

class StartTimeout extends Error {
  override readonly name = 'StartTimeout';
}

/** Posts an answer to a response_url (what Bolt's respond() does), failing on anything but 2xx. */
async function postToResponseUrl(url: string, message: RespondArguments): Promise<void> {
  const body = typeof message === 'string' ? { text: message } : message;
  const response = await globalThis.fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(RESPOND_TIMEOUT_MS),
  });
  await response.arrayBuffer();
  if (!response.ok) throw new Error(`response_url answered ${response.status}`);
}

/** fetch with a deadline when the caller gave none (Bolt's respond() gives none). */
function fetchWithTimeout(ms: number): webApi.FetchFunction {
  return (url, init) => globalThis.fetch(url, { ...init, signal: init?.signal ?? AbortSignal.timeout(ms) });
}
