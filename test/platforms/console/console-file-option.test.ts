import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../src/db/database.js';
import { createConsoleChat } from '../../../src/platforms/console/console-chat.js';
import { expandPath, localFiles, looksLikePath } from '../../../src/platforms/console/local-files.js';
import { createDispatcher } from '../../../src/platforms/dispatcher.js';
import { createAppHarness } from '../../support/app-harness.js';
import { tempDir } from '../../support/temp-dir.js';
import { createTestDatabase } from '../../support/test-database.js';
import { fileTestRegistry, READ_LIMIT, useRegistryForHelp } from '../file-command.js';

const CSV = 'date,score,tags,note\n2026-01-02,6,tired,long day\n';

let database: Database;
let work: string;
let home: string;
beforeAll(async () => {
  database = await createTestDatabase('pglite');
  work = tempDir('console-files-work-');
  home = tempDir('console-files-home-');
  writeFileSync(join(work, 'daylio_export.csv'), CSV);
  writeFileSync(join(work, 'big.csv'), 'x'.repeat(READ_LIMIT + 1));
  mkdirSync(join(work, 'My Exports'));
  writeFileSync(join(work, 'My Exports', 'moods 2026.csv'), 'spaced\n');
  mkdirSync(join(home, 'Downloads'));
  writeFileSync(join(home, 'Downloads', 'export.csv'), 'from home\n');
});
afterAll(async () => {
  await database.close();
});

let users = 0;

/** A console chat on the test registry, working in `work` with `home` as ~, fed one line at a time. */
async function startChat() {
  const registry = fileTestRegistry();
  const app = createAppHarness(database.db);
  useRegistryForHelp(app.services, registry);
  const input = new PassThrough();
  const output = new PassThrough();
  let shown = '';
  output.setEncoding('utf8').on('data', (chunk: string) => {
    shown += chunk;
  });
  const chat = createConsoleChat({
    dispatcher: createDispatcher(registry, app.services),
    user: `filer-${++users}`,
    input,
    output,
    filesDir: '/nonexistent',
    interactive: false,
    onEnd: () => undefined,
    files: { cwd: work, home },
  });
  await chat.start();
  return {
    /** Types a line and resolves with what the chat printed for it. */
    async type(line: string): Promise<string> {
      const before = shown.length;
      input.write(`${line}\n`);
      const deadline = Date.now() + 10_000;
      // An answer ends with a blank line (see console-chat's render).
      while (!shown.slice(before).endsWith('\n\n')) {
        if (Date.now() > deadline) throw new Error(`no answer to ${line}: ${shown.slice(before)}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return shown.slice(before);
    },
    stop: () => chat.stop(),
  };
}

describe('a file option in the console: a local path', () => {
  let chat: Awaited<ReturnType<typeof startChat>>;
  beforeAll(async () => {
    chat = await startChat();
  });
  afterAll(async () => {
    await chat.stop();
  });

  it('GIVEN /readfile with a relative path THEN the file is read from the working directory', async () => {
    expect(await chat.type('/readfile daylio_export.csv')).toContain(
      `daylio_export.csv: ${CSV.length} bytes (size ${CSV.length}); first line: date,score,tags,note`,
    );
  });

  it('GIVEN a path starting with ~ THEN it is read from the home directory', async () => {
    expect(await chat.type('/readfile ~/Downloads/export.csv')).toContain(
      'export.csv: 10 bytes (size 10); first line: from home',
    );
  });

  it('GIVEN a path with spaces, unquoted THEN the whole line is the path (the command’s only option)', async () => {
    expect(await chat.type('/readfile My Exports/moods 2026.csv')).toContain(
      'moods 2026.csv: 7 bytes (size 7); first line: spaced',
    );
  });

  it('GIVEN a path that names no file THEN the answer is "No file at" the path looked at', async () => {
    expect(await chat.type('/readfile missing.csv')).toContain(`No file at ${join(work, 'missing.csv')}`);
  });

  it('GIVEN a folder THEN the answer says it is a folder, not a file', async () => {
    expect(await chat.type('/readfile My Exports')).toContain(
      `${join(work, 'My Exports')} is a folder, not a file.`,
    );
  });

  it('GIVEN a file larger than the command reads THEN the answer says its size and the limit', async () => {
    expect(await chat.type('/readfile big.csv')).toContain(
      'big.csv is 65 bytes, more than the 64 bytes I can read.',
    );
  });

  it('GIVEN /readfile without a path THEN the answer says to give one, with an example', async () => {
    expect(await chat.type('/readfile')).toContain(
      `Give the path of the file, for example /readfile ~/Downloads/export.csv (a relative path starts from ${work}).`,
    );
  });

  it('GIVEN /help readfile in the console THEN the file option says to type its path', async () => {
    const help = await chat.type('/help readfile');
    expect(help).toContain(
      'file  The file to read (required; a path to a file on this computer, such as ~/Downloads/export.csv)',
    );
  });
});

describe('local paths (the console’s FileResolver)', () => {
  it('GIVEN ~, ~/x, a relative and an absolute path THEN each is expanded from home, the working directory or itself', () => {
    expect(expandPath('~', '/work', '/home/ann')).toBe('/home/ann');
    expect(expandPath('~/Downloads/a.csv', '/work', '/home/ann')).toBe('/home/ann/Downloads/a.csv');
    expect(expandPath('exports/a.csv', '/work', '/home/ann')).toBe('/work/exports/a.csv');
    expect(expandPath('/tmp/../var/a.csv', '/work', '/home/ann')).toBe('/var/a.csv');
  });

  it('GIVEN words THEN those that look like paths are claimed and plain words are not', () => {
    for (const word of ['~/a.csv', './a', '../a', '/a', 'daylio_export.csv', 'exports/a', 'C:\\x.csv']) {
      expect(looksLikePath(word), word).toBe(true);
    }
    for (const word of ['confirm', 'cancel', '12', 'map']) expect(looksLikePath(word), word).toBe(false);
  });

  it('GIVEN nothing typed THEN there is no file (the option decides what that means)', () => {
    expect(localFiles({ cwd: work, home }).open(undefined)).toBeUndefined();
  });

  it('GIVEN a file that grew past the limit after it was named THEN reading stops at the limit', async () => {
    const path = join(work, 'growing.csv');
    writeFileSync(path, 'small\n');
    const file = localFiles({ cwd: work, home }).open('growing.csv');
    writeFileSync(path, 'y'.repeat(200));
    await expect(file?.read(100)).rejects.toThrow(
      'growing.csv is 200 bytes, more than the 100 bytes I can read.',
    );
  });
});
