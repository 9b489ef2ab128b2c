import { spawn } from 'node:child_process';

/** A connection for the PostgreSQL client tools: the URL without its password, which goes in PGPASSWORD. */
export interface ToolConnection {
  url: string;
  env: Record<string, string>;
}

/** Keeps the password out of the argument list, where `ps` would show it to every local user. */
export function toolConnection(url: string, applicationName = 'moodscale-backup'): ToolConnection {
  const parsed = new URL(url);
  const password = decodeURIComponent(parsed.password);
  parsed.password = '';
  return {
    url: parsed.toString(),
    env: { PGAPPNAME: applicationName, ...(password ? { PGPASSWORD: password } : {}) },
  };
}

export function urlForDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}

export function databaseNameOf(url: string): string {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
}

/** Runs pg_dump or pg_restore; resolves on exit code 0, else rejects with the tool's own words. */
export function runTool(command: string, args: string[], env: Record<string, string>): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      if (stderr.length < 8000) stderr += chunk;
    });
    child.on('error', (error) =>
      reject(
        new Error(
          (error as NodeJS.ErrnoException).code === 'ENOENT'
            ? `${command} was not found: install the PostgreSQL client tools (postgresql-client) matching the server's major version`
            : `${command} could not start: ${error.message}`,
        ),
      ),
    );
    child.on('close', (code, signal) => {
      if (code === 0) resolve();
      else
        reject(
          new Error(`${command} failed (${signal ?? `exit code ${code}`}): ${stderr.trim() || 'no output'}`),
        );
    });
  });
}
