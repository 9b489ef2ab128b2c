import { and, eq, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../database.js';
import { selectRows } from '../raw-query.js';
import {
  type CheckinPrompt,
  type CheckinPromptKind,
  type CheckinSchedule,
  checkinPrompts,
  checkinSchedules,
} from '../schema/index.js';
import { heldBy, type LeaseTerms, leaseClaim, leaseEnd } from './delivery-lease.js';

export type ScheduleChange = Partial<
  Pick<CheckinSchedule, 'enabled' | 'times' | 'days' | 'pausedUntil' | 'resumedAt'>
>;

export async function findCheckinSchedule(db: Db, userId: number): Promise<CheckinSchedule | undefined> {
  const [row] = await db.select().from(checkinSchedules).where(eq(checkinSchedules.userId, userId));
  return row;
}

/** Writes the changed parts of a user's schedule, making the row when there is none. */
export async function saveCheckinSchedule(
  db: Db,
  userId: number,
  change: ScheduleChange,
  now: Date,
): Promise<CheckinSchedule> {
  const [row] = await db
    .insert(checkinSchedules)
    .values({ userId, ...change, updatedAt: now })
    .onConflictDoUpdate({ target: checkinSchedules.userId, set: { ...change, updatedAt: now } })
    .returning();
  if (!row) throw new Error('saving a check-in schedule returned no row');
  return row;
}

/**
 * Marks the check-in offered to these users (after their first /mood), in one statement: the row is made
 * (off) only where none exists, so a user who already has a schedule keeps it. A user erased meanwhile is
 * skipped rather than failing the others' write.
 */
export async function markCheckinsOffered(db: Db, userIds: readonly number[], now: Date): Promise<void> {
  if (userIds.length === 0) return;
  await db.execute(sql`
    INSERT INTO checkin_schedules (user_id, offered_at, updated_at)
    SELECT id, ${now}, ${now} FROM users WHERE id = ANY(${`{${userIds.join(',')}}`}::int[])
    ON CONFLICT (user_id) DO NOTHING`);
}

const candidateRow = z.object({
  user_id: z.coerce.number().int(),
  times: z.array(z.coerce.number().int()),
  days: z.coerce.number().int(),
  time_zone: z.string(),
  dm_blocked: z.boolean(),
  resumed_at: z.coerce.date().nullable(),
});

export interface CheckinCandidate {
  userId: number;
  times: number[];
  days: number;
  timeZone: string;
  dmBlocked: boolean;
  resumedAt: Date | null;
}

/**
 * Users with check-ins on, not paused, one of whose times falls in the local hour of `now` or the hour
 * before it (a time skipped by a clock change is asked at the first instant after the gap), by user id
 * after `afterUserId`. The exact due slot is the caller's to compute; this only narrows the rows read.
 */
export async function findCheckinCandidates(
  db: Db,
  query: { now: Date; afterUserId: number; limit: number; userIds?: readonly number[] | undefined },
): Promise<CheckinCandidate[]> {
  const at = query.now.toISOString();
  const only = query.userIds ? sql`AND s.user_id = ANY(${`{${query.userIds.join(',')}}`}::int[])` : sql``;
  const rows = await selectRows(
    db,
    sql`SELECT s.user_id, s.times, s.days, s.resumed_at AT TIME ZONE 'UTC' AS resumed_at,
               COALESCE(us.time_zone, 'UTC') AS time_zone, (us.dm_blocked_at IS NOT NULL) AS dm_blocked
          FROM checkin_schedules s
          LEFT JOIN user_settings us ON us.user_id = s.user_id
         WHERE s.enabled AND s.user_id > ${query.afterUserId} ${only}
           AND (s.paused_until IS NULL OR s.paused_until <= (${at}::timestamptz AT TIME ZONE 'UTC'))
           AND EXISTS (
                 SELECT 1 FROM unnest(s.times) AS m(minute)
                  WHERE m.minute / 60 BETWEEN
                        extract(hour FROM ${at}::timestamptz AT TIME ZONE COALESCE(us.time_zone, 'UTC')) - 1
                    AND extract(hour FROM ${at}::timestamptz AT TIME ZONE COALESCE(us.time_zone, 'UTC')))
         ORDER BY s.user_id
         LIMIT ${query.limit}`,
    candidateRow,
  );
  return rows.map((r) => ({
    userId: r.user_id,
    times: r.times,
    days: r.days,
    timeZone: r.time_zone,
    dmBlocked: r.dm_blocked,
    resumedAt: r.resumed_at,
  }));
}

const historyRow = z.object({
  user_id: z.coerce.number().int(),
  last_mood_at: z.coerce.date().nullable(),
  unanswered: z.coerce.number().int(),
  keep_asked: z.boolean(),
  days: z.array(z.string()).nullable(),
});

/** What a prompt's rules need to know about a user, read for a batch at once. */
export interface CheckinHistory {
  lastMoodAt: Date | null;
  /** Prompts sent since the later of the latest mood and the last resume (Keep, turning on). */
  unanswered: number;
  /** The "keep them?" question was sent (or is being sent) in the current unanswered run. */
  keepAsked: boolean;
  /** Local days (YYYY-MM-DD) with a mood in the last 40 days, newest first: for the streak. */
  loggedDays: string[];
}

/** Each user's history for the prompt rules: one statement for the batch. */
export async function readCheckinHistories(
  db: Db,
  users: ReadonlyArray<{ userId: number; timeZone: string }>,
  now: Date,
): Promise<Map<number, CheckinHistory>> {
  if (users.length === 0) return new Map();
  const ids = `{${users.map((u) => u.userId).join(',')}}`;
  const zones = `{${users.map((u) => `"${u.timeZone.replaceAll('"', '')}"`).join(',')}}`;
  const since = new Date(now.getTime() - 40 * 86_400_000).toISOString();
  const rows = await selectRows(
    db,
    sql`WITH u AS (SELECT * FROM unnest(${ids}::int[], ${zones}::text[]) AS u(user_id, time_zone)),
             last AS (
               SELECT u.user_id, u.time_zone,
                      (SELECT max(m.created_at) FROM mood_entries m WHERE m.user_id = u.user_id) AS last_mood,
                      s.resumed_at
                 FROM u LEFT JOIN checkin_schedules s ON s.user_id = u.user_id)
        SELECT l.user_id, l.last_mood AT TIME ZONE 'UTC' AS last_mood_at,
               (SELECT count(*) FROM checkin_prompts p
                 WHERE p.user_id = l.user_id AND p.kind = 'prompt' AND p.status = 'sent'
                   AND p.slot_at > GREATEST(COALESCE(l.last_mood, '-infinity'), COALESCE(l.resumed_at, '-infinity'))
               ) AS unanswered,
               EXISTS (SELECT 1 FROM checkin_prompts p
                 WHERE p.user_id = l.user_id AND p.kind = 'keep' AND p.status IN ('sent', 'claimed')
                   AND p.slot_at > GREATEST(COALESCE(l.last_mood, '-infinity'), COALESCE(l.resumed_at, '-infinity'))
               ) AS keep_asked,
               (SELECT array_agg(d ORDER BY d DESC) FROM (
                  SELECT DISTINCT to_char((m.created_at AT TIME ZONE 'UTC') AT TIME ZONE l.time_zone, 'YYYY-MM-DD') AS d
                    FROM mood_entries m
                   WHERE m.user_id = l.user_id AND m.created_at >= (${since}::timestamptz AT TIME ZONE 'UTC')) days
               ) AS days
          FROM last l`,
    historyRow,
  );
  return new Map(
    rows.map((r) => [
      r.user_id,
      {
        lastMoodAt: r.last_mood_at,
        unanswered: r.unanswered,
        keepAsked: r.keep_asked,
        loggedDays: r.days ?? [],
      },
    ]),
  );
}

const settledRow = z.object({ user_id: z.coerce.number().int(), slot_at: z.coerce.date() });

/** `user:slotMs` of prompts that need nothing more: sent, skipped, or failed `maxAttempts` times. */
export async function settledCheckinPrompts(
  db: Db,
  slots: ReadonlyArray<{ userId: number; slotAt: Date }>,
  maxAttempts: number,
): Promise<Set<string>> {
  if (slots.length === 0) return new Set();
  const ids = `{${slots.map((s) => s.userId).join(',')}}`;
  const ats = `{${slots.map((s) => `"${s.slotAt.toISOString()}"`).join(',')}}`;
  const rows = await selectRows(
    db,
    sql`SELECT p.user_id, p.slot_at AT TIME ZONE 'UTC' AS slot_at
          FROM checkin_prompts p
          JOIN unnest(${ids}::int[], ${ats}::timestamptz[]) AS w(user_id, slot_at)
            ON p.user_id = w.user_id AND p.slot_at = (w.slot_at AT TIME ZONE 'UTC')
         WHERE p.status IN ('sent', 'skipped') OR (p.status = 'failed' AND p.attempts >= ${maxAttempts})`,
    settledRow,
  );
  return new Set(rows.map((r) => `${r.user_id}:${r.slot_at.getTime()}`));
}

export interface PromptClaim extends LeaseTerms {
  userId: number;
  slotAt: Date;
  kind: CheckinPromptKind;
}

/** Claims a (user, slot) prompt for sending, as digests are claimed (see delivery-lease). */
export async function claimCheckinPrompt(db: Db, claim: PromptClaim): Promise<CheckinPrompt | undefined> {
  const t = checkinPrompts;
  const { values, set, setWhere } = leaseClaim(t, claim);
  const [row] = await db
    .insert(t)
    .values({ userId: claim.userId, slotAt: claim.slotAt, kind: claim.kind, ...values })
    .onConflictDoUpdate({ target: [t.userId, t.slotAt], set, setWhere })
    .returning();
  return row;
}

/** Records a prompt that is not sent (the user logged since the previous slot, DMs refused): settled. */
export async function recordSkippedPrompt(
  db: Db,
  prompt: { userId: number; slotAt: Date; reason: string },
): Promise<void> {
  await db
    .insert(checkinPrompts)
    .values({ userId: prompt.userId, slotAt: prompt.slotAt, ...leaseEnd.skipped(prompt.reason), attempts: 0 })
    .onConflictDoNothing();
}

async function finish(db: Db, id: number, claimedBy: string, values: Partial<CheckinPrompt>) {
  const t = checkinPrompts;
  const updated = await db
    .update(t)
    .set(values)
    .where(heldBy(t, id, claimedBy))
    .returning({ id: t.id });
  return updated.length > 0;
}

export const endPrompt = {
  sent: (db: Db, id: number, claimedBy: string, at: Date) => finish(db, id, claimedBy, leaseEnd.sent(at)),
  failed: (db: Db, id: number, claimedBy: string, error: string) =>
    finish(db, id, claimedBy, leaseEnd.failed(error)),
  skipped: (db: Db, id: number, claimedBy: string, reason: string) =>
    finish(db, id, claimedBy, leaseEnd.skipped(reason)),
};

/** One of the user's prompts (never another user's). */
export async function findUserPrompt(
  db: Db,
  userId: number,
  promptId: number,
): Promise<CheckinPrompt | undefined> {
  const [row] = await db
    .select()
    .from(checkinPrompts)
    .where(and(eq(checkinPrompts.id, promptId), eq(checkinPrompts.userId, userId)));
  return row;
}

/**
 * Links the entry that answers a prompt; false when the prompt was answered already (a second tap that
 * raced the first), in which case the caller takes its entry back.
 */
export async function linkPromptAnswer(
  db: Db,
  answer: { userId: number; promptId: number; moodEntryId: number; at: Date },
): Promise<boolean> {
  const t = checkinPrompts;
  const rows = await db
    .update(t)
    .set({ answeredAt: answer.at, moodEntryId: answer.moodEntryId })
    .where(and(eq(t.id, answer.promptId), eq(t.userId, answer.userId), isNull(t.answeredAt)))
    .returning({ id: t.id });
  return rows.length > 0;
}
