import {
  App,
  type AppOptions,
  type CustomRoute,
  HTTPReceiver,
  type Logger as SlackLogger,
  type ViewSubmitAction,
  type webApi,
} from '@slack/bolt';
import type { Logger } from '../../core/logger.js';
import { createTurnAdmission } from '../../core/turn-admission.js';
import { RESPOND_TIMEOUT_MS } from './answers.js';
import type { Arrival } from './arrivals.js';
import type { ActionArgs } from './button-actions.js';
import type { FormSubmitArgs } from './form-submissions.js';
import type { MessageEventArgs } from './message-links.js';
import { createRefusals } from './refused-connection.js';
import { FORM_CALLBACK_ID } from './render.js';
import { DEFAULT_MAX_BODY_BYTES, refuseBeforeBody } from './request-gate.js';
import { webClientOptions } from './slack-api.js';
import type { SlackSettings } from './slack-settings.js';
import type { CommandArgs } from './slash-commands.js';
import { SocketModeReceiver } from './socket-mode-receiver.js';
import type { BotIdentity } from './startup.js';
import { isUnrecordedEvent } from './unrecorded-event.js';

/** Where Slack sends commands, actions and events in HTTP mode. */
const SLACK_EVENTS_PATH = '/slack/events';

/** HTTP requests started per turn of the event loop (the rest in the turns after). */
const REQUESTS_PER_TURN = 4;

/** What building the Bolt app needs: its settings, and the adapter's handlers of deliveries. */
export interface SlackAppDeps {
  config: SlackSettings;
  /** HTTP mode: the port serving POST /slack/events (0 picks a free one). */
  port: number;
  /** HTTP mode: more routes on the same port (health, readiness). */
  customRoutes?: CustomRoute[] | undefined;
  /** Bolt's logger over pino (bolt-logger.ts). */
  sdkLogger: SlackLogger;
  log: Logger;
  /** The time a request's timestamp is checked against (request-gate.ts). */
  now: () => Date;
  /** Counts each delivery as in hand while its listener runs (work-queue.ts). */
  inHand: { hold<T>(handle: () => Promise<T>): Promise<T> };
  handlers: {
    onCommand: (args: CommandArgs) => Promise<void>;
    onAction: (args: ActionArgs) => Promise<void>;
    onFormSubmit: (args: FormSubmitArgs) => Promise<void>;
    onMessage: (args: MessageEventArgs) => Promise<void>;
  };
}

