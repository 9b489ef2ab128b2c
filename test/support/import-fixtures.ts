import { sql } from 'drizzle-orm';
import type { Db } from '../../src/db/database.js';
import { queryRows } from './query-rows.js';

/** A Daylio CSV export (newest row first, as Daylio writes it), all in November 2026. */
export const DAYLIO_EXPORT = [
  'full_date,date,weekday,time,mood,activities,note_title,note',
  '2026-11-04,November 4,Wednesday,21:30,good,friends | music,Dinner,"Pasta with Sam, then a film"',
  '2026-11-03,November 3,Tuesday,8:05 AM,bad,work,,',
  '2026-11-02,November 2,Monday,19:00,rad,hiking,,Summit at last',
  '2026-11-01,November 1,Sunday,10:00,awful,,,',
].join('\n');

/** What those rows become: the instant (the user's zone is UTC), Daylio's mood as a score, the tags. */
export const DAYLIO_EXPORT_ENTRIES = [
  { at: '2026-11-01T10:00:00.000', score: 1, emotions: null },
  { at: '2026-11-02T19:00:00.000', score: 10, emotions: ['hiking'] },
  { at: '2026-11-03T08:05:00.000', score: 3, emotions: ['work'] },
  { at: '2026-11-04T21:30:00.000', score: 8, emotions: ['friends', 'music'] },
];

/** The first bytes of a PNG picture: a file /import must refuse. */
export const PNG_BYTES = new Uint8Array([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52,
]);

export interface StoredEntry {
  at: string;
  score: number;
  emotions: string[] | null;
}

/** A user's mood entries as an import gives them back, oldest first ([] for no user). */
export async function storedEntriesOf(db: Db, userId: number | undefined): Promise<StoredEntry[]> {
  if (userId === undefined) return [];
  return queryRows<StoredEntry>(
    db,
    sql`SELECT to_char(created_at, 'YYYY-MM-DD"T"HH24:MI:SS.MS') AS at, mood_score AS score, emotions
          FROM mood_entries WHERE user_id = ${userId} ORDER BY created_at, id`,
  );
}

/** How many imports the user has waiting for (or done with) a confirmation (0 for no user). */
export async function pendingImportCount(db: Db, userId: number | undefined): Promise<number> {
  if (userId === undefined) return 0;
  const [row] = await queryRows<{ n: number }>(
    db,
    sql`SELECT count(*)::int AS n FROM pending_imports WHERE user_id = ${userId}`,
  );
  return row?.n ?? 0;
}
