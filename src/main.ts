import { startApp } from './app.js';
import { loadConfig } from './config.js';
import { ConfigError, UserError } from './core/errors.js';
import { createLogger, type Logger } from './core/logger.js';

async function main(): Promise<void> {
  let logger: Logger | undefined;
  try {
    const config = loadConfig();
    logger = createLogger(config.log);
    const app = await startApp(config, logger);
    logger.info({ database: app.database.kind }, 'MoodScale is ready');
    const shutdown = (signal: string) => {
      logger?.info({ signal }, 'shutting down');
      app.stop().then(
        () => process.exit(0),
        (error: unknown) => {
          logger?.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
    };
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
  } catch (error) {
    // Configuration and setup problems get one clear line, not a stack trace.
    if (error instanceof ConfigError || error instanceof UserError) {
      process.stderr.write(`${error.message}\n`);
    } else {
      logger?.fatal({ err: error }, 'MoodScale failed to start');
      process.stderr.write(
        `MoodScale failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
      );
    }
    logger?.flush();
    process.exitCode = 1;
  }
}

await main();
