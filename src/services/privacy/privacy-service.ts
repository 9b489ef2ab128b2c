import type { Clock } from '../../core/clock.js';
import type { Db } from '../../db/database.js';
import { collectUserData } from '../../db/repositories/user-export.js';
import { deleteUser } from '../../db/repositories/users.js';
import type { IdentityService } from '../identity-service.js';
import { localDay } from '../mood/local-days.js';
import type { NoteCipher } from '../mood/note-cipher.js';
import { csvLine } from './csv.js';

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
      // Notes are shown decrypted: the export is the person's own data in readable form.
      const data = { ...stored, moodEntries: deps.notes.openAll(stored.moodEntries) };
      const { user, ...tables } = data;
      const document = {
        exportedAt: deps.clock.now().toISOString(),
        format: 'moodscale-export/1',
        note: 'Everything MoodScale stores about you. Spotify tokens are credentials and are not included.',
        user: user && {
          id: user.id,
          username: user.username,
          createdAt: user.createdAt,
          spotifyId: user.spotifyId,
          spotifyConnected: user.spotifyAccessToken !== null,
        },
        ...tables,
      };
      const rows = data.moodEntries.map((e) =>
        csvLine([
          e.id,
          e.createdAt.toISOString(),
          localDay(e.createdAt, timeZone),
          e.moodScore,
          (e.emotions ?? []).join('; '),
          e.notes,
        ]),
      );
      const csv = [
        csvLine(['id', 'created_at_utc', 'local_date', 'mood_score', 'emotions', 'note']),
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
