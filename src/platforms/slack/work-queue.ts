import { withTimeout } from '../../core/within.js';

/**
 * Runs tasks at most `concurrency` at a time, in arrival order. The adapter acknowledges every delivery
 * at once and runs the command itself through here, so a burst of commands cannot starve the
 * acknowledgements of those still arriving (Slack's 3 s): the event loop never works on hundreds of
 * commands at once. Only the dispatch (database and CPU) takes a slot; waiting on Slack (users.info,
 * response_url, uploads) does not, so a slow network does not throttle the bot.
 */
export function createLimiter(concurrency: number) {
  let running = 0;
  const waiting: Array<() => void> = [];

  const acquire = (): Promise<void> => {
    if (running < concurrency) {
      running += 1;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => waiting.push(resolve));
  };
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else running -= 1;
  };

  return {
    async run<T>(task: () => Promise<T>): Promise<T> {
      await acquire();
      try {
        return await task();
      } finally {
        release();
      }
    },
    /** Tasks waiting for a slot. */
    get queued(): number {
      return waiting.length;
    },
  };
}

/**
 * How many deliveries are in hand (arrived, and not yet acknowledged or run), and a way to wait for a lull: none in
 * hand for `quietMs`. Work that can wait (a new user's profile) steps aside during a burst, whose
 * deliveries may leave gaps of a few milliseconds between them, without waiting for ever under steady load.
 */
export function createInHand(quietMs = 100) {
  let count = 0;
  let quiet: NodeJS.Timeout | undefined;
  const idleWaiters = new Set<() => void>();
  const wakeAll = () => {
    quiet = undefined;
    for (const wake of idleWaiters) wake();
  };
  return {
    /** Runs a delivery's handler, counted as in hand until it returns. */
    async hold<T>(handle: () => Promise<T>): Promise<T> {
      count += 1;
      clearTimeout(quiet);
      quiet = undefined;
      try {
        return await handle();
      } finally {
        count -= 1;
        if (count === 0 && idleWaiters.size > 0) {
          quiet = setTimeout(wakeAll, quietMs);
          quiet.unref();
        }
      }
    },
    /** Resolves after a lull (see above), or after `maxWaitMs`, whichever comes first. */
    whenIdle(maxWaitMs: number): Promise<void> {
      return new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          idleWaiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, count === 0 && quiet === undefined ? 0 : maxWaitMs);
        timer.unref();
        idleWaiters.add(wake);
      });
    },
  };
}

/** Promises still running, so stop() can let them finish (within a bound). */
export function createInFlight() {
  const pending = new Set<Promise<unknown>>();
  return {
    add(work: Promise<unknown>): void {
      const forget = () => {
        pending.delete(work);
      };
      pending.add(work);
      work.then(forget, forget);
    },
    get size(): number {
      return pending.size;
    },
    /** Waits for everything added so far, at most `timeoutMs`; true when it all finished. */
    async drain(timeoutMs: number): Promise<boolean> {
      if (pending.size === 0) return true;
      const all = Promise.allSettled([...pending]).then(() => true);
      return withTimeout(all, timeoutMs, () => false);
    },
  };
}
