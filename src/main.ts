import { loadConfig } from './config.js';
import { ConfigError, UserError } from './core/errors.js';
import type { Logger } from './core/logger.js';
import { applyHeapGrowth } from './ops/heap-growth.js';
import { parseStartFlags, startUsage } from './start/command-line.js';
import { startOnTerminal, terminalLogging } from './start/terminal-start.js';

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
    const terminal = { input: process.stdin, output: process.stdout, errors: process.stderr, interactive };
    const logging = terminalLogging(config, terminal);
    logger = logging.logger;
    const heap = applyHeapGrowth(config.ops.heapGrowingPercent);
    logger.debug({ heapGrowingPercent: config.ops.heapGrowingPercent, heap }, 'heap growth set');
    const { shutdown } = await startOnTerminal({
      config,
      logger,
      screen: logging.screen,
      user: flags.user,
      terminal,
      exit: (code) => process.exit(code),
    });
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

await main();
