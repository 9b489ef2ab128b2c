import type { Logger } from '../core/logger.js';

/**
 * A promise that rejects with nobody listening would stop the whole bot under Node's default (every
 * user's commands, for one library's bug or one payload it could not read). It is logged with its
 * stack and counted instead, and the bot keeps serving; the durable inbox answers anything it left
 * half-done. Returns the function that removes the handler.
 */
export function guardUnhandledRejections(logger: Logger, onRejection: () => void): () => void {
  const log = logger.child({ component: 'process' });
  const handler = (reason: unknown): void => {
    onRejection();
    log.error({ err: reason }, 'a promise rejected with nobody handling it; the bot keeps serving');
  };
  process.on('unhandledRejection', handler);
  return () => process.off('unhandledRejection', handler);
}
