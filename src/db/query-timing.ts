import type { Logger } from '../core/logger.js';

export interface QueryTimingSettings {
  slowQueryMs: number;
  /** Told about every statement at or above the threshold (metrics). */
  onSlowQuery?: (durationMs: number) => void;
}

/**
 * Wraps a driver's `query` so every statement is logged at debug with its duration, and statements
 * slower than the threshold at warn. Parameters are never logged: they may hold notes or tokens.
 */
export function timeQueries<T extends object>(
  target: T,
  method: keyof T & string,
  logger: Logger,
  settings: QueryTimingSettings,
): void {
  const original = target[method];
  if (typeof original !== 'function') return;
  const bound = (original as (...args: unknown[]) => unknown).bind(target);
  const timed = (...args: unknown[]): unknown => {
    const started = performance.now();
    // pg.Pool#query calls client.query with a callback instead of using the promise.
    const last = args.length - 1;
    const callback = args[last];
    if (typeof callback === 'function') {
      args[last] = (error: unknown, ...rest: unknown[]) => {
        // The pool releases the connection in this callback: a failing report must never skip it.
        try {
          report(logger, settings, args[0], performance.now() - started, error ?? undefined);
        } catch {}
        return (callback as (...a: unknown[]) => unknown)(error, ...rest);
      };
      return bound(...args);
    }
    const result = bound(...args);
    if (isPromise(result)) {
      result.then(
        () => report(logger, settings, args[0], performance.now() - started, undefined),
        (error: unknown) => report(logger, settings, args[0], performance.now() - started, error),
      );
    }
    return result;
  };
  Object.assign(target, { [method]: timed });
}

function report(
  logger: Logger,
  settings: QueryTimingSettings,
  query: unknown,
  durationMs: number,
  error: unknown,
): void {
  // Runs for every statement: build the log line only when one is written.
  const slow = durationMs >= settings.slowQueryMs;
  if (slow) settings.onSlowQuery?.(durationMs);
  if (!slow && !logger.isLevelEnabled('debug')) return;
  const line = {
    sql: sqlText(query),
    durationMs: Math.round(durationMs * 100) / 100,
    failed: error !== undefined,
  };
  if (slow) logger.warn(line, 'slow query');
  else logger.debug(line, 'query');
}

function sqlText(query: unknown): string {
  if (typeof query === 'string') return truncate(query);
  if (query && typeof query === 'object' && 'text' in query && typeof query.text === 'string') {
    return truncate(query.text);
  }
  return '(unknown statement)';
}

function truncate(text: string): string {
  return text.length > 500 ? `${text.slice(0, 500)}…` : text;
}

function isPromise(value: unknown): value is Promise<unknown> {
  return (
    typeof value === 'object' && value !== null && typeof (value as Promise<unknown>).then === 'function'
  );
}
