import { type CustomRoute, type Logger as SlackLogger, webApi } from '@slack/bolt';
import type { Reply } from '../../core/commands/index.js';
import type { Logger } from '../../core/logger.js';
import type { DirectMessageOptions } from '../../services/direct-messages.js';
import type { ChannelPostResult } from '../channel-messages.js';
import type { DeliveryRunner, InboxSurface } from '../inbox/delivery-runner.js';
import type { PlatformAdapter } from '../platform.js';
import { answerLate, deliver, type LateAnswerContext } from './answers.js';
import { createAcknowledger } from './arrivals.js';
import { boltLogger } from './bolt-logger.js';
import { onAction } from './button-actions.js';
import { createChannelMembership, withChannelMembership } from './channel-membership.js';
import { postSlackChannelMessage } from './channel-post.js';
import { createCommandRenamer } from './command-names.js';
import { builtOncePerDelivery, createInvocationOf, recordDelivery } from './delivery-records.js';
import { createDirectMessenger, type DirectResult } from './direct-messages.js';
import { onFormSubmit } from './form-submissions.js';
import type { SlackHandlerContext } from './handler-context.js';
import { createLifecycle } from './lifecycle.js';
import { onMessage } from './message-links.js';
import { createProfileLookup } from './profiles.js';
import { buildSlackApp, type SlackAppDeps } from './receiver.js';
import { renderSlackMessage } from './render.js';
import { sharedFileResolver } from './shared-files.js';
import { createDmChannels, webClientOptions } from './slack-api.js';
import { RESPONSE_URL_WINDOW_MS, slackDeliverySchema } from './slack-deliveries.js';
import type { SlackSettings } from './slack-settings.js';
import { onCommand } from './slash-commands.js';
import { createUsersInfo } from './users-info.js';
import { createInFlight, createInHand, createLimiter } from './work-queue.js';

// The adapter's parts live beside it: slash-commands.ts, button-actions.ts, form-submissions.ts,
// message-links.ts (the handlers of deliveries), answers.ts (answers, late ones included),
// delivery-records.ts (invocations and the inbox), arrivals.ts (acknowledgement times), receiver.ts (the
// Bolt app; socket-mode-receiver.ts is its Socket Mode receiver) and lifecycle.ts.
export { MAX_LINKS_PER_MESSAGE } from './message-links.js';
export type { SlackSettings } from './slack-settings.js';

export interface SlackAdapterOptions {
  /** Where every delivery is recorded before it is acknowledged, and run (through the dispatcher) from. */
  inbox: DeliveryRunner;
  config: SlackSettings;
  /** HTTP mode: the port serving POST /slack/events (`config.http.port`; 0 picks a free one). */
  port: number;
  logger: Logger;
  /** Spacing of direct messages; Slack allows about one message a second per channel. Default 1100 ms. */
  dmIntervalMs?: number;
  /** Check-in prompts sent at once (each to its own DM channel); 4 when not given. */
  promptLanes?: number;
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
  sendDirect(
    externalUserId: string,
    workspaceId: string,
    reply: Reply,
    options?: DirectMessageOptions,
  ): Promise<DirectResult>;
  /** HTTP mode: the port listened on once started (useful with port 0); undefined in Socket Mode. */
  readonly port: number | undefined;
  /** Posts a reply in a channel the bot is a member of (the weekly channel post). */
  sendToChannel(channelId: string, reply: Reply): Promise<ChannelPostResult>;
  /** Posts plain text in a channel the bot is in (admin alerts). */
  postToChannel(channelId: string, text: string): Promise<void>;
}

/** users.info for a new user's profile: past this the user keeps UTC. */
const PROFILE_TIMEOUT_MS = 5000;
/** A new user's profile lookup waits for the commands in hand to finish, at most this long after it was asked. */
const PROFILE_DEFER_MAX_MS = 5000;

/**
 * Every command of the registry as a Slack slash command, on @slack/bolt: Socket Mode by default (no
 * public URL), or HTTP mode (`/slack/events` on `port`, requests verified with the signing secret; a bad or
 * missing signature or a timestamp over 5 minutes old gets 401 from Bolt's HTTPReceiver). Each delivery
 * is written to the inbox before it is acknowledged; a command that finishes within `answerWithinMs` is
 * answered inside the acknowledgement, a slower one through `respond` (ephemeral unless the reply is
 * public). Retries and redeliveries are acknowledged and ignored. The handlers live in slash-commands.ts,
 * button-actions.ts, form-submissions.ts, message-links.ts and direct-moods.ts; this function wires them
 * together.
 */
