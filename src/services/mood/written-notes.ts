import type { Db } from '../../db/database.js';
import { listMoodEntries } from '../../db/repositories/mood-entries.js';
import type { NoteCipher } from './note-cipher.js';

/** A note as a feature that reads notes sees it: decrypted, with its entry. */
export interface WrittenNote {
  entryId: number;
  createdAt: Date;
  moodScore: number;
  emotions: string[] | null;
  note: string;
}

/** The most entries one read returns (listMoodEntries' own cap). */
const MAX_NOTES = 1000;

/**
 * The user's notes of a period (`until` exclusive), decrypted, oldest first; the latest 1,000 when there
 * are more. Notes that cannot be read are left out (and logged by the cipher).
 */
export async function readWrittenNotes(
  db: Db,
  notes: NoteCipher,
  userId: number,
  period: { since: Date; until: Date },
): Promise<WrittenNote[]> {
  const entries = await listMoodEntries(db, userId, { ...period, limit: MAX_NOTES });
  return notes.openAll(entries.filter((e) => e.notes !== null).reverse()).flatMap((e) =>
    e.notes === null
      ? []
      : [
          {
            entryId: e.id,
            createdAt: e.createdAt,
            moodScore: e.moodScore,
            emotions: e.emotions,
            note: e.notes,
          },
        ],
  );
}
