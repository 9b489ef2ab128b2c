import { and, asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { IdentityKey } from '../../core/identity.js';
import type { Db } from '../database.js';
import { type PreparedStatement, runPrepared } from '../raw-query.js';
import { type ChatIdentity, chatIdentities, type User, users } from '../schema/index.js';
import { storableText } from './text-guard.js';

/** What identifies a chat account: the platform, its workspace (Slack team, '' elsewhere) and user id. */
export type { IdentityKey };

export async function findIdentity(
  db: Db,
  key: IdentityKey,
): Promise<{ identity: ChatIdentity; user: User } | undefined> {
  const [row] = await db
    .select({ identity: chatIdentities, user: users })
    .from(chatIdentities)
    .innerJoin(users, eq(users.id, chatIdentities.userId))
    .where(
      and(
        eq(chatIdentities.platform, key.platform),
        eq(chatIdentities.workspaceId, key.workspaceId),
        eq(chatIdentities.externalUserId, key.externalUserId),
      ),
    );
  return row;
}

/**
 * Attaches the chat account to a user unless it is attached already. Returns the identity as stored,
 * which belongs to another user when a concurrent request attached it first.
 */
export async function attachIdentity(
  db: Db,
  key: IdentityKey,
  userId: number,
  displayName?: string | null,
): Promise<ChatIdentity> {
  const [created] = await db
    .insert(chatIdentities)
    .values({
      userId,
      platform: key.platform,
      workspaceId: storableText(key.workspaceId, 'workspace id'),
      externalUserId: storableText(key.externalUserId, 'user id'),
      displayName: storableText(displayName ?? null, 'display name'),
    })
    .onConflictDoNothing()
    .returning();
  if (created) return created;
  const existing = await findIdentity(db, key);
  if (!existing) throw new Error('identity vanished between insert and select');
  return existing.identity;
}

export async function listIdentitiesOfUser(db: Db, userId: number): Promise<ChatIdentity[]> {
  return db
    .select()
    .from(chatIdentities)
    .where(eq(chatIdentities.userId, userId))
    .orderBy(asc(chatIdentities.createdAt), asc(chatIdentities.id));
}

/** Records that the identity was just used (the digest goes to the platform used most recently). */
export async function touchIdentity(db: Db, identityId: number, at: Date = new Date()): Promise<void> {
  await db.update(chatIdentities).set({ lastSeenAt: at }).where(eq(chatIdentities.id, identityId));
}

/** Moves every identity of one user to another (account linking); returns how many moved. */
export async function reassignIdentities(db: Db, fromUserId: number, toUserId: number): Promise<number> {
  const moved = await db
    .update(chatIdentities)
    .set({ userId: toUserId })
    .where(eq(chatIdentities.userId, fromUserId))
    .returning({ id: chatIdentities.id });
  return moved.length;
}

export async function detachIdentity(db: Db, identityId: number): Promise<boolean> {
  const deleted = await db
    .delete(chatIdentities)
    .where(eq(chatIdentities.id, identityId))
    .returning({ id: chatIdentities.id });
  return deleted.length > 0;
}

/** A chat account's user with the settings every command needs. */
export interface IdentityUser {
  userId: number;
  username: string;
  identityId: number;
  timeZone: string;
  dmBlocked: boolean;
}

const identityUserRow = z.object({
  user_id: z.coerce.number(),
  username: z.string(),
  identity_id: z.coerce.number(),
  time_zone: z.string().nullable(),
  dm_blocked: z.boolean().nullable(),
});

const toIdentityUser = (raw: unknown): IdentityUser => {
  const row = identityUserRow.parse(raw);
  return {
    userId: row.user_id,
    username: row.username,
    identityId: row.identity_id,
    timeZone: row.time_zone ?? 'UTC',
    dmBlocked: row.dm_blocked ?? false,
  };
};

const findIdentityUserStatement: PreparedStatement = {
  name: 'moodscale_find_identity_user_v1',
  text: `SELECT u.id AS user_id, u.username, i.id AS identity_id, s.time_zone,
                s.dm_blocked_at IS NOT NULL AS dm_blocked
           FROM chat_identities i
           JOIN users u ON u.id = i.user_id
           LEFT JOIN user_settings s ON s.user_id = u.id
          WHERE i.platform = $1 AND i.workspace_id = $2 AND i.external_user_id = $3`,
};

/** The account's user and settings in one round trip; undefined for an account not seen before. */
export async function findIdentityUser(db: Db, key: IdentityKey): Promise<IdentityUser | undefined> {
  const [row] = await runPrepared(db, findIdentityUserStatement, [
    key.platform,
    key.workspaceId,
    key.externalUserId,
  ]);
  return row === undefined ? undefined : toIdentityUser(row);
}

// The account's user when the account is known (its last use noted), else a new user, identity and (with
// a time zone) settings: one round trip either way. A username that is taken, or an account another
// request attached at the same moment, inserts no identity: the caller then takes the slow path.
const resolveIdentityUserStatement: PreparedStatement = {
  name: 'moodscale_resolve_identity_user_v2',
  text: `WITH found AS (
           SELECT u.id AS user_id, u.username, i.id AS identity_id, s.time_zone,
                  s.dm_blocked_at IS NOT NULL AS dm_blocked
             FROM chat_identities i
             JOIN users u ON u.id = i.user_id
             LEFT JOIN user_settings s ON s.user_id = u.id
            WHERE i.platform = $2 AND i.workspace_id = $3 AND i.external_user_id = $4
         ), touched AS (
           UPDATE chat_identities SET last_seen_at = now() AT TIME ZONE 'UTC'
            WHERE id IN (SELECT identity_id FROM found)
         ), new_user AS (
           INSERT INTO users (username) SELECT $1 WHERE NOT EXISTS (SELECT 1 FROM found)
           ON CONFLICT (username) DO NOTHING RETURNING id, username
         ), identity AS (
           INSERT INTO chat_identities (user_id, platform, workspace_id, external_user_id, display_name)
           SELECT id, $2, $3, $4, $5 FROM new_user
           ON CONFLICT (platform, workspace_id, external_user_id) DO NOTHING
           RETURNING id, user_id
         ), settings AS (
           INSERT INTO user_settings (user_id, time_zone)
           SELECT user_id, $6 FROM identity WHERE $6::text IS NOT NULL
           RETURNING user_id
         )
         SELECT user_id, username, identity_id, time_zone, dm_blocked, false AS created FROM found
         UNION ALL
         SELECT n.id, n.username, i.id, coalesce($6::text, 'UTC'), false, true
           FROM new_user n LEFT JOIN identity i ON i.user_id = n.id`,
};

/**
 * The user of a chat account in one round trip: found (and its use noted), or created with its identity
 * and settings. 'taken' when a new account's username is in use (an unlinked account's old user):
 * nothing was written. 'lost' when another request attached the account at the same moment: the user
 * row this made is deleted again.
 */
export async function resolveIdentityUser(
  db: Db,
  key: IdentityKey,
  options: { displayName: string | null; timeZone: string | undefined },
): Promise<(IdentityUser & { created: boolean }) | 'taken' | 'lost'> {
  const [row] = await runPrepared(db, resolveIdentityUserStatement, [
    usernameFor(key),
    key.platform,
    storableText(key.workspaceId, 'workspace id'),
    storableText(key.externalUserId, 'user id'),
    storableText(options.displayName, 'display name'),
    options.timeZone === undefined ? null : storableText(options.timeZone, 'time zone'),
  ]);
  if (row === undefined) return 'taken';
  const raw = row as { identity_id: unknown; user_id: unknown };
  if (raw.identity_id === null) {
    await db.delete(users).where(eq(users.id, Number(raw.user_id)));
    return 'lost';
  }
  return { ...toIdentityUser(row), created: (row as { created?: unknown }).created === true };
}

// Settings are inserted only when the user has none: a zone chosen meanwhile (or any settings row) wins.
const applyAccountProfileStatement: PreparedStatement = {
  name: 'moodscale_apply_account_profile_v1',
  text: `WITH settings AS (
           INSERT INTO user_settings (user_id, time_zone)
           SELECT $1, $3::text WHERE $3::text IS NOT NULL
           ON CONFLICT (user_id) DO NOTHING
           RETURNING time_zone
         ), named AS (
           UPDATE chat_identities SET display_name = $4
            WHERE id = $2 AND $4::text IS NOT NULL AND display_name IS DISTINCT FROM $4
         )
         SELECT time_zone FROM settings`,
};

/**
 * A just-created user's profile details that arrived after the user was made (Slack's users.info): the
 * time zone becomes the user's only if they have no settings yet, the display name replaces the one
 * the command carried. Resolves with the time zone now stored, or undefined when nothing changed it.
 */
export async function applyAccountProfile(
  db: Db,
  account: {
    userId: number;
    identityId: number;
    timeZone?: string | undefined;
    displayName?: string | undefined;
  },
): Promise<string | undefined> {
  const [row] = await runPrepared(db, applyAccountProfileStatement, [
    account.userId,
    account.identityId,
    account.timeZone === undefined ? null : storableText(account.timeZone, 'time zone'),
    account.displayName === undefined ? null : storableText(account.displayName, 'display name'),
  ]);
  return row === undefined ? undefined : z.object({ time_zone: z.string() }).parse(row).time_zone;
}

/** The username a chat account's own user gets: platform, workspace and user id. */
export function usernameFor(key: IdentityKey): string {
  return [key.platform, key.workspaceId, key.externalUserId].filter(Boolean).join(':');
}
