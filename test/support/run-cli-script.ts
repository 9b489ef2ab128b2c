import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `src/cli/<script>.ts` the way `npm run` does (tsx), from the repository root, with JSON logs at
 * warn. The child gets this process's environment without the names `drop` matches (so a developer's
 * own DATABASE_URL or tokens cannot leak in), plus `env`. Killed, and the run rejected, after `timeoutMs`.
 */
export function runCliScript(
  script: string,
  args: readonly string[],
  options: { env: Record<string, string>; drop: (name: string) => boolean; timeoutMs?: number },
): Promise<CliRun> {
  return runSourceScript(`src/cli/${script}.ts`, args, options);
}

/** runCliScript for any script of the repository (`src/main.ts` for `npm start`), its input closed. */
export function runSourceScript(
  path: string,
  args: readonly string[],
  options: { env: Record<string, string>; drop: (name: string) => boolean; timeoutMs?: number },
): Promise<CliRun> {
  const script = path.replace(/^src\/(cli\/)?|\.ts$/g, '');
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !options.drop(name)));
  const child = spawn(process.execPath, ['--import', 'tsx', path, ...args], {
    cwd: repoRoot,
    env: { ...inherited, LOG_FORMAT: 'json', LOG_LEVEL: 'warn', NODE_ENV: 'development', ...options.env },
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
