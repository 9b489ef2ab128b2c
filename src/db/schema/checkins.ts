import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  index,
  integer,
  pgTable,
  serial,
  smallint,
  text,
  timestamp,
  unique,
} from 'drizzle-orm/pg-core';
import { moodEntries } from './mood-entries.js';
import { users } from './users.js';

/**
 * A user's daily check-in: the local times and days the bot asks "How are you feeling?" by DM. The row
 * is also made (off) when the first /mood offers a check-in, so the offer is shown once.
 */
export const checkinSchedules = pgTable(
  'checkin_schedules',
  {
    userId: integer('user_id')
      .primaryKey()
      .references(() => users.id, { onDelete: 'cascade' }),
    enabled: boolean('enabled').notNull().default(false),
    /** Minutes after local midnight in the user's time zone (user_settings.time_zone), 0 to 3 of them. */
    times: smallint('times').array().notNull().default(sql`'{}'::smallint[]`),
    /** ISO weekdays as bits: Monday = 1 ... Sunday = 64; 127 is every day. */
    days: smallint('days').notNull().default(127),
    /** "Pause for a week": no prompt before this instant. */
    pausedUntil: timestamp('paused_until'),
    /**
     * Unanswered prompts count only after this (and after the user's latest mood): "Keep" and turning
     * check-ins on again start the count afresh.
     */
    resumedAt: timestamp('resumed_at'),
    offeredAt: timestamp('offered_at'),
    updatedAt: timestamp('updated_at').notNull().defaultNow(),
  },
  (t) => [
    check('checkin_schedules_days_check', sql`${t.days} BETWEEN 0 AND 127`),
    check('checkin_schedules_times_check', sql`cardinality(${t.times}) <= 3`),
    index('idx_checkin_schedules_enabled').on(t.userId).where(sql`${t.enabled}`),
  ],
);

export const checkinPromptKinds = ['prompt', 'keep'] as const;
export type CheckinPromptKind = (typeof checkinPromptKinds)[number];
export const checkinPromptStatuses = ['claimed', 'sent', 'failed', 'skipped'] as const;
export type CheckinPromptStatus = (typeof checkinPromptStatuses)[number];

/**
 * One row per user and slot (the UTC instant of a chosen local time). The unique key makes each prompt
 * go once: a sender claims the row with a lease before sending, as digests do. `kind` 'keep' is the one
 * message asking whether to keep prompts after three went unanswered. An answer links the mood entry.
 */
export const checkinPrompts = pgTable(
  'checkin_prompts',
  {
    id: serial('id').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    slotAt: timestamp('slot_at').notNull(),
    kind: text('kind').$type<CheckinPromptKind>().notNull().default('prompt'),
    status: text('status').$type<CheckinPromptStatus>().notNull().default('claimed'),
    claimedBy: text('claimed_by'),
    leaseExpiresAt: timestamp('lease_expires_at'),
    attempts: integer('attempts').notNull().default(0),
    sentAt: timestamp('sent_at'),
    lastError: text('last_error'),
    answeredAt: timestamp('answered_at'),
    moodEntryId: integer('mood_entry_id').references(() => moodEntries.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at').notNull().defaultNow(),
  },
  (t) => [
    unique('checkin_prompts_user_slot_key').on(t.userId, t.slotAt),
    // Undoing or erasing a mood entry clears its link here: found by this index, not a scan.
    index('idx_checkin_prompts_mood_entry').on(t.moodEntryId),
    index('idx_checkin_prompts_open_lease').on(t.leaseExpiresAt).where(sql`${t.status} = 'claimed'`),
  ],
);

export type CheckinSchedule = typeof checkinSchedules.$inferSelect;
export type CheckinPrompt = typeof checkinPrompts.$inferSelect;
