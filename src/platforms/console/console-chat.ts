import { basename } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { type Reply, renderPlainText, splitCommandLine } from '../../core/commands/index.js';
import type { Dispatcher } from '../dispatcher.js';
import type { PlatformAdapter } from '../platform.js';
import { saveNewFile } from '../save-file.js';
import type { ConsoleScreen } from './console-screen.js';
import { type LocalFileOptions, localFiles } from './local-files.js';
import { renderTerminalMarkdown } from './terminal-markdown.js';

export interface ConsoleChatOptions {
  dispatcher: Dispatcher;
  /** The console user's name; one MoodScale user per name. */
  user: string;
  input: Readable;
  output: Writable;
  /** Where files (exports) are written. */
  filesDir: string;
  /** Interactive terminal: show a prompt and colours. */
  interactive: boolean;
  /** Called when the input ends (end of a pipe, Ctrl+D) or the user types /quit, saying which. */
  onEnd: (reason: 'quit' | 'end of input') => void;
  /** The terminal shared with the log: told when the prompt is shown, so a warning can draw it again. */
  screen?: ConsoleScreen;
  /**
   * Where a file option's path is read from: relative paths start from `cwd` (process.cwd() by
   * default), `~` is `home` (the user's home directory by default).
   */
  files?: LocalFileOptions;
}

/** The console's own command, answered here before the dispatcher (commands/help.ts explains it). */
const QUIT = new Set(['/quit', '/exit', 'quit', 'exit']);

/**
 * The console chat: the one platform that writes to stdout. Lines are handled strictly in order, so a
 * piped script's answers come out in the order of its commands.
 */
export function createConsoleChat(options: ConsoleChatOptions): PlatformAdapter {
  const { output, interactive } = options;
  // A file option's value is a path typed after the command (/import ~/Downloads/export.csv).
  const files = localFiles(options.files);
  let rl: Interface | undefined;
  let queue: Promise<void> = Promise.resolve();
  let closed = false;
  // Set when /quit is read, not when it runs: lines piped after it were already read and must not run.
  let quitting = false;
  const bold = (s: string) => (interactive ? `\u001b[1m${s}\u001b[22m` : s);
  const write = (text: string) => output.write(`${text}\n`);
  const showPrompt = () => {
    rl?.prompt();
    options.screen?.promptShown(rl);
  };

  const handle = async (line: string) => {
    const text = line.trim();
    if (text === '') return;
    if (QUIT.has(text.toLowerCase())) {
      rl?.close();
      return;
    }
    const parsed = splitCommandLine(text);
    if (!parsed) {
      write(
        `Commands start with a slash, for example: /mood 6 tired. Type /help for the list, /quit to leave.`,
      );
      return;
    }
    const { reply } = await options.dispatcher.dispatch({
      identity: { platform: 'console', workspaceId: '', externalUserId: options.user },
      displayName: options.user,
      command: parsed.name,
      input: { text: parsed.args },
      files: () => Promise.resolve(files),
    });
    write(render(reply));
  };

  const render = (reply: Reply): string => {
    const saved = (reply.files ?? []).map((file) => {
      // Never over another file (another console user's export of the same second, say).
      const path = saveNewFile(options.filesDir, file.name, file.data);
      return `Saved ${basename(path)} to ${path}`;
    });
    const withoutFiles: Reply = { ...reply, files: [] };
    const body = renderTerminalMarkdown(renderPlainText({ ...withoutFiles, title: undefined }), {
      ansi: interactive,
    });
    return `${[reply.title ? bold(reply.title) : undefined, body, ...saved].filter(Boolean).join('\n')}\n`;
  };

  return {
    name: 'console',
    async start() {
      rl = createInterface({
        input: options.input,
        output: interactive ? output : undefined,
        terminal: interactive,
      });
      if (interactive) {
        write(`MoodScale console — you are "${options.user}". Try /mood 6 tired, /help, or /quit.`);
        if (options.screen?.logFile)
          write(`Logs: ${options.screen.logFile} (warnings and errors also show here).`);
        rl.setPrompt('moodscale> ');
        showPrompt();
      }
      rl.on('line', (line) => {
        // The prompt scrolled up with the line typed: until it is shown again, warnings need no re-draw.
        options.screen?.promptShown(undefined);
        if (quitting) return;
        if (QUIT.has(line.trim().toLowerCase())) quitting = true;
        queue = queue
          .then(() => handle(line))
          .catch((error: unknown) =>
            write(`Something went wrong: ${error instanceof Error ? error.message : String(error)}`),
          )
          .then(() => {
            if (interactive && !closed) showPrompt();
          });
      });
      rl.on('close', () => {
        closed = true;
        options.screen?.promptShown(undefined);
        void queue.then(() => options.onEnd(quitting ? 'quit' : 'end of input'));
      });
    },
    async stop() {
      closed = true;
      rl?.close();
      await queue;
    },
  };
}
