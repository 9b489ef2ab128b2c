import { and, asc, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { UserError } from '../../core/errors.js';
import { accountName, type IdentityKey } from '../../core/identity.js';
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

// Each account's user when the account is known (its last use noted), else a new user, identity and
// (with a time zone) settings: one round trip for the lot. A username that is taken, or an account
// another request attached at the same moment, inserts no identity: that caller takes the slow path.
// Inputs are numbered (ordinality) so that every row of the answer says whose it is. Several rows are
// written per statement, so two instances' groups could lock the same rows in opposite orders: the
// last-use note skips a row locked at that moment (it is only a hint for where digests go), and new
// rows are inserted in username order.
const resolveIdentityUsersStatement: PreparedStatement = {
  name: 'moodscale_resolve_identity_users_v4',
  text: `WITH input AS (
           SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
                    WITH ORDINALITY AS t(username, platform, workspace_id, external_user_id, display_name,
                                         time_zone, n)
         ), found AS (
           SELECT t.n, u.id AS user_id, u.username, i.id AS identity_id, s.time_zone,
                  s.dm_blocked_at IS NOT NULL AS dm_blocked
             FROM input t
             JOIN chat_identities i ON i.platform = t.platform AND i.workspace_id = t.workspace_id
                                   AND i.external_user_id = t.external_user_id
             JOIN users u ON u.id = i.user_id
             LEFT JOIN user_settings s ON s.user_id = u.id
         ), touched AS (
           UPDATE chat_identities SET last_seen_at = now() AT TIME ZONE 'UTC'
            WHERE id IN (SELECT id FROM chat_identities WHERE id IN (SELECT identity_id FROM found)
                         FOR UPDATE SKIP LOCKED)
         ), new_user AS (
           INSERT INTO users (username)
           SELECT DISTINCT t.username FROM input t WHERE NOT EXISTS (SELECT 1 FROM found f WHERE f.n = t.n)
            ORDER BY t.username
           ON CONFLICT (username) DO NOTHING RETURNING id, username
         ), identity AS (
           INSERT INTO chat_identities (user_id, platform, workspace_id, external_user_id, display_name)
           SELECT DISTINCT ON (n.id) n.id, t.platform, t.workspace_id, t.external_user_id, t.display_name
             FROM new_user n JOIN input t ON t.username = n.username
            ORDER BY n.id, t.n
           ON CONFLICT (platform, workspace_id, external_user_id) DO NOTHING
           RETURNING id, user_id
         ), settings AS (
           INSERT INTO user_settings (user_id, time_zone)
           SELECT DISTINCT ON (i.user_id) i.user_id, t.time_zone
             FROM identity i JOIN new_user n ON n.id = i.user_id JOIN input t ON t.username = n.username
            WHERE t.time_zone IS NOT NULL
            ORDER BY i.user_id, t.n
           RETURNING user_id
         )
         SELECT f.n, f.user_id, f.username, f.identity_id, f.time_zone, f.dm_blocked, false AS created
           FROM found f
         UNION ALL
         SELECT t.n, n.id, n.username, i.id, coalesce(t.time_zone, 'UTC'), false, true
           FROM input t JOIN new_user n ON n.username = t.username LEFT JOIN identity i ON i.user_id = n.id`,
};

/** An account to resolve: its key, and what a user made for it now starts with. */
export interface IdentityToResolve {
  key: IdentityKey;
  displayName: string | null;
  timeZone: string | undefined;
}

/** A resolved account: found (its use noted) or created; 'taken' or 'lost' as resolveIdentityUser says. */
export type ResolvedIdentity = (IdentityUser & { created: boolean }) | 'taken' | 'lost';

const resolvedRowNumber = z.object({ n: z.coerce.number(), identity_id: z.unknown(), user_id: z.unknown() });

/**
 * The users of several chat accounts in one round trip (see resolveIdentityUser), answered in order.
 * Accounts with the same key in one call would race each other: the caller passes each key once.
 */
export async function resolveIdentityUsers(
  db: Db,
  accounts: readonly IdentityToResolve[],
): Promise<Array<ResolvedIdentity | UserError>> {
  // An account whose text cannot be stored gets its own error; the others are resolved all the same.
  const answers: Array<ResolvedIdentity | UserError> = accounts.map((a) => unstorable(a) ?? 'taken');
  const sent = accounts.flatMap((a, i) => (answers[i] instanceof UserError ? [] : [{ ...a, at: i }]));
  if (sent.length === 0) return answers;
  const rows = await runPrepared(db, resolveIdentityUsersStatement, [
    sent.map((a) => usernameFor(a.key)),
    sent.map((a) => a.key.platform),
    sent.map((a) => a.key.workspaceId),
    sent.map((a) => a.key.externalUserId),
    sent.map((a) => a.displayName),
    sent.map((a) => a.timeZone ?? null),
  ]);
  const lostUsers: number[] = [];
  for (const row of rows) {
    const { n, identity_id: identityId, user_id: userId } = resolvedRowNumber.parse(row);
    const at = sent[n - 1]?.at;
    if (at === undefined) continue;
    if (identityId === null) {
      lostUsers.push(Number(userId));
      answers[at] = 'lost';
      continue;
    }
    answers[at] = { ...toIdentityUser(row), created: (row as { created?: unknown }).created === true };
  }
  // The user rows made for accounts another request attached first are not left behind.
  if (lostUsers.length > 0) await db.delete(users).where(inArray(users.id, lostUsers));
  return answers;
}

function unstorable(account: IdentityToResolve): UserError | undefined {
  try {
    storableText(account.key.workspaceId, 'workspace id');
    storableText(account.key.externalUserId, 'user id');
    storableText(account.displayName, 'display name');
    storableText(account.timeZone, 'time zone');
    return undefined;
  } catch (error) {
    if (error instanceof UserError) return error;
    throw error;
  }
}

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
): Promise<ResolvedIdentity> {
  const [answer] = await resolveIdentityUsers(db, [{ key, ...options }]);
  if (answer instanceof UserError) throw answer;
  return answer ?? 'taken';
}

