import { and, count, desc, eq, gte, lt, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../database.js';
import { type PreparedStatement, runPrepared, selectRows } from '../raw-query.js';
import { type MoodEntry, moodEntries } from '../schema/index.js';
import { raiseMoodVersionsSql } from './mood-versions.js';
import { boundedLimit } from './text-guard.js';

export interface MoodEntryInput {
  userId: number;
  moodScore: number;
  emotions?: readonly string[] | null;
  notes?: string | null;
  createdAt?: Date;
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

/** Entries per calendar day in the user's time zone. */
export interface DailyMoods {
  day: string;
  entries: number;
  total: number;
}

/**
 * A mood entry as raw SQL reads it: `id, user_id, mood_score, emotions, notes` and `created_ms` (the
 * epoch in milliseconds, `(extract(epoch FROM created_at) * 1000)::float8`), for toMoodEntry.
 */
export const moodEntryRow = z.object({
  id: z.coerce.number(),
  user_id: z.coerce.number(),
  mood_score: z.coerce.number(),
  emotions: z.array(z.string()).nullable(),
  notes: z.string().nullable(),
  created_ms: z.coerce.number(),
});

export function toMoodEntry(row: z.infer<typeof moodEntryRow>): MoodEntry {
  return {
    id: row.id,
    userId: row.user_id,
    moodScore: row.mood_score,
    emotions: row.emotions,
    notes: row.notes,
    createdAt: new Date(row.created_ms),
  };
}

const dailyRow = z.object({ day: z.string(), entries: z.coerce.number(), total: z.coerce.number() });

// A date cast is far cheaper per row than to_char, and ::text gives both drivers the same YYYY-MM-DD.
const localDaySql = (timeZone: string) =>
  sql`(((${moodEntries.createdAt} AT TIME ZONE 'UTC') AT TIME ZONE ${timeZone})::date)::text`;

/** Count and sum of scores per local day since `since`, oldest first. */
export async function dailyMoods(
  db: Db,
  userId: number,
  timeZone: string,
  since: Date,
): Promise<DailyMoods[]> {
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

/** The most recent local days on which the user logged, newest first (for streaks). */
export async function loggedDays(db: Db, userId: number, timeZone: string, limit = 1000): Promise<string[]> {
  const rows = await selectRows(
    db,
    sql`SELECT DISTINCT ${localDaySql(timeZone)} AS day FROM mood_entries
         WHERE user_id = ${userId} ORDER BY 1 DESC LIMIT ${boundedLimit(limit, 1000, 5000)}`,
    z.object({ day: z.string() }),
  );
  return rows.map((r) => r.day);
}

/** Entries of one local day: `day` counts days since 1970-01-01 in the user's zone. */
export interface DayCount {
  day: number;
  entries: number;
  total: number;
}

/**
 * The window a writer wants back with its entry: the user's entries from `from` on, per local day of
 * `timeZone`. When the caller holds that window already, as of the user's mood version `knownVersion`
 * (see schema/mood-versions.ts), it comes back only if something else changed the user's entries since:
 * another instance's /mood, an /undo, an import or a merge each raised the version in between.
 */
export interface WindowRead {
  from: Date;
  timeZone: string;
  /** The user's mood version the caller's copy of the window is current at (null: none held). */
  knownVersion: number | null;
}

export interface MoodEntryWrite extends MoodEntryInput {
  window?: WindowRead;
  /**
   * The inbox delivery this entry comes from. The entry is stored only together with marking that
   * delivery applied, in one statement: a delivery already applied (run again after a crash, or by a
   * second instance) stores nothing and comes back as `alreadyApplied`.
   */
  deliveryKey?: string;
}

/** A stored entry, and the window asked for when the caller's copy was missing or stale. */
export interface LoggedMoodEntry {
  entry: MoodEntry;
  /** The entries before this one, per local day, oldest first. */
  recentDays?: DayCount[];
  /**
   * The user's mood version with this entry: the caller's window (or `recentDays`) plus this entry is
   * current at it. Null when another change committed while this statement ran, so the window read may
   * lack it: the next write reads the window again.
   */
  version: number | null;
}

/** The delivery of a write had been applied already: nothing was stored this time. */
export interface AlreadyAppliedEntry {
  alreadyApplied: true;
  entry?: undefined;
  recentDays?: undefined;
}

export type MoodWriteResult = LoggedMoodEntry | AlreadyAppliedEntry;

export const isAlreadyApplied = (result: MoodWriteResult): result is AlreadyAppliedEntry =>
  'alreadyApplied' in result;

const dayCounts = z.array(z.tuple([z.coerce.number(), z.coerce.number(), z.coerce.number()]));

const loggedRow = z.object({
  user_id: z.coerce.number(),
  id: z.coerce.number(),
  created_ms: z.coerce.number(),
  version: z.coerce.number().nullable(),
  recent_days: dayCounts.nullable(),
});

// Several entries in one statement, one per user: the rows travel as parallel arrays (emotions as array
// literals, so text is sent exactly as a single insert sends it) and only what the caller does not
// already hold comes back. Each stored entry raises its user's mood version (the row locked in user
// order, so two statements never wait on each other crosswise). The version raised is the one after the
// caller's exactly when nothing else changed the user's entries since the caller's window was current:
// the window is then not read at all (it was the costliest part of the statement, a visit to every
// entry of the window). Otherwise it is read from the statement's snapshot, from before the insert (so
// it never counts the batch's own rows), and it is current at the raised version only if the snapshot's
// version is the one before (no change committed while the statement waited for the row).
// Each row's input, the window's start computed once.
const logInput = `WITH input AS (
           SELECT *, to_timestamp(from_ms / 1000) AT TIME ZONE 'UTC' AS from_at
             FROM unnest($1::int[], $2::int[], $3::text[], $4::text[], $5::float8[], $6::text[],
                         $7::int8[], $8::text[]) WITH ORDINALITY
                  AS t(user_id, mood_score, emotions, notes, from_ms, zone, known_version, delivery_key, ord)
         `;

// The answer: each stored entry with its user's new version and the window when the caller needs it.
const logAnswer = `), seen AS (
           SELECT user_id, version FROM mood_versions WHERE user_id IN (SELECT user_id FROM inserted)
         ), raised AS (
           ${raiseMoodVersionsSql('inserted')}
         )
         SELECT i.user_id, i.id, (extract(epoch FROM i.created_at) * 1000)::float8 AS created_ms,
                CASE WHEN r.version = coalesce(s.version, 0) + 1 THEN r.version END AS version,
                CASE
                  WHEN t.zone IS NULL OR r.version = t.known_version + 1 THEN NULL
                  ELSE (
                    SELECT coalesce(json_agg(json_build_array(d.day, d.entries, d.total) ORDER BY d.day), '[]')
                      FROM (SELECT ((m.created_at AT TIME ZONE 'UTC') AT TIME ZONE t.zone)::date
                                     - DATE '1970-01-01' AS day,
                                   count(*) AS entries, sum(m.mood_score) AS total
                              FROM mood_entries m
                             WHERE m.user_id = i.user_id AND m.created_at >= t.from_at
                             GROUP BY 1) d)
                END AS recent_days
           FROM inserted i
           JOIN input t ON t.user_id = i.user_id
           JOIN raised r ON r.user_id = i.user_id
           LEFT JOIN seen s ON s.user_id = i.user_id`;

/** Entries without an inbox delivery (the console, tools): every row is stored. */
const logStatement: PreparedStatement = {
  name: 'moodscale_log_moods_plain_v3',
  text: `${logInput}), inserted AS (
           INSERT INTO mood_entries (user_id, mood_score, emotions, notes)
           SELECT user_id, mood_score, emotions::text[], notes FROM input ORDER BY ord
           RETURNING id, user_id, created_at
         ${logAnswer}`,
};

/** Entries from inbox deliveries: a row is stored only as its delivery is marked applied, once. */
const logDeliveriesStatement: PreparedStatement = {
  name: 'moodscale_log_moods_delivered_v3',
  text: `${logInput}), applied AS (
           UPDATE inbox SET applied_at = now() AT TIME ZONE 'UTC'
            WHERE delivery_key IN (SELECT delivery_key FROM input WHERE delivery_key IS NOT NULL)
              AND applied_at IS NULL
           RETURNING delivery_key
         ), inserted AS (
           INSERT INTO mood_entries (user_id, mood_score, emotions, notes)
           SELECT user_id, mood_score, emotions::text[], notes FROM input
            WHERE delivery_key IS NULL OR delivery_key IN (SELECT delivery_key FROM applied)
            ORDER BY ord
           RETURNING id, user_id, created_at
         ${logAnswer}`,
};

/**
 * Inserts entries of distinct users in one prepared statement and returns each in input order, with
 * the user's recent days where asked for and not already held. The hot path of `/mood`. All rows
 * commit together or none does, each with its inbox delivery marked applied (see MoodEntryWrite).
 * Emotions and notes are stored as given: /mood's option parser checked them storable (a NUL, another
 * control character or half a surrogate pair is refused there, core/commands/text.ts assertStorable),
 * and a note arrives here sealed. Text the database still refuses fails the statement (SQLSTATE 22).
 */
export async function logMoodEntries(db: Db, inputs: readonly MoodEntryWrite[]): Promise<MoodWriteResult[]> {
  if (inputs.length === 0) return [];
  const userIds = inputs.map((input) => input.userId);
  if (new Set(userIds).size !== userIds.length) {
    throw new TypeError('logMoodEntries takes at most one entry per user (their windows would overlap).');
  }
  const rows = inputs.map((input) => ({
    ...input,
    emotions: input.emotions ? [...input.emotions] : null,
    notes: input.notes ?? null,
  }));
  const statement = inputs.some((input) => input.deliveryKey !== undefined)
    ? logDeliveriesStatement
    : logStatement;
  const stored = await runPrepared(db, statement, [
    userIds,
    rows.map((row) => row.moodScore),
    rows.map((row) => (row.emotions ? textArrayLiteral(row.emotions) : null)),
    rows.map((row) => row.notes),
    rows.map((row) => row.window?.from.getTime() ?? null),
    rows.map((row) => row.window?.timeZone ?? null),
    rows.map((row) => row.window?.knownVersion ?? null),
    rows.map((row) => row.deliveryKey ?? null),
  ]);
  const byUser = new Map(stored.map((raw) => loggedRow.parse(raw)).map((row) => [row.user_id, row]));
  return rows.map((input) => {
    const row = byUser.get(input.userId);
    if (!row && input.deliveryKey !== undefined) return { alreadyApplied: true } as const;
    if (!row) throw new Error(`The batch insert returned no row for user ${input.userId}.`);
    const logged: LoggedMoodEntry = {
      entry: {
        id: row.id,
        userId: input.userId,
        moodScore: input.moodScore,
        emotions: input.emotions,
        notes: input.notes,
        createdAt: new Date(row.created_ms),
      },
      version: row.version,
    };
    if (row.recent_days) {
      logged.recentDays = row.recent_days.map(([day, entries, total]) => ({ day, entries, total }));
    }
    return logged;
  });
}

/** A PostgreSQL array literal of strings, every element quoted (so NULL, commas and braces stay text). */
function textArrayLiteral(values: readonly string[]): string {
  return `{${values.map((value) => `"${value.replace(/[\\"]/g, '\\$&')}"`).join(',')}}`;
}

