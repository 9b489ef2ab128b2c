/**
 * Groups the calls that arrive while earlier statements are in flight into one statement (group
 * commit): a lone call leaves at once, a burst leaves in a few round trips instead of one each. Each
 * caller is answered from its own element of the statement's result; when the statement fails, every
 * caller of that group gets its error.
 */
export function createStatementGroup<T, R>(
  send: (items: T[]) => Promise<R[]>,
  options: {
    maxInFlight?: number;
    maxBatch?: number;
    /**
     * How long the first call of a group waits for others before it leaves (0: the same turn of the
     * event loop). For writes nobody waits on, fewer, larger statements during a burst.
     */
    lingerMs?: number;
  } = {},
): { run(item: T): Promise<R>; readonly idle: Promise<void> } {
  const maxInFlight = options.maxInFlight ?? 2;
  const maxBatch = options.maxBatch ?? 256;
  const lingerMs = options.lingerMs ?? 0;
  let queue: Array<{ item: T; resolve(result: R): void; reject(error: unknown): void }> = [];
  let inFlight = 0;
  // Statements whose callers are still being answered (a few per turn, see settleInSlices).
  let settling = 0;
  let scheduled = false;
  let idleWaiters: Array<() => void> = [];

  const settleIdle = (): void => {
    if (inFlight > 0 || settling > 0 || queue.length > 0) return;
    for (const wake of idleWaiters) wake();
    idleWaiters = [];
  };

  const pump = (): void => {
    scheduled = false;
    while (inFlight < maxInFlight && queue.length > 0) {
      const batch = queue.slice(0, maxBatch);
      queue = queue.slice(maxBatch);
      inFlight++;
      void send(batch.map((w) => w.item))
        .then(
          (results) => {
            settling++;
            settleInSlices(
              batch,
              (w, i) => w.resolve(results[i] as R),
              () => {
                settling--;
                settleIdle();
              },
            );
          },
          (error: unknown) => {
            for (const w of batch) w.reject(error);
          },
        )
        .finally(() => {
          inFlight--;
          pump();
          settleIdle();
        });
    }
  };

  return {
    run(item) {
      return new Promise<R>((resolve, reject) => {
        queue.push({ item, resolve, reject });
        // Calls made in the same turn of the event loop (or within the linger) leave together.
        if (!scheduled) {
          scheduled = true;
          if (lingerMs > 0) setTimeout(pump, lingerMs);
          else queueMicrotask(pump);
        }
      });
    },
    /** Resolves once nothing is queued or in flight and every caller has its answer. */
    get idle() {
      if (inFlight === 0 && settling === 0 && queue.length === 0) return Promise.resolve();
      return new Promise<void>((resolve) => idleWaiters.push(resolve));
    },
  };
}

/** Callers answered per turn of the event loop (see settleInSlices). */
const SETTLE_SLICE = 8;

/**
 * Answers a group's callers a few per turn of the event loop: each caller goes on with its own work (a
 * command's run, its answer), and a turn that carries fifty of them keeps the loop from everything else
 * for tens of milliseconds, while Node accepts one new connection per turn.
 */
function settleInSlices<W>(waiters: W[], settle: (waiter: W, index: number) => void, done: () => void): void {
  let next = 0;
  const step = (): void => {
    const end = Math.min(waiters.length, next + SETTLE_SLICE);
    for (; next < end; next++) settle(waiters[next] as W, next);
    if (next < waiters.length) setImmediate(step);
    else done();
  };
  step();
}