// Settings are inserted only when the user has none: a zone chosen meanwhile (or any settings row) wins.
const applyAccountProfilesStatement: PreparedStatement = {
  name: 'moodscale_apply_account_profiles_v2',
  text: `WITH input AS (
           SELECT * FROM unnest($1::int[], $2::int[], $3::text[], $4::text[])
                    AS t(user_id, identity_id, time_zone, display_name)
         ), settings AS (
           INSERT INTO user_settings (user_id, time_zone)
           SELECT user_id, time_zone FROM input WHERE time_zone IS NOT NULL
           ON CONFLICT (user_id) DO NOTHING
           RETURNING user_id, time_zone
         ), named AS (
           UPDATE chat_identities c SET display_name = input.display_name
             FROM input
            WHERE c.id = input.identity_id AND input.display_name IS NOT NULL
              AND c.display_name IS DISTINCT FROM input.display_name
         )
         SELECT user_id, time_zone FROM settings`,
};

/** A profile that arrived after its user was made (Slack's users.info). */
export interface AccountProfileUpdate {
  userId: number;
  identityId: number;
  timeZone?: string | undefined;
  displayName?: string | undefined;
}

const appliedZoneRow = z.object({ user_id: z.coerce.number(), time_zone: z.string() });

/**
 * Just-created users' profile details, in one statement for the lot: a time zone becomes the user's
 * only if they have no settings yet, a display name replaces the one the command carried. Answers, per
 * account in order, the time zone now stored, or undefined when nothing changed it.
 */
export async function applyAccountProfiles(
  db: Db,
  accounts: readonly AccountProfileUpdate[],
): Promise<Array<string | undefined>> {
  if (accounts.length === 0) return [];
  const rows = await runPrepared(db, applyAccountProfilesStatement, [
    accounts.map((a) => a.userId),
    accounts.map((a) => a.identityId),
    accounts.map((a) => (a.timeZone === undefined ? null : storableText(a.timeZone, 'time zone'))),
    accounts.map((a) => (a.displayName === undefined ? null : storableText(a.displayName, 'display name'))),
  ]);
  const zones = new Map(rows.map((row) => appliedZoneRow.parse(row)).map((r) => [r.user_id, r.time_zone]));
  return accounts.map((a) => zones.get(a.userId));
}

/** One account's late profile (see applyAccountProfiles). */
export async function applyAccountProfile(
  db: Db,
  account: AccountProfileUpdate,
): Promise<string | undefined> {
  const [zone] = await applyAccountProfiles(db, [account]);
  return zone;
}

/** The username a chat account's own user gets: its account name (platform, workspace and user id). */
export function usernameFor(key: IdentityKey): string {
  return accountName(key);
}
