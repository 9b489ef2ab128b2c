import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../src/db/database.js';
import { createConsoleChat } from '../../../src/platforms/console/console-chat.js';
import { createConsoleScreen } from '../../../src/platforms/console/console-screen.js';
import { createAppHarness } from '../../support/app-harness.js';
import { createTestDatabase } from '../../support/test-database.js';

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase('pglite');
});
afterAll(async () => {
  await database.close();
});

const ESC = '\u001b';
let users = 0;

/** A console chat on the real commands, as a user of its own, fed and read through in-memory streams. */
function startChat(options: { interactive: boolean }) {
  const input = new PassThrough();
  const output = new PassThrough();
  const errors = new PassThrough();
  let shown = '';
  output.setEncoding('utf8').on('data', (chunk: string) => {
    shown += chunk;
  });
  errors.setEncoding('utf8').on('data', (chunk: string) => {
    shown += chunk;
  });
  const screen = createConsoleScreen({ output, errors, interactive: options.interactive });
  let ended: (reason: string) => void = () => {};
  const end = new Promise<string>((resolve) => {
    ended = resolve;
  });
  const chat = createConsoleChat({
    dispatcher: createAppHarness(database.db).dispatcher,
    user: `ann-${++users}`,
    input,
    output,
    filesDir: '/nonexistent',
    interactive: options.interactive,
    onEnd: (reason) => ended(reason),
    screen,
  });
  return {
    screen,
    shown: () => shown,
    async start() {
      await chat.start();
    },
    /** Types a line and waits until the chat is idle again (its answer printed). */
    async type(line: string) {
      const before = shown.length;
      input.write(`${line}\n`);
      await waitFor(() => shown.length > before && (!options.interactive || promptIsLast(shown)));
    },
    /** Types a line without waiting for an answer (/quit prints none). */
    send(line: string) {
      input.write(`${line}\n`);
    },
    /** Ends the input (a pipe closed, Ctrl+D) and gives the reason the chat ended with. */
    async finish(): Promise<string> {
      input.end();
      return end;
    },
    /** The reason the chat ended with, once it has ended on its own. */
    ended: end,
  };
}

/** The prompt as readline draws it last: the text, then maybe the cursor moved to its end. */
function promptIsLast(shown: string): boolean {
  return /moodscale> (\[\d+G)?$/.test(shown.replaceAll(ESC, ''));
}

async function waitFor(done: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!done()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('the console chat in the terminal', () => {
  it('GIVEN /quit typed THEN the chat ends saying quit, so the log does not call it the end of input', async () => {
    const chat = startChat({ interactive: false });
    await chat.start();
    chat.send('/quit');
    expect(await chat.ended).toBe('quit');
  });

  it('GIVEN the input closed THEN the chat ends saying end of input', async () => {
    const chat = startChat({ interactive: false });
    await chat.start();
    expect(await chat.finish()).toBe('end of input');
  });

  it('GIVEN /help THEN /quit is listed after the last command', async () => {
    const chat = startChat({ interactive: false });
    await chat.start();
    await chat.type('/help');
    await chat.finish();

    expect(chat.shown()).toMatch(/\/help \[command\]\n {2}.+\n\/quit\n {2}Leave the console chat/);
  });

  it('GIVEN /help quit THEN /quit is explained, not called unknown', async () => {
    const chat = startChat({ interactive: false });
    await chat.start();
    await chat.type('/help quit');
    await chat.finish();

    expect(chat.shown()).toContain('Leave the console chat (/exit and Ctrl+D do the same)');
    expect(chat.shown()).not.toContain('There is no');
  });

  it('GIVEN /help quit THEN "/quit" is printed once, as the title', async () => {
    const chat = startChat({ interactive: false });
    await chat.start();
    await chat.type('/help quit');
    await chat.finish();

    expect(chat.shown()).toBe('/quit\nLeave the console chat (/exit and Ctrl+D do the same)\n\n');
  });

  it('GIVEN /help of a command there is not THEN the commands listed include /quit', async () => {
    const chat = startChat({ interactive: false });
    await chat.start();
    await chat.type('/help nosuch');
    await chat.finish();

    expect(chat.shown()).toMatch(/^There is no \/nosuch command\. Commands: \/mood, .*, \/help, \/quit\.$/m);
  });

  it('GIVEN a piped chat THEN answers carry no markup (no backticks, underscores or ANSI codes)', async () => {
    const chat = startChat({ interactive: false });
    await chat.start();
    await chat.type('/insights');
    await chat.finish();

    expect(chat.shown()).toContain('\nJust computed from the last 7 days.\n');
    expect(chat.shown()).not.toMatch(/`|_Just/);
    expect(chat.shown()).not.toContain(ESC);
  });

  it('GIVEN a terminal THEN italic markup is shown in ANSI italic', async () => {
    const chat = startChat({ interactive: true });
    await chat.start();
    await chat.type('/insights');
    await chat.finish();

    expect(chat.shown()).toContain('\u001b[3mJust computed from the last 7 days.\u001b[23m');
  });

  it('GIVEN a terminal with the prompt shown WHEN a warning arrives THEN it prints above and the prompt is drawn again, last', async () => {
    const chat = startChat({ interactive: true });
    await chat.start();
    await chat.type('/help');

    chat.screen.notice('warning: something happened');

    const shown = chat.shown();
    expect(shown.indexOf('warning: something happened')).toBeGreaterThan(
      shown.lastIndexOf('/help [command]'),
    );
    expect(promptIsLast(shown)).toBe(true);
    await chat.finish();
  });

  it('GIVEN a piped chat WHEN a warning arrives THEN it is one line and no prompt is drawn', async () => {
    const chat = startChat({ interactive: false });
    await chat.start();

    chat.screen.notice('warning: something happened');

    expect(chat.shown()).toBe('warning: something happened\n');
    await chat.finish();
  });
});
