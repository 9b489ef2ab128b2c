import { clearLine, cursorTo, type Interface } from 'node:readline';
import type { Writable } from 'node:stream';

/**
 * The terminal the console chat shares with the log. Log lines go to a file while the chat runs; the
 * few shown here (warnings and errors, one line each) are printed above the prompt, which is drawn
 * again after them, so the prompt is always the last thing on the screen.
 */
export interface ConsoleScreen {
  /** Where the full log goes while the chat runs; the banner names it. */
  readonly logFile: string | undefined;
  /** A line beside the chat (a warning from the log): to stderr, above the prompt when one is shown. */
  notice(line: string): void;
  /** The console chat: its prompt is on the screen (`rl`) or not (a command is running, or it ended). */
  promptShown(rl: Interface | undefined): void;
}

export function createConsoleScreen(options: {
  /** The chat's stream, where the prompt is drawn. */
  output: Writable;
  /** Where notices go (stderr), so that piped answers on stdout stay clean. */
  errors: Writable;
  interactive: boolean;
  logFile?: string;
}): ConsoleScreen {
  const { output, errors, interactive } = options;
  let prompt: Interface | undefined;
  return {
    logFile: options.logFile,
    notice(line) {
      const shown = interactive ? prompt : undefined;
      if (shown) {
        // Wipe the prompt (and what is typed after it), print the line, then draw both again.
        clearLine(output, 0);
        cursorTo(output, 0);
      }
      errors.write(`${line}\n`);
      shown?.prompt(true);
    },
    promptShown(rl) {
      prompt = rl;
    },
  };
}
