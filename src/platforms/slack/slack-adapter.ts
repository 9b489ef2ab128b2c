import {
  type AllMiddlewareArgs,
  App,
  type AppOptions,
  type CustomRoute,
  HTTPReceiver,
  type RespondFn,
  type SlackActionMiddlewareArgs,
  type SlackCommandMiddlewareArgs,
  type SlackEventMiddlewareArgs,
  webApi,
} from '@slack/bolt';
import { type CommandChannel, type Reply, splitCommandLine } from '../../core/commands/index.js';
import type { Logger } from '../../core/logger.js';
import type { SpotifyLink } from '../../integrations/music-types.js';
import { findSpotifyLinks } from '../../integrations/spotify/link-parser.js';
import type { ChannelPostResult } from '../channel-messages.js';
import type { Dispatcher, Invocation, Outcome } from '../dispatcher.js';
import type { PlatformAdapter } from '../platform.js';
import { boltLogger } from './bolt-logger.js';
import { postSlackChannelMessage } from './channel-post.js';
import { createDeliveryDedupe, type DedupeOptions } from './delivery-dedupe.js';
import { createDirectMessenger, type DirectResult } from './direct-messages.js';
import {
  blockActionsSchema,
  type ChannelMessageEvent,
  channelMessageEventSchema,
  type SlashCommandPayload,
  slackApiFailure,
  slashCommandSchema,
} from './payloads.js';
import { createProfileLookup } from './profiles.js';
import { decodeButtonValue, decodeSlackEntities, renderSlackMessage } from './render.js';
import { createDmChannels, uploadFiles, webClientOptions } from './slack-api.js';
import { explainStartFailure, verifyBotToken } from './startup.js';
import { createInFlight, createLimiter } from './work-queue.js';

/** The Slack part of MoodScale's configuration (`config.slack`). */
export interface SlackSettings {
  botToken: string;
  mode: 'socket' | 'http';
  appToken: string | undefined;
  signingSecret: string | undefined;
  apiUrl: string | undefined;
}

export interface SlackAdapterOptions {
  dispatcher: Dispatcher;
  config: SlackSettings;
  /** HTTP mode: the port serving POST /slack/events (`config.http.port`; 0 picks a free one). */
  port: number;
  logger: Logger;
  /** Spacing of direct messages; Slack allows about one message a second per channel. Default 1100 ms. */
  dmIntervalMs?: number;
  /** How long a delivery is remembered against Slack's retries and redeliveries. */
  dedupe?: DedupeOptions;
  /**
   * Commands worked on at once after their acknowledgement; the rest wait their turn, so acknowledging a
   * burst stays fast. Only the dispatch takes a slot, not the waits on Slack. Default 8.
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
  /** Told how long each command or button took to be acknowledged (metrics). */
  onAcknowledged?: (ms: number) => void;
  /** The time for button expiry; the system clock by default. */
  now?: () => Date;
}

/** A running Slack surface; `sendDirect` is for jobs (the weekly digest) that message users first. */
export interface SlackAdapter extends PlatformAdapter {
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
  respond: RespondFn;
  userId: string;
  channelId: string | undefined;
  replaceOriginal: boolean;
}

type CommandArgs = SlackCommandMiddlewareArgs & AllMiddlewareArgs;
type ActionArgs = SlackActionMiddlewareArgs & AllMiddlewareArgs;
type MessageEventArgs = SlackEventMiddlewareArgs<'message'> & AllMiddlewareArgs;

/** At most this many links of one message are analysed (each is a /share, with its outbound calls). */
export const MAX_LINKS_PER_MESSAGE = 3;

/** The link as text /share reads: a canonical open.spotify.com URL, or the short link as found. */
function spotifyLinkUrl(link: SpotifyLink): string {
  return link.kind === 'short' ? link.url : `https://open.spotify.com/${link.kind}/${link.id}`;
}

const RESTARTING = 'MoodScale is restarting. Please send that again in a minute.';
const RESPOND_TIMEOUT_MS = 15_000;

/**
 * Every command of the registry as a Slack slash command, on @slack/bolt: Socket Mode by default (no
 * public URL), or HTTP mode (`/slack/events` on `port`, requests verified with the signing secret; a bad or
 * missing signature or a timestamp over 5 minutes old gets 401 from Bolt's HTTPReceiver). Each command is
 * acknowledged at once with an empty body, then dispatched, and answered through `respond` (ephemeral
 * unless the reply is public). Retries and redeliveries are acknowledged and ignored.
 */