/** The Bolt app for one start(): Socket Mode, or HTTP mode on `port`, with the adapter's listeners. */
export function buildSlackApp(deps: SlackAppDeps, bot: Pick<BotIdentity, 'botUserId' | 'botId'>): App {
  const { config, inHand, handlers, log } = deps;
  const common: AppOptions = {
    token: config.botToken,
    ...(bot.botUserId ? { botUserId: bot.botUserId } : {}),
    ...(bot.botId ? { botId: bot.botId } : {}),
    // verifyBotToken already ran auth.test; the App need not repeat it.
    tokenVerificationEnabled: false,
    logger: deps.sdkLogger,
    // Bolt's respond() posts to response_url with this fetch: bounded, like every Web API call.
    clientOptions: { ...webClientOptions(config.apiUrl), fetch: fetchWithTimeout(RESPOND_TIMEOUT_MS) },
    convoStore: false,
  };
  const receiver = config.mode === 'http' ? httpReceiver(deps) : socketModeReceiver(deps);
  const built = new App({ ...common, receiver });
  // One listener for every command: Bolt runs each listener's matching on every request, and the
  // dispatcher knows the commands (one this version lacks still gets its answer there).
  built.command(/^\//, (args) => inHand.hold(() => handlers.onCommand(args)));
  built.action(/^ms:/, (args) => inHand.hold(() => handlers.onAction(args)));
  built.view<ViewSubmitAction>({ callback_id: FORM_CALLBACK_ID, type: 'view_submission' }, (args) =>
    inHand.hold(() => handlers.onFormSubmit(args)),
  );
  built.event('message', (args) => inHand.hold(() => handlers.onMessage(args)));
  built.error(async (error) => {
    // Passed on to the receiver, which leaves the event unacknowledged: Slack delivers it again (the
    // listener has logged why). Any other failure ends here, so its delivery is acknowledged as usual.
    if (isUnrecordedEvent(error)) throw error;
    log.error({ err: error }, 'Slack event failed');
  });
  return built;
}

/**
 * HTTP mode: requests verified with the signing secret, oversized or stale ones refused before their
 * body is read, and each request's arrival (and when its response left) put in Bolt's context.
 */
function httpReceiver(deps: SlackAppDeps): HTTPReceiver {
  const { config, log } = deps;
  if (!config.signingSecret) throw new Error('Slack HTTP mode needs SLACK_SIGNING_SECRET');
  const maxBodyBytes = config.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const arrivals = new WeakMap<object, Arrival>();
  // Node accepts one new connection per turn of its loop once the loop is busy: a turn that starts fifty
  // requests at once would hold every connection still waiting to be accepted behind all of them.
  const admit = createTurnAdmission(REQUESTS_PER_TURN);
  const refuseUnread = createRefusals();
  const receiver = new HTTPReceiver({
    signingSecret: config.signingSecret,
    endpoints: SLACK_EVENTS_PATH,
    port: deps.port,
    logger: deps.sdkLogger,
    // Also enforced while reading, for a body longer than its Content-Length said.
    bodyLimit: maxBodyBytes,
    // Events are acknowledged when their listener returns, after the inbox holds them (Bolt would
    // otherwise acknowledge them before any listener runs).
    processBeforeResponse: true,
    customPropertiesExtractor: (request) => ({
      arrival: arrivals.get(request) ?? { at: performance.now() },
    }),
    ...(deps.customRoutes ? { customRoutes: deps.customRoutes } : {}),
  });
  // The request's arrival, before its body is read: what the acknowledgement time counts from.
  const listener = receiver.requestListener;
  receiver.requestListener = (request, response) => {
    const refusal =
      request.method === 'POST' && request.url?.split('?')[0] === SLACK_EVENTS_PATH
        ? refuseBeforeBody(request.headers, deps.now(), maxBodyBytes)
        : undefined;
    if (refusal) {
      // The body stays unread, so the connection cannot carry another request: it is closed.
      log.debug({ status: refusal.status, reason: refusal.reason }, 'Slack request refused before its body');
      refuseUnread(response, refusal.status);
      return;
    }
    const at = performance.now();
    const sent = new Promise<number | undefined>((resolve) => {
      response.once('finish', () => resolve(performance.now()));
      response.once('close', () => resolve(undefined));
    });
    arrivals.set(request, { at, sent });
    admit(() => listener(request, response));
  };
  return receiver;
}

/**
 * Socket Mode: no public URL. Our receiver (socket-mode-receiver.ts) acknowledges an event once its
 * listener returned, after the inbox write, as HTTP mode does; it puts each envelope's arrival, and when
 * its ack left, in Bolt's context.
 */
function socketModeReceiver(deps: SlackAppDeps): SocketModeReceiver {
  const { config } = deps;
  if (!config.appToken) throw new Error('Slack Socket Mode needs SLACK_APP_TOKEN');
  return new SocketModeReceiver({
    appToken: config.appToken,
    apiUrl: config.apiUrl,
    sdkLogger: deps.sdkLogger,
    log: deps.log,
  });
}

/** fetch with a deadline when the caller gave none (Bolt's respond() gives none). */
function fetchWithTimeout(ms: number): webApi.FetchFunction {
  return (url, init) => globalThis.fetch(url, { ...init, signal: init?.signal ?? AbortSignal.timeout(ms) });
}
