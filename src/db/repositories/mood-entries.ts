import { and, count, desc, eq, gte, lt, sql } from 'drizzle-orm';
import type { Db } from '../database.js';
import { type MoodEntry, moodEntries } from '../schema/index.js';
import { boundedLimit, storableText, storableTexts } from './text-guard.js';

export interface MoodEntryInput {
  userId: number;
  moodScore: number;
  emotions?: readonly string[] | null;
  notes?: string | null;
  createdAt?: Date;
}

export async function insertMoodEntry(db: Db, input: MoodEntryInput): Promise<MoodEntry> {
  const [entry] = await db
    .insert(moodEntries)
    .values({
      userId: input.userId,
      moodScore: input.moodScore,
      emotions: storableTexts(input.emotions, 'emotions'),
      notes: storableText(input.notes ?? null, 'note'),
      ...(input.createdAt ? { createdAt: input.createdAt } : {}),
    })
    .returning();
  return entry!;
}

export interface MoodRange {
  since?: Date;
  until?: Date;
  limit?: number;
}

/** The user's entries, newest first, at most `limit` (default 100, never more than 1,000). */
export async function listMoodEntries(db: Db, userId: number, range: MoodRange = {}): Promise<MoodEntry[]> {
  return db
    .select()
    .from(moodEntries)
    .where(
      and(
        eq(moodEntries.userId, userId),
        range.since ? gte(moodEntries.createdAt, range.since) : undefined,
        range.until ? lt(moodEntries.createdAt, range.until) : undefined,
      ),
    )
    .orderBy(desc(moodEntries.createdAt), desc(moodEntries.id))
    .limit(boundedLimit(range.limit, 100, 1000));
}

export async function findLatestMoodEntry(db: Db, userId: number): Promise<MoodEntry | undefined> {
  const [entry] = await listMoodEntries(db, userId, { limit: 1 });
  return entry;
}

export async function findMoodEntry(db: Db, userId: number, id: number): Promise<MoodEntry | undefined> {
  const [entry] = await db
    .select()
    .from(moodEntries)
    .where(and(eq(moodEntries.id, id), eq(moodEntries.userId, userId)));
  return entry;
}

export async function countMoodEntries(db: Db, userId: number): Promise<number> {
  const [row] = await db.select({ n: count() }).from(moodEntries).where(eq(moodEntries.userId, userId));
  return row?.n ?? 0;
}

export interface MoodSummary {
  entries: number;
  average: number | null;
  min: number | null;
  max: number | null;
}

/** Count and average of the user's scores in a period, computed in the database. */
export async function summarizeMoods(db: Db, userId: number, since: Date, until?: Date): Promise<MoodSummary> {
  const [row] = await db
    .select({
      entries: count(),
      average: sql<string | null>`avg(${moodEntries.moodScore})`,
      min: sql<number | null>`min(${moodEntries.moodScore})`,
      max: sql<number | null>`max(${moodEntries.moodScore})`,
    })
    .from(moodEntries)
    .where(
      and(
        eq(moodEntries.userId, userId),
        gte(moodEntries.createdAt, since),
        until ? lt(moodEntries.createdAt, until) : undefined,
      ),
    );
  return {
    entries: row?.entries ?? 0,
    average: row?.average == null ? null : Number(row.average),
    min: row?.min ?? null,
    max: row?.max ?? null,
  };
}

export async function deleteMoodEntry(db: Db, userId: number, id: number): Promise<boolean> {
  const deleted = await db
    .delete(moodEntries)
    .where(and(eq(moodEntries.id, id), eq(moodEntries.userId, userId)))
    .returning({ id: moodEntries.id });
  return deleted.length > 0;
}
