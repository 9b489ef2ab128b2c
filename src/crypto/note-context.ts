import type { CipherContext } from './field-cipher.js';

/**
 * Where a note lives; bound into its ciphertext, so a note copied to another user's row does not open.
 * Below the repositories, since the seed writes notes as the service does.
 */
export const noteContext = (userId: number): CipherContext => ({
  table: 'mood_entries',
  column: 'notes',
  userId,
});
