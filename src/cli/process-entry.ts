import { createLogger } from '../core/logger.js';
import type { CliIo, CliMain } from './run-cli.js';

/**
 * The process as a CliIo: its arguments, environment and standard streams, its signals, and the
 * logger writing to stderr. The only module of src/cli that touches `process`.
 */
export function processIo(): CliIo {
  return {
    argv: process.argv.slice(2),
    env: process.env,
    // A getter: only a script that reads its input (restore's confirmation) opens stdin.
    get stdin() {
      return process.stdin;
    },
    stdout: process.stdout,
    stderr: process.stderr,
    onInterrupt(handler) {
      process.once('SIGINT', handler);
      process.once('SIGTERM', handler);
      return () => {
        process.off('SIGINT', handler);
        process.off('SIGTERM', handler);
      };
    },
    createLogger,
  };
}

/** What `src/cli/<name>.ts` does: runs the script's `main` on this process and exits with its code. */
export async function runAsProcess(main: CliMain): Promise<void> {
  process.exitCode = await main(processIo());
}
