import { userInfo } from 'node:os';
import { type App, startApp } from '../app.js';
import type { Config } from '../config.js';
import { createLogger, type Logger } from '../core/logger.js';
import type { ConsoleScreen } from '../platforms/console/console-screen.js';
import { consoleLogging } from './console-logging.js';

/** SIGTERM/SIGINT to exit: the app drains within this, or the process leaves anyway (exit code 1). */
export const SHUTDOWN_DEADLINE_MS = 7500;

/** The terminal `npm start` runs on: stdin, stdout and stderr, and whether a person types there. */
export interface StartTerminal {
  input: NodeJS.ReadableStream;
  output: NodeJS.WriteStream;
  errors: NodeJS.WriteStream;
  interactive: boolean;
}

/**
 * The process's logger on the terminal: to DATA_DIR/moodscale.log with only warnings on `errors`
 * while the console chat runs, to stderr with Discord or Slack (see console-logging.ts).
 */
export function terminalLogging(
  config: Config,
  terminal: StartTerminal,
): { logger: Logger; screen: ConsoleScreen | undefined } {
  const { log, screen } = consoleLogging(config, terminal);
  return { logger: createLogger(log), screen };
}

/** A MoodScale started on a terminal, and how it is stopped (a signal, or the end of its input). */
export interface TerminalApp {
  app: App;
  /** Stops the app once, then calls `exit` with 0, or 1 when stopping failed or overran the deadline. */
  shutdown(reason: string): void;
}

/**
 * What `npm start` runs once its flags and configuration are read: the app, with the console chat on
 * the terminal as the --user, CONSOLE_USER or login name, and the shutdown that ends the process when
 * the chat's input ends (end of a pipe, Ctrl+D, /quit). main.ts passes process.exit as `exit`.
 */
export async function startOnTerminal(deps: {
  config: Config;
  logger: Logger;
  screen: ConsoleScreen | undefined;
  /** The --user flag, when given. */
  user: string | undefined;
  terminal: StartTerminal;
  exit: (code: number) => void;
  loginName?: () => string;
  deadlineMs?: number;
}): Promise<TerminalApp> {
  const { config, logger, terminal, exit } = deps;
  const deadlineMs = deps.deadlineMs ?? SHUTDOWN_DEADLINE_MS;
  let app: App | undefined;
  // The input can end before startApp returns (a short pipe): that shutdown waits for the app.
  let requested: string | undefined;
  let shuttingDown = false;
  const shutdown = (reason: string) => {
    if (!app) {
      requested ??= reason;
      return;
    }
    if (shuttingDown) return;
    shuttingDown = true;
    logger.info({ reason }, 'shutting down');
    // Orchestrators kill after a grace period (Docker and Kubernetes: 10 s); leave on our own before.
    const deadline = setTimeout(() => {
      logger.error({ deadlineMs }, 'shutdown did not finish in time; exiting now');
      logger.flush();
      exit(1);
    }, deadlineMs);
    deadline.unref();
    app.stop().then(
      () => {
        clearTimeout(deadline);
        exit(0);
      },
      (error: unknown) => {
        clearTimeout(deadline);
        logger.error({ err: error }, 'shutdown failed');
        exit(1);
      },
    );
  };
  app = await startApp(config, logger, {
    console: {
      user: deps.user || config.console.user || (deps.loginName ?? loginName)(),
      input: terminal.input,
      output: terminal.output,
      interactive: terminal.interactive,
      ...(deps.screen ? { screen: deps.screen } : {}),
    },
    onPlatformEnd: (reason) => shutdown(reason),
  });
  logger.info(
    { database: app.database.kind, platforms: app.platforms.map((p) => p.name) },
    'MoodScale is ready',
  );
  if (requested !== undefined) shutdown(requested);
  return { app, shutdown };
}

function loginName(): string {
  try {
    return userInfo().username || 'me';
  } catch {
    return process.env.USER ?? 'me';
  }
}