export function createSlackAdapter(options: SlackAdapterOptions): SlackAdapter {
  const { dispatcher, config } = options;
  const log = options.logger.child({ component: 'slack' });
  const now = options.now ?? (() => new Date());
  const api = new webApi.WebClient(config.botToken, {
    ...webClientOptions(config.apiUrl),
    logger: boltLogger(log),
  });
  const dedupe = createDeliveryDedupe(options.dedupe);
  const profiles = createProfileLookup({ client: api, logger: log });
  const openDm = createDmChannels(api);
  const direct = createDirectMessenger({
    client: api,
    logger: log,
    intervalMs: options.dmIntervalMs ?? 1100,
    now,
  });
  const limiter = createLimiter(options.concurrency ?? 8);
  const inFlight = createInFlight();
  let app: App | undefined;
  let port: number | undefined;
  let stopping = false;
  let ready = false;
  let stopped: Promise<void> | undefined;
  let lastSdkError: string | undefined;
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

  /** The dispatch, a bounded number at a time (see createLimiter). */
  function dispatch(invocation: Invocation): Promise<Outcome> {
    return limiter.run(() => dispatcher.dispatch(invocation));
  }

  /** Uploads the files (DM, or the channel for a public reply), then answers with a note on where they went. */
  async function deliver(reply: Reply, target: Target): Promise<void> {
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
    const message = renderSlackMessage(reply, { now: now(), ...(filesNote ? { filesNote } : {}) });
    try {
      await target.respond({
        response_type: reply.visibility === 'public' ? 'in_channel' : 'ephemeral',
        ...(target.replaceOriginal ? { replace_original: true } : {}),
        text: message.text,
        blocks: message.blocks,
      });
    } catch (error) {
      log.warn({ err: error }, 'Slack response_url rejected the answer');
    }
  }

  async function runCommand(command: SlashCommandPayload, respond: RespondFn): Promise<void> {
    if (stopping) {
      await respond({ response_type: 'ephemeral', text: RESTARTING });
      return;
    }
    const profile = await profiles.get(command.team_id, command.user_id);
    const outcome = await dispatch({
      identity: { platform: 'slack', workspaceId: command.team_id, externalUserId: command.user_id },
      displayName: profile.displayName ?? command.user_name ?? null,
      ...(profile.timeZone ? { defaultTimeZone: profile.timeZone } : {}),
      command: command.command.slice(1).toLowerCase(),
      input: { text: decodeSlackEntities(command.text) },
      invocationId: `slack:${command.trigger_id}`,
      channel: channelOf(command.team_id, command.channel_id, command.user_id),
    });
    await deliver(outcome.reply, {
      respond,
      userId: command.user_id,
      channelId: command.channel_id,
      replaceOriginal: false,
    });
  }

  async function timedAck(ack: () => Promise<void>): Promise<void> {
    const started = performance.now();
    await ack();
    options.onAcknowledged?.(performance.now() - started);
  }

  async function onCommand({ ack, body, respond, context }: CommandArgs): Promise<void> {
    await timedAck(ack);
    const parsed = slashCommandSchema.safeParse(body);
    if (!parsed.success) {
      log.warn(
        { issues: parsed.error.issues.map((i) => i.path.join('.')) },
        'Slack slash command payload rejected',
      );
      return;
    }
    const command = parsed.data;
    const key = `command:${command.team_id}:${command.user_id}:${command.trigger_id}`;
    if (!dedupe.first(key)) {
      log.info({ command: command.command, retryNum: context.retryNum }, 'Slack redelivery ignored');
      return;
    }
    enqueue(() => runCommand(command, respond));
  }

  async function onAction({ ack, body, respond, context }: ActionArgs): Promise<void> {
    await timedAck(ack);
    const parsed = blockActionsSchema.safeParse(body);
    if (!parsed.success) {
      log.warn({ issues: parsed.error.issues.map((i) => i.path.join('.')) }, 'Slack action payload rejected');
      return;
    }
    const payload = parsed.data;
    const action = payload.actions[0]!;
    const workspaceId = payload.team?.id ?? payload.user.team_id ?? '';
    const key = `action:${workspaceId}:${payload.user.id}:${action.action_ts}:${payload.trigger_id}`;
    if (!dedupe.first(key)) {
      log.info({ retryNum: context.retryNum }, 'Slack action redelivery ignored');
      return;
    }
    if (!payload.response_url) return;
    enqueue(async () => {
      if (stopping) {
        await respond({ response_type: 'ephemeral', text: RESTARTING });
        return;
      }
      const value = decodeButtonValue(action.value);
      const line = value ? splitCommandLine(value.c) : undefined;
      if (!value || !line) {
        log.warn({ actionId: action.action_id }, 'Slack button without a MoodScale command');
        return;
      }
      if (value.x !== undefined && value.x <= now().getTime()) {
        await respond({
          response_type: 'ephemeral',
          replace_original: true,
          text: `That button has expired. Run \`/${line.name}\` again for a new one.`,
        });
        return;
      }
      const outcome = await dispatch({
        identity: { platform: 'slack', workspaceId, externalUserId: payload.user.id },
        displayName: payload.user.name ?? payload.user.username ?? null,
        command: line.name,
        input: { text: line.args },
        invocationId: `slack:${payload.trigger_id}`,
        channel: channelOf(workspaceId, payload.channel?.id, payload.user.id),
      });
      await deliver(outcome.reply, {
        respond,
        userId: payload.user.id,
        channelId: payload.channel?.id,
        replaceOriginal: true,
      });
    });
  }

  /** Shares each Spotify link of a channel message (at most 3) for its author and answers in its thread. */
  async function answerLinks(
    message: ChannelMessageEvent['event'] & { user: string },
    teamId: string,
    links: SpotifyLink[],
  ): Promise<void> {
    const profile = await profiles.get(teamId, message.user);
    for (const [index, link] of links.entries()) {
      if (stopping) return;
      const { reply, outcome } = await dispatch({
        identity: { platform: 'slack', workspaceId: teamId, externalUserId: message.user },
        displayName: profile.displayName ?? null,
        ...(profile.timeZone ? { defaultTimeZone: profile.timeZone } : {}),
        command: 'share',
        input: { values: { url: spotifyLinkUrl(link) } },
        invocationId: `slack-message:${teamId}:${message.channel}:${message.ts}:${index}`,
        channel: message.channel_type === 'im' ? undefined : channelOf(teamId, message.channel, message.user),
      });
      if (reply.visibility !== 'public') {
        log.debug(
          { channel: message.channel, ts: message.ts, outcome, kind: link.kind },
          'a Spotify link in a message got a private answer; nothing posted in the thread',
        );
        continue;
      }
      const rendered = renderSlackMessage(reply, { now: now() });
      try {
        // In the message's thread (the thread it is in, when it is a reply). No link_names: the card's
        // text is escaped and mentions nobody.
        await api.chat.postMessage({
          channel: message.channel,
          thread_ts: message.thread_ts ?? message.ts,
          text: rendered.text,
          blocks: rendered.blocks,
          unfurl_links: false,
          unfurl_media: false,
        });
      } catch (error) {
        const failure = slackApiFailure(error);
        log.warn(
          { err: error, error: failure?.error, channel: message.channel },
          'could not answer a Spotify link in the thread',
        );
      }
    }
  }

  /**
   * A message in a channel the bot is in: plain messages (and thread replies also sent to the channel)
   * by people, with Spotify links, are answered in their thread. Bot posts, edits, deletions, joins and
   * redeliveries are ignored.
   */
  async function onMessage({ body, context }: MessageEventArgs): Promise<void> {
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
    if (links.length === 0) return;
    const key = `message:${teamId}:${event.channel}:${event.client_msg_id ?? event.event_ts ?? event.ts}`;
    if (!dedupe.first(key)) {
      log.info({ retryNum: context.retryNum, channel: event.channel }, 'Slack message redelivery ignored');
      return;
    }
    const message = { ...event, user: event.user };
    enqueue(() => answerLinks(message, teamId, links));
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
      const receiver = new HTTPReceiver({
        signingSecret: config.signingSecret,
        endpoints: '/slack/events',
        port: options.port,
        logger: sdkLogger,
        ...(options.customRoutes ? { customRoutes: options.customRoutes } : {}),
      });
      built = new App({ ...common, receiver });
    } else {
      if (!config.appToken) throw new Error('Slack Socket Mode needs SLACK_APP_TOKEN');
      built = new App({
        ...common,
        socketMode: true,
        appToken: config.appToken,
        // The Socket Mode client's own Web API client (apps.connections.open) keeps its long reconnect policy.
        installerOptions: { clientOptions: config.apiUrl ? { slackApiUrl: config.apiUrl } : {} },
      });
    }
    const names = dispatcher.registry.all().map((c) => c.name);
    for (const name of names) built.command(`/${name}`, onCommand);
    // A command in the manifest that this version does not know still gets an answer (the dispatcher's).
    built.command(new RegExp(`^/(?!(?:${names.map(escapeRegExp).join('|')})$)`), onCommand);
    built.action(/^ms:/, onAction);
    built.event('message', onMessage);
    built.error(async (error) => {
      log.error({ err: error }, 'Slack event failed');
    });
    return built;
  }

  return {
    name: 'slack',
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
          await withDeadline(starting, options.startTimeoutMs ?? 30_000);
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
      return postSlackChannelMessage(api, channelId, reply, log, now());
    },
  };
}

class StartTimeout extends Error {
  override readonly name = 'StartTimeout';
}

async function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StartTimeout(`no connection within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** fetch with a deadline when the caller gave none (Bolt's respond() gives none). */
function fetchWithTimeout(ms: number): webApi.FetchFunction {
  return (url, init) => globalThis.fetch(url, { ...init, signal: init?.signal ?? AbortSignal.timeout(ms) });
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
