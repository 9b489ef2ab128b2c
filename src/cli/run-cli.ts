import type { Readable, Writable } from 'node:stream';
import { type Config, loadConfig } from '../config.js';
import { ConfigError, UserError } from '../core/errors.js';
import type { Logger, LoggerSettings } from '../core/logger.js';
import { explainConnectionError } from '../db/connection-problems.js';

/**
 * What an npm script gets from the process that runs it. `src/cli/<name>.ts` hands the process's own
 * to `main` (process-entry.ts); a test hands its own and reads what was written, in its process.
 */
export interface CliIo {
  /** The arguments after the script's name. */
  argv: readonly string[];
  /** The environment the configuration is read from. */
  env: Readonly<Record<string, string | undefined>>;
  /** Standard input; `isTTY` when a person types there (restore's confirmation). */
  stdin: Readable & { isTTY?: boolean };
  stdout: Writable;
  stderr: Writable;
  /** Calls `handler` on Ctrl-C (SIGINT) and SIGTERM until the function it returns is called. */
  onInterrupt(handler: () => void): () => void;
  /** Makes the logger: createLogger for the process (JSON or pretty lines on stderr). */
  createLogger(settings: LoggerSettings): Logger;
}

/** An npm script's program: runs with `io` and resolves to the exit code; it does not reject. */
export type CliMain = (io: CliIo) => Promise<number>;

/**
 * Shared frame of the npm scripts: parse the configuration, make a logger, run, and turn failures
 * into one clear line and exit code 1 instead of a stack trace. Resolves to the exit code: the one
 * `body` returns, else 0.
 */
export async function runCli(
  io: CliIo,
  name: string,
  body: (config: Config, logger: Logger) => Promise<number | undefined>,
): Promise<number> {
  let logger: Logger | undefined;
  let config: Config | undefined;
  try {
    config = loadConfig(io.env);
    logger = io.createLogger(config.log).child({ cli: name });
    return (await body(config, logger)) ?? 0;
  } catch (thrown) {
    // A PostgreSQL server that cannot be reached becomes a UserError naming DATABASE_URL.
    const url = config?.database.url;
    const error =
      (url && explainConnectionError(thrown, url, config?.database.connectionTimeoutMs)) || thrown;
    if (error instanceof ConfigError || error instanceof UserError) {
      io.stderr.write(`${error.message}\n`);
    } else {
      logger?.error({ err: error }, `${name} failed`);
      io.stderr.write(`${name} failed: ${error instanceof Error ? error.message : String(error)}\n`);
    }
    return 1;
  } finally {
    logger?.flush();
  }
}

/**
 * Reads a script's flags with `parse` before any configuration is read. A bad flag is said on stderr in
 * one line (the parser's UserError names the flag and points to --help) and gives exit code 1; --help
 * prints `usage` and gives 0. Otherwise the flags, for the script to run with.
 */
export function readFlags<T extends { help: boolean }>(
  io: CliIo,
  parse: (args: string[]) => T,
  usage: string,
): T | number {
  let flags: T;
  try {
    flags = parse([...io.argv]);
  } catch (error) {
    io.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  if (!flags.help) return flags;
  io.stdout.write(usage);
  return 0;
}
