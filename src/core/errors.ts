/**
 * Something the user can fix. Its message is shown to them as it is, so it must say what was wrong
 * and how to put it right ("The score is a whole number from 1 to 10 (you wrote 11)").
 */
export class UserError extends Error {
  override readonly name = 'UserError';
  constructor(
    message: string,
    readonly code: string = 'INVALID_INPUT',
  ) {
    super(message);
  }
}

/** A configuration problem found at start; the message names the variable and what it expects. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export function isUserError(error: unknown): error is UserError {
  return error instanceof UserError;
}
