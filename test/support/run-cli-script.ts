import { spawn } from 'node:child_process';
import { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import type { CliIo, CliMain } from '../../src/cli/run-cli.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliRunOptions {
  env: Record<string, string>;
  drop: (name: string) => boolean;
  timeoutMs?: number;
}

/**
 * The environment a script gets: this process's without the names `drop` matches (so a developer's own
 * DATABASE_URL or tokens cannot leak in), JSON logs at warn in development, plus `env`.
 */
function scriptEnv(options: CliRunOptions): Record<string, string> {
  const inherited = Object.entries(process.env).filter(
    (entry): entry is [string, string] => entry[1] !== undefined && !options.drop(entry[0]),
  );
  return {
    ...Object.fromEntries(inherited),
    LOG_FORMAT: 'json',
    LOG_LEVEL: 'warn',
    NODE_ENV: 'development',
    ...options.env,
  };
}

/**
 * Runs `src/cli/<script>.ts` the way `npm run` does (tsx), from the repository root, with the
 * environment of scriptEnv. Killed, and the run rejected, after `timeoutMs`.
 */
export function runCliScript(
  script: CliScript,
  args: readonly string[],
  options: CliRunOptions,
): Promise<CliRun> {
  return runSourceScript(`src/cli/${script}.ts`, args, options);
}

/** runCliScript for any script of the repository (`src/main.ts` for `npm start`), its input closed. */
export function runSourceScript(
  path: string,
  args: readonly string[],
  options: CliRunOptions,
): Promise<CliRun> {
  const script = path.replace(/^src\/(cli\/)?|\.ts$/g, '');
  const child = spawn(process.execPath, ['--import', 'tsx', path, ...args], {
    cwd: repoRoot,
    env: scriptEnv(options),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} did not exit.\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, options.timeoutMs ?? 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** A stream that keeps what is written to it, as text. */
function capture(): { stream: Writable; text: () => string } {
  let text = '';
  const stream = new Writable({
    decodeStrings: false,
    write(chunk: string | Buffer, _encoding, done) {
      text += String(chunk);
      done();
    },
  });
  return { stream, text: () => text };
}

/** Each script's program (src/cli/<script>-main.ts), imported on first use. */
const mains = {
  backup: () => import('../../src/cli/backup-main.js'),
  checkins: () => import('../../src/cli/checkins-main.js'),
  'commands-register': () => import('../../src/cli/commands-register-main.js'),
  'db-migrate': () => import('../../src/cli/db-migrate-main.js'),
  'db-rollback': () => import('../../src/cli/db-rollback-main.js'),
  'db-seed': () => import('../../src/cli/db-seed-main.js'),
  digest: () => import('../../src/cli/digest-main.js'),
  'keys-rotate': () => import('../../src/cli/keys-rotate-main.js'),
  restore: () => import('../../src/cli/restore-main.js'),
  'slack-manifest': () => import('../../src/cli/slack-manifest-main.js'),
} satisfies Record<string, () => Promise<{ main: CliMain }>>;

export type CliScript = keyof typeof mains;

/**
 * Runs `src/cli/<script>.ts`'s program (its `main`, in src/cli/<script>-main.ts) in this process, with
 * what runCliScript's child would get: the same arguments and environment (scriptEnv), an input that is
 * closed and no terminal. Logs are JSON lines at the configured level written into the captured stderr,
 * as the child's logger writes them to its stderr (createLogger writes to file descriptor 2, which a
 * process cannot capture of itself; the spawned test of each script keeps that logger). Same result
 * shape; the code is the one `main` resolves to, which the entry (src/cli/process-entry.ts) makes the
 * process's exit code. A rejection of `main` (the entry would print it with its stack) rejects the run,
 * and so does `timeoutMs` passing, with what was written so far (`main` itself cannot be stopped).
 *
 * `main` leaves nothing behind (it closes its database, its clients and its signal listeners), so the
 * worker, which runs test files without isolation, is as it was.
 */
export async function runCliInProcess(
  script: CliScript,
  args: readonly string[],
  options: CliRunOptions,
): Promise<CliRun> {
  const { main } = await mains[script]();
  const stdout = capture();
  const stderr = capture();
  const io: CliIo = {
    argv: [...args],
    env: scriptEnv(options),
    stdin: Readable.from([]),
    stdout: stdout.stream,
    stderr: stderr.stream,
    // Nothing here sends the process a signal.
    onInterrupt: () => () => undefined,
    createLogger(settings) {
      if (settings.pretty) throw new Error('runCliInProcess captures JSON logs: leave LOG_FORMAT=json');
      return pino(
        { level: settings.level, base: { app: 'moodscale' } },
        { write: (line: string) => stderr.stream.write(line) },
      );
    },
  };
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(new Error(`${script} did not finish.\nstdout: ${stdout.text()}\nstderr: ${stderr.text()}`)),
      options.timeoutMs ?? 60_000,
    );
  });
  try {
    const code = await Promise.race([main(io), timeout]);
    return { code, stdout: stdout.text(), stderr: stderr.text() };
  } finally {
    clearTimeout(timer);
  }
}
