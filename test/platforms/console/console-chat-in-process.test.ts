/**
 * The console chat as `npm start` runs it, in this process. src/main.ts reads the flags
 * (parseStartFlags) and the configuration (loadConfig), then hands the terminal to terminalLogging and
 * startOnTerminal (src/start/terminal-start.ts): the same calls are made here, with in-memory streams
 * for stdin, stdout and stderr and an `exit` that reports the exit code instead of ending the process.
 * So these tests prove the app, the console chat on a pipe, the CONSOLE_USER fallback, the log file and
 * the end of input ending the app with 0, without paying for tsx and a process each.
 * What only a process shows (npm start itself, the lock against a second process, the flags that exit
 * before anything starts) is in ../console-chat.test.ts.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { App } from '../../../src/app.js';
import { loadConfig } from '../../../src/config.js';
import type { Logger } from '../../../src/core/logger.js';
import { withTimeout } from '../../../src/core/within.js';
import { parseStartFlags } from '../../../src/start/command-line.js';
import { startOnTerminal, terminalLogging } from '../../../src/start/terminal-start.js';
import { useMigratedDataDirs } from '../../support/migrated-data-dir.js';

const EXIT_WITHIN_MS = 30_000;
const newDataDir = useMigratedDataDirs('moodscale-console-');

interface Finished {
  code: number;
  stdout: string;
  stderr: string;
}

/** Apps a test started and that did not exit: stopped after the test, before its DATA_DIR is removed. */
const left = new Set<{ app: App; logger: Logger }>();
afterEach(async () => {
  for (const { app, logger } of left) {
    await app.stop().catch(() => undefined);
    closeLogFile(logger);
  }
  left.clear();
});

/**
 * Pipes `lines` into MoodScale started as src/main.ts starts it, on `dataDir`, and waits for it to exit
 * at the end of its input. The environment is the one `npm start` would get in this test run (without
 * CONSOLE_USER), on the embedded database, with the HTTP ports on free ones.
 */
async function runMoodScale(
  dataDir: string,
  lines: string[],
  options: { args?: string[]; env?: NodeJS.ProcessEnv } = {},
): Promise<Finished> {
  const flags = parseStartFlags(options.args ?? ['--user', 'tester']);
  if (flags.help) throw new Error('--help exits before starting: see ../console-chat.test.ts');
  const { CONSOLE_USER: _ignored, ...inherited } = process.env;
  const config = loadConfig({
    ...inherited,
    DATA_DIR: dataDir,
    DATABASE_URL: '',
    LOG_FORMAT: 'json',
    LOG_LEVEL: 'warn',
    PORT: '0',
    OPS_PORT: '0',
    ...options.env,
  });
  const input = new PassThrough();
  const output = new PassThrough();
  const errors = new PassThrough();
  let stdout = '';
  let stderr = '';
  output.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  errors.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  // Piped input, not a terminal: main.ts's `interactive` is false.
  const terminal = {
    input,
    output: output as unknown as NodeJS.WriteStream,
    errors: errors as unknown as NodeJS.WriteStream,
    interactive: false,
  };
  const { logger, screen } = terminalLogging(config, terminal);
  let exit: (code: number) => void = () => {};
  const exited = new Promise<number>((resolve) => {
    exit = resolve;
  });
  // As through a pipe: the whole input is waiting before MoodScale reads it.
  input.end(lines.map((line) => `${line}\n`).join(''));
  const started = await startOnTerminal({ config, logger, screen, user: flags.user, terminal, exit }).catch(
    (error: unknown) => {
      // main.ts would print it and exit 1; the test fails with it.
      closeLogFile(logger);
      throw error;
    },
  );
  const running = { app: started.app, logger };
  left.add(running);
  const code = await withTimeout(exited, EXIT_WITHIN_MS, () => {
    throw new Error(
      `MoodScale did not exit within ${EXIT_WITHIN_MS} ms.\nstdout: ${stdout}\nstderr: ${stderr}`,
    );
  });
  left.delete(running);
  closeLogFile(logger);
  return { code, stdout, stderr };
}

/** The process would close DATA_DIR/moodscale.log by exiting; here its file descriptor is closed. */
function closeLogFile(logger: Logger): void {
  const streams = (logger as unknown as Record<symbol, { streams?: { stream: { end?: () => void } }[] }>)[
    pino.symbols.streamSym
  ]?.streams;
  for (const { stream } of streams ?? []) stream.end?.();
}

