import { sql } from 'drizzle-orm';
import { boolean, check, integer, pgTable, smallint, text, timestamp } from 'drizzle-orm/pg-core';
import { users } from './users.js';

/** One row per user; absent means every default below. */
export const userSettings = pgTable(
  'user_settings',
  {
    userId: integer('user_id')
      .primaryKey()
      .references(() => users.id, { onDelete: 'cascade' }),
    timeZone: text('time_zone').notNull().default('UTC'),
    digestEnabled: boolean('digest_enabled').notNull().default(true),
    /** ISO weekday: 1 = Monday ... 7 = Sunday. */
    digestDay: smallint('digest_day').notNull().default(1),
    digestHour: smallint('digest_hour').notNull().default(9),
    /** Consent to send free-text notes to the language model. Off until the user turns it on. */
    llmNotesConsent: boolean('llm_notes_consent').notNull().default(false),
    /** Consent to count, anonymously, toward the weekly channel vibe (only shown from 5 contributors). */
    channelVibeOptIn: boolean('channel_vibe_opt_in').notNull().default(false),
    /** Set when a platform refused a DM (e.g. Discord 50007), so we stop retrying and tell the user. */
    dmBlockedAt: timestamp('dm_blocked_at'),
    updatedAt: timestamp('updated_at').notNull().defaultNow(),
  },
  (t) => [
    check('user_settings_digest_day_check', sql`${t.digestDay} BETWEEN 1 AND 7`),
    check('user_settings_digest_hour_check', sql`${t.digestHour} BETWEEN 0 AND 23`),
  ],
);

export type UserSettings = typeof userSettings.$inferSelect;
export type NewUserSettings = typeof userSettings.$inferInsert;
