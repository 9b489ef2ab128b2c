export interface TimeoutOptions {
  /** Lets the process exit while only this deadline is pending (for shutdown paths). */
  unref?: boolean;
}

/**
 * The one timeout race. Settles as `work` does if it settles within `ms`; otherwise at the deadline
 * calls `onTimeout` and resolves with what it returns (a fallback) or rejects with what it throws
 * (`() => { throw new Error('…') }`). The timer is cleared whichever wins; `work` itself runs on.
 * `ms` is passed to setTimeout as it is: a deadline of 0 still lets an already-settled `work` win.
 */
export async function withTimeout<T, F>(
  work: Promise<T>,
  ms: number,
  onTimeout: () => F,
  options: TimeoutOptions = {},
): Promise<T | F> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<F>((resolve, reject) => {
    timer = setTimeout(() => {
      try {
        resolve(onTimeout());
      } catch (error) {
        reject(error);
      }
    }, ms);
    if (options.unref) timer.unref();
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Resolves to `{ value }` if `promise` settles within `ms`, or to undefined at the deadline (at once
 * when `ms` is not positive). A rejection within the deadline rejects; the promise itself runs on.
 */
export async function within<T>(promise: Promise<T>, ms: number): Promise<{ value: T } | undefined> {
  if (ms <= 0) return undefined;
  return withTimeout(
    promise.then((value) => ({ value })),
    ms,
    () => undefined,
  );
}
