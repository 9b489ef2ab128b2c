import type { Db } from './database.js';
import { recordAudits } from './repositories/audit-log.js';
import { resolveIdentityUser } from './repositories/chat-identities.js';
import { logMoodEntries } from './repositories/mood-entries.js';
import { getUserSettings, updateUserSettings } from './repositories/user-settings.js';

/** Thrown to roll the warm-up back; never leaves this module. */
class RollBack extends Error {}

/**
 * Runs the hot path of a first command once, in a transaction that is rolled back, so nothing is
 * written. PGlite is PostgreSQL compiled to WebAssembly, in this process: a fresh one pays on the first
 * statement that touches each table (empty catalog caches, relation files opened, and V8 compiling the
 * WebAssembly those paths run). Measured on a seeded database: 250-500 ms for each of the first
 * identity lookup, mood insert and settings change, 1-50 ms afterwards. Paying it here, before the
 * console prompt is shown, keeps it out of the user's first /mood and /settings.
 */
export async function warmUpPglite(db: Db): Promise<void> {
  try {
    await db.transaction(async (tx) => {
      const user = await resolveIdentityUser(
        tx,
        { platform: 'console', workspaceId: '', externalUserId: 'moodscale-warm-up' },
        { displayName: null, timeZone: 'UTC' },
      );
      if (typeof user === 'object') {
        const from = new Date(Date.now() - 7 * 86_400_000);
        await logMoodEntries(tx, [
          {
            userId: user.userId,
            moodScore: 5,
            emotions: ['calm'],
            window: { from, timeZone: 'UTC', knownEntries: 0, knownLastId: null },
          },
        ]);
        await getUserSettings(tx, user.userId);
        await updateUserSettings(tx, user.userId, { timeZone: 'UTC' });
        await recordAudits(tx, [
          { userId: user.userId, platform: 'console', action: 'warm-up', outcome: 'ok' },
        ]);
      }
      throw new RollBack();
    });
  } catch (error) {
    if (!(error instanceof RollBack)) throw error;
  }
}
