import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from './database.js';
import { selectRows } from './raw-query.js';
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
 *
 * A rollback does not give back the ids its inserts drew (sequences are not transactional), so each
 * start would skip one id of each table it touched (a fresh console's first mood would be entry 2, in
 * `/undo entry:2`): the sequences are set back to where they were. PGlite has one connection and the
 * warm-up runs before any command, so no other insert draws from them meanwhile.
 */
export async function warmUpPglite(db: Db): Promise<void> {
  const before = await sequencePositions(db);
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
            window: { from, timeZone: 'UTC', knownVersion: null },
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
  await restoreSequences(db, before);
}

const sequencePosition = z.object({
  name: z.string(),
  // bigint as text; null for a sequence that has never given an id.
  last_value: z.string().nullable(),
});
type SequencePosition = z.infer<typeof sequencePosition>;

function sequencePositions(db: Db): Promise<SequencePosition[]> {
  return selectRows(
    db,
    sql`SELECT format('%I.%I', schemaname, sequencename) AS name, last_value::text AS last_value
          FROM pg_sequences WHERE schemaname = 'public'`,
    sequencePosition,
  );
}

async function restoreSequences(db: Db, before: readonly SequencePosition[]): Promise<void> {
  const after = new Map((await sequencePositions(db)).map((s) => [s.name, s.last_value]));
  for (const { name, last_value } of before) {
    if (after.get(name) === last_value) continue;
    // Never used: back to "the next id is the first"; else: the last id given stays the last.
    await db.execute(
      last_value === null
        ? sql`SELECT setval(${name}::regclass, 1, false)`
        : sql`SELECT setval(${name}::regclass, ${last_value}::bigint, true)`,
    );
  }
}
