import { setTimeout as sleep } from 'node:timers/promises';
import type { Reply } from '../../core/commands/index.js';
import type { Logger } from '../../core/logger.js';
import type { DirectMessageResult } from './direct-messenger.js';
import { DiscordCode, describeDiscordError, discordCodeOf, httpStatusOf } from './discord-errors.js';

export interface DmQueueOptions {
  /** Opens the DM channel and sends; throws discord.js's errors. */
  send(externalUserId: string, reply: Reply): Promise<void>;
  /** Least time between two sends (also between a failed attempt and its retry). */
  intervalMs: number;
  /** First wait after 40003 (opening DMs too fast) or a transient failure; doubles per attempt. */
  retryDelayMs: number;
  /** Attempts per message, the first included. */
  maxAttempts: number;
  /** Called once when a user turns out not to accept DMs (50007). */
  onBlocked?: ((externalUserId: string) => Promise<void>) | undefined;
  logger: Logger;
}

export interface DmQueue {
  enqueue(externalUserId: string, reply: Reply): Promise<DirectMessageResult>;
  /** Messages waiting or being sent. */
  readonly pending: number;
  /** Refuses new messages, answers 'failed' for those still waiting, and waits for the one being sent. */
  close(): Promise<void>;
}

/**
 * Direct messages one at a time, `intervalMs` apart: Discord limits how fast a bot opens DM channels
 * (40003) and sends, and a digest to thousands of users must not turn into a burst. A user who does not
 * accept DMs (50007) is reported and never retried; other client errors are not retried either, and
 * transient failures (5xx after discord.js's own retries, network errors) a bounded number of times.
 */
export function createDmQueue(options: DmQueueOptions): DmQueue {
  const log = options.logger.child({ component: 'discord-dm' });
  let tail: Promise<unknown> = Promise.resolve();
  let nextAt = 0;
  let pending = 0;
  let closed = false;
  const closing = new AbortController();

  /** Waits for this message's turn; false when the queue closed meanwhile. */
  const waitTurn = async (extraMs = 0): Promise<boolean> => {
    const wait = Math.max(nextAt - Date.now(), extraMs);
    if (wait > 0) await sleep(wait, undefined, { signal: closing.signal }).catch(() => undefined);
    return !closed;
  };

  async function deliver(externalUserId: string, reply: Reply): Promise<DirectMessageResult> {
    for (let attempt = 1; ; attempt++) {
      if (closed) return 'failed';
      try {
        await options.send(externalUserId, reply);
        return 'sent';
      } catch (error) {
        const code = discordCodeOf(error);
        const status = httpStatusOf(error);
        if (code === DiscordCode.CannotSendToUser) {
          log.info({ externalUserId }, 'user does not accept direct messages (50007); not retrying');
          await options.onBlocked?.(externalUserId).catch((e: unknown) => {
            log.error({ err: e, externalUserId }, 'recording a blocked DM failed');
          });
          return 'blocked';
        }
        const transient =
          code === DiscordCode.OpeningDmsTooFast || status === undefined || status >= 500 || status === 429;
        if (!transient || attempt >= options.maxAttempts) {
          log.warn(
            { err: error, externalUserId, attempt },
            `direct message failed: ${describeDiscordError(error)}`,
          );
          return 'failed';
        }
        const delay = options.retryDelayMs * 2 ** (attempt - 1);
        log.debug({ externalUserId, attempt, delay, code, status }, 'direct message will be retried');
        nextAt = Date.now() + options.intervalMs;
        if (!(await waitTurn(delay))) return 'failed';
      } finally {
        nextAt = Date.now() + options.intervalMs;
      }
    }
  }

  return {
    enqueue(externalUserId, reply) {
      if (closed) return Promise.resolve('failed');
      pending++;
      const job = tail.then(async () => {
        try {
          if (!(await waitTurn())) return 'failed';
          return await deliver(externalUserId, reply);
        } finally {
          pending--;
        }
      });
      // The chain itself never rejects, so one failure cannot stop the messages behind it.
      tail = job.catch(() => undefined);
      return job.catch((error: unknown) => {
        log.error({ err: error, externalUserId }, 'direct message failed unexpectedly');
        return 'failed' as const;
      });
    },
    get pending() {
      return pending;
    },
    async close() {
      closed = true;
      closing.abort();
      await tail;
    },
  };
}

/**
 * Several queues side by side, each message to the one with the fewest waiting: check-in prompts due in
 * the same minute go `count` at a time, and discord.js paces the requests to Discord's global limit (50 a
 * second) and its 429s. The digest keeps the single spaced queue.
 */
export function createDmLanes(count: number, make: () => DmQueue): DmQueue {
  const lanes = Array.from({ length: Math.max(1, count) }, make);
  return {
    enqueue(externalUserId, reply) {
      let lane = lanes[0]!;
      for (const candidate of lanes) if (candidate.pending < lane.pending) lane = candidate;
      return lane.enqueue(externalUserId, reply);
    },
    get pending() {
      return lanes.reduce((sum, lane) => sum + lane.pending, 0);
    },
    async close() {
      await Promise.all(lanes.map((lane) => lane.close()));
    },
  };
}
