import { UserError } from '../../core/errors.js';

// PostgreSQL text cannot hold U+0000; it would throw mid-query, so refuse it up front with a clear answer.
const NUL = '\u0000';

/** Throws a UserError when `value` cannot be stored as PostgreSQL text. Returns the value unchanged. */
export function storableText<T extends string | null | undefined>(value: T, field: string): T {
  if (typeof value === 'string' && value.includes(NUL)) {
    throw new UserError(
      `The ${field} contains a NUL character (\\0), which cannot be stored. Remove it and try again.`,
      'NUL_IN_TEXT',
    );
  }
  return value;
}

/** Caps a caller's limit so no query returns an unbounded result set. */
export function boundedLimit(limit: number | undefined, fallback: number, max: number): number {
  if (limit === undefined || !Number.isFinite(limit)) return fallback;
  return Math.min(Math.max(1, Math.trunc(limit)), max);
}
