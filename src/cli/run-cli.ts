import { type Config, loadConfig } from '../config.js';
import { ConfigError, UserError } from '../core/errors.js';
import { createLogger, type Logger } from '../core/logger.js';
import { explainConnectionError } from '../db/connection-problems.js';

/**
 * Shared frame of the npm scripts: parse the configuration, make a logger, run, and turn failures
 * into one clear line and exit code 1 instead of a stack trace.
 */
export async function runCli(
  name: string,
  body: (config: Config, logger: Logger) => Promise<void>,
): Promise<void> {
  let logger: Logger | undefined;
  let config: Config | undefined;
  try {
    config = loadConfig();
    logger = createLogger(config.log).child({ cli: name });
    await body(config, logger);
  } catch (thrown) {
    // A PostgreSQL server that cannot be reached becomes a UserError naming DATABASE_URL.
    const url = config?.database.url;
    const error =
      (url && explainConnectionError(thrown, url, config?.database.connectionTimeoutMs)) || thrown;
    if (error instanceof ConfigError || error instanceof UserError) {
      process.stderr.write(`${error.message}\n`);
    } else {
      logger?.error({ err: error }, `${name} failed`);
      process.stderr.write(`${name} failed: ${error instanceof Error ? error.message : String(error)}\n`);
    }
    process.exitCode = 1;
  } finally {
    logger?.flush();
  }
}
