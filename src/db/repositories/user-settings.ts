import { eq } from 'drizzle-orm';
import type { Db } from '../database.js';
import { type UserSettings, userSettings } from '../schema/index.js';
import { storableText } from './text-guard.js';

export type SettingsPatch = Partial<Omit<UserSettings, 'userId' | 'updatedAt'>>;

/** The defaults a user has before they change anything; the table's column defaults say the same. */
export function defaultSettings(userId: number): UserSettings {
  return {
    userId,
    timeZone: 'UTC',
    digestEnabled: true,
    digestDay: 1,
    digestHour: 9,
    llmNotesConsent: false,
    channelVibeOptIn: false,
    dmBlockedAt: null,
    updatedAt: new Date(0),
  };
}

/** The user's settings; a user without a row has the defaults. */
export async function getUserSettings(db: Db, userId: number): Promise<UserSettings> {
  const [row] = await db.select().from(userSettings).where(eq(userSettings.userId, userId));
  return row ?? defaultSettings(userId);
}

/** Changes only the given settings, creating the row on first change. */
export async function updateUserSettings(
  db: Db,
  userId: number,
  patch: SettingsPatch,
): Promise<UserSettings> {
  if (patch.timeZone !== undefined) storableText(patch.timeZone, 'time zone');
  const now = new Date();
  const [row] = await db
    .insert(userSettings)
    .values({ userId, ...patch, updatedAt: now })
    .onConflictDoUpdate({ target: userSettings.userId, set: { ...patch, updatedAt: now } })
    .returning();
  return row!;
}
