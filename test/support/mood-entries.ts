import { and, count, eq } from 'drizzle-orm';
import type { Db } from '../../src/db/database.js';
import {
  isAlreadyApplied,
  type LoggedMoodEntry,
  logMoodEntries,
  type MoodEntryInput,
  type MoodEntryWrite,
} from '../../src/db/repositories/mood-entries.js';
import { type MoodEntry, moodEntries, moodVersions } from '../../src/db/schema/index.js';

/**
 * A mood entry for a test's GIVEN, written by production's own statement (logMoodEntries: the same array
 * encoding as /mood; text is not checked again below /mood's option parser); `createdAt` then moves it into the past, which /mood never does.
 */
export async function insertMoodEntry(db: Db, input: MoodEntryInput): Promise<MoodEntry> {
  const [logged] = await logMoodEntries(db, [input]);
  if (!logged?.entry) throw new Error('an entry without a delivery is always stored');
  if (!input.createdAt) return logged.entry;
  await db.update(moodEntries).set({ createdAt: input.createdAt }).where(eq(moodEntries.id, logged.entry.id));
  return { ...logged.entry, createdAt: input.createdAt };
}

/** One of the user's entries as stored, for a test's THEN (undefined when it is not theirs). */
export async function findMoodEntry(db: Db, userId: number, id: number): Promise<MoodEntry | undefined> {
  const [entry] = await db
    .select()
    .from(moodEntries)
    .where(and(eq(moodEntries.id, id), eq(moodEntries.userId, userId)));
  return entry;
}

/** How many entries the user has, for a test's THEN. */
export async function countMoodEntries(db: Db, userId: number): Promise<number> {
  const [row] = await db.select({ n: count() }).from(moodEntries).where(eq(moodEntries.userId, userId));
  return row?.n ?? 0;
}

/** One entry without a delivery through production's batch statement (logMoodEntries with one row). */
export async function logMoodEntry(
  db: Db,
  input: Omit<MoodEntryWrite, 'deliveryKey'>,
): Promise<LoggedMoodEntry> {
  const [logged] = await logMoodEntries(db, [input]);
  if (!logged || isAlreadyApplied(logged)) throw new Error('an entry without a delivery is always stored');
  return logged;
}

/** The user's mood version (see src/db/schema/mood-versions.ts): 0 before any change. */
export async function moodVersionOf(db: Db, userId: number): Promise<number> {
  const [row] = await db
    .select({ version: moodVersions.version })
    .from(moodVersions)
    .where(eq(moodVersions.userId, userId));
  return row?.version ?? 0;
}
