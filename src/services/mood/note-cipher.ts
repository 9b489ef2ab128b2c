import type { Logger } from '../../core/logger.js';
import { storableText } from '../../db/repositories/text-guard.js';
import { DecryptionError } from '../crypto/create-field-cipher.js';
import type { CipherContext, FieldCipher } from '../crypto/field-cipher.js';

/** Where a note lives; bound into its ciphertext, so a note copied to another user's row does not open. */
export const noteContext = (userId: number): CipherContext => ({
  table: 'mood_entries',
  column: 'notes',
  userId,
});

/**
 * True for a stored note written by the cipher; anything else is plain text from before notes were
 * encrypted. A value with the prefix that does not open is withheld, never shown as text: it may be a
 * ciphertext that was tampered with.
 */
export const isSealedNote = (stored: string): boolean => stored.startsWith('enc:');

/** A stored mood entry as far as its note is concerned. */
export interface StoredNote {
  id: number;
  userId: number;
  notes: string | null;
}

export interface NoteCipher {
  /** The value to store for a note: ciphertext bound to the user (null stays null). */
  seal(userId: number, note: string | null): string | null;
  /**
   * The note's text: decrypted, or as stored when it predates encryption. null when there is none or it
   * cannot be read (moved from another user's row, tampered with, or its key is not configured); such a
   * note is withheld with a log line, never shown as someone else's text and never failing the read.
   */
  open(entry: StoredNote): string | null;
  /** The entries with their notes opened (see open). */
  openAll<T extends StoredNote>(entries: readonly T[]): T[];
}

export function createNoteCipher(deps: { cipher: FieldCipher; logger: Logger }): NoteCipher {
  const { cipher, logger } = deps;

  function open(entry: StoredNote): string | null {
    const stored = entry.notes;
    if (stored === null || !isSealedNote(stored)) return stored;
    try {
      return cipher.decrypt(stored, noteContext(entry.userId));
    } catch (error) {
      if (!(error instanceof DecryptionError)) throw error;
      const where = { entryId: entry.id, userId: entry.userId, code: error.code };
      if (error.code === 'UNKNOWN_KEY') {
        logger.error(where, `mood note withheld: ${error.message}`);
      } else {
        logger.warn(where, 'mood note withheld: it does not decrypt for the user of its row');
      }
      return null;
    }
  }

  return {
    seal(userId, note) {
      if (note === null) return null;
      // The ciphertext never holds NUL, so the check must see the text itself.
      return cipher.encrypt(storableText(note, 'note'), noteContext(userId));
    },
    open,
    openAll: (entries) => entries.map((entry) => ({ ...entry, notes: open(entry) })),
  };
}
