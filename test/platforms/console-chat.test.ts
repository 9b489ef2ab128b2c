/**
 * MoodScale as a process, the way `npm start` runs it (tsx on src/main.ts): only what needs a real
 * process is here. `npm start` end to end on a pipe, the lock a second process runs into on the same
 * DATA_DIR (it takes over a lock of its own pid, so it cannot be shown in one process), and the flags
 * and configuration errors that exit before anything starts. The rest of the console chat on a pipe
 * (DATA_DIR kept between runs, CONSOLE_USER, the hint, /quit, /export, the log file) is tested on the
 * same start-up code in process: console/console-chat-in-process.test.ts.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { useMigratedDataDirs } from '../support/migrated-data-dir.js';
import { tempDir } from '../support/temp-dir.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const EXIT_WITHIN_MS = 30_000;
/** Every process a test started; any still running after the test is stopped, before its DATA_DIR goes. */
const started: ChildProcessWithoutNullStreams[] = [];

interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

interface Running {
  child: ChildProcessWithoutNullStreams;
  output(): string;
  finished: Promise<Finished>;
}

/** Starts MoodScale the way `npm start` does (tsx on src/main.ts), on its own DATA_DIR. */
function startMoodScale(
  dataDir: string,
  options: { args?: string[]; env?: NodeJS.ProcessEnv } = {},
): Running {
  const { CONSOLE_USER: _ignored, ...inherited } = process.env;
  const env = {
    ...inherited,
    DATA_DIR: dataDir,
    DATABASE_URL: '',
    LOG_FORMAT: 'json',
    LOG_LEVEL: 'warn',
    ...options.env,
  };
  const args = options.args ?? ['--user', 'tester'];
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], { cwd: repoRoot, env });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const finished = new Promise<Finished>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `MoodScale did not exit within ${EXIT_WITHIN_MS} ms.\nstdout: ${stdout}\nstderr: ${stderr}`,
        ),
      );
    }, EXIT_WITHIN_MS);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
  // A test that fails before awaiting it must not also leave an unhandled rejection behind.
  finished.catch(() => undefined);
  started.push(child);
  return { child, output: () => stdout, finished };
}

/** Pipes `lines` into a new MoodScale process and waits for it to exit at the end of its input. */
function runMoodScale(dataDir: string, lines: string[], options?: Parameters<typeof startMoodScale>[1]) {
  const running = startMoodScale(dataDir, options);
  running.child.stdin.end(lines.map((line) => `${line}\n`).join(''));
  return running.finished;
}

async function waitForOutput(running: Running, text: string): Promise<void> {
  const deadline = Date.now() + EXIT_WITHIN_MS;
  while (!running.output().includes(text)) {
    if (Date.now() > deadline) throw new Error(`no "${text}" in the output: ${running.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A DATA_DIR with nothing in it yet. */
function emptyDataDir(): string {
  return tempDir('moodscale-console-');
}

/**
 * A DATA_DIR whose embedded database is created and migrated, with its encryption key and nothing else
 * (no log): a fresh PGlite directory costs a run about 8 s instead of 3.4 s here.
 */
const newDataDir = useMigratedDataDirs('moodscale-console-');

afterEach(async () => {
  // Stopped (SIGTERM, then SIGKILL after 10 s) before the test's DATA_DIR is removed (temp-dir.ts).
  const running = started.filter((child) => child.exitCode === null && child.signalCode === null);
  started.length = 0;
  await Promise.all(
    running.map(
      (child) =>
        new Promise<void>((resolve) => {
          const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
          child.once('exit', () => {
            clearTimeout(force);
            resolve();
          });
          child.kill();
        }),
    ),
  );
});

describe('the console chat, end to end', { timeout: 90_000 }, () => {
  it('GIVEN "/mood 6 tired" and "/history" piped in THEN both answers come out in order and it exits 0', async () => {
    const { code, stdout, stderr } = await runMoodScale(await newDataDir(), ['/mood 6 tired', '/history']);

    expect(code, stderr).toBe(0);
    const logged = stdout.indexOf('Mood logged: 6/10');
    expect(logged).toBeGreaterThanOrEqual(0);
    expect(stdout.indexOf('Your last 7 days')).toBeGreaterThan(logged);
    expect(stdout).toContain('Average: 6.0 over 1 entry');
  });

  it('GIVEN a running MoodScale WHEN a second starts on the same DATA_DIR THEN the second exits 1 saying it is in use', async () => {
    const dataDir = await newDataDir();
    const first = startMoodScale(dataDir);
    first.child.stdin.write('/help\n');
    await waitForOutput(first, 'Your moods and notes are private');

    const second = await runMoodScale(dataDir, ['/help'], { args: ['--user', 'intruder'] });

    first.child.stdin.end();
    expect(second.code).toBe(1);
    expect(second.stderr).toContain('in use by another MoodScale process');
    expect((await first.finished).code).toBe(0);
  });

  it('GIVEN --usr alice THEN it exits 1 naming --usr as unknown and listing the known flags', async () => {
    const { code, stderr, stdout } = await runMoodScale(emptyDataDir(), [], {
      args: ['--usr', 'alice'],
    });

    expect(code).toBe(1);
    expect(stderr).toContain(
      'Unknown option --usr (did you mean --user?). The options are --user NAME, --help',
    );
    expect(stdout).toBe('');
  });

  it('GIVEN --help THEN it prints the flags and exits 0 without starting', async () => {
    const dataDir = emptyDataDir();

    const { code, stdout } = await runMoodScale(dataDir, [], { args: ['--help'] });

    expect(code).toBe(0);
    expect(stdout).toContain('--user NAME');
    expect(existsSync(join(dataDir, 'pglite'))).toBe(false);
  });

  it('GIVEN DB_MAX_CONNECTIONS=abc THEN it exits 1 with a message naming DB_MAX_CONNECTIONS', async () => {
    const { code, stderr, stdout } = await runMoodScale(emptyDataDir(), ['/help'], {
      env: { DB_MAX_CONNECTIONS: 'abc' },
    });

    expect(code).toBe(1);
    expect(stderr).toContain('DB_MAX_CONNECTIONS: expected a whole number from 1 to 1000 (got "abc")');
    expect(stdout).toBe('');
  });
});
