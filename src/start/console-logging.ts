import { join } from 'node:path';
import type { Config } from '../config.js';
import type { LoggerSettings } from '../core/logger.js';
import { type ConsoleScreen, createConsoleScreen } from '../platforms/console/console-screen.js';

/** The log file under DATA_DIR while the console chat runs. */
export const CONSOLE_LOG_FILE = 'moodscale.log';

/**
 * How the process logs. With Discord or Slack configured the console chat stays off and the log goes
 * to stderr as always. Without them the console chat owns the terminal: the log goes to
 * DATA_DIR/moodscale.log, and only warnings and errors show in the terminal, one line each, above the
 * prompt (see console-screen.ts).
 */
export function consoleLogging(
  config: Config,
  terminal: { output: NodeJS.WriteStream; errors: NodeJS.WriteStream; interactive: boolean },
): { log: LoggerSettings; screen: ConsoleScreen | undefined } {
  if (config.discord !== undefined || config.slack !== undefined)
    return { log: config.log, screen: undefined };
  const path = join(config.database.dataDir, CONSOLE_LOG_FILE);
  const screen = createConsoleScreen({
    output: terminal.output,
    errors: terminal.errors,
    interactive: terminal.interactive,
    logFile: path,
  });
  return { log: { ...config.log, toFile: { path, notice: (line) => screen.notice(line) } }, screen };
}
