import { userInfo } from 'node:os';
import { startApp } from './app.js';
import { loadConfig } from './config.js';
import { ConfigError, UserError } from './core/errors.js';
import { createLogger, type Logger } from './core/logger.js';
import { applyHeapGrowth } from './ops/heap-growth.js';
import { parseStartFlags, startUsage } from './start/command-line.js';
import { consoleLogging } from './start/console-logging.js';

/** SIGTERM/SIGINT to exit: the app drains within this, or the process leaves anyway (exit code 1). */
const SHUTDOWN_DEADLINE_MS = 7500;

async function main(): Promise<void> {
  let logger: Logger | undefined;
  try {
    const flags = parseStartFlags(process.argv.slice(2));
    if (flags.help) {
      process.stdout.write(startUsage);
      return;
    }
    const config = loadConfig();
    const interactive = Boolean(process.stdin.isTTY && process.stdout.isTTY);
    const terminal = { output: process.stdout, errors: process.stderr, interactive };
    const { log, screen } = consoleLogging(config, terminal);
    logger = createLogger(log);
    const heap = applyHeapGrowth(config.ops.heapGrowingPercent);
    logger.debug({ heapGrowingPercent: config.ops.heapGrowingPercent, heap }, 'heap growth set');
    const consoleUser = flags.user || config.console.user || loginName();
    let shutdown = (_signal: string) => {};
    const app = await startApp(config, logger, {
      console: {
        user: consoleUser,
        input: process.stdin,
        output: process.stdout,
        interactive,
        ...(screen ? { screen } : {}),
      },
      onPlatformEnd: () => shutdown('end of input'),
    });
    logger.info(
      { database: app.database.kind, platforms: app.platforms.map((p) => p.name) },
      'MoodScale is ready',
    );
    let shuttingDown = false;
    shutdown = (reason: string) => {
      if (shuttingDown) return;
      shuttingDown = true;
      logger?.info({ reason }, 'shutting down');
      // Orchestrators kill after a grace period (Docker and Kubernetes: 10 s); leave on our own before.
      setTimeout(() => {
        logger?.error({ deadlineMs: SHUTDOWN_DEADLINE_MS }, 'shutdown did not finish in time; exiting now');
        logger?.flush();
        process.exit(1);
      }, SHUTDOWN_DEADLINE_MS).unref();
      app.stop().then(
        () => process.exit(0),
        (error: unknown) => {
          logger?.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
    };
    process.on('SIGINT', () => shutdown('SIGINT'));
    process.on('SIGTERM', () => shutdown('SIGTERM'));
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

function loginName(): string {
  try {
    return userInfo().username || 'me';
  } catch {
    return process.env.USER ?? 'me';
  }
}

await main();