describe('the console chat started as npm start does, in process', { timeout: 60_000 }, () => {
  it('GIVEN two runs on the same DATA_DIR THEN the second run sees the entry of the first', async () => {
    const dataDir = await newDataDir();
    expect((await runMoodScale(dataDir, ['/mood 6 tired'])).code).toBe(0);

    const { code, stdout } = await runMoodScale(dataDir, ['/mood 7', '/history']);

    expect(code).toBe(0);
    expect(stdout).toContain('Average: 6.5 over 2 entries');
  });

  it('GIVEN CONSOLE_USER and no --user THEN it names the user, and two users keep separate histories', async () => {
    const dataDir = await newDataDir();
    const ann = await runMoodScale(dataDir, ['/mood 3'], { args: [], env: { CONSOLE_USER: 'ann' } });
    expect(ann.code).toBe(0);

    const { code, stdout } = await runMoodScale(dataDir, ['/mood 9', '/history', '/export'], {
      args: [],
      env: { CONSOLE_USER: 'ben' },
    });

    expect(code).toBe(0);
    expect(stdout).toContain('Average: 9.0 over 1 entry');
    const jsonPath = /Saved moodscale-export-\S+\.json to (.+\.json)$/m.exec(stdout)?.[1] ?? '';
    const exported = JSON.parse(readFileSync(jsonPath, 'utf8'));
    expect(exported.identities).toEqual([
      expect.objectContaining({ platform: 'console', externalUserId: 'ben' }),
    ]);
  });

  it('GIVEN a line without a slash THEN the hint is printed and the next command still runs', async () => {
    const { code, stdout } = await runMoodScale(await newDataDir(), ['hello there', '/mood 5']);

    expect(code).toBe(0);
    expect(stdout).toContain(
      'Commands start with a slash, for example: /mood 6 tired. Type /help for the list',
    );
    expect(stdout.indexOf('Mood logged: 5/10')).toBeGreaterThan(
      stdout.indexOf('Commands start with a slash'),
    );
  });

  it('GIVEN /quit in the middle of piped input THEN the commands after it are not run', async () => {
    const { code, stdout } = await runMoodScale(await newDataDir(), ['/mood 5', '/quit', '/mood 6']);

    expect(code).toBe(0);
    expect(stdout).toContain('Mood logged: 5/10');
    expect(stdout).not.toContain('Mood logged: 6/10');
  });

  it('GIVEN /export THEN the JSON and CSV files are written under DATA_DIR/exports and their paths printed', async () => {
    const dataDir = await newDataDir();

    const { code, stdout } = await runMoodScale(dataDir, ['/mood 6 tired -- a, "quoted" note', '/export']);

    expect(code).toBe(0);
    const saved = [...stdout.matchAll(/^Saved (moodscale-\S+) to (.+)$/gm)];
    expect(saved.map((m) => m[1])).toEqual([
      expect.stringMatching(/^moodscale-export-[\w-]+-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z\.json$/),
      expect.stringMatching(/^moodscale-moods-[\w-]+-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z\.csv$/),
    ]);
    for (const [, name, path] of saved) {
      expect(path).toBe(join(dataDir, 'exports', name ?? ''));
      expect(existsSync(path ?? '')).toBe(true);
    }
    const json = JSON.parse(readFileSync(saved[0]?.[2] ?? '', 'utf8'));
    expect(json.moodEntries[0].notes).toBe('a, "quoted" note');
  });

  it('GIVEN the console chat THEN the log goes to DATA_DIR/moodscale.log and the terminal shows only warnings', async () => {
    const dataDir = await newDataDir();

    const { code, stderr } = await runMoodScale(dataDir, ['/mood 6 tired'], { env: { LOG_LEVEL: 'info' } });

    expect(code).toBe(0);
    const log = readFileSync(join(dataDir, 'moodscale.log'), 'utf8');
    expect(log).toContain('"msg":"MoodScale is ready"');
    expect(stderr).not.toContain('MoodScale is ready');
    for (const line of stderr.trim().split('\n').filter(Boolean)) expect(line).toMatch(/^(warning|error): /);
  });
});
