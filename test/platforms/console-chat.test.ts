import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const EXIT_WITHIN_MS = 30_000;
/** Every process a test started; any still running at the end is stopped. */
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

const dataDirs: string[] = [];
async function emptyDataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'moodscale-console-'));
  dataDirs.push(dir);
  return dir;
}

let migrated: Promise<string> | undefined;
/**
 * A DATA_DIR whose embedded database was created and migrated by a first run (made once per file). A
 * fresh PGlite directory costs a run about 8 s instead of 3.4 s here, so the tests that only need a
 * working chat start from a copy of it: its database and its encryption key, nothing else (no log).
 */
async function newDataDir(): Promise<string> {
  migrated ??= (async () => {
    const template = await emptyDataDir();
    const first = await runMoodScale(template, ['/quit']);
    if (first.code !== 0) throw new Error(`the template DATA_DIR did not start: ${first.stderr}`);
    return template;
  })();
  const template = await migrated;
  const dir = await emptyDataDir();
  await cp(join(template, 'pglite'), join(dir, 'pglite'), { recursive: true });
  await cp(join(template, 'encryption.key'), join(dir, 'encryption.key'));
  return dir;
}

afterAll(async () => {
  // Stopped (SIGTERM, then SIGKILL after 10 s) before their DATA_DIR is removed.
  const running = started.filter((child) => child.exitCode === null && child.signalCode === null);
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
  await Promise.all(dataDirs.map((dir) => rm(dir, { recursive: true, force: true })));
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

  it('GIVEN the console chat THEN the log goes to DATA_DIR/moodscale.log and the terminal shows only warnings', async () => {
    const dataDir = await newDataDir();

    const { code, stderr } = await runMoodScale(dataDir, ['/mood 6 tired'], { env: { LOG_LEVEL: 'info' } });

    expect(code).toBe(0);
    const log = readFileSync(join(dataDir, 'moodscale.log'), 'utf8');
    expect(log).toContain('"msg":"MoodScale is ready"');
    expect(stderr).not.toContain('MoodScale is ready');
    for (const line of stderr.trim().split('\n').filter(Boolean)) expect(line).toMatch(/^(warning|error): /);
  });

  it('GIVEN --usr alice THEN it exits 1 naming --usr as unknown and listing the known flags', async () => {
    const { code, stderr, stdout } = await runMoodScale(await emptyDataDir(), [], {
      args: ['--usr', 'alice'],
    });

    expect(code).toBe(1);
    expect(stderr).toContain(
      'Unknown option --usr (did you mean --user?). The options are --user NAME, --help',
    );
    expect(stdout).toBe('');
  });

  it('GIVEN --help THEN it prints the flags and exits 0 without starting', async () => {
    const dataDir = await emptyDataDir();

    const { code, stdout } = await runMoodScale(dataDir, [], { args: ['--help'] });

    expect(code).toBe(0);
    expect(stdout).toContain('--user NAME');
    expect(existsSync(join(dataDir, 'pglite'))).toBe(false);
  });

  it('GIVEN DB_MAX_CONNECTIONS=abc THEN it exits 1 with a message naming DB_MAX_CONNECTIONS', async () => {
    const { code, stderr, stdout } = await runMoodScale(await emptyDataDir(), ['/help'], {
      env: { DB_MAX_CONNECTIONS: 'abc' },
    });

    expect(code).toBe(1);
    expect(stderr).toContain('DB_MAX_CONNECTIONS: expected a whole number from 1 to 1000 (got "abc")');
    expect(stdout).toBe('');
  });
});
