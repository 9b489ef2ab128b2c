import type { App, Logger as SlackLogger } from '@slack/bolt';
import type { Logger } from '../../core/logger.js';
import { withTimeout } from '../../core/within.js';
import { type AcceptHandles, addAcceptHandles } from './accept-handles.js';
import { boltLogger } from './bolt-logger.js';
import type { WebClient } from './slack-api.js';
import type { SlackSettings } from './slack-settings.js';
import { type BotIdentity, explainStartFailure, verifyBotToken } from './startup.js';

/** What starting and stopping the Slack surface needs. */
export interface LifecycleDeps {
  api: WebClient;
  log: Logger;
  config: Pick<SlackSettings, 'mode' | 'apiUrl'>;
  /** Read at start() and stop(): the HTTP port (0 picks a free one), and how long each may wait. */
  options: {
    port: number;
    startTimeoutMs?: number | undefined;
    stopTimeoutMs?: number | undefined;
    /** HTTP mode: more handles accepting on the port (accept-handles.ts); 0 keeps Node's one. */
    extraAcceptHandles?: number | undefined;
  };
  /** Work of acknowledged deliveries, which stop() lets finish (work-queue.ts). */
  inFlight: { drain(timeoutMs: number): Promise<boolean>; readonly size: number };
  /** The Bolt app for one start (receiver.ts); the SDK logs through `sdkLogger`. */
  build: (bot: BotIdentity, sdkLogger: SlackLogger) => App;
}

/** The running state of one adapter. */
interface LifecycleState {
  app: App | undefined;
  port: number | undefined;
  /** HTTP mode: the port's extra accepting handles, closed beside the server (see stop). */
  acceptHandles: AcceptHandles | undefined;
  stopping: boolean;
  ready: boolean;
  stopped: Promise<void> | undefined;
  /** The SDK's last error line: start-up failures name it (explainStartFailure). */
  lastSdkError: string | undefined;
}

export interface SlackLifecycle {
  start(): Promise<void>;
  /** Idempotent: every call returns the same promise. */
  stop(): Promise<void>;
  isReady(): boolean;
  /** True once stop() has begun: handlers turn new deliveries away. */
  isStopping(): boolean;
  /** HTTP mode: the port listened on once started; undefined in Socket Mode. */
  readonly port: number | undefined;
}

/** start() and stop() of the Slack adapter, and whether it is ready (for readiness checks). */
export function createLifecycle(deps: LifecycleDeps): SlackLifecycle {
  const state: LifecycleState = {
    app: undefined,
    port: undefined,
    acceptHandles: undefined,
    stopping: false,
    ready: false,
    stopped: undefined,
    lastSdkError: undefined,
  };
  const sdkLogger = boltLogger(deps.log, {
    onError: (line) => {
      state.lastSdkError = line;
    },
  });
  return {
    start: () => start(deps, state, sdkLogger),
    stop() {
      state.stopped ??= stop(deps, state);
      return state.stopped;
    },
    isReady: () => state.ready && !state.stopping,
    isStopping: () => state.stopping,
    get port() {
      return state.port;
    },
  };
}

async function start(deps: LifecycleDeps, state: LifecycleState, sdkLogger: SlackLogger): Promise<void> {
  const { config, options, log } = deps;
  const bot = await verifyBotToken(deps.api, log, config.apiUrl);
  state.app = deps.build(bot, sdkLogger);
  try {
    const starting = state.app.start(options.port);
    if (config.mode === 'http') {
      const server = await starting;
      const address = server.address();
      state.port = typeof address === 'object' && address !== null ? address.port : options.port;
      state.acceptHandles = addAcceptHandles(server, options.extraAcceptHandles ?? EXTRA_ACCEPT_HANDLES, log);
    } else {
      // A refusal after the deadline has already been reported: keep it from going unhandled.
      starting.catch(() => undefined);
      const startTimeoutMs = options.startTimeoutMs ?? 30_000;
      await withTimeout(starting, startTimeoutMs, () => {
        throw new StartTimeout(`no connection within ${startTimeoutMs} ms`);
      });
    }
  } catch (error) {
    await closeAcceptHandles(state);
    await state.app.stop().catch(() => undefined);
    state.app = undefined;
    throw explainStartFailure(error, config.mode, options.port, state.lastSdkError);
  }
  const port = state.port;
  log.info(
    { mode: config.mode, team: bot.team, teamId: bot.teamId, ...(port !== undefined ? { port } : {}) },
    config.mode === 'http'
      ? `Slack is listening on :${port}/slack/events`
      : 'Slack is connected (Socket Mode)',
  );
  state.ready = true;
}

async function stop(deps: LifecycleDeps, state: LifecycleState): Promise<void> {
  const { log, inFlight } = deps;
  state.stopping = true;
  state.ready = false;
  const running = state.app;
  state.app = undefined;
  // Stop taking deliveries first (Slack redelivers what was not acknowledged), then finish the rest.
  // The extra handles and the server close side by side: each waits for its own open connections.
  const handlesClosed = closeAcceptHandles(state);
  if (running) await running.stop().catch((error: unknown) => log.warn({ err: error }, 'Slack stop failed'));
  await handlesClosed;
  if (!(await inFlight.drain(deps.options.stopTimeoutMs ?? 10_000))) {
    log.warn({ inFlight: inFlight.size }, 'Slack stopped with commands still in flight');
  }
}

/** Seven more than Node's one: a burst of fifty new connections is accepted in a few turns. */
const EXTRA_ACCEPT_HANDLES = 7;

async function closeAcceptHandles(state: LifecycleState): Promise<void> {
  const handles = state.acceptHandles;
  state.acceptHandles = undefined;
  await handles?.close();
}

class StartTimeout extends Error {
  override readonly name = 'StartTimeout';
}