/** The user's most frequent emotion tags since `since`, most frequent first. */
export async function topEmotions(
  db: Db,
  userId: number,
  since: Date,
  limit = 5,
): Promise<Array<{ emotion: string; count: number }>> {
  const rows = await selectRows(
    db,
    sql`SELECT e AS emotion, count(*) AS count
          FROM mood_entries, unnest(emotions) AS e
         WHERE user_id = ${userId} AND created_at >= ${since.toISOString()}::timestamp
         GROUP BY e ORDER BY count(*) DESC, e ASC LIMIT ${boundedLimit(limit, 5, 50)}`,
    z.object({ emotion: z.string(), count: z.coerce.number() }),
  );
  return rows;
}

/** What /undo did: the entry it removed, nothing (none matched), or nothing because it ran before. */
export type UndoResult =
  | { removed: MoodEntry; alreadyApplied?: undefined }
  | { removed: undefined; alreadyApplied: boolean };

const undoRow = z.object({
  applied_now: z.coerce.number(),
  id: z.coerce.number().nullable(),
  mood_score: z.coerce.number().nullable(),
  emotions: z.array(z.string()).nullable(),
  notes: z.string().nullable(),
  created_ms: z.coerce.number().nullable(),
});

// The entry goes only together with its delivery being marked applied, as /mood stores one: run again
// after a crash or by another instance, /undo without an id would otherwise remove a second entry.
const undoStatement: PreparedStatement = {
  name: 'moodscale_undo_mood_v2',
  text: `WITH applied AS (
           UPDATE inbox SET applied_at = now() AT TIME ZONE 'UTC'
            WHERE delivery_key = $4::text AND applied_at IS NULL
           RETURNING delivery_key
         ), target AS (
           SELECT id FROM mood_entries
            WHERE user_id = $1::int
              AND created_at >= to_timestamp($3::float8 / 1000) AT TIME ZONE 'UTC'
              AND ($2::int IS NULL OR id = $2::int)
            ORDER BY created_at DESC, id DESC
            LIMIT 1
         ), removed AS (
           DELETE FROM mood_entries
            WHERE id IN (SELECT id FROM target)
              AND ($4::text IS NULL OR EXISTS (SELECT 1 FROM applied))
           RETURNING id, user_id, mood_score, emotions, notes, created_at
         ), raised AS (
           ${raiseMoodVersionsSql('removed')}
         )
         SELECT (SELECT count(*) FROM applied)::int AS applied_now, r.id, r.mood_score, r.emotions, r.notes,
                (extract(epoch FROM r.created_at) * 1000)::float8 AS created_ms
           FROM (SELECT 1) AS one LEFT JOIN removed r ON true`,
};

