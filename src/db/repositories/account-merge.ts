import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../database.js';
import {
  auditLog,
  channelDigestChannels,
  chatIdentities,
  checkinPrompts,
  checkinSchedules,
  digestDeliveries,
  linkCodes,
  moodEntries,
  moodVersions,
  musicAnalysis,
  pendingImports,
  personalityInsights,
  recommendations,
  userSettings,
  users,
  workspaceMembers,
} from '../schema/index.js';
import { raiseMoodVersions } from './mood-versions.js';

/** Tables whose rows simply change owner when two users become one. */
const movableTables = [
  moodEntries,
  musicAnalysis,
  recommendations,
  personalityInsights,
  auditLog,
  chatIdentities,
  linkCodes,
] as const;

/**
 * Every table with a user_id that mergeUsers handles: the movable ones plus those with a unique key
 * per user (settings, digest deliveries, check-ins) and pending imports. A test compares this with the catalogue.
 */
export const mergedTables = [
  'mood_entries',
  'music_analysis',
  'recommendations',
  'personality_insights',
  'audit_log',
  'chat_identities',
  'link_codes',
  'user_settings',
  'digest_deliveries',
  'workspace_members',
  'checkin_schedules',
  'checkin_prompts',
  'pending_imports',
  'mood_versions',
] as const;

/**
 * Makes `from` part of `into`: every row of `from` moves to `into` and `from` is deleted, in one
 * transaction. Where both have a row under a per-user key, `into`'s is kept (its settings, its
 * delivered digests). Encrypted values bound to `from` (Spotify tokens) are the caller's to re-encrypt
 * beforehand; they are dropped with `from`. Values that move with their rows (notes) are re-encrypted by
 * `beforeMove`, inside the transaction, so they move re-encrypted or not at all.
 */
export async function mergeUsers(
  db: Db,
  from: number,
  into: number,
  options: { beforeMove?: (tx: Db) => Promise<unknown> } = {},
): Promise<void> {
  if (from === into) return;
  await db.transaction(async (tx) => {
    await options.beforeMove?.(tx);
    for (const table of movableTables) {
      await tx.update(table).set({ userId: into }).where(eq(table.userId, from));
    }
    // `into` has entries it did not have: every instance counts its recent days again. `from`'s count goes.
    await tx.delete(moodVersions).where(eq(moodVersions.userId, from));
    await raiseMoodVersions(tx, [into]);
    await tx.execute(sql`
      DELETE FROM digest_deliveries d WHERE d.user_id = ${from}
         AND EXISTS (SELECT 1 FROM digest_deliveries k WHERE k.user_id = ${into} AND k.period = d.period)`);
    await tx.update(digestDeliveries).set({ userId: into }).where(eq(digestDeliveries.userId, from));
    // Check-ins: `into`'s schedule is kept like its settings; prompts of the same slot are one prompt.
    await tx.execute(sql`
      DELETE FROM checkin_prompts p WHERE p.user_id = ${from}
         AND EXISTS (SELECT 1 FROM checkin_prompts k WHERE k.user_id = ${into} AND k.slot_at = p.slot_at)`);
    await tx.update(checkinPrompts).set({ userId: into }).where(eq(checkinPrompts.userId, from));
    await tx.execute(sql`
      DELETE FROM checkin_schedules s WHERE s.user_id = ${from}
         AND EXISTS (SELECT 1 FROM checkin_schedules k WHERE k.user_id = ${into})`);
    await tx.update(checkinSchedules).set({ userId: into }).where(eq(checkinSchedules.userId, from));
    // An import waiting for its confirmation is sealed to `from` and would not open for `into`: it goes,
    // and the user runs /import again (nothing of it was written yet).
    await tx.delete(pendingImports).where(eq(pendingImports.userId, from));
    await tx.execute(sql`
      DELETE FROM workspace_members w WHERE w.user_id = ${from}
         AND EXISTS (SELECT 1 FROM workspace_members k WHERE k.user_id = ${into}
                        AND k.platform = w.platform AND k.workspace_id = w.workspace_id)`);
    await tx.update(workspaceMembers).set({ userId: into }).where(eq(workspaceMembers.userId, from));
    await tx
      .update(channelDigestChannels)
      .set({ enabledBy: into })
      .where(eq(channelDigestChannels.enabledBy, from));
    const [kept] = await tx
      .select({ userId: userSettings.userId })
      .from(userSettings)
      .where(eq(userSettings.userId, into));
    if (kept) await tx.delete(userSettings).where(eq(userSettings.userId, from));
    else await tx.update(userSettings).set({ userId: into }).where(eq(userSettings.userId, from));
    await tx.delete(users).where(and(eq(users.id, from)));
  });
}