export function createSlackAdapter(options: SlackAdapterOptions): SlackAdapter {
  const { config } = options;
  const log = options.logger.child({ component: 'slack' });
  const now = options.now ?? (() => new Date());
  const renameCommands = createCommandRenamer({
    prefix: config.commandPrefix ?? '',
    names: options.commandNames ?? [],
  });
  /** A reply as a Slack message, naming commands the way this workspace types them. */
  const render = (reply: Reply, filesNote?: string) =>
    renderSlackMessage(reply, { now: now(), renameCommands, ...(filesNote ? { filesNote } : {}) });
  const api = new webApi.WebClient(config.botToken, {
    ...webClientOptions(config.apiUrl),
    logger: boltLogger(log),
  });
  const direct = createDirectMessenger({
    client: api,
    logger: log,
    intervalMs: options.dmIntervalMs ?? 1100,
    now,
    renameCommands,
  });
  const prompts = Array.from({ length: Math.max(1, options.promptLanes ?? 4) }, () =>
    createDirectMessenger({ client: api, logger: log, intervalMs: 0, now, renameCommands }),
  );
  let nextPrompt = 0;
  const answering: LateAnswerContext = { log, api, render, now, direct, openDm: createDmChannels(api) };
  const inFlight = createInFlight();
  const ctx = createHandlerContext(options, {
    log,
    api,
    now,
    render,
    inFlight,
    isStopping: () => lifecycle.isStopping(),
    deliver: (reply, target) => deliver(answering, reply, target),
  });
  const lifecycle = createLifecycle({
    api,
    log,
    config,
    options,
    inFlight,
    build: (bot, sdkLogger) => buildSlackApp(appDepsOf(options, ctx, sdkLogger), bot),
  });
  return {
    name: 'slack',
    inboxSurface: {
      platform: 'slack',
      answerWindowMs: RESPONSE_URL_WINDOW_MS,
      invocationOf(payload) {
        const parsed = slackDeliverySchema.safeParse(payload);
        return parsed.success ? ctx.invocationOf(parsed.data) : undefined;
      },
      answerLate: (payload, reply, receivedAt) => answerLate(answering, payload, reply, receivedAt),
    },
    get port() {
      return lifecycle.port;
    },
    start: () => lifecycle.start(),
    stop: () => lifecycle.stop(),
    isReady: () => lifecycle.isReady(),
    async postToChannel(channelId, text) {
      await api.chat.postMessage({ channel: channelId, text, unfurl_links: false, unfurl_media: false });
    },
    sendDirect(externalUserId, workspaceId, reply, send) {
      if (send?.lane === 'prompt') {
        // Check-in prompts go to as many DM channels at once as there are lanes; the Web API client
        // waits out any 429's Retry-After.
        const lane = prompts[nextPrompt++ % prompts.length]!;
        return lane.send(externalUserId, workspaceId, reply);
      }
      return direct.send(externalUserId, workspaceId, reply);
    },
    sendToChannel(channelId, reply) {
      return postSlackChannelMessage(api, channelId, reply, log, now(), renameCommands);
    },
  };
}

/** What the handlers get: the shared context, the count of deliveries in hand, and answerWithinMs. */
type AdapterContext = SlackHandlerContext & {
  inHand: ReturnType<typeof createInHand>;
  answerWithinMs: number;
};

/**
 * What the handlers share (handler-context.ts), with the limiter and the count of deliveries in hand
 * behind `runCounted`, and the new users' profile lookups that wait for a lull in them.
 */
function createHandlerContext(
  options: SlackAdapterOptions,
  parts: Pick<SlackHandlerContext, 'log' | 'api' | 'now' | 'render' | 'isStopping' | 'deliver'> & {
    inFlight: ReturnType<typeof createInFlight>;
  },
): AdapterContext {
  const { config, inbox } = options;
  const { inFlight, ...shared } = parts;
  const { log } = shared;
  const limiter = createLimiter(options.concurrency ?? 8);
  // Deliveries from arrival until acknowledged and until their command has run (which may be later):
  // new users' profile lookups wait for a lull in them.
  const inHand = createInHand();
  const profiles = createProfileLookup({
    client: parts.api,
    usersInfo: createUsersInfo({
      token: config.botToken,
      apiUrl: config.apiUrl,
      timeoutMs: PROFILE_TIMEOUT_MS,
      maxSockets: 4,
    }),
    logger: log,
    startWhen: (askedAt) => inHand.whenIdle(Math.max(0, askedAt + PROFILE_DEFER_MAX_MS - Date.now())),
  });
  const files = {
    api: parts.api,
    botToken: config.botToken,
    openDm: createDmChannels(parts.api),
    log,
    apiUrl: config.apiUrl,
  };
  const invocationOf = builtOncePerDelivery(
    withChannelMembership(
      createInvocationOf({
        profiles,
        commandPrefix: config.commandPrefix ?? '',
        sharedFiles: (userId, receivedAt) => sharedFileResolver(files, userId, receivedAt),
      }),
      createChannelMembership({ client: parts.api, logger: log }),
    ),
  );
  const ctx: SlackHandlerContext = {
    ...shared,
    inbox,
    profiles,
    invocationOf,
    record: (deliveryKey, delivery, arrival) =>
      recordDelivery({ inbox, invocationOf }, deliveryKey, delivery, arrival),
    acknowledge: createAcknowledger(options),
    runCounted: <T>(task: () => Promise<T>): Promise<T> => inHand.hold(() => limiter.run(task)),
    enqueue(task) {
      inFlight.add(task().catch((error: unknown) => log.error({ err: error }, 'Slack handler failed')));
    },
  };
  return { ...ctx, inHand, answerWithinMs: options.answerWithinMs ?? 1000 };
}

/** The Bolt app's settings and listeners: each delivery goes to its handler, with the shared context. */
function appDepsOf(options: SlackAdapterOptions, ctx: AdapterContext, sdkLogger: SlackLogger): SlackAppDeps {
  return {
    config: options.config,
    port: options.port,
    customRoutes: options.customRoutes,
    sdkLogger,
    log: ctx.log,
    now: ctx.now,
    inHand: ctx.inHand,
    handlers: {
      onCommand: (args) => onCommand(ctx, args),
      onAction: (args) => onAction(ctx, args),
      onFormSubmit: (args) => onFormSubmit(ctx, args),
      onMessage: (args) => onMessage(ctx, args),
    },
  };
}
