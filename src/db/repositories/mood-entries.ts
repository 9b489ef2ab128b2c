import { and, count, desc, eq, gte, lt, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../database.js';
import { queryRows } from '../raw-query.js';
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

/** Entries per calendar day in the user's time zone. */
export interface DailyMoods {
  day: string;
  entries: number;
  total: number;
}

const dailyRow = z.object({
  day: z.union([z.string(), z.date()]).transform((d) => (typeof d === 'string' ? d.slice(0, 10) : d.toISOString().slice(0, 10))),
  entries: z.coerce.number(),
  total: z.coerce.number(),
});

const localDaySql = (timeZone: string) =>
  sql`to_char((${moodEntries.createdAt} AT TIME ZONE 'UTC') AT TIME ZONE ${timeZone}, 'YYYY-MM-DD')`;

/** Count and sum of scores per local day since `since`, oldest first. */
export async function dailyMoods(db: Db, userId: number, timeZone: string, since: Date): Promise<DailyMoods[]> {
  const day = localDaySql(timeZone);
  const rows = await db
    .select({ day: sql<string>`${day}`, entries: count(), total: sql<string>`sum(${moodEntries.moodScore})` })
    .from(moodEntries)
    .where(and(eq(moodEntries.userId, userId), gte(moodEntries.createdAt, since)))
    // By position: the zone is a bind parameter, so repeating the expression would not match it.
    .groupBy(sql`1`)
    .orderBy(sql`1`);
  return rows.map((r) => dailyRow.parse(r));
}

const insertedRow = z.object({
  id: z.number(),
  user_id: z.number(),
  mood_score: z.number(),
  emotions: z.array(z.string()).nullable(),
  notes: z.string().nullable(),
  created_at: z.union([z.string(), z.date()]),
});

/**
 * Inserts an entry and returns it with the user's earlier entries per local day since `since`, in one
 * round trip: the hot path of `/mood`. The day list does not yet include the new entry (one snapshot).
 */
export async function insertMoodEntryWithHistory(
  db: Db,
  input: MoodEntryInput,
  timeZone: string,
  since: Date,
): Promise<{ entry: MoodEntry; earlierDays: DailyMoods[] }> {
  const emotions = storableTexts(input.emotions, 'emotions');
  const notes = storableText(input.notes ?? null, 'note');
  const rows = await queryRows<{ entry: unknown; days: unknown }>(
    db,
    sql`WITH inserted AS (
          INSERT INTO mood_entries (user_id, mood_score, emotions, notes)
          VALUES (${input.userId}, ${input.moodScore}, ${sql.param(emotions)}::text[], ${notes})
          RETURNING id, user_id, mood_score, emotions, notes, created_at
        )
        SELECT (SELECT row_to_json(i) FROM inserted i) AS entry,
               (SELECT coalesce(json_agg(d ORDER BY d.day), '[]'::json) FROM (
                  SELECT ${localDaySql(timeZone)} AS day, count(*) AS entries, sum(mood_score) AS total
                    FROM mood_entries
                   WHERE user_id = ${input.userId} AND created_at >= ${since.toISOString()}::timestamp
                   GROUP BY 1) d) AS days`,
  );
  const row = rows[0]!;
  const raw = insertedRow.parse(typeof row.entry === 'string' ? JSON.parse(row.entry) : row.entry);
  const days = z.array(dailyRow).parse(typeof row.days === 'string' ? JSON.parse(row.days) : row.days);
  return {
    entry: {
      id: raw.id,
      userId: raw.user_id,
      moodScore: raw.mood_score,
      emotions: raw.emotions,
      notes: raw.notes,
      createdAt: asUtc(raw.created_at),
    },
    earlierDays: days,
  };
}

/** TIMESTAMP columns hold UTC without a zone; JSON renders them without one. */
function asUtc(value: string | Date): Date {
  if (value instanceof Date) return value;
  return new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value}Z`);
}

/** The user's most frequent emotion tags since `since`, most frequent first. */
export async function topEmotions(
  db: Db,
  userId: number,
  since: Date,
  limit = 5,
): Promise<Array<{ emotion: string; count: number }>> {
  const rows = await queryRows<{ emotion: string; count: string | number }>(
    db,
    sql`SELECT e AS emotion, count(*) AS count
          FROM mood_entries, unnest(emotions) AS e
         WHERE user_id = ${userId} AND created_at >= ${since.toISOString()}::timestamp
         GROUP BY e ORDER BY count(*) DESC, e ASC LIMIT ${boundedLimit(limit, 5, 50)}`,
  );
  return rows.map((r) => ({ emotion: r.emotion, count: Number(r.count) }));
}
