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
