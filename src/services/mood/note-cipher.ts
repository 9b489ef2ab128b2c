import type { Logger } from '../../core/logger.js';
import { DecryptionError } from '../../crypto/create-field-cipher.js';
import type { FieldCipher } from '../../crypto/field-cipher.js';
import { noteContext } from '../../crypto/note-context.js';

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

/**
 * An entry with its note opened (see NoteCipher.open). `noteKeyMissing` is the id of the key the note was
 * written under when this server does not have that key (a restored backup, a typo in a secret): the
 * entry has a note, but it cannot be read here. null otherwise.
 */
export type OpenedEntry<T extends StoredNote> = T & { noteKeyMissing: string | null };

export interface NoteCipher {
  /**
   * The value to store for a note: ciphertext bound to the user (null stays null). The text is sealed as
   * given: it was checked storable where it was parsed (the note option of /mood), and the ciphertext
   * hides it from any check after this one.
   */
  seal(userId: number, note: string | null): string | null;
  /**
   * The note's text: decrypted, or as stored when it predates encryption. null when there is none or it
   * cannot be read (moved from another user's row, tampered with, or its key is not configured); such a
   * note is withheld with a log line, never shown as someone else's text and never failing the read.
   */
  open(entry: StoredNote): string | null;
  /** The entries with their notes opened (see open), each saying whether its note's key is missing. */
  openAll<T extends StoredNote>(entries: readonly T[]): Array<OpenedEntry<T>>;
}

export function createNoteCipher(deps: { cipher: FieldCipher; logger: Logger }): NoteCipher {
  const { cipher, logger } = deps;

  function read(entry: StoredNote): { text: string | null; keyMissing: string | null } {
    const stored = entry.notes;
    if (stored === null || !isSealedNote(stored)) return { text: stored, keyMissing: null };
    try {
      return { text: cipher.decrypt(stored, noteContext(entry.userId)), keyMissing: null };
    } catch (error) {
      if (!(error instanceof DecryptionError)) throw error;
      const where = { entryId: entry.id, userId: entry.userId, code: error.code };
      if (error.code === 'UNKNOWN_KEY') {
        logger.error(where, `mood note withheld: ${error.message}`);
        // Only the missing key is told apart: a note that fails authentication stays withheld unmarked.
        return { text: null, keyMissing: cipher.keyIdOf(stored) ?? null };
      }
      logger.warn(where, 'mood note withheld: it does not decrypt for the user of its row');
      return { text: null, keyMissing: null };
    }
  }
  const open = (entry: StoredNote) => read(entry).text;

  return {
    seal(userId, note) {
      if (note === null) return null;
      return cipher.encrypt(note, noteContext(userId));
    },
    open,
    openAll: (entries) =>
      entries.map((entry) => {
        const { text, keyMissing } = read(entry);
        return { ...entry, notes: text, noteKeyMissing: keyMissing };
      }),
  };
}
