import { localDay } from '../../core/calendar/index.js';
import type { Clock } from '../../core/clock.js';
import type { Db } from '../../db/database.js';
import { collectUserData } from '../../db/repositories/user-export.js';
import { deleteUser } from '../../db/repositories/users.js';
import type { IdentityService } from '../identity-service.js';
import type { NoteCipher } from '../mood/note-cipher.js';
import { csvLine } from './csv.js';

/** Why an exported note is absent although the entry has one (JSON `noteUnreadable`, CSV `note_unreadable`). */
const unreadableNote = (keyId: string) => `encrypted with key ${keyId}, which this server doesn't have`;

const UNREADABLE_EXPLAINED =
  'A mood entry with "noteUnreadable" has a note this server cannot decrypt (it was written under an ' +
  'encryption key this server does not have); its "notes" is null, which otherwise means no note.';

export interface UserExport {
  json: string;
  csv: string;
  counts: Record<string, number>;
}

export interface PrivacyService {
  /** Everything stored about the user: a JSON document of every table and a CSV of mood entries. */
  export(userId: number, timeZone: string): Promise<UserExport>;
  /** Erases the user and, through the cascading foreign keys, every row of theirs. */
  forget(userId: number): Promise<boolean>;
}

export function createPrivacyService(deps: {
  db: Db;
  clock: Clock;
  identities: IdentityService;
  notes: NoteCipher;
}): PrivacyService {
  return {
    async export(userId, timeZone) {
      const stored = await collectUserData(deps.db, userId);
      // Notes are shown decrypted: the export is the person's own data in readable form. A note under a
      // key this server lacks is kept apart from "no note": `notes` null and `noteUnreadable` saying why.
      const opened = deps.notes.openAll(stored.moodEntries);
      const moodEntries = opened.map(({ noteKeyMissing, ...entry }) =>
        noteKeyMissing === null ? entry : { ...entry, noteUnreadable: unreadableNote(noteKeyMissing) },
      );
      const data = { ...stored, moodEntries };
      const { user, ...tables } = data;
      const unreadable = opened.some((e) => e.noteKeyMissing !== null);
      const document = {
        exportedAt: deps.clock.now().toISOString(),
        format: 'moodscale-export/1',
        note:
          'Everything MoodScale stores about you. Spotify tokens are credentials and are not included.' +
          (unreadable ? ` ${UNREADABLE_EXPLAINED}` : ''),
        user: user && {
          id: user.id,
          username: user.username,
          createdAt: user.createdAt,
          spotifyId: user.spotifyId,
          spotifyConnected: user.spotifyAccessToken !== null,
        },
        ...tables,
      };
      const rows = opened.map((e) =>
        csvLine([
          e.id,
          e.createdAt.toISOString(),
          localDay(e.createdAt, timeZone),
          e.moodScore,
          (e.emotions ?? []).join('; '),
          e.notes,
          e.noteKeyMissing === null ? null : unreadableNote(e.noteKeyMissing),
        ]),
      );
      const csv = [
        csvLine(['id', 'created_at_utc', 'local_date', 'mood_score', 'emotions', 'note', 'note_unreadable']),
        ...rows,
      ].join('\r\n');
      const counts = Object.fromEntries(Object.entries(tables).map(([name, list]) => [name, list.length]));
      return { json: JSON.stringify(document, null, 2), csv: `${csv}\r\n`, counts };
    },
    async forget(userId) {
      const erased = await deleteUser(deps.db, userId);
      deps.identities.forget(userId);
      return erased;
    },
  };
}
