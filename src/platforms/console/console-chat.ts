import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { type Reply, renderPlainText, splitCommandLine } from '../../core/commands/index.js';
import type { Dispatcher } from '../dispatcher.js';
import type { PlatformAdapter } from '../platform.js';

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
  /** Called when the input ends (end of a pipe, Ctrl+D) or the user types /quit. */
  onEnd: () => void;
}

const QUIT = new Set(['/quit', '/exit', 'quit', 'exit']);

/**
 * The console chat: the one platform that writes to stdout. Lines are handled strictly in order, so a
 * piped script's answers come out in the order of its commands.
 */
export function createConsoleChat(options: ConsoleChatOptions): PlatformAdapter {
  const { output, interactive } = options;
  let rl: Interface | undefined;
  let queue: Promise<void> = Promise.resolve();
  let closed = false;
  // Set when /quit is read, not when it runs: lines piped after it were already read and must not run.
  let quitting = false;
  const bold = (s: string) => (interactive ? `\u001b[1m${s}\u001b[22m` : s);
  const write = (text: string) => output.write(`${text}\n`);

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
    });
    write(render(reply));
  };

  const render = (reply: Reply): string => {
    const saved = (reply.files ?? []).map((file) => {
      mkdirSync(options.filesDir, { recursive: true });
      const path = join(options.filesDir, file.name);
      writeFileSync(path, file.data, { mode: 0o600 });
      return `Saved ${file.name} to ${resolve(path)}`;
    });
    const withoutFiles: Reply = { ...reply, files: [] };
    // Inline code marks read as noise in a terminal.
    const body = renderPlainText({ ...withoutFiles, title: undefined }).replace(/`([^`\n]+)`/g, '$1');
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
        rl.setPrompt('moodscale> ');
        rl.prompt();
      }
      rl.on('line', (line) => {
        if (quitting) return;
        if (QUIT.has(line.trim().toLowerCase())) quitting = true;
        queue = queue
          .then(() => handle(line))
          .catch((error: unknown) =>
            write(`Something went wrong: ${error instanceof Error ? error.message : String(error)}`),
          )
          .then(() => {
            if (interactive && !closed) rl?.prompt();
          });
      });
      rl.on('close', () => {
        closed = true;
        void queue.then(() => options.onEnd());
      });
    },
    async stop() {
      closed = true;
      rl?.close();
      await queue;
    },
  };
}
