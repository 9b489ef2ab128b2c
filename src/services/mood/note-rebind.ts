import { DecryptionError } from '../../crypto/create-field-cipher.js';
import type { FieldCipher } from '../../crypto/field-cipher.js';
import { noteContext } from '../../crypto/note-context.js';
import type { Db } from '../../db/database.js';
import {
  nextStoredValues,
  noteColumn,
  replaceStoredValues,
  type ValueChange,
} from '../../db/repositories/encrypted-values.js';
import { isSealedNote } from './note-cipher.js';

const BATCH = 500;

/**
 * Re-encrypts the notes of user `from` for user `into`, before their entries change owner (an account
 * merge): the user is bound into each note's ciphertext, so a note moved as it is would no longer open.
 * Plain-text notes from before encryption are encrypted on the way. Run it in the merge's transaction, so
 * the notes and the rows move together or not at all. A note that already does not open stays as it is.
 */
export async function rebindNotes(
  db: Db,
  cipher: FieldCipher,
  from: number,
  into: number,
): Promise<{ rebound: number; unreadable: number }> {
  let rebound = 0;
  let unreadable = 0;
  let afterId = 0;
  for (;;) {
    const rows = await nextStoredValues(db, noteColumn, { afterId, limit: BATCH, userId: from });
    if (rows.length === 0) break;
    afterId = rows.at(-1)!.id;
    const changes: ValueChange[] = [];
    for (const row of rows) {
      try {
        const text = isSealedNote(row.value) ? cipher.decrypt(row.value, noteContext(from)) : row.value;
        changes.push({ ...row, next: cipher.encrypt(text, noteContext(into)) });
      } catch (error) {
        if (!(error instanceof DecryptionError)) throw error;
        unreadable++;
      }
    }
    rebound += (await replaceStoredValues(db, noteColumn, changes)).length;
    if (rows.length < BATCH) break;
  }
  return { rebound, unreadable };
}