/**
 * Removes one of the user's entries created at or after `since`: `entryId`, or else the newest. With a
 * `deliveryKey` it happens only as that inbox delivery is marked applied, once.
 */
export async function undoMoodEntry(
  db: Db,
  request: { userId: number; entryId?: number | undefined; since: Date; deliveryKey?: string | undefined },
): Promise<UndoResult> {
  const [raw] = await runPrepared(db, undoStatement, [
    request.userId,
    request.entryId ?? null,
    request.since.getTime(),
    request.deliveryKey ?? null,
  ]);
  const row = undoRow.parse(raw);
  if (row.id === null || row.mood_score === null || row.created_ms === null) {
    return { removed: undefined, alreadyApplied: request.deliveryKey !== undefined && row.applied_now === 0 };
  }
  return {
    removed: {
      id: row.id,
      userId: request.userId,
      moodScore: row.mood_score,
      emotions: row.emotions,
      notes: row.notes,
      createdAt: new Date(row.created_ms),
    },
  };
}

/**
 * Adds emotion tags (each once, at most `maxTags` in all) and/or replaces the sealed note of one of the
 * user's entries: a check-in answered by a tap grows by its quick picks and note. Undefined when the
 * entry is not the user's or is gone (undone).
 */
export async function amendMoodEntry(
  db: Db,
  change: {
    userId: number;
    entryId: number;
    addEmotions?: readonly string[] | undefined;
    sealedNote?: string | undefined;
    maxTags: number;
  },
): Promise<MoodEntry | undefined> {
  const add = textArrayLiteral(change.addEmotions ?? []);
  const rows = await selectRows(
    db,
    sql`UPDATE mood_entries m
           SET emotions = (SELECT CASE WHEN count(*) = 0 THEN NULL ELSE array_agg(tag ORDER BY first) END
                             FROM (SELECT tag, min(ord) AS first
                                     FROM unnest(COALESCE(m.emotions, '{}'::text[]) || ${add}::text[])
                                          WITH ORDINALITY AS t(tag, ord)
                                    GROUP BY tag ORDER BY min(ord) LIMIT ${change.maxTags}) kept),
               notes = COALESCE(${change.sealedNote ?? null}::text, m.notes)
         WHERE m.id = ${change.entryId} AND m.user_id = ${change.userId}
     RETURNING m.id, m.user_id, m.mood_score, m.emotions, m.notes,
               (extract(epoch FROM m.created_at) * 1000)::float8 AS created_ms`,
    moodEntryRow,
  );
  const row = rows[0];
  return row && toMoodEntry(row);
}

/** One of the user's entries by id (never another user's); notes as stored (sealed). */
export async function findMoodEntry(db: Db, userId: number, entryId: number): Promise<MoodEntry | undefined> {
  const [row] = await db
    .select()
    .from(moodEntries)
    .where(and(eq(moodEntries.id, entryId), eq(moodEntries.userId, userId)));
  return row;
}
